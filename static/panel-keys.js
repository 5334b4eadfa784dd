// Gateway Tour live panel, keyboard: the guild, user and member objects in
// a frame's payload (and the annotator's note on each) are reachable
// without a mouse. One object at a time is in the tab order (a roving
// tabindex, so a GUILD_CREATE with 25,000 members is not 25,000 tab stops);
// ↑ ↓ Home End move between objects, and the one focused shows its note, as
// hovering does. It works on whatever objects the detail pane has drawn.
"use strict";

(() => {
  const P = window.GatewayTourPanel;
  let pane;

  const objects = () => [...pane.querySelectorAll(".obj[data-path]")];

  // makeCurrent puts obj (alone) in the tab order.
  function makeCurrent(obj) {
    for (const other of pane.querySelectorAll('.obj[tabindex="0"]')) {
      if (other !== obj) other.tabIndex = -1;
    }
    obj.tabIndex = 0;
  }

  // showNote shows obj's note (null hides it) through the pane's own hover
  // handler, so pointer and keyboard share one note, and names the object
  // for a screen reader with the same words.
  function showNote(obj) {
    (obj || pane).dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
    const note = document.getElementById("obj-note");
    if (!obj || !note) return;
    obj.setAttribute("role", "group");
    obj.setAttribute("aria-label", note.textContent);
  }

  P.on("ready", () => {
    pane = document.getElementById("frame-detail");
    pane.addEventListener("focusin", (e) => {
      const obj = e.target instanceof Element && e.target.matches(".obj[data-path]") ? e.target : null;
      if (obj) {
        makeCurrent(obj);
        showNote(obj);
      }
    });
    pane.addEventListener("focusout", (e) => {
      if (e.target instanceof Element && e.target.matches(".obj") && !pane.contains(e.relatedTarget)) showNote(null);
    });
    pane.addEventListener("keydown", (e) => {
      const obj = e.target instanceof Element && e.target.matches(".obj[data-path]") ? e.target : null;
      if (!obj || !["ArrowDown", "ArrowUp", "Home", "End"].includes(e.key)) return;
      e.preventDefault();
      e.stopPropagation();
      const all = objects();
      let i = all.indexOf(obj);
      if (e.key === "ArrowDown") i = Math.min(all.length - 1, i + 1);
      else if (e.key === "ArrowUp") i = Math.max(0, i - 1);
      else i = e.key === "Home" ? 0 : all.length - 1;
      makeCurrent(all[i]);
      all[i].focus();
      all[i].scrollIntoView({ block: "nearest" });
    });
  });

  // After the detail pane drew a frame, its first object joins the tab
  // order. The pane's own "select" handler runs first (it loaded first).
  P.on("select", () => {
    if (!pane) return;
    const first = pane.querySelector(".obj[data-path]");
    if (first) makeCurrent(first);
  });
})();
