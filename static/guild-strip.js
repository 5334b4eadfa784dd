// Gateway Tour guild view: "what just happened". Every action in the guild
// is followed by the frames and REST calls it caused on every bot's stream
// (and the panel's own), listed under the message box with one sentence
// made from those records. Clicking one selects that frame in the panel.
"use strict";

window.GatewayTourGuildStrip = (() => {
  const P = window.GatewayTourPanel;
  const G = window.GatewayTourGuild;
  const $ = (id) => document.getElementById(id);
  const el = window.GatewayTourPanel.el; // createElement with a class and textContent
  const WINDOW_MS = 5000; // how long after an action its consequences are collected
  const MAX_ITEMS = 40;
  const MAX_STREAMS = 2; // with the panel's stream and the guild feed, four of the browser's six connections
  const sources = new Map(); // stream id → its event-stream reader
  let action = null; // { label, kind, started, id, records: [] }

  // follow keeps one event stream per bot stream on the sandbox, from its
  // next record, so frames an action causes are seen whichever stream the
  // panel shows.
  function follow() {
    // Only while the guild is shown: a browser keeps six connections to a
    // server, and every event stream holds one.
    const shown = !document.getElementById("guild-view")?.hidden;
    const live = shown ? (P.state.streams || []).filter((s) => s.kind === "sandbox-bot" && !["closed", "stopped"].includes(s.state?.kind)) : [];
    for (const [id, es] of sources) {
      if (!live.some((s) => s.id === id)) {
        es.close();
        sources.delete(id);
      }
    }
    for (const s of live.slice(0, MAX_STREAMS)) {
      if (sources.has(s.id)) continue;
      const url = "/panel/events?stream=" + encodeURIComponent(s.id) + "&from=" + s.next;
      sources.set(s.id, window.GatewayTourSSE.follow(url, { events: { records: (data) => take(s.id, s.label || s.id, JSON.parse(data)) } }));
    }
  }

  function take(stream, label, batch) {
    if (!action) return;
    for (const raw of batch) {
      const r = P.record(raw);
      if (Date.parse(r.time) < action.started - 50 || r.op === 1 || r.op === 11 || r.op === 10) continue;
      if (Date.now() - action.started > WINDOW_MS + 2000) return;
      action.records.push({ stream, label, r, at: performance.now() });
    }
    draw();
  }

  // related is whether a record belongs to the action: an interaction's
  // records name its id (INTERACTION_CREATE, the callback's path, the
  // message it made); a message's name the message or come soon after.
  function related(x) {
    if (!action.id) return true;
    const text = JSON.stringify(x.r.payload ?? "");
    if (action.kind !== "interaction") return true;
    return text.includes(action.id) || /\/webhooks\//.test(text);
  }

  function describe(x) {
    const r = x.r;
    if (r.op_name === "REST") {
      const p = r.payload || {};
      const err = p.status >= 400 && p.body && typeof p.body === "object" ? " — " + (p.body.code ?? "") + " " + (p.body.message ?? "") : "";
      return `${x.label} called ${p.route || p.http} → ${p.status}${err}`;
    }
    if (r.op === 0) return `${x.label} ${r.dir === "recv" ? "received" : "sent"} ${r.t}`;
    return `${x.label}: ${r.summary || r.op_name}`;
  }

  function sentence(items) {
    if (!items.length) return action.label + ": no bot frame yet.";
    const parts = items.slice(0, 6).map((x) => {
      const r = x.r;
      if (r.op_name === "REST") {
        const p = r.payload || {};
        const route = (p.route || p.http || "").replace(/^\S+ /, "");
        const what = /callback$/.test(route) ? "answered with the interaction callback" : /webhooks/.test(route) ? "sent a follow-up or edit through the webhook" : "called " + (p.route || p.http);
        return what + " (" + p.status + (p.status >= 400 ? ", refused: " + (p.body?.message || "") : "") + ")";
      }
      return (r.dir === "recv" ? "got " : "sent ") + (r.t || r.op_name);
    });
    return action.label + " → the bot " + parts.join(", then ") + (items.length > 6 ? ", …" : "") + ".";
  }

  let queued = false;
  function draw() {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      if (!action) return;
      const items = action.records.filter(related).slice(0, MAX_ITEMS);
      $("guild-strip-line").textContent = action.error ? action.label + " → " + action.error : sentence(items);
      const ol = $("guild-strip-list");
      ol.replaceChildren();
      for (const x of items) {
        const li = el("li");
        const b = el("button", null, describe(x));
        b.type = "button";
        b.title = "Show this frame in the panel";
        b.addEventListener("click", () => reveal(x.stream, x.r.index));
        li.append(b);
        ol.append(li);
      }
    });
  }

  // reveal shows the frame in the panel: its stream, then the record.
  function reveal(stream, index) {
    G.showTab(false);
    const select = () => {
      const r = P.state.records.find((x) => x.index === index);
      if (!r) return false;
      P.list.applyFrameLink("", "");
      P.list.select(r, true);
      document.getElementById("frame-list")?.focus();
      return true;
    };
    if (P.state.streamID === stream && select()) return;
    let tries = 0;
    if (P.state.streamID !== stream) P.open(stream);
    const wait = () => {
      if (select() || ++tries > 50) return;
      setTimeout(wait, 100);
    };
    wait();
  }

  P.on("streams", follow);
  P.on("ready", follow);
  G.hooks.tab = follow; // the tab switch (guild-view.js) starts and stops following

  return {
    begin(label, opts) {
      follow();
      action = { label, kind: opts.kind, started: Date.now(), startedAt: performance.now(), id: null, records: [] };
      draw();
    },
    identify(id) {
      if (action) action.id = id;
      draw();
    },
    fail(message) {
      if (action) action.error = "refused by the sandbox: " + (message || "error");
      draw();
    },
    done(text) {
      if (action) action.error = text;
      draw();
    },
    // reason is why an interaction got no answer, from the bot's refused
    // callback if there was one (Discord's 50035 names the field).
    async reason(id) {
      await new Promise((ok) => setTimeout(ok, 150));
      const refused = (action?.records || []).find((x) => x.r.op_name === "REST" && x.r.payload?.status >= 400 && (x.r.payload.http || "").includes(id));
      if (!refused) return "";
      const b = refused.r.payload.body || {};
      const detail = b.errors ? " " + JSON.stringify(b.errors).slice(0, 300) : "";
      return "the bot's answer was refused: " + (b.code ?? refused.r.payload.status) + " " + (b.message || "") + detail;
    },
    records: () => action?.records || [],
    // firstFrameMs is how long the current action waited for its first
    // related frame (null while none has come), for the performance test.
    firstFrameMs: () => {
      const first = (action?.records || []).find(related);
      return first ? first.at - action.startedAt : null;
    },
  };
})();
