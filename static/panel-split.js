// Gateway Tour live panel, the divider between the frame list and the
// frame detail: drag it, or focus it and use the arrow keys (Home and End
// for the extremes). Its value is the list's share of the room, in percent,
// kept for the next visit.
"use strict";

(() => {
  const P = window.GatewayTourPanel;
  const STORE = "gatewaytour:split";
  const MIN = 15;
  const MAX = 85;
  const STEP = 5;

  let divider, body;
  let share = 50;

  function apply(value, keep) {
    share = Math.round(Math.min(MAX, Math.max(MIN, value)));
    body.style.setProperty("--list-share", String(share));
    body.style.setProperty("--detail-share", String(100 - share));
    divider.setAttribute("aria-valuenow", String(share));
    divider.setAttribute("aria-valuetext", `list ${share}%, detail ${100 - share}%`);
    if (keep) {
      try {
        localStorage.setItem(STORE, String(share));
      } catch {
        // Not kept; the divider still works.
      }
    }
  }

  // shareAt is the list's share when the divider sits at clientY.
  function shareAt(clientY) {
    const list = document.getElementById("frame-list").getBoundingClientRect();
    const detail = document.getElementById("frame-detail").getBoundingClientRect();
    const room = detail.bottom - list.top;
    return room > 0 ? ((clientY - list.top) / room) * 100 : share;
  }

  P.on("ready", () => {
    divider = document.getElementById("split-divider");
    body = document.getElementById("panel-body");
    if (!divider || !body) return;
    const saved = Number(localStorage.getItem(STORE));
    apply(saved >= MIN && saved <= MAX ? saved : 50, false);
    divider.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      e.preventDefault();
      divider.setPointerCapture(e.pointerId);
      divider.classList.add("dragging");
      const move = (ev) => apply(shareAt(ev.clientY), false);
      const up = () => {
        divider.classList.remove("dragging");
        divider.removeEventListener("pointermove", move);
        divider.removeEventListener("pointerup", up);
        divider.removeEventListener("pointercancel", up);
        apply(share, true);
      };
      divider.addEventListener("pointermove", move);
      divider.addEventListener("pointerup", up);
      divider.addEventListener("pointercancel", up);
    });
    divider.addEventListener("keydown", (e) => {
      const to = { ArrowUp: share - STEP, ArrowDown: share + STEP, PageUp: share - 2 * STEP, PageDown: share + 2 * STEP, Home: MIN, End: MAX }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      e.stopPropagation(); // not the lesson's own keys
      apply(to, true);
    });
  });
})();
