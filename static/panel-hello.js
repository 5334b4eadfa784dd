// Gateway Tour, the hello-world lessons: their discord.py, discordgo (and
// discord.js) programs in tabs, and the stepper that walks a real
// hello-world bot through the sandbox one step at a time; the modern
// lesson's stepper (data-slash) walks /hello as a slash command. Each tab walks its own bot, whose
// frames go to a panel stream of its own; the panel switches to it, and
// each step highlights its lines of code and selects its frames.
//
// One walk per browser tab: its id lives in sessionStorage, and leaving the
// page (close, reload, another site) ends it. A reload therefore starts
// fresh; the server's idle timeout covers a tab that could not say goodbye.
"use strict";

(() => {
  const P = window.GatewayTourPanel;
  const { el } = P;
  const KEY = "gatewaytour.helloWalk";
  const LANG_KEY = "gatewaytour.codeLang";
  const LANGS = [["python", "discord.py"], ["go", "Go (discordgo)"], ["js", "discord.js"]];

  // The walk outlives lesson swaps (nav.js), so it lives here, not in the DOM.
  const walk = { id: "", stream: "", step: null, busy: false, error: "" };

  const $ = (id) => document.getElementById(id);
  const remember = (id) => { try { id ? sessionStorage.setItem(KEY, id) : sessionStorage.removeItem(KEY); } catch { /* not kept */ } };
  const remembered = () => { try { return sessionStorage.getItem(KEY) || ""; } catch { return ""; } };

  // endWalk tells the server the tab is done with the walk; keepalive lets
  // the request outlive the page.
  function endWalk(id) {
    if (!id) return;
    fetch("/hello/walks/" + encodeURIComponent(id) + "/end", {
      method: "POST", keepalive: true, credentials: "same-origin",
      headers: { "X-CSRF-Token": P.csrf, Accept: "application/json" },
    }).catch(() => { /* the idle timeout ends it */ });
  }

  // ---- the two programs in tabs ----
  function codeOf(block) {
    return block?.classList.contains("code-block") ? block.querySelector("pre > code") : null;
  }

  // programsFrom lists the blocks that follow first in LANGS order: a
  // python block, then go, then optionally js.
  function programsFrom(first) {
    const blocks = [];
    for (let block = first; block && blocks.length < LANGS.length; block = block.nextElementSibling) {
      if (!codeOf(block)?.classList.contains("language-" + LANGS[blocks.length][0])) break;
      blocks.push(block);
    }
    return blocks;
  }

  function setupTabs() {
    for (const first of document.querySelectorAll(".prose > .code-block")) {
      const blocks = programsFrom(first);
      if (blocks.length < 2) continue;
      const group = el("div", "code-tabs");
      const list = el("div", "code-tablist");
      list.setAttribute("role", "tablist");
      list.setAttribute("aria-label", "Language");
      first.before(group);
      const tabs = [];
      blocks.forEach((block, i) => {
        const [lang, label] = LANGS[i];
        const tab = el("button", "code-tab", label);
        tab.type = "button";
        tab.id = "code-tab-" + lang;
        tab.dataset.lang = lang;
        tab.setAttribute("role", "tab");
        block.id = "code-panel-" + lang;
        block.dataset.lang = lang;
        block.setAttribute("role", "tabpanel");
        block.setAttribute("aria-labelledby", tab.id);
        tab.setAttribute("aria-controls", block.id);
        tab.addEventListener("click", () => showTab(group, lang, true));
        tab.addEventListener("keydown", (e) => {
          if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
          e.preventDefault();
          e.stopPropagation();
          const other = tabs[(tabs.indexOf(tab) + 1) % tabs.length];
          showTab(group, other.dataset.lang, true);
          other.focus();
        });
        tabs.push(tab);
      });
      list.append(...tabs);
      group.append(list, ...blocks);
      let lang = "python";
      try {
        const saved = localStorage.getItem(LANG_KEY);
        if (tabs.some((tab) => tab.dataset.lang === saved)) lang = saved;
      } catch { /* default */ }
      showTab(group, lang, false);
    }
  }

  function showTab(group, lang, save) {
    for (const tab of group.querySelectorAll(".code-tab")) {
      const on = tab.dataset.lang === lang;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      $(tab.getAttribute("aria-controls")).hidden = !on;
    }
    if (save) try { localStorage.setItem(LANG_KEY, lang); } catch { /* not remembered */ }
  }

  // highlight marks the step's lines in both programs; chroma renders each
  // line as a span.line directly inside the code element.
  function highlight(step) {
    for (const [lang] of LANGS) {
      const code = codeOf($("code-panel-" + lang));
      if (!code) continue;
      const lines = code.querySelectorAll(":scope > .line");
      lines.forEach((line) => line.classList.remove("hs-line"));
      const marked = (step?.code_lines?.[lang] || []).map((n) => lines[n - 1]).filter(Boolean);
      marked.forEach((line) => line.classList.add("hs-line"));
      // The program scrolls inside its own box, so the stepper below it
      // stays where the reader's pointer is.
      const pre = code.parentElement;
      if (marked.length && pre.scrollHeight > pre.clientHeight) {
        const top = marked[0].offsetTop, bottom = marked[marked.length - 1].offsetTop + marked[marked.length - 1].offsetHeight;
        pre.scrollTo({ top: Math.max(0, (top + bottom) / 2 - pre.clientHeight / 2), behavior: "smooth" });
      }
    }
  }

  // ---- the stepper ----
  function setupStepper() {
    const box = $("hello-stepper");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    // Below the programs it steps through.
    const tabs = document.querySelector(".prose .code-tabs");
    if (tabs) tabs.after(box);
    // A walk of the other kind (the reader came from the other hello-world
    // lesson) is ended: this page's stepper starts its own.
    if (walk.id && !!walk.step?.slash !== isSlash()) {
      endWalk(walk.id);
      remember("");
      Object.assign(walk, { id: "", stream: "", step: null, error: "" });
    }
    const dots = $("hs-dots");
    const steps = Number(box.dataset.steps) || 10;
    for (let i = 1; i <= steps; i++) dots.append(el("li", "hs-dot"));
    $("hs-start").addEventListener("click", start);
    $("hs-next").addEventListener("click", () => act("next"));
    $("hs-back").addEventListener("click", () => act("back"));
    $("hs-restart").addEventListener("click", () => act("restart", { without_message_content: noContent() }));
    $("hs-no-content")?.addEventListener("change", replay);
    box.hidden = false;
    render();
  }

  function render() {
    const box = $("hello-stepper");
    if (!box) return;
    const step = walk.step;
    const started = !!walk.id;
    const n = step ? step.n : 0;
    const total = step?.total || Number(box.dataset.steps) || 10;
    $("hs-start").hidden = started;
    $("hs-next").hidden = !started;
    $("hs-next").disabled = walk.busy || n >= total;
    $("hs-back").disabled = walk.busy || !started || n === 0;
    $("hs-restart").disabled = walk.busy || !started;
    $("hs-start").disabled = walk.busy;
    const toggle = $("hs-no-content");
    if (toggle) {
      toggle.disabled = walk.busy;
      if (step) toggle.checked = step.without_message_content;
    }
    box.classList.toggle("busy", walk.busy);
    box.dataset.step = String(n);
    $("hs-progress").textContent = !started ? "Not started" : walk.busy ? "Working…" :
      n === 0 ? "Ready: press Next" : `Step ${n} of ${total}`;
    if (step && n > 0) {
      $("hs-step-title").textContent = `${n}. ${step.title}`;
      $("hs-step-text").textContent = step.explanation;
    } else if (started) {
      $("hs-step-title").textContent = "The bot is ready to log in";
      $("hs-step-text").textContent = "Nothing has crossed the wire yet. Press Next: the bot asks the REST API where the gateway is." +
        (step?.without_message_content ? " This walk identifies without MESSAGE_CONTENT." : "");
    }
    [...$("hs-dots").children].forEach((dot, i) => {
      dot.classList.toggle("done", i < (step?.performed || 0));
      dot.classList.toggle("current", i + 1 === n);
    });
    $("hs-error").textContent = walk.error;
    $("hs-error").hidden = !walk.error;
    highlight(n > 0 ? step : null);
  }

  // isSlash says whether this page's stepper walks the modern hello-world.
  const isSlash = () => !!$("hello-stepper")?.hasAttribute("data-slash");
  const noContent = () => $("hs-no-content")?.checked || false;

  async function request(path, body) {
    walk.busy = true;
    walk.error = "";
    render();
    try {
      return await P.post(path, body || {});
    } finally {
      walk.busy = false;
    }
  }

  async function start() {
    const answer = await request("/hello/walks", { without_message_content: noContent(), slash: isSlash() });
    if (answer.ok) {
      walk.id = answer.data.walk;
      walk.stream = answer.data.stream;
      walk.step = answer.data.step;
      remember(walk.id);
      P.emit("watch", walk.stream);
    } else {
      walk.error = answer.data.error || "The walk could not start.";
    }
    render();
  }

  // act runs one stepper action and shows its answer; false when it failed.
  async function act(action, body) {
    if (!walk.id || walk.busy) return false;
    const answer = await request("/hello/walks/" + encodeURIComponent(walk.id) + "/" + action, body);
    if (answer.status === 404) {
      // The walk ended (a long pause, a restart of gatewaytour): start over.
      Object.assign(walk, { id: "", stream: "", step: null });
      remember("");
      walk.error = "That walk has ended (it was idle for a long time). Press Start to begin again.";
      render();
      return false;
    }
    if (answer.data && typeof answer.data.n === "number") walk.step = answer.data;
    if (!answer.ok) walk.error = answer.data.error || "The step failed (HTTP " + answer.status + ").";
    render();
    if (walk.step) showFrames(walk.step);
    if (P.state.streamID !== walk.stream) P.emit("watch", walk.stream);
    return answer.ok && !answer.data.finished;
  }

  // replay restarts the walk with the toggle's choice and walks back to
  // the step the reader was on, so step 8 shows the difference at once.
  async function replay() {
    if (!walk.id) return;
    const target = walk.step ? walk.step.n : 0;
    if (!(await act("restart", { without_message_content: noContent() }))) return;
    while (walk.step && walk.step.n < target) {
      if (!(await act("next"))) return;
    }
  }

  // showFrames marks the step's records in the panel and selects the last
  // one once it has arrived there.
  let wanted = null;
  function showFrames(step) {
    wanted = step.frames && step.frames.length ? step.frames : null;
    P.list?.mark(wanted || []);
    selectWanted();
  }

  function selectWanted() {
    if (!wanted || P.state.streamID !== walk.stream) return;
    const last = wanted[wanted.length - 1];
    const rec = P.state.records.find((r) => r.index === last);
    if (!rec) return;
    wanted = null;
    P.list.select(rec, true);
  }

  P.on("records", selectWanted);
  P.on("reset", () => setTimeout(selectWanted));

  function setupLesson() {
    setupTabs();
    setupStepper();
  }

  document.addEventListener("DOMContentLoaded", () => {
    // A walk left over from this tab's previous page (a reload whose
    // goodbye was lost) is ended; this page starts fresh.
    endWalk(remembered());
    remember("");
    setupLesson();
  });
  document.addEventListener("gatewaytour:lesson", setupLesson);
  window.addEventListener("pagehide", () => {
    endWalk(walk.id);
    remember("");
    Object.assign(walk, { id: "", stream: "", step: null, busy: false, error: "" });
  });
  window.addEventListener("pageshow", (e) => { if (e.persisted) render(); });

  P.hello = { walk };
})();
