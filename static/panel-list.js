// Gateway Tour live panel, frame list: a virtualised list (only the rows in
// view exist, each the same height) of the frames that pass the filters
// (panel-filter.js), sortable by time or size, with pause/resume, clear,
// and autoscroll that stops while the reader looks away from the newest.
// New frames are drawn at most once per animation frame, however fast
// they come.
"use strict";

(() => {
  const P = window.GatewayTourPanel;
  const { el, clock, bytes } = P;
  const ROW = 28; // px; must match --row in panel.css
  const OVERSCAN = 8;

  let list, spacer, count, gapNote, jump, empty;
  // view holds the records that pass the filters, in ascending order of
  // sort.key (arrival order for time); sort.desc shows it bottom-up.
  let view = [];
  const sort = { key: "time", desc: false };
  let selected = null;
  let marked = new Set(); // indexes of records a lesson points at (the stepper's step)
  let follow = true; // stick to the newest frame
  let paused = false;
  let heldWhilePaused = 0;
  let clearedViews = 0; // how many times the reader cleared this stream's view
  let dirty = false;
  let addedOnTop = 0; // rows put above the reader since the last draw
  // ownScroll is where the list last scrolled itself; a scroll event that
  // lands there is the list's own doing (possibly from before the order
  // changed), not the reader looking away.
  let ownScroll = -1;
  const pool = [];
  const filterState = () => P.filter.state;

  const at = (i) => (sort.desc ? view[view.length - 1 - i] : view[i]);
  const newestOnTop = () => sort.key === "time" && sort.desc;
  const bySize = (a, b) => (a.size || 0) - (b.size || 0) || a.index - b.index;

  // position is where r is drawn (0 = top), or -1.
  function position(r) {
    const i = view.indexOf(r);
    return i < 0 ? -1 : sort.desc ? view.length - 1 - i : i;
  }

  function insertBySize(r) {
    let lo = 0;
    let hi = view.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (bySize(view[mid], r) < 0) lo = mid + 1;
      else hi = mid;
    }
    view.splice(lo, 0, r);
  }

  function rebuild() {
    view = filterState().error ? [] : P.state.records.filter(P.filter.matches);
    if (sort.key === "size") view.sort(bySize);
    follow = sort.key === "time";
    countWritten = 0; // the reader's own change shows in the count at once
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
    // Each cell keeps one text node whose data changes: replacing a
    // cell's text node (textContent) would make the browser throw away and
    // rebuild its layout object for every frame that streams past.
    for (const name of ["fr-time", "fr-dir", "fr-op", "fr-t", "fr-s", "fr-size", "fr-summary"]) {
      const cell = el("span", name);
      cell.append(document.createTextNode(""));
      row.append(cell);
    }
    list.append(row);
    return row;
  }

  // dividerAt is the sentence of the stream's divider at index, if any.
  function dividerAt(index) {
    const info = P.streamInfo();
    const d = info && info.dividers && info.dividers.find((x) => x.index === index);
    return d ? d.text : "";
  }

  // setAttr and setClass write only what changed: the list redraws up to
  // sixty times a second, and an unchanged row should cost nothing.
  function setAttr(node, name, value) {
    if (node.getAttribute(name) !== value) node.setAttribute(name, value);
  }
  function setClass(node, name, on) {
    if (node.classList.contains(name) !== on) node.classList.toggle(name, on);
  }

  // write changes a cell's one text node.
  function write(cell, text) {
    const node = cell.firstChild;
    if (node.data !== text) node.data = text;
  }

  // fill writes what a row shows of r; it runs once when a row is given a
  // record, since a record never changes once received.
  function fill(row, r) {
    const [time, dir, op, t, s, size, summary] = row.children;
    row.record = r;
    row.id = "frame-" + r.index;
    row.dataset.index = r.index;
    row.dataset.dir = r.dir;
    const isREST = r.op == null && r.op_name === "REST";
    row.dataset.op = r.op != null ? r.op : isREST ? "rest" : "close";
    write(time, clock(r.time));
    write(dir, r.dir === "send" ? "↑" : "↓");
    setAttr(dir, "title", r.dir === "send" ? "sent by the client" : "received from the server");
    write(op, r.op != null ? String(r.op) : isREST ? "⇄" : "✕");
    setAttr(op, "title", r.op != null ? `op ${r.op} ${r.op_name || ""}` : isREST ? "a REST call beside the gateway" : r.close ? "websocket close" : "no readable op");
    write(t, r.t || (r.close ? `Close ${r.close.code}` : r.op_name || ""));
    write(s, r.s == null ? "" : String(r.s));
    setAttr(s, "title", r.s == null ? "" : "sequence number s");
    write(size, bytes(r.size));
    write(summary, r.summary || r.error || "");
    row.classList.toggle("late", !!(r.heartbeat && r.heartbeat.late));
    row.classList.toggle("has-close", !!r.close);
  }

  // refresh writes the row's state that can change while it shows the same
  // record: selected, marked by a lesson, a resume divider above it, and
  // its place in the whole list.
  function refresh(row, r, position) {
    row.position = position;
    const top = `translateY(${position * ROW}px)`;
    if (row.style.transform !== top) row.style.transform = top;
    if (row.hidden) row.hidden = false;
    setClass(row, "marked", marked.has(r.index));
    // A resumed session carries on in its stream: the first record of the
    // new connection is ruled off, with the server's sentence about it.
    const divider = dividerAt(r.index);
    setClass(row, "resumed-here", !!divider);
    const summary = row.lastElementChild;
    setAttr(summary, "title", divider ? divider + " " + summary.textContent : summary.textContent);
    const isSelected = selected === r;
    setClass(row, "selected", isSelected);
    setAttr(row, "aria-selected", String(isSelected));
    // The list is virtual: each option says where it is in the whole.
    setAttr(row, "aria-posinset", String(position + 1));
    setAttr(row, "aria-setsize", String(view.length));
  }

  function countText(total) {
    if (!total) return clearedViews ? "View cleared · the server keeps every frame (Export has them)" : "No frames yet";
    let text = view.length === total ? `${total.toLocaleString()} frames` : `${view.length.toLocaleString()} of ${total.toLocaleString()} frames`;
    if (clearedViews) text += " since Clear · the server keeps every frame";
    if (paused) text += ` · paused${heldWhilePaused ? `, ${heldWhilePaused.toLocaleString()} new` : ""}`;
    return text;
  }

  let viewHeight = 0; // the list's visible height, kept by a ResizeObserver
  let renders = 0; // how many times the list was drawn, for the tests
  function render() {
    dirty = false;
    renders++;
    // Where the list will be scrolled to is worked out, not read back
    // after a change: the rows are written first and the scroll last, so
    // the browser lays the list out once a frame, not twice.
    const was = list.scrollTop;
    const bottom = Math.max(0, view.length * ROW - viewHeight);
    let top = was;
    if (follow) top = newestOnTop() ? 0 : bottom;
    else if (addedOnTop) top = Math.min(bottom, was + addedOnTop * ROW); // keep the rows the reader looks at still
    addedOnTop = 0;
    const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    const last = Math.min(view.length, Math.ceil((top + viewHeight) / ROW) + OVERSCAN);
    // A row that already shows a record still in view keeps it, so while
    // the list follows the newest frames only the new rows are written.
    const wanted = new Map();
    for (let i = first; i < last; i++) wanted.set(at(i), i);
    const free = [];
    for (const row of pool) {
      const i = row.hidden ? undefined : wanted.get(row.record);
      if (i === undefined) free.push(row);
      else {
        refresh(row, row.record, i);
        wanted.delete(row.record);
      }
    }
    for (const [r, i] of wanted) {
      let row = free.pop();
      if (!row) pool.push((row = makeRow()));
      fill(row, r);
      refresh(row, r, i);
    }
    for (const row of free) {
      if (row.hidden) continue;
      row.hidden = true;
      row.record = null;
      row.removeAttribute("id");
      delete row.dataset.index;
    }
    readingOrder();
    spacer.style.height = view.length * ROW + "px";
    // The browser keeps scrollTop in whole (device) pixels: remember what
    // it made of ours, so its scroll event is known for our own.
    if (top !== was) list.scrollTop = top;
    ownScroll = top !== was ? list.scrollTop : was;
    // A screen reader follows the selected row while focus stays on the list.
    const shown = selected && pool.find((row) => !row.hidden && row.record === selected);
    if (shown) list.setAttribute("aria-activedescendant", shown.id);
    else list.removeAttribute("aria-activedescendant");
    writeCount();
    setHidden(jump, follow || paused || sort.key !== "time");
    setHidden(empty, view.length > 0);
    if (!empty.hidden) {
      const total = P.state.records.length;
      const f = filterState();
      setText(empty, !total ? (clearedViews ? "The view is clear; new frames appear here as they arrive." : "Waiting for frames…") :
        f.error ? f.error + "." : "No frames match the filters yet; new ones appear here as they arrive.");
    }
  }

  function setHidden(node, hidden) {
    if (node.hidden !== hidden) node.hidden = hidden;
  }
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  // writeCount keeps the count in step, but while frames stream in it
  // changes at most a few times a second: the count sits outside the
  // list, so each change lays out the page around it.
  const COUNT_EVERY = 250; // ms
  let countWritten = 0;
  let countTimer = 0;
  function writeCount() {
    const wait = countWritten + COUNT_EVERY - performance.now();
    const streaming = P.state.records.length > 0 && view.length > 0;
    if (streaming && wait > 0) {
      if (!countTimer) countTimer = setTimeout(() => { countTimer = 0; writeCount(); }, wait);
      return;
    }
    const text = countText(P.state.records.length);
    if (text === count.textContent) return;
    count.textContent = text;
    countWritten = performance.now();
  }

  // readingOrder tells assistive technology the order the rows are drawn
  // in. The document order differs (a row keeps its element while it stays
  // in view, so only new rows are written), and moving elements to match
  // would cost the browser far more than the rows themselves.
  function readingOrder() {
    const ids = pool.filter((row) => !row.hidden).sort((a, b) => a.position - b.position).map((row) => row.id).join(" ");
    if (ids) setAttr(list, "aria-owns", ids);
    else list.removeAttribute("aria-owns");
  }

  function onRecords(fresh) {
    if (paused) {
      heldWhilePaused += fresh.length;
      schedule();
      return;
    }
    if (!filterState().error) {
      for (const r of fresh) {
        if (!P.filter.matches(r)) continue;
        if (sort.key === "size") {
          insertBySize(r);
        } else {
          view.push(r);
          if (sort.desc) addedOnTop++;
        }
      }
    }
    schedule();
  }

  function select(r, reveal) {
    selected = r;
    if (reveal && r) {
      const i = position(r);
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

  // setSort orders the list by "time" or "size"; choosing the current key
  // again flips the direction. Size starts with the biggest frame.
  function setSort(key) {
    if (sort.key === key) sort.desc = !sort.desc;
    else Object.assign(sort, { key, desc: key === "size" });
    for (const b of document.querySelectorAll(".frame-sort")) {
      const on = b.dataset.sort === sort.key;
      b.dataset.dir = on ? (sort.desc ? "desc" : "asc") : "";
      b.setAttribute("aria-pressed", String(on));
      const what = b.dataset.sort === "time" ? ["oldest first", "newest first"] : ["smallest first", "biggest first"];
      b.title = on ? `Sorted by ${b.dataset.sort}, ${what[sort.desc ? 1 : 0]}; press for ${what[sort.desc ? 0 : 1]}` : `Sort by ${b.dataset.sort}`;
    }
    rebuild();
    // By time the list follows the newest frame; by size it keeps the
    // selected frame in sight.
    if (selected && sort.key === "size") select(selected, true);
  }

  // newest is the latest frame in the view, whatever the order.
  function newest() {
    if (sort.key === "time") return view[view.length - 1] || null;
    return view.reduce((best, r) => (!best || r.index > best.index ? r : best), null);
  }

  // applyFrameLink follows a lesson's frame link: filter to the op and/or
  // event named (a chip says so) and select the newest frame that matches.
  function applyFrameLink(op, t) {
    P.filter.fromLink(op, t);
    const r = newest();
    select(r, true);
    return r;
  }

  function clearView() {
    P.state.records.length = 0;
    view = [];
    heldWhilePaused = 0;
    clearedViews++;
    countWritten = 0;
    gapNote.hidden = true;
    select(null, false);
    P.emit("cleared");
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
      const atTop = list.scrollTop <= ROW;
      if (sort.key === "time" && list.scrollTop !== ownScroll) {
        const atNewest = sort.desc ? atTop : atBottom;
        const away = sort.desc ? list.scrollTop > lastTop : list.scrollTop < lastTop;
        if (away && !atNewest) follow = false;
        else if (atNewest) follow = true;
      }
      lastTop = list.scrollTop;
      schedule();
    }, { passive: true });
    viewHeight = list.clientHeight;
    new ResizeObserver((entries) => {
      viewHeight = entries[entries.length - 1].contentRect.height;
      schedule();
    }).observe(list);
    list.addEventListener("click", (e) => {
      const row = e.target instanceof Element ? e.target.closest(".frame-row") : null;
      if (row?.record) select(row.record, false);
    });
    list.addEventListener("keydown", (e) => {
      if (!["ArrowDown", "ArrowUp", "End", "Home", "PageDown", "PageUp"].includes(e.key)) return;
      e.preventDefault();
      const page = Math.max(1, Math.floor(list.clientHeight / ROW) - 1);
      let i = selected ? position(selected) : view.length;
      if (e.key === "ArrowDown") i = Math.min(view.length - 1, i + 1);
      else if (e.key === "ArrowUp") i = Math.max(0, i - 1);
      else if (e.key === "PageDown") i = Math.min(view.length - 1, i + page);
      else if (e.key === "PageUp") i = Math.max(0, i - page);
      else if (e.key === "End") i = view.length - 1;
      else i = 0;
      if (at(i)) select(at(i), true);
    });
    for (const b of document.querySelectorAll(".frame-sort")) b.addEventListener("click", () => setSort(b.dataset.sort));
    document.getElementById("pause-button").addEventListener("click", () => setPaused(!paused));
    document.getElementById("clear-button").addEventListener("click", clearView);
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

  P.on("filter", () => { if (list) rebuild(); });
  P.on("records", onRecords);
  P.on("reset", (id) => {
    view = [];
    countWritten = 0;
    marked = new Set();
    heldWhilePaused = 0;
    clearedViews = 0;
    if (gapNote) gapNote.hidden = true;
    const har = document.getElementById("export-har-link");
    if (har) har.href = "/panel/export?format=har&stream=" + encodeURIComponent(id);
    select(null, false);
  });
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

  P.list = { applyFrameLink, select, mark, setSort, view: () => view, sort: () => ({ ...sort }), following: () => follow, renders: () => renders, selected: () => selected };
})();
