// Gateway Tour: keyboard navigation, search, progress, theme, code copy and
// glossary popovers. Plain ES2020, no build step, no inline handlers (the
// page's Content-Security-Policy forbids them).
"use strict";

(() => {
  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  // The lesson shown changes when nav.js swaps lessons in place.
  const currentSlug = () => document.body.dataset.lesson || "";

  // ---- storage: every key is namespaced; a disabled storage only loses memory ----
  const store = {
    get(key, fallback) {
      try {
        const raw = localStorage.getItem("gatewaytour." + key);
        return raw === null ? fallback : JSON.parse(raw);
      } catch {
        return fallback;
      }
    },
    set(key, value) {
      try {
        localStorage.setItem("gatewaytour." + key, JSON.stringify(value));
      } catch {
        // Private mode or full storage: progress is simply not remembered.
      }
    },
  };

  function isTyping(event) {
    const t = event.target;
    return t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }

  function anyDialogOpen() {
    return $$("dialog").some((d) => d.open);
  }

  async function copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      return false;
    }
  }

  function flash(element, className = "copied") {
    element.classList.add(className);
    setTimeout(() => element.classList.remove(className), 1500);
  }

  // ---- theme: light/dark, remembered; otherwise follows the system ----
  function setupTheme() {
    const root = document.documentElement;
    const button = $("#theme-toggle");
    const label = () => {
      const next = root.dataset.theme === "dark" ? "light" : "dark";
      button.setAttribute("aria-label", `Switch to the ${next} theme`);
      button.title = `Switch to the ${next} theme`;
    };
    button.addEventListener("click", () => {
      const theme = root.dataset.theme === "dark" ? "light" : "dark";
      root.dataset.theme = theme;
      store.set("theme", theme);
      label();
    });
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", (e) => {
      if (store.get("theme", null) === null) {
        root.dataset.theme = e.matches ? "dark" : "light";
        label();
      }
    });
    label();
  }

  // ---- table of contents on phones ----
  function setupTocToggle() {
    const button = $("#toc-toggle");
    const setOpen = (open) => {
      document.body.classList.toggle("toc-open", open);
      button.setAttribute("aria-expanded", String(open));
    };
    button.addEventListener("click", () => setOpen(!document.body.classList.contains("toc-open")));
    $$("#toc a").forEach((a) => a.addEventListener("click", () => setOpen(false)));
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && document.body.classList.contains("toc-open")) setOpen(false);
    });
  }

  // ---- progress: done marks and "continue where you left off" ----
  const doneSet = () => new Set(store.get("done", []));

  function paintDoneMarks() {
    const done = doneSet();
    $$(".lesson-list li[data-slug]").forEach((li) => {
      const isDone = done.has(li.dataset.slug);
      li.classList.toggle("done", isDone);
      const link = $("a", li);
      if (isDone) link.setAttribute("title", "Done");
      else link.removeAttribute("title");
    });
    const button = $("#mark-done");
    if (button) {
      const isDone = done.has(button.dataset.slug);
      button.setAttribute("aria-pressed", String(isDone));
      $(".mark-done-label", button).textContent = isDone ? "Done" : "Mark as done";
    }
  }

  function setupMarkDone() {
    const button = $("#mark-done");
    if (button) {
      button.addEventListener("click", () => {
        const done = doneSet();
        if (done.has(button.dataset.slug)) done.delete(button.dataset.slug);
        else done.add(button.dataset.slug);
        store.set("done", Array.from(done));
        paintDoneMarks();
      });
    }
    paintDoneMarks();
  }

  // rememberPlace keeps the lesson and the section being read. A page
  // reached through "/" is not remembered until the reader scrolls, so the
  // continue offer survives a reader who only glanced at it.
  let placeHeadings = [];
  let placeListening = false;
  function rememberPlace(arrivedFromStart) {
    placeHeadings = $$(".prose h2[id], .prose h3[id]");
    const save = () => {
      const slug = currentSlug();
      if (!slug) return;
      const title = $(".lesson-article h1")?.textContent.trim() || slug;
      // The last heading that has scrolled past the top is where the reader is.
      let heading = "";
      const top = parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop) || 0;
      for (const h of placeHeadings) {
        if (h.getBoundingClientRect().top - top - 8 <= 0) heading = h.id;
        else break;
      }
      store.set("last", { slug, title, heading });
    };
    if (!placeListening) {
      placeListening = true;
      let pending = false;
      window.addEventListener("scroll", () => {
        if (pending) return;
        pending = true;
        setTimeout(() => {
          pending = false;
          save();
        }, 250);
      }, { passive: true });
    }
    if (!arrivedFromStart) save();
  }

  // Arriving from "/" (the server adds ?from=start) offers the last lesson
  // read. Returns whether the page was reached that way.
  function offerContinue() {
    const params = new URLSearchParams(location.search);
    if (params.get("from") !== "start") return false;
    params.delete("from");
    const query = params.toString();
    history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
    const last = store.get("last", null);
    const banner = $("#continue-banner");
    if (!banner || !last || !last.slug || (last.slug === currentSlug() && !last.heading)) return true;
    const link = document.createElement("a");
    link.href = "/lessons/" + encodeURIComponent(last.slug) + (last.heading ? "#" + encodeURIComponent(last.heading) : "");
    link.textContent = "Continue: " + (last.title || last.slug);
    const text = document.createElement("span");
    text.textContent = "Welcome back.";
    const dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "dismiss";
    dismiss.setAttribute("aria-label", "Dismiss");
    dismiss.textContent = "✕";
    dismiss.addEventListener("click", () => { banner.hidden = true; });
    banner.replaceChildren(text, link, dismiss);
    banner.hidden = false;
    return true;
  }

  // ---- lesson decorations: heading anchors and copy buttons ----
  function addHeadingAnchors() {
    $$(".prose h2[id], .prose h3[id]").forEach((h) => {
      const a = document.createElement("a");
      a.className = "heading-anchor";
      a.href = "#" + h.id;
      a.textContent = "#";
      a.setAttribute("aria-label", `Link to “${h.textContent.trim()}”`);
      a.addEventListener("click", async () => {
        const url = new URL("#" + h.id, location.href).href;
        if (await copyText(url)) flash(a);
      });
      h.append(a);
    });
  }

  function addCopyButtons() {
    // A wide table scrolls sideways on a phone: the keyboard must reach it.
    $$(".prose table").forEach((table) => { table.tabIndex = 0; });
    $$(".prose pre").forEach((pre) => {
      const wrapper = document.createElement("div");
      wrapper.className = "code-block";
      pre.replaceWith(wrapper);
      wrapper.append(pre);
      // A long line scrolls sideways: the keyboard must reach it too.
      pre.tabIndex = 0;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy the code");
      button.addEventListener("click", async () => {
        const ok = await copyText((pre.querySelector("code") || pre).innerText);
        button.textContent = ok ? "Copied" : "Select and copy";
        flash(button);
        setTimeout(() => { button.textContent = "Copy"; }, 1500);
      });
      wrapper.append(button);
    });
  }

  // A button with data-copy="ID" copies the text of the element ID (the
  // "Connect your bot" dialog's URLs, token and recipes). Delegated, so
  // buttons added later work too.
  function setupDataCopy() {
    document.addEventListener("click", async (e) => {
      const button = e.target instanceof Element ? e.target.closest("button[data-copy]") : null;
      const source = button && document.getElementById(button.dataset.copy);
      if (!source) return;
      const label = button.textContent;
      const ok = await copyText(source.textContent);
      button.textContent = ok ? "Copied" : "Select and copy";
      flash(button);
      setTimeout(() => { button.textContent = label; }, 1500);
    });
  }

  // ---- glossary terms: a popover on hover and on keyboard focus ----
  function setupGlossary() {
    const popover = $("#term-popover");
    if (!popover) return () => {};
    let shownFor = null;
    const show = (term) => {
      if (shownFor === term) return;
      hide();
      const definition = term.getAttribute("title") || term.dataset.definition || "";
      if (!definition) return;
      // The native tooltip would double the popover; keep the text aside meanwhile.
      term.dataset.definition = definition;
      term.removeAttribute("title");
      const word = document.createElement("strong");
      word.textContent = term.textContent.trim();
      const text = document.createElement("span");
      text.textContent = definition;
      popover.replaceChildren(word, text);
      popover.hidden = false;
      const box = term.getBoundingClientRect();
      const width = popover.offsetWidth;
      const left = Math.max(8, Math.min(box.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
      let top = box.bottom + window.scrollY + 8;
      if (box.bottom + popover.offsetHeight + 16 > window.innerHeight) top = box.top + window.scrollY - popover.offsetHeight - 8;
      popover.style.left = left + "px";
      popover.style.top = top + "px";
      term.setAttribute("aria-describedby", "term-popover");
      shownFor = term;
    };
    const hide = () => {
      if (!shownFor) return;
      shownFor.setAttribute("title", shownFor.dataset.definition);
      shownFor.removeAttribute("aria-describedby");
      popover.hidden = true;
      shownFor = null;
    };
    // Delegated, so terms in a lesson swapped in later work too.
    const termOf = (e) => (e.target instanceof Element ? e.target.closest(".term[data-term]") : null);
    document.addEventListener("mouseover", (e) => { const term = termOf(e); if (term) show(term); });
    document.addEventListener("mouseout", (e) => {
      const term = termOf(e);
      if (term && !term.contains(e.relatedTarget) && document.activeElement !== term) hide();
    });
    document.addEventListener("focusin", (e) => { const term = termOf(e); if (term) show(term); });
    document.addEventListener("focusout", (e) => { if (termOf(e)) hide(); });
    document.addEventListener("keydown", (e) => { if (e.key === "Escape") hide(); });
    window.addEventListener("resize", hide);
    return hide;
  }

  // ---- keyboard: ← → lessons, / search, ? shortcuts ----
  function setupKeys(search) {
    // A closed dialog can leave the focus on its (now hidden) text field,
    // where every key would count as typing; give the focus back to the page.
    $$("dialog").forEach((d) => d.addEventListener("close", () => {
      if (d.contains(document.activeElement)) document.activeElement.blur();
    }));
    $$("[data-close-dialog]").forEach((button) => button.addEventListener("click", () => {
      button.blur();
      button.closest("dialog")?.close();
    }));
    const shortcuts = $("#shortcuts-dialog");
    $("#shortcuts-open").addEventListener("click", () => shortcuts.showModal());
    document.addEventListener("keydown", (e) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e) || anyDialogOpen()) return;
      if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
        // In the live panel the arrows belong to its controls, never to
        // the lessons.
        if (e.target instanceof Element && e.target.closest("#panel, #panel-resizer")) return;
        const link = $(e.key === "ArrowLeft" ? ".pager a[rel=prev]" : ".pager a[rel=next]");
        if (link) {
          e.preventDefault();
          link.click(); // nav.js swaps the lesson in place when it can
        }
      } else if (e.key === "/") {
        e.preventDefault();
        search.open();
      } else if (e.key === "?") {
        e.preventDefault();
        shortcuts.showModal();
      }
    });
  }

  // setupLesson decorates the lesson column; nav.js calls it again after
  // swapping in another lesson.
  let hidePopover = () => {};
  function setupLesson() {
    hidePopover();
    setupMarkDone();
    addHeadingAnchors();
    addCopyButtons();
    rememberPlace(false);
  }

  window.GatewayTourApp = { setupLesson, paintDoneMarks };

  document.addEventListener("DOMContentLoaded", () => {
    setupTheme();
    setupTocToggle();
    setupMarkDone();
    addHeadingAnchors();
    addCopyButtons();
    hidePopover = setupGlossary();
    rememberPlace(offerContinue());
    // Another tab marked a lesson: keep this one in step.
    window.addEventListener("storage", (e) => {
      if (e.key === "gatewaytour.done") paintDoneMarks();
    });
    setupKeys(window.GatewayTourSearch.setup());
    setupDataCopy();
    // Lets styles (and the browser tests) know the page is fully wired.
    document.documentElement.classList.add("app-ready");
  });
})();
