// Gateway Tour: search across the lessons. The index (/search.json) is
// fetched once, on the first search, and matched in the browser: titles,
// headings, summaries and text. app.js opens it on "/".
"use strict";

window.GatewayTourSearch = (() => {
  const MAX_RESULTS = 12;
  let indexPromise = null;

  function loadIndex() {
    if (!indexPromise) {
      indexPromise = fetch("/search.json", { headers: { Accept: "application/json" } })
        .then((r) => {
          if (!r.ok) throw new Error("search index: HTTP " + r.status);
          return r.json();
        })
        .then((lessons) => lessons.map(prepare))
        .catch((err) => {
          indexPromise = null; // let the next search try again
          throw err;
        });
    }
    return indexPromise;
  }

  // prepare lower-cases once and finds where each heading starts in the
  // text, so a match in the text can name the section it sits in.
  function prepare(lesson) {
    const text = lesson.text || "";
    const lowerText = text.toLowerCase();
    const headings = (lesson.headings || []).map((h) => ({ ...h, lower: h.text.toLowerCase() }));
    let from = 0;
    for (const h of headings) {
      const at = lowerText.indexOf(h.lower, from);
      h.at = at < 0 ? from : at;
      if (at >= 0) from = at + h.lower.length;
    }
    return {
      ...lesson,
      headings,
      lowerTitle: (lesson.title || "").toLowerCase(),
      lowerSummary: (lesson.summary || "").toLowerCase(),
      lowerText,
    };
  }

  function tokenize(query) {
    return query.toLowerCase().split(/\s+/).filter(Boolean);
  }

  function count(haystack, needle) {
    let n = 0;
    for (let at = haystack.indexOf(needle); at >= 0 && n < 20; at = haystack.indexOf(needle, at + needle.length)) n++;
    return n;
  }

  // match scores one lesson; null when a word of the query is missing.
  function match(lesson, words) {
    let score = 0;
    for (const w of words) {
      const inTitle = lesson.lowerTitle.includes(w);
      const inHeadings = lesson.headings.some((h) => h.lower.includes(w));
      const inSummary = lesson.lowerSummary.includes(w);
      const inText = count(lesson.lowerText, w);
      if (!inTitle && !inHeadings && !inSummary && !inText) return null;
      score += (inTitle ? 20 : 0) + (inHeadings ? 8 : 0) + (inSummary ? 4 : 0) + inText;
    }
    // The section: a heading that names the words, else the one above the first hit.
    let heading = lesson.headings.find((h) => words.every((w) => h.lower.includes(w)))
      || lesson.headings.find((h) => words.some((w) => h.lower.includes(w)));
    const first = Math.min(...words.map((w) => {
      const at = lesson.lowerText.indexOf(w);
      return at < 0 ? Infinity : at;
    }));
    if (!heading && first !== Infinity) {
      heading = lesson.headings.filter((h) => h.at <= first).pop();
    }
    return { lesson, score, heading, snippetAt: first };
  }

  // snippet builds the text around the first hit with the words marked,
  // as DOM nodes: the index is data, never HTML.
  function snippet(result, words) {
    const fragment = document.createDocumentFragment();
    const { lesson, snippetAt } = result;
    let text;
    if (snippetAt === Infinity) {
      text = lesson.summary || "";
    } else {
      let start = Math.max(0, snippetAt - 50);
      let end = Math.min(lesson.text.length, snippetAt + 110);
      // Cut at spaces, not through words.
      const space = lesson.text.indexOf(" ", start);
      if (start > 0 && space >= 0 && space < snippetAt) start = space + 1;
      const lastSpace = lesson.text.lastIndexOf(" ", end);
      if (end < lesson.text.length && lastSpace > snippetAt) end = lastSpace;
      text = (start > 0 ? "…" : "") + lesson.text.slice(start, end).replace(/\s+/g, " ") + (end < lesson.text.length ? "…" : "");
    }
    const pattern = new RegExp("(" + words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|") + ")", "gi");
    text.split(pattern).forEach((part, i) => {
      if (i % 2 === 1) {
        const mark = document.createElement("mark");
        mark.textContent = part;
        fragment.append(mark);
      } else if (part) {
        fragment.append(part);
      }
    });
    return fragment;
  }

  function setup() {
    const dialog = document.getElementById("search-dialog");
    const input = document.getElementById("search-input");
    const list = document.getElementById("search-results");
    const status = document.getElementById("search-status");
    let selected = -1;

    const options = () => Array.from(list.querySelectorAll(".search-result"));

    function select(i) {
      const all = options();
      if (all.length === 0) {
        selected = -1;
        input.removeAttribute("aria-activedescendant");
        return;
      }
      selected = (i + all.length) % all.length;
      all.forEach((li, n) => li.setAttribute("aria-selected", String(n === selected)));
      input.setAttribute("aria-activedescendant", all[selected].id);
      all[selected].scrollIntoView({ block: "nearest" });
    }

    function show(results, words) {
      list.replaceChildren(...results.map((r, n) => {
        const li = document.createElement("li");
        li.className = "search-result";
        li.id = "search-result-" + n;
        li.setAttribute("role", "option");
        // An option holds no link (a control inside a control confuses
        // screen readers); follow() turns a pick into a link's click.
        li.dataset.href = "/lessons/" + encodeURIComponent(r.lesson.slug) + (r.heading ? "#" + encodeURIComponent(r.heading.id) : "");
        const a = document.createElement("span");
        a.className = "search-result-body";
        const title = document.createElement("span");
        title.className = "search-result-title";
        title.textContent = r.lesson.title;
        a.append(title);
        if (r.heading) {
          const h = document.createElement("span");
          h.className = "search-result-heading";
          h.textContent = " " + r.heading.text;
          a.append(h);
        }
        const s = document.createElement("span");
        s.className = "search-result-snippet";
        s.append(snippet(r, words));
        a.append(s);
        li.append(a);
        return li;
      }));
      input.setAttribute("aria-expanded", String(results.length > 0));
      status.textContent = words.length === 0 ? "" : results.length === 0 ? "No lesson mentions that." : `${results.length} lesson${results.length === 1 ? "" : "s"}`;
      select(0);
    }

    async function run() {
      const words = tokenize(input.value);
      if (words.length === 0) {
        show([], words);
        return;
      }
      let index;
      try {
        index = await loadIndex();
      } catch {
        status.textContent = "The search index could not be loaded.";
        return;
      }
      if (tokenize(input.value).join(" ") !== words.join(" ")) return; // a newer query is running
      const results = index.map((l) => match(l, words)).filter(Boolean)
        .sort((a, b) => b.score - a.score).slice(0, MAX_RESULTS);
      show(results, words);
    }

    input.addEventListener("input", run);
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        select(selected + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Escape") {
        // A search field's own Esc would only clear the text; one Esc closes.
        e.preventDefault();
        input.blur(); // at once, so the very next key reaches the page
        dialog.close();
      } else if (e.key === "Enter") {
        e.preventDefault();
        follow(options()[selected]);
      }
    });
    list.addEventListener("click", (e) => {
      follow(e.target instanceof Element ? e.target.closest(".search-result") : null);
    });

    // follow goes to a result: a click on a link, not a navigation, so
    // nav.js can swap the lesson in place.
    function follow(option) {
      if (!option || !option.dataset.href) return;
      dialog.close();
      const link = document.createElement("a");
      link.href = option.dataset.href;
      link.hidden = true;
      document.body.append(link);
      link.click();
      link.remove();
    }
    // A click on the backdrop (the dialog element itself) closes it.
    dialog.addEventListener("click", (e) => { if (e.target === dialog) dialog.close(); });
    document.getElementById("search-open").addEventListener("click", open);

    function open() {
      if (!dialog.open) dialog.showModal();
      input.select();
      loadIndex().catch(() => {}); // warm the index while the reader types
    }
    return { open };
  }

  return { setup };
})();
