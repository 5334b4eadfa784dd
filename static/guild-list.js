// Gateway Tour guild view: the virtualised message list. Only the rows in
// and near the visible window exist in the DOM; each row's height is
// measured once drawn and kept, so a 10,000-message channel opens and
// scrolls as fast as a short one. Rows are drawn by guild-render.js.
"use strict";

window.GatewayTourGuildList = (src) => {
  const R = window.GatewayTourGuildRender;
  const $ = (id) => document.getElementById(id);
  const EST = 52; // a row's height before it has been measured
  const OVER = 400; // pixels drawn beyond the visible window
  let box, spacer;
  let tops = [];
  let dirty = true;
  let follow = true;
  let queued = false;
  const heights = new Map();
  const rendered = new Map(); // id → node
  const current = src.messages;
  function layout(msgs) {
    tops = new Array(msgs.length + 1);
    tops[0] = 0;
    for (let i = 0; i < msgs.length; i++) tops[i + 1] = tops[i] + (heights.get(msgs[i].id) || EST);
    dirty = false;
  }
  function first(y) {
    let lo = 0;
    let hi = tops.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tops[mid + 1] > y) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
  function draw() {
    queued = false;
    if (!box || !src.visible()) return;
    const msgs = current();
    if (dirty) layout(msgs);
    for (let pass = 0; pass < 3; pass++) {
      spacer.style.height = tops[msgs.length] + "px";
      if (follow) box.scrollTop = box.scrollHeight;
      const from = box.scrollTop - OVER;
      const to = box.scrollTop + box.clientHeight + OVER;
      const keep = new Set();
      const ctx = src.renderCtx();
      for (let i = first(Math.max(0, from)); i < msgs.length && tops[i] < to; i++) {
        const m = msgs[i];
        let node = rendered.get(m.id);
        if (!node || node.version !== m.gtVersion) {
          const fresh = R.message(m, ctx);
          fresh.version = m.gtVersion;
          if (node) node.replaceWith(fresh);
          else box.append(fresh);
          node = fresh;
          rendered.set(m.id, node);
        }
        node.style.top = tops[i] + "px";
        keep.add(m.id);
      }
      for (const [id, node] of rendered) {
        if (keep.has(id)) continue;
        const focused = node.contains(document.activeElement);
        if (focused && src.has(id)) continue; // scrolled away with the focus in it: kept until the focus moves
        node.remove();
        rendered.delete(id);
        if (focused) box.focus(); // its message is gone: the focus stays in the list
      }
      let changed = false;
      for (const [id, node] of rendered) {
        const h = node.offsetHeight;
        if (h && heights.get(id) !== h) {
          heights.set(id, h);
          changed = true;
        }
      }
      if (!changed) break;
      layout(msgs);
      for (let i = 0; i < msgs.length; i++) rendered.get(msgs[i].id)?.style.setProperty("top", tops[i] + "px");
    }
  }
  function schedule() {
    if (queued) return;
    queued = true;
    requestAnimationFrame(draw);
  }
  return {
    init() {
      box = $("guild-messages");
      spacer = document.createElement("div");
      spacer.className = "guild-spacer";
      box.append(spacer);
      box.addEventListener("scroll", () => {
        follow = box.scrollTop + box.clientHeight >= box.scrollHeight - 8;
        schedule();
      }, { passive: true });
      new ResizeObserver(() => {
        heights.clear();
        dirty = true;
        schedule();
      }).observe(box);
    },
    reset() {
      for (const node of rendered.values()) node.remove();
      rendered.clear();
      dirty = true;
      follow = true;
      schedule();
    },
    invalidate() {
      dirty = true;
      schedule();
    },
    drawNow: draw,
    rows: () => rendered.size,
  };
};
