// Gateway Tour live panel, frame list: a virtualised list (only the rows in
// view exist, each the same height), filters by direction, op, event and a
// text or /regex/ search, pause/resume, clear, and autoscroll that stops
// while the reader looks further up.
"use strict";

(() => {
  const P = window.GatewayTourPanel;
  const { el, clock, bytes } = P;
  const ROW = 28; // px; must match .frame-row in app.css
  const OVERSCAN = 8;

  let list, spacer, count, gapNote, jump, empty;
  let view = []; // records that pass the filters, oldest first
  let selected = null;
  let marked = new Set(); // indexes of records a lesson points at (the stepper's step)
  let follow = true; // stick to the newest frame
  let paused = false;
  let heldWhilePaused = 0;
  let dirty = false;
  const pool = [];
  const filter = { dir: "", op: "", t: "", text: "", regex: null, error: "" };

  function matches(r) {
    if (filter.dir && r.dir !== filter.dir) return false;
    if (filter.op !== "" && String(r.op) !== filter.op) return false;
    if (filter.t && (r.t || "") !== filter.t) return false;
    if (filter.regex || filter.text) {
      const hay = searchText(r);
      if (filter.regex ? !filter.regex.test(hay) : !hay.includes(filter.text)) return false;
    }
    return true;
  }

  // searchText is what a search looks through: names, summary, notes and
  // the payload's text; built once per record, on the first search.
  function searchText(r) {
    if (r.searchText === undefined) {
      r.searchText = [r.op_name, r.t, r.summary, (r.notes || []).join(" "), r.payload === undefined ? "" : JSON.stringify(r.payload)]
        .filter(Boolean).join("\n").toLowerCase();
    }
    return r.searchText;
  }

  function readFilters() {
    filter.dir = document.getElementById("filter-dir").value;
    filter.op = document.getElementById("filter-op").value;
    filter.t = document.getElementById("filter-event").value.trim().toUpperCase();
    const q = document.getElementById("frame-search").value.trim();
    filter.text = "";
    filter.regex = null;
    filter.error = "";
    const re = /^\/(.+)\/([a-z]*)$/.exec(q);
    if (re) {
      try {
        filter.regex = new RegExp(re[1], re[2].includes("i") ? re[2] : re[2] + "i");
      } catch (err) {
        filter.error = "Not a valid regular expression";
      }
    } else {
      filter.text = q.toLowerCase();
    }
    document.getElementById("frame-search").classList.toggle("invalid", !!filter.error);
    document.getElementById("frame-search").title = filter.error;
    rebuild();
  }

  function rebuild() {
    view = filter.error ? [] : P.state.records.filter(matches);
    follow = true;
    schedule();
  }

  function schedule() {
    if (dirty) return;
    dirty = true;
    requestAnimationFrame(render);
  }

  function makeRow() {
    const row = el("div", "frame-row");
    row.setAttribute("role", "option");
    row.append(el("span", "fr-time"), el("span", "fr-dir"), el("span", "fr-op"), el("span", "fr-t"),
      el("span", "fr-s"), el("span", "fr-size"), el("span", "fr-summary"));
    list.append(row);
    return row;
  }

  function fill(row, r) {
    const [time, dir, op, t, s, size, summary] = row.children;
    row.record = r;
    row.dataset.index = r.index;
    row.dataset.dir = r.dir;
    const isREST = r.op == null && r.op_name === "REST";
    row.dataset.op = r.op != null ? r.op : isREST ? "rest" : "close";
    time.textContent = clock(r.time);
    dir.textContent = r.dir === "send" ? "↑" : "↓";
    dir.title = r.dir === "send" ? "sent by the client" : "received from the server";
    op.textContent = r.op != null ? String(r.op) : isREST ? "⇄" : "✕";
    op.title = r.op != null ? `op ${r.op} ${r.op_name || ""}` : isREST ? "a REST call beside the gateway" : r.close ? "websocket close" : "no readable op";
    t.textContent = r.t || (r.close ? `Close ${r.close.code}` : r.op_name || "");
    s.textContent = r.s == null ? "" : String(r.s);
    s.title = r.s == null ? "" : "sequence number s";
    size.textContent = bytes(r.size);
    summary.textContent = r.summary || r.error || "";
    summary.title = summary.textContent;
    row.classList.toggle("late", !!(r.heartbeat && r.heartbeat.late));
    row.classList.toggle("has-close", !!r.close);
    row.classList.toggle("marked", marked.has(r.index));
    const isSelected = selected === r;
    row.classList.toggle("selected", isSelected);
    row.setAttribute("aria-selected", String(isSelected));
    row.id = "frame-" + r.index;
  }

  function render() {
    dirty = false;
    spacer.style.height = view.length * ROW + "px";
    if (follow) list.scrollTop = list.scrollHeight;
    const first = Math.max(0, Math.floor(list.scrollTop / ROW) - OVERSCAN);
    const last = Math.min(view.length, Math.ceil((list.scrollTop + list.clientHeight) / ROW) + OVERSCAN);
    let used = 0;
    for (let i = first; i < last; i++, used++) {
      const row = pool[used] || (pool[used] = makeRow());
      row.hidden = false;
      row.style.transform = `translateY(${i * ROW}px)`;
      fill(row, view[i]);
      // The list is virtual: each option says where it is in the whole.
      row.setAttribute("aria-posinset", String(i + 1));
      row.setAttribute("aria-setsize", String(view.length));
    }
    for (let i = used; i < pool.length; i++) {
      pool[i].hidden = true;
      pool[i].removeAttribute("id");
    }
    // A screen reader follows the selection through aria-activedescendant
    // while the focus stays on the list.
    const active = selected && pool.find((row) => !row.hidden && row.record === selected);
    if (active) list.setAttribute("aria-activedescendant", active.id);
    else list.removeAttribute("aria-activedescendant");
    const total = P.state.records.length;
    let text = view.length === total ? `${total.toLocaleString()} frames` : `${view.length.toLocaleString()} of ${total.toLocaleString()} frames`;
    if (paused) text += ` · paused${heldWhilePaused ? `, ${heldWhilePaused.toLocaleString()} new` : ""}`;
    count.textContent = total ? text : "No frames yet";
    count.dataset.total = total;
    jump.hidden = follow || paused;
    empty.hidden = view.length > 0;
    empty.textContent = !total ? "Waiting for frames…" :
      filter.error ? filter.error + "." : "No frames match the filters yet; new ones appear here as they arrive.";
  }

  function onRecords(fresh) {
    if (paused) {
      heldWhilePaused += fresh.length;
      schedule();
      return;
    }
    if (!filter.error) for (const r of fresh) if (matches(r)) view.push(r);
    schedule();
  }

  function select(r, reveal) {
    selected = r;
    if (reveal && r) {
      const i = view.indexOf(r);
      if (i >= 0 && (i * ROW < list.scrollTop || (i + 1) * ROW > list.scrollTop + list.clientHeight)) {
        follow = false;
        list.scrollTop = Math.max(0, i * ROW - list.clientHeight / 2);
      }
    }
    schedule();
    P.emit("select", r);
  }

  function setPaused(value) {
    paused = value;
    const button = document.getElementById("pause-button");
    button.setAttribute("aria-pressed", String(paused));
    button.textContent = paused ? "Resume" : "Pause";
    if (!paused) {
      heldWhilePaused = 0;
      rebuild();
    }
    schedule();
  }

  // applyFrameLink follows a lesson's frame link: filter to the op and/or
  // event named and select the newest frame that matches.
  function applyFrameLink(op, t) {
    document.getElementById("filter-op").value = op ?? "";
    document.getElementById("filter-event").value = t ?? "";
    document.getElementById("filter-dir").value = "";
    document.getElementById("frame-search").value = "";
    readFilters();
    const newest = view[view.length - 1] || null;
    select(newest, true);
    return newest;
  }

  P.on("ready", () => {
    list = document.getElementById("frame-list");
    count = document.getElementById("frame-count");
    gapNote = document.getElementById("frame-gap");
    spacer = el("div", "frame-spacer");
    empty = el("p", "frame-empty");
    list.append(spacer, empty);
    jump = el("button", "button button-small frame-jump", "↓ newest");
    jump.type = "button";
    jump.hidden = true;
    count.parentElement.append(jump);
    jump.addEventListener("click", () => { follow = true; schedule(); });

    let lastTop = 0;
    list.addEventListener("scroll", () => {
      const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - ROW;
      if (list.scrollTop < lastTop && !atBottom) follow = false;
      else if (atBottom) follow = true;
      lastTop = list.scrollTop;
      schedule();
    }, { passive: true });
    new ResizeObserver(schedule).observe(list);
    list.addEventListener("click", (e) => {
      const row = e.target instanceof Element ? e.target.closest(".frame-row") : null;
      if (row?.record) select(row.record, false);
    });
    list.addEventListener("keydown", (e) => {
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp" && e.key !== "End" && e.key !== "Home") return;
      e.preventDefault();
      let i = selected ? view.indexOf(selected) : view.length;
      if (e.key === "ArrowDown") i = Math.min(view.length - 1, i + 1);
      else if (e.key === "ArrowUp") i = Math.max(0, i - 1);
      else if (e.key === "End") i = view.length - 1;
      else i = 0;
      if (view[i]) select(view[i], true);
    });
    for (const id of ["filter-dir", "filter-op"]) document.getElementById(id).addEventListener("change", readFilters);
    let typing = 0;
    for (const id of ["frame-search", "filter-event"]) {
      document.getElementById(id).addEventListener("input", () => {
        clearTimeout(typing);
        typing = setTimeout(readFilters, 120);
      });
    }
    document.getElementById("pause-button").addEventListener("click", () => setPaused(!paused));
    document.getElementById("clear-button").addEventListener("click", () => {
      P.state.records.length = 0;
      view = [];
      heldWhilePaused = 0;
      gapNote.hidden = true;
      select(null, false);
      P.emit("cleared");
    });
    // Frame links in the lessons (delegated: lessons are swapped in place).
    document.addEventListener("click", (e) => {
      const link = e.target instanceof Element ? e.target.closest("a.frame-link") : null;
      if (!link) return;
      e.preventDefault();
      P.emit("reveal");
      applyFrameLink(link.dataset.frameOp, link.dataset.frameT);
      if (!matchMedia("(min-width: 62rem)").matches) document.getElementById("panel").scrollIntoView({ behavior: "smooth" });
    });
  });

  P.on("records", onRecords);
  P.on("reset", () => { view = []; marked = new Set(); heldWhilePaused = 0; if (gapNote) gapNote.hidden = true; select(null, false); });
  P.on("trim", () => { if (!paused) rebuild(); });
  P.on("gap", (gap) => {
    gapNote.textContent = `${gap.missed.toLocaleString()} frames fell out of the server's buffer before this page could read them.`;
    gapNote.hidden = false;
  });

  // mark highlights the records with these indexes (the stepper's step).
  function mark(indexes) {
    marked = new Set(indexes);
    schedule();
  }

  P.list = { applyFrameLink, select, mark, view: () => view, selected: () => selected };
})();
