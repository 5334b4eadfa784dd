// Gateway Tour live panel, connection: the state line, the stream picker,
// the Connect dialog (sandbox, real Discord, a bot on the sandbox, a
// recording), Disconnect, Export, and the panel's own size and collapse.
"use strict";

(() => {
  const P = window.GatewayTourPanel;
  const { el } = P;
  const $ = (id) => document.getElementById(id);
  let mode = "sandbox";
  // A notice (a refused action, a stream that went away) stays in the
  // state line this long, whatever state changes come after it.
  const NOTICE_MS = 10000;
  let notice = { text: "", until: 0 };

  const STATE_TEXT = {
    idle: "Not connected",
    connecting: "Connecting…",
    identified: "Identified",
    resuming: "Resuming…",
    closed: "Closed",
    stopped: "Stopped",
    recording: "Recording",
  };

  function showState() {
    const info = P.streamInfo();
    // Only a recording can be removed; live streams end with their connection.
    $("remove-recording").hidden = !info || info.kind !== "recording";
    const box = $("conn-state");
    const detail = $("conn-detail");
    const st = info ? info.state : { kind: "idle" };
    let text = STATE_TEXT[st.kind] || st.kind;
    if (info && info.kind !== "recording" && st.target) text += st.target === "discord" ? " · Discord" : " · sandbox";
    if (st.close) text += ` · ${st.close.code} ${st.close.name || ""}`.trimEnd();
    if (P.state.link === "reconnecting") text += " · reconnecting to gatewaytour…";
    else if (P.state.link === "closed") text += " · this page lost gatewaytour";
    box.dataset.kind = st.kind;
    box.querySelector(".conn-text").textContent = text;
    box.title = text;
    const lines = [];
    if (notice.text && performance.now() < notice.until) lines.push(notice.text);
    // The server's sentence comes from the same explanation as the close
    // frame's own notes (who closed, and why: a client's 4000 to resume is
    // not trouble on the gateway's side), so it is preferred.
    if (st.detail) lines.push(st.detail);
    else if (st.close) lines.push(st.close.meaning + (st.close.fix ? " Fix: " + st.close.fix : ""));
    detail.textContent = lines.join(" ");
    detail.hidden = !lines.length;
    detail.dataset.kind = st.close ? "closed" : "";
    $("disconnect").hidden = !info || info.kind !== "inspector" || st.kind === "idle" || st.kind === "stopped";
    showAttempt(info);
  }

  // showAttempt tells how a switch of the panel's own connection is going:
  // while a new connection is tried the current one keeps the stream, and
  // a failure (no network, a refused token) comes with a way back to the
  // sandbox. A failure that was dismissed stays dismissed across reloads.
  const DISMISSED = "gatewaytour.attemptDismissed";
  function attemptBox() {
    let box = $("attempt-note");
    if (box) return box;
    box = el("div", "attempt-note script-only");
    box.id = "attempt-note";
    box.setAttribute("role", "alert");
    const text = el("p", "attempt-text");
    text.id = "attempt-text";
    const back = el("button", "button button-small", "Back to the sandbox");
    back.type = "button";
    back.id = "attempt-back";
    back.addEventListener("click", backToSandbox);
    box.append(text, back);
    box.hidden = true;
    $("conn-detail").after(box);
    return box;
  }

  // Attempts are numbered afresh when the program restarts: the key holds
  // the sentence too, so a new failure is never taken for a dismissed one.
  const attemptKey = (a) => `${a.id} ${a.detail}`;

  function showAttempt(info) {
    const box = attemptBox();
    const st = info && info.kind === "inspector" ? info.state : null;
    const attempt = st && st.attempt;
    let text = "";
    let back = false;
    if (attempt && attempt.kind === "connecting") {
      text = attempt.detail;
    } else if (attempt && attempt.kind === "failed") {
      back = attemptKey(attempt) !== localStorage.getItem(DISMISSED);
      if (back) text = attempt.detail;
    } else if (st && st.target === "discord" && (st.kind === "stopped" || st.kind === "closed")) {
      // No session was kept (the state line says why): the way back is a
      // new sandbox connection.
      back = true;
    }
    $("attempt-text").textContent = text;
    $("attempt-text").hidden = !text;
    $("attempt-back").hidden = !back;
    box.dataset.kind = attempt ? attempt.kind : "stopped";
    box.hidden = !text && !back;
  }

  async function backToSandbox() {
    const info = P.streamInfo("inspector");
    const st = info ? info.state : {};
    if (st.attempt && st.target === "sandbox" && st.kind === "identified") {
      // The sandbox session never went away: only the failure is put aside.
      try { localStorage.setItem(DISMISSED, attemptKey(st.attempt)); } catch { /* shown again on reload */ }
    } else {
      const intents = [...document.querySelectorAll('#intent-choices input[name="intent"]')].map((b) => b.value);
      const answer = await P.post("/panel/connect", { mode: "sandbox", intents });
      if (!answer.ok) return P.emit("notice", answer.data.error);
    }
    switchTo("inspector");
    $("frame-list").focus();
  }

  function showStreams(streams) {
    const select = $("stream-select");
    const keep = P.state.streamID;
    const options = streams.map((s) => {
      const o = el("option", "", s.label || s.id);
      o.value = s.id;
      return o;
    });
    if (!streams.some((s) => s.id === keep)) {
      const o = el("option", "", keep);
      o.value = keep;
      options.unshift(o);
    }
    select.replaceChildren(...options);
    select.value = keep;
    const bots = streams.filter((s) => s.kind === "sandbox-bot");
    $("bot-list").replaceChildren(...bots.map((s) => {
      const li = el("li", "bot-item");
      const watch = el("button", "button button-small", "Watch");
      watch.type = "button";
      watch.dataset.stream = s.id;
      watch.addEventListener("click", () => {
        $("connect-dialog").close();
        switchTo(s.id);
      });
      li.append(el("span", "bot-label", s.label || s.id), el("span", "bot-state", STATE_TEXT[s.state.kind] || s.state.kind), watch);
      return li;
    }));
    $("bot-empty").hidden = bots.length > 0;
    announceBots(bots);
    showState();
  }

  // announceBots offers, once, each bot that logs in to the sandbox: a
  // reader who just started their own bot sees it at once. A connection
  // that stayed anonymous for seconds before identifying is the lesson's
  // own hello-world bot (its stream is the stepper's), not news.
  // The bots already offered are kept across reloads (a reader who
  // dismissed one must not see it again), keyed by stream and gateway
  // session, since stream ids start over when gatewaytour restarts.
  const ANNOUNCED = "gatewaytour:announced-bots";
  const announced = new Set((() => {
    try {
      return JSON.parse(localStorage.getItem(ANNOUNCED) || "[]");
    } catch {
      return [];
    }
  })());
  const botKey = (s) => s.id + "@" + (s.state.session_id || s.label || "");
  function markAnnounced(s) {
    announced.add(botKey(s));
    try {
      localStorage.setItem(ANNOUNCED, JSON.stringify([...announced].slice(-50)));
    } catch {
      // Not kept: a reload may offer the bot once more.
    }
  }
  function announceBots(bots) {
    let fresh = null;
    for (const s of bots) {
      if (announced.has(botKey(s))) continue;
      if (s.state.kind === "closed" || s.state.kind === "stopped") markAnnounced(s);
      if (s.state.kind !== "identified") continue;
      markAnnounced(s);
      if (s.id !== P.state.streamID && !(s.label || "").startsWith("a bot on the sandbox (")) fresh = s;
    }
    const notice = $("bot-notice");
    if (fresh) {
      $("bot-notice-text").textContent = `A bot just logged in: ${fresh.label || fresh.id}`;
      notice.dataset.stream = fresh.id;
      notice.hidden = false;
    } else if (notice.dataset.stream && !bots.some((s) => s.id === notice.dataset.stream && s.state.kind === "identified")) {
      // The bot went away before anyone watched it.
      notice.hidden = true;
    }
  }

  function switchTo(id) {
    if (id !== P.state.streamID) P.open(id);
    if ($("bot-notice").dataset.stream === id) $("bot-notice").hidden = true;
    $("export-link").href = "/panel/export?stream=" + encodeURIComponent(id);
    $("stream-select").value = id;
    showState();
  }

  function setMode(next) {
    mode = next;
    for (const tab of document.querySelectorAll(".connect-tab")) {
      const on = tab.id === "tab-" + mode;
      tab.setAttribute("aria-selected", String(on));
      $(tab.getAttribute("aria-controls")).hidden = !on;
    }
    $("intent-choices").hidden = mode !== "sandbox" && mode !== "discord";
    const submit = $("connect-submit");
    submit.hidden = mode === "bot";
    submit.textContent = { sandbox: "Connect to the sandbox", discord: "Connect to Discord", recording: "Open the recording" }[mode] || "";
    // The sandbox has every privileged intent enabled; on Discord they must
    // be enabled in the portal first, so they start unticked there.
    for (const box of document.querySelectorAll('#intent-choices input[name="intent"]')) {
      box.checked = mode === "sandbox" || box.dataset.privileged !== "true";
    }
    showError("");
  }

  function showError(message) {
    // Server messages read as sentences in the dialog.
    $("connect-error").textContent = message ? message[0].toUpperCase() + message.slice(1) : "";
    $("connect-error").hidden = !message;
  }

  async function submit() {
    const button = $("connect-submit");
    button.disabled = true;
    try {
      let answer;
      if (mode === "recording") {
        const file = $("recording-input").files[0];
        if (!file) return showError("Choose an NDJSON file first.");
        answer = await P.post("/panel/recording?name=" + encodeURIComponent(file.name), file, "application/x-ndjson");
        if (answer.ok) {
          $("connect-dialog").close();
          switchTo(answer.data.id);
        }
      } else {
        const intents = [...document.querySelectorAll('#intent-choices input[name="intent"]:checked')].map((b) => b.value);
        const body = { mode, intents };
        const tokenInput = $("token-input");
        if (mode === "discord") body.token = tokenInput.value;
        answer = await P.post("/panel/connect", body);
        // The token has been sent; the page forgets it either way.
        tokenInput.value = "";
        if (answer.ok) {
          $("connect-dialog").close();
          switchTo("inspector");
        }
      }
      if (!answer.ok) showError(answer.data.error || "The server said no (HTTP " + answer.status + ").");
    } finally {
      button.disabled = false;
    }
  }

  // The panel's width is a CSS variable on the layout, dragged with the
  // separator (or moved with ← → on it) and remembered.
  function setupResize() {
    const layout = document.querySelector(".layout");
    const handle = $("panel-resizer");
    const key = "gatewaytour.panelWidth";
    const apply = (px) => {
      const max = Math.round(window.innerWidth * 0.7);
      const width = Math.round(Math.max(320, Math.min(px, max)));
      layout.style.setProperty("--panel-width", width + "px");
      // A separator that can be moved tells its position to assistive tech.
      handle.setAttribute("aria-valuemax", String(Math.max(320, max)));
      handle.setAttribute("aria-valuenow", String(width));
      handle.setAttribute("aria-valuetext", `the panel is ${width} pixels wide`);
      return width;
    };
    const saved = Number(localStorage.getItem(key));
    if (saved) apply(saved);
    else handle.setAttribute("aria-valuenow", String($("panel").offsetWidth));
    handle.addEventListener("pointerdown", (e) => {
      e.preventDefault();
      handle.setPointerCapture(e.pointerId);
      const move = (ev) => apply(window.innerWidth - ev.clientX - 16);
      const up = () => {
        handle.removeEventListener("pointermove", move);
        handle.removeEventListener("pointerup", up);
        try { localStorage.setItem(key, String($("panel").offsetWidth)); } catch { /* not remembered */ }
      };
      handle.addEventListener("pointermove", move);
      handle.addEventListener("pointerup", up);
    });
    handle.addEventListener("keydown", (e) => {
      if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
      e.preventDefault();
      e.stopPropagation();
      const w = apply($("panel").offsetWidth + (e.key === "ArrowLeft" ? 32 : -32));
      try { localStorage.setItem(key, String(w)); } catch { /* not remembered */ }
    });
  }

  function setCollapsed(collapsed) {
    document.body.classList.toggle("panel-collapsed", collapsed);
    const button = $("panel-collapse");
    button.setAttribute("aria-expanded", String(!collapsed));
    const label = collapsed ? "Show the panel" : "Hide the panel";
    button.setAttribute("aria-label", label);
    button.title = label;
    try { localStorage.setItem("gatewaytour.panelCollapsed", JSON.stringify(collapsed)); } catch { /* not remembered */ }
  }

  // The "Connect your bot" dialog and the "A bot on the sandbox" tab show
  // the sandbox's URLs, token and recipes from GET /panel/join (the same
  // words `gatewaytour sandbox` prints).
  let join = null;
  async function loadJoin() {
    if (join) return join;
    try {
      const response = await fetch("/panel/join", { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error("HTTP " + response.status);
      join = await response.json();
    } catch (err) {
      $("join-error").textContent = "The sandbox's address could not be loaded (" + err.message + "). Reload the page to try again.";
      $("join-error").hidden = false;
      return null;
    }
    $("join-rest").textContent = join.rest;
    $("join-gateway").textContent = join.gateway;
    $("join-token").textContent = join.token;
    $("join-recipe").textContent = join.recipe;
    $("sandbox-api-url").textContent = join.rest;
    $("sandbox-token").textContent = join.token;
    $("join-libraries").replaceChildren(...join.libraries.map((lib, i) => {
      const section = el("section", "join-library");
      const id = "join-lib-" + i;
      const heading = el("h3", "", lib.name);
      heading.id = id + "-title";
      const pre = el("pre", "", lib.snippet);
      pre.id = id;
      pre.tabIndex = 0;
      pre.setAttribute("aria-labelledby", heading.id);
      const copy = el("button", "button button-small", "Copy");
      copy.type = "button";
      copy.dataset.copy = id;
      copy.setAttribute("aria-label", "Copy the " + lib.name + " lines");
      section.append(heading, pre, copy);
      return section;
    }));
    return join;
  }

  function openJoin() {
    const connect = $("connect-dialog");
    if (connect.open) connect.close();
    $("join-dialog").showModal();
    loadJoin();
  }

  P.on("ready", () => {
    const dialog = $("connect-dialog");
    $("sandbox-api-url").textContent = location.origin + "/api/v10";
    $("join-open").addEventListener("click", openJoin);
    for (const button of document.querySelectorAll("[data-open-join]")) button.addEventListener("click", openJoin);
    loadJoin();
    $("connect-open").addEventListener("click", () => {
      setMode(mode);
      dialog.showModal();
    });
    for (const tab of document.querySelectorAll(".connect-tab")) tab.addEventListener("click", () => setMode(tab.id.slice(4)));
    $("connect-form").addEventListener("submit", (e) => {
      e.preventDefault();
      submit();
    });
    dialog.addEventListener("close", () => { $("token-input").value = ""; });
    $("stream-select").addEventListener("change", (e) => switchTo(e.target.value));
    $("remove-recording").addEventListener("click", async () => {
      const id = P.state.streamID;
      const answer = await P.remove("/panel/streams/" + encodeURIComponent(id));
      if (!answer.ok) {
        P.emit("notice", answer.data.error);
        return;
      }
      switchTo("inspector");
    });
    $("disconnect").addEventListener("click", async () => {
      const answer = await P.post("/panel/disconnect", {});
      if (!answer.ok) P.emit("notice", answer.data.error);
    });
    $("panel-collapse").addEventListener("click", () => setCollapsed(!document.body.classList.contains("panel-collapsed")));
    try {
      if (JSON.parse(localStorage.getItem("gatewaytour.panelCollapsed"))) setCollapsed(true);
    } catch { /* expanded */ }
    $("bot-notice-watch").addEventListener("click", () => switchTo($("bot-notice").dataset.stream));
    $("bot-notice-dismiss").addEventListener("click", () => { $("bot-notice").hidden = true; });
    setupResize();
    setMode("sandbox");
    showState();
  });
  P.on("streams", showStreams);
  // Another part of the page (the hello-world stepper) picks a stream.
  P.on("watch", switchTo);
  P.on("link", showState);
  P.on("reveal", () => setCollapsed(false));
  P.on("notice", (text) => {
    notice = { text: text || "", until: performance.now() + NOTICE_MS };
    showState();
    setTimeout(showState, NOTICE_MS + 50);
  });
})();
