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

  // The first entry gets a state too, so Back to it is a lesson swap.
  if (lessonPath.test(location.pathname)) {
    history.replaceState({ lesson: document.body.dataset.lesson }, "", location.href);
  }
})();
