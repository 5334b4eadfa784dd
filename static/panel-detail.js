// Gateway Tour live panel, frame detail: notes, heartbeat timing, close
// meaning, and the payload pretty-printed as DOM nodes (never HTML strings)
// with every guild, user and member object the annotator found wrapped in
// its own colour. Hovering an object shows the annotator's note about it.
"use strict";

(() => {
  const P = window.GatewayTourPanel;
  const { el, clock, bytes } = P;
  const KINDS = { guild: "Guild", user: "User", member: "Member" };
  let pane;
  let current = null;
  let raw = false;

  // renderValue appends value, pretty-printed at depth, to parent. path is
  // the annotator's notation: "d.members[3].user".
  function renderValue(parent, value, path, depth, terms) {
    const term = terms.get(path);
    let target = parent;
    if (term) {
      target = el("span", "obj obj-" + term.kind);
      target.dataset.kind = term.kind;
      target.dataset.path = path;
      target.dataset.note = term.note || "";
      target.title = `${KINDS[term.kind] || term.kind} object at ${path}` + (term.note ? `: ${term.note}` : "");
      parent.append(target);
    }
    const indent = "  ".repeat(depth);
    if (Array.isArray(value)) {
      if (!value.length) return target.append(el("span", "j-punct", "[]"));
      target.append(el("span", "j-punct", "["), "\n");
      value.forEach((item, i) => {
        target.append(indent + "  ");
        renderValue(target, item, `${path}[${i}]`, depth + 1, terms);
        target.append(i < value.length - 1 ? "," : "", "\n");
      });
      target.append(indent, el("span", "j-punct", "]"));
    } else if (value !== null && typeof value === "object") {
      const keys = Object.keys(value);
      if (!keys.length) return target.append(el("span", "j-punct", "{}"));
      target.append(el("span", "j-punct", "{"), "\n");
      keys.forEach((key, i) => {
        target.append(indent + "  ", el("span", "j-key", JSON.stringify(key)), ": ");
        renderValue(target, value[key], path ? `${path}.${key}` : key, depth + 1, terms);
        target.append(i < keys.length - 1 ? "," : "", "\n");
      });
      target.append(indent, el("span", "j-punct", "}"));
    } else {
      const kind = value === null ? "null" : typeof value;
      target.append(el("span", "j-" + kind, JSON.stringify(value)));
    }
  }

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
    const kinds = [...new Set(terms.map((t) => t.kind))];
    const box = el("div", "detail-legend");
    if (!kinds.length) return box;
    box.append(el("span", "legend-title", "Objects:"));
    for (const kind of ["guild", "user", "member"].filter((k) => kinds.includes(k))) {
      const n = terms.filter((t) => t.kind === kind).length;
      const item = el("span", "legend-item obj-" + kind, `${KINDS[kind]} ×${n}`);
      item.dataset.kind = kind;
      box.append(item);
    }
    return box;
  }

  function render(r) {
    current = r;
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
    const toggle = el("button", "button button-small", raw ? "Pretty" : "Raw");
    toggle.type = "button";
    toggle.id = "payload-toggle";
    toggle.setAttribute("aria-pressed", String(raw));
    toggle.addEventListener("click", () => { raw = !raw; render(current); });
    const copy = el("button", "button button-small", "Copy");
    copy.type = "button";
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(JSON.stringify(r.payload, null, 2));
        copy.textContent = "Copied";
      } catch {
        copy.textContent = "Copy failed";
      }
      setTimeout(() => { copy.textContent = "Copy"; }, 1500);
    });
    const open = el("a", "button button-small", "JSON");
    open.href = `/panel/frame?stream=${encodeURIComponent(P.state.streamID)}&index=${r.index}&pretty=1`;
    open.target = "_blank";
    open.rel = "noopener";
    open.title = "The whole record, pretty-printed, in a new tab";
    bar.append(toggle, copy, open);
    parts.push(bar);

    const pre = el("pre", "payload" + (raw ? " payload-raw" : ""));
    pre.id = "payload";
    if (r.payload === undefined) pre.textContent = "(no payload)";
    else if (raw) pre.textContent = JSON.stringify(r.payload);
    else renderValue(pre, r.payload, "", 0, new Map(terms.map((t) => [t.path, t])));
    parts.push(pre);
    const note = el("p", "obj-note");
    note.id = "obj-note";
    note.hidden = true;
    parts.push(note);
    pane.replaceChildren(...parts);
  }

  P.on("ready", () => {
    pane = document.getElementById("frame-detail");
    // The note of the innermost object under the pointer.
    pane.addEventListener("mouseover", (e) => {
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
    });
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
