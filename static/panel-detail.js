// Gateway Tour live panel, frame detail: notes, heartbeat timing, close
// meaning, and the payload as a collapsible JSON tree (panel-tree.js; DOM
// nodes, never HTML strings) with every guild, user and member object the
// annotator found in its own colour. Hovering or focusing an object shows
// the annotator's note about it.
"use strict";

(() => {
  const P = window.GatewayTourPanel;
  const { el, clock, bytes } = P;
  const KINDS = { guild: "Guild", user: "User", member: "Member" };
  let pane;
  let current = null;
  let raw = false;

  function figure(label, value, cls) {
    const row = el("div", "fig" + (cls ? " " + cls : ""));
    row.append(el("dt", "", label), el("dd", "", value));
    return row;
  }

  const ms = (v) => (v == null ? null : v >= 1000 ? (v / 1000).toFixed(2) + " s" : v.toFixed(v < 10 ? 2 : 0) + " ms");

  function heartbeatFigures(hb) {
    const dl = el("dl", "detail-figures");
    dl.append(figure("interval", ms(hb.interval_ms)));
    if (hb.jitter_ms != null) dl.append(figure("first-beat jitter", ms(hb.jitter_ms)));
    if (hb.since_last_ms != null) dl.append(figure("since last", ms(hb.since_last_ms)));
    if (hb.ack_rtt_ms != null) dl.append(figure("ACK round trip", ms(hb.ack_rtt_ms)));
    if (hb.next_due_ms != null) dl.append(figure("next beat due in", ms(hb.next_due_ms)));
    if (hb.late) dl.append(figure("late", "yes: sent after the interval", "warn"));
    if (hb.missed_acks) dl.append(figure("unanswered beats", String(hb.missed_acks), "warn"));
    return dl;
  }

  function closeFigures(c) {
    const box = el("div", "detail-close");
    box.append(el("p", "detail-close-code", `Close ${c.code}${c.name ? " · " + c.name : ""}`));
    if (c.reason) box.append(el("p", "detail-close-reason", `Reason given: ${c.reason}`));
    box.append(el("p", "", c.meaning || ""));
    box.append(el("p", "detail-close-resume", c.can_resume ? "The session can be resumed." : (c.reconnect ? "Reconnect with a fresh Identify." : "Do not reconnect until this is fixed.")));
    if (c.fix) box.append(el("p", "detail-close-fix", "Fix: " + c.fix));
    return box;
  }

  function legend(terms) {
    const counts = new Map();
    for (const t of terms) counts.set(t.kind, (counts.get(t.kind) || 0) + 1);
    const box = el("div", "detail-legend");
    if (!counts.size) return box;
    box.append(el("span", "legend-title", "Objects:"));
    for (const kind of ["guild", "user", "member"].filter((k) => counts.has(k))) {
      const item = el("span", "legend-item obj-" + kind, `${KINDS[kind]} ×${counts.get(kind).toLocaleString()}`);
      item.dataset.kind = kind;
      box.append(item);
    }
    return box;
  }

  // termsByPath indexes a record's terms once; a GUILD_CREATE has tens of
  // thousands.
  function termsByPath(r) {
    if (!r._termMap) r._termMap = new Map((r.terms || []).map((t) => [t.path, t]));
    return r._termMap;
  }

  // RAW_MAX bounds the one-line view; Copy and JSON have the whole payload.
  const RAW_MAX = 1 << 20;
  function rawText(payload) {
    const text = JSON.stringify(payload);
    return text.length <= RAW_MAX ? text : text.slice(0, RAW_MAX) + ` … (${(text.length - RAW_MAX).toLocaleString()} more characters: use Copy or JSON)`;
  }

  // stripped is the record without the page's own search caches.
  function stripped(r) {
    const out = {};
    for (const [k, v] of Object.entries(r)) if (!k.startsWith("_") && k !== "receivedAt" && k !== "payload_text") out[k] = v;
    if (r.payload !== undefined) out.payload = r.payload;
    return out;
  }

  function flash(b, text) {
    const was = b.textContent;
    b.textContent = text;
    setTimeout(() => { b.textContent = was; }, 1500);
  }

  async function copy(b, text) {
    try {
      await navigator.clipboard.writeText(text);
      flash(b, "Copied");
    } catch {
      flash(b, "Copy failed");
    }
  }

  function render(r) {
    current = r;
    pane.parentElement.classList.toggle("no-selection", !r);
    if (!r) {
      pane.replaceChildren(el("p", "frame-detail-empty", "Select a frame to see its notes and payload."));
      return;
    }
    const head = el("div", "detail-head");
    const title = el("h3", "detail-title");
    const badge = r.op != null ? `op ${r.op}` : r.op_name === "REST" ? "REST" : r.close ? "close" : "?";
    title.append(el("span", "op-badge", badge), " ", r.t || (r.close ? "Close " + r.close.code : r.op_name === "REST" ? r.summary || "REST call" : r.op_name || "Frame"));
    head.append(title, el("span", "detail-meta",
      `${r.dir === "send" ? "↑ sent" : "↓ received"} · ${clock(r.time)} · #${r.index}${r.s != null ? " · s=" + r.s : ""} · ${bytes(r.size)}`));
    const parts = [head];
    if (r.error) parts.push(el("p", "detail-error", r.error));
    if (r.notes && r.notes.length) {
      const ul = el("ul", "detail-notes");
      for (const n of r.notes) ul.append(el("li", "", n));
      parts.push(ul);
    }
    if (r.heartbeat) parts.push(heartbeatFigures(r.heartbeat));
    if (r.close) parts.push(closeFigures(r.close));

    const terms = r.terms || [];
    const bar = el("div", "detail-bar");
    bar.append(legend(terms));
    const button = (label, id, title, action) => {
      const b = el("button", "button button-small", label);
      b.type = "button";
      if (id) b.id = id;
      if (title) b.title = title;
      b.addEventListener("click", () => action(b));
      bar.append(b);
      return b;
    };
    let tree = null; // built a moment later, in a task of its own
    if (!raw && r.payload !== undefined) {
      button("Expand all", "payload-expand", "Open every level (a huge payload opens its first few thousand entries)", (b) => {
        if (tree && !P.tree.expandAll(tree)) flash(b, "Opened the first few thousand");
      });
      button("Depth 2", "payload-collapse", "Collapse to depth 2", () => tree && P.tree.openTo(tree, 2));
    }
    const toggle = button(raw ? "Tree" : "Raw", "payload-toggle", raw ? "Show the payload as a tree" : "Show the payload as one line of JSON", () => { raw = !raw; render(current); });
    toggle.setAttribute("aria-pressed", String(raw));
    button("Copy", "copy-data", "Copy the frame's data: its payload as JSON text", (b) => copy(b, r.payload_text ?? (r.payload === undefined ? "" : JSON.stringify(r.payload))));
    button("Copy as JSON", "copy-record", "Copy the whole record (payload, notes, timing) as pretty JSON", (b) => copy(b, JSON.stringify(stripped(r), null, 2)));
    const open = el("a", "button button-small", "JSON");
    open.href = `/panel/frame?stream=${encodeURIComponent(P.state.streamID)}&index=${r.index}&pretty=1`;
    open.target = "_blank";
    open.rel = "noopener";
    open.title = "The whole record, pretty-printed, in a new tab";
    bar.append(open);
    parts.push(bar);

    const box = el(raw ? "pre" : "div", "payload" + (raw ? " payload-raw" : " payload-tree"));
    box.id = "payload";
    // Focusable, so a keyboard can scroll a long payload.
    box.tabIndex = 0;
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Payload");
    if (r.payload === undefined) box.textContent = "(no payload)";
    else if (raw) box.textContent = rawText(r.payload);
    else {
      // The head and notes show at once; the tree (and the index of a big
      // frame's terms) follows in the next task, so no one task runs long.
      box.setAttribute("aria-busy", "true");
      setTimeout(() => {
        if (current !== r || raw || !box.isConnected) return;
        tree = P.tree.build(r.payload, termsByPath(r));
        box.append(tree);
        box.removeAttribute("aria-busy");
      }, 0);
    }
    parts.push(box);
    const note = el("p", "obj-note");
    note.id = "obj-note";
    note.hidden = true;
    parts.push(note);
    pane.replaceChildren(...parts);
  }

  P.on("ready", () => {
    pane = document.getElementById("frame-detail");
    // The note of the innermost object under the pointer or the focus.
    const showNote = (e) => {
      const obj = e.target instanceof Element ? e.target.closest(".obj") : null;
      const note = document.getElementById("obj-note");
      if (!note) return;
      pane.querySelectorAll(".obj.hovered").forEach((o) => o.classList.remove("hovered"));
      if (!obj) {
        note.hidden = true;
        return;
      }
      obj.classList.add("hovered");
      note.textContent = `${KINDS[obj.dataset.kind]} at ${obj.dataset.path}${obj.dataset.note ? ": " + obj.dataset.note : ""}`;
      note.dataset.kind = obj.dataset.kind;
      note.hidden = false;
    };
    pane.addEventListener("mouseover", showNote);
    pane.addEventListener("focusin", showNote);
    // Hovering a glossary term (guild, user, member) in the lesson lights up
    // those objects in the selected frame.
    const termKind = (e) => {
      const term = e.target instanceof Element ? e.target.closest(".term[data-term]") : null;
      return term && KINDS[term.dataset.term] ? term.dataset.term : null;
    };
    const focusKind = (kind) => {
      if (kind) document.body.dataset.focusKind = kind;
      else delete document.body.dataset.focusKind;
    };
    document.addEventListener("mouseover", (e) => { const k = termKind(e); if (k) focusKind(k); });
    document.addEventListener("mouseout", (e) => { if (termKind(e)) focusKind(null); });
    document.addEventListener("focusin", (e) => { const k = termKind(e); if (k) focusKind(k); });
    document.addEventListener("focusout", (e) => { if (termKind(e)) focusKind(null); });
  });
  P.on("select", render);
  P.on("reset", () => render(null));
})();
