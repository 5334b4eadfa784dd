// Gateway Tour: moving between lessons without reloading the page, so the
// live panel beside the lesson keeps its stream, its frames and its
// selection. A lesson link fetches /lessons/{slug}?partial=1 (the lesson
// column alone), swaps it in and updates the address; Back and Forward do
// the same. Anything unexpected falls back to an ordinary page load.
"use strict";

(() => {
  const lessonPath = /^\/lessons\/[a-z0-9-]+$/;

  // isLessonLink reports whether a click should be handled here.
  function lessonURL(event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
    const a = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!a || a.target || a.hasAttribute("download")) return null;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || !lessonPath.test(url.pathname)) return null;
    // A link to a heading of the lesson already shown is an ordinary jump.
    if (url.pathname === location.pathname && url.hash) return null;
    return url;
  }

  let loading = null;

  async function show(url, push) {
    if (!document.getElementById("main")) {
      location.href = url.href;
      return;
    }
    const controller = new AbortController();
    loading?.abort();
    loading = controller;
    let main;
    try {
      const r = await fetch(url.pathname + "?partial=1", { signal: controller.signal, headers: { Accept: "text/html" } });
      if (!r.ok) throw new Error("HTTP " + r.status);
      // The fragment is this server's own pre-rendered lesson HTML, the same
      // bytes a full page load would show; no frame data goes through here.
      const doc = new DOMParser().parseFromString(await r.text(), "text/html");
      main = doc.getElementById("main");
      if (!main || !main.dataset.slug) throw new Error("not a lesson fragment");
    } catch (err) {
      if (err.name === "AbortError") return;
      location.href = url.href;
      return;
    } finally {
      if (loading === controller) loading = null;
    }
    const current = document.getElementById("main");
    current.replaceWith(document.adoptNode(main));
    document.body.dataset.lesson = main.dataset.slug;
    document.title = main.dataset.title || document.title;
    for (const a of document.querySelectorAll(".lesson-list a")) {
      if (a.closest("li")?.dataset.slug === main.dataset.slug) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    if (push) history.pushState({ lesson: main.dataset.slug }, "", url.pathname + url.hash);
    window.GatewayTourApp?.setupLesson();
    const target = url.hash ? document.getElementById(decodeURIComponent(url.hash.slice(1))) : null;
    if (target) {
      target.scrollIntoView();
    } else {
      window.scrollTo(0, 0);
      main.focus({ preventScroll: true });
    }
    document.dispatchEvent(new CustomEvent("gatewaytour:lesson", { detail: { slug: main.dataset.slug } }));
  }

  document.addEventListener("click", (event) => {
    const url = lessonURL(event);
    if (!url) return;
    event.preventDefault();
    show(url, true);
  });

  window.addEventListener("popstate", () => {
    if (lessonPath.test(location.pathname) && location.pathname.slice(9) !== document.body.dataset.lesson) {
      show(new URL(location.href), false);
    }
  });

  // ---- narrow screens: the Lesson / Frames tabs ----
  // On a phone the lesson and the live panel take turns on the screen (the
  // CSS hides the view not chosen), so the panel is one tap away instead
  // of at the end of a long page. On a wide screen the tabs are not shown
  // and both views stay.
  const tabs = [...document.querySelectorAll(".view-tab")];
  function showView(view, focusTab) {
    const tab = tabs.find((t) => t.dataset.view === view);
    if (!tab) return;
    document.body.dataset.view = view;
    for (const t of tabs) {
      t.setAttribute("aria-selected", String(t === tab));
      t.tabIndex = t === tab ? 0 : -1;
    }
    if (focusTab) tab.focus();
  }
  if (tabs.length) {
    showView("lesson", false);
    for (const tab of tabs) {
      tab.addEventListener("click", () => {
        showView(tab.dataset.view, false);
        window.scrollTo(0, 0);
      });
      tab.addEventListener("keydown", (e) => {
        if (e.key !== "ArrowLeft" && e.key !== "ArrowRight" && e.key !== "Home" && e.key !== "End") return;
        // The arrows move between the tabs here, not between lessons.
        e.preventDefault();
        e.stopPropagation();
        let i = tabs.indexOf(tab);
        if (e.key === "ArrowLeft") i = (i - 1 + tabs.length) % tabs.length;
        else if (e.key === "ArrowRight") i = (i + 1) % tabs.length;
        else i = e.key === "Home" ? 0 : tabs.length - 1;
        showView(tabs[i].dataset.view, true);
      });
    }
    // The skip link to the frames, and a lesson's frame links, open the
    // Frames view; moving to another lesson shows the lesson.
    for (const link of document.querySelectorAll(".skip-link[data-view]")) {
      link.addEventListener("click", () => showView(link.dataset.view, false));
    }
    // The panel's scripts load after this one.
    document.addEventListener("DOMContentLoaded", () => {
      window.GatewayTourPanel?.on("reveal", () => showView("frames", false));
    });
    document.addEventListener("gatewaytour:lesson", () => showView("lesson", false));
  }

  // The first entry gets a state too, so Back to it is a lesson swap.
  if (lessonPath.test(location.pathname)) {
    history.replaceState({ lesson: document.body.dataset.lesson }, "", location.href);
  }
})();
