// Gateway Tour live panel, core: the stream of annotated frames from the
// server (Server-Sent Events, read by sse.js), the records kept in the
// page, and a small event bus the other panel files (list, detail, chart,
// connect) hook into.
// Frame data is only ever put in the page with textContent.
"use strict";

window.GatewayTourPanel = (() => {
  // The page keeps this many records; older ones stay in the server's
  // session and in the export.
  const MAX_KEPT = 100000;
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
  const handlers = new Map();

  const state = {
    streamID: "inspector",
    records: [], // oldest first
    lastIndex: -1, // the highest index received on this stream
    streams: [],
    source: null,
    // The page's own link to the server: "connecting", "open",
    // "reconnecting" (the reader retries by itself) or "closed".
    link: "connecting",
  };

  function on(event, fn) {
    if (!handlers.has(event)) handlers.set(event, []);
    handlers.get(event).push(fn);
  }

  function emit(event, ...args) {
    for (const fn of handlers.get(event) || []) {
      try {
        fn(...args);
      } catch (err) {
        console.error("panel " + event + " handler:", err);
      }
    }
  }

  // post sends a same-origin request with the CSRF token; the answer is
  // { ok, status, data } with data the decoded JSON (or { error }).
  const post = (url, body, contentType = "application/json") => send("POST", url, body, contentType);
  // remove is DELETE, CSRF-checked like post.
  const remove = (url) => send("DELETE", url);

  async function send(method, url, body, contentType = "application/json") {
    let r;
    try {
      r = await fetch(url, {
        method,
        headers: { "Content-Type": contentType, "X-CSRF-Token": csrf, Accept: "application/json" },
        body: body === undefined ? undefined : contentType === "application/json" ? JSON.stringify(body) : body,
        credentials: "same-origin",
      });
    } catch {
      return { ok: false, status: 0, data: { error: "The server did not answer. Is gatewaytour still running?" } };
    }
    let data;
    if (r.status === 204) return { ok: true, status: 204, data: {} };
    try {
      data = await r.json();
    } catch {
      data = { error: (await r.text().catch(() => "")) || "HTTP " + r.status };
    }
    return { ok: r.ok, status: r.status, data };
  }

  function streamInfo(id = state.streamID) {
    return state.streams.find((s) => s.id === id) || null;
  }

  // Record is a record as the page keeps it. The server sends each payload
  // as text (payload_text), and r.payload parses it the first time it is
  // read (the detail, the guild strip): a hundred thousand records then
  // hold a string each, not an object graph each, so the garbage collector
  // stays quick while frames pour in.
  class Record {
    get payload() {
      if (this._payload === undefined && this.payload_text !== undefined) this._payload = JSON.parse(this.payload_text);
      return this._payload;
    }

    // readPayload is the payload without keeping it: a search over every
    // record must not leave every record holding its object.
    readPayload() {
      return this._payload !== undefined || this.payload_text === undefined ? this.payload : JSON.parse(this.payload_text);
    }
  }

  // record makes a record of the server's stream (JSON.parse of an event's
  // data) one the page keeps. The notes, terms and names that thousands of
  // records repeat word for word are kept once: fewer live objects is what
  // keeps the garbage collector's pauses short during a flood.
  function record(raw) {
    const r = Object.assign(new Record(), raw);
    for (const key of ["op_name", "t", "source", "peer", "dir"]) if (typeof r[key] === "string") r[key] = shared(r[key], r[key]);
    if (r.notes) r.notes = shared(r.notes.join("\u0000"), r.notes);
    if (r.terms) r.terms = shared(r.terms.map((t) => t.path + "\u0001" + t.kind + "\u0001" + t.note).join("\u0000"), r.terms);
    return r;
  }

  // shared returns the one kept value for key, keeping value as it when
  // key is new; the table is bounded, after which values are kept as they
  // come.
  const SHARED_MAX = 20000;
  const sharedValues = new Map();
  function shared(key, value) {
    const kept = sharedValues.get(key);
    if (kept !== undefined) return kept;
    if (sharedValues.size < SHARED_MAX) sharedValues.set(key, value);
    return value;
  }

  function receive(batch) {
    const receivedAt = Date.now();
    const fresh = [];
    for (const raw of batch) {
      // A reconnect resumes after the last id, so repeats are rare; drop them.
      if (raw.index <= state.lastIndex) continue;
      state.lastIndex = raw.index;
      const r = record(raw);
      r.receivedAt = receivedAt;
      fresh.push(r);
    }
    if (!fresh.length) return;
    for (const r of fresh) state.records.push(r);
    if (state.records.length > MAX_KEPT) {
      // Trim in chunks so the copy happens rarely.
      const drop = state.records.length - MAX_KEPT + Math.floor(MAX_KEPT / 10);
      state.records.splice(0, drop);
      emit("trim", drop);
    }
    emit("records", fresh);
  }

  // open follows a stream from its oldest held record. The reader
  // (sse.js) reconnects by itself after a drop or a sleep, sending the
  // last id it saw, so the server carries on from the next record.
  function open(id) {
    state.source?.close();
    state.streamID = id;
    state.records = [];
    state.lastIndex = -1;
    emit("reset", id);
    const source = window.GatewayTourSSE.follow("/panel/events?stream=" + encodeURIComponent(id), {
      events: {
        records: (data) => receive(JSON.parse(data)),
        gap: (data) => emit("gap", JSON.parse(data)),
        reset: () => {
          // The program restarted: its stream is a new one.
          state.records = [];
          state.lastIndex = -1;
          emit("reset", id);
        },
        streams: (data) => {
          state.streams = JSON.parse(data).streams || [];
          emit("streams", state.streams);
        },
      },
      link: (link) => {
        if (state.source !== source) return;
        state.link = link;
        emit("link", link);
        if (link === "closed" && id !== "inspector") {
          // The stream is gone (a bot disconnected long ago, a server restart).
          emit("notice", "That stream is no longer available; back to the panel's own connection.");
          open("inspector");
        }
      },
    });
    state.source = source;
  }

  // Formatting shared by the list and the detail.
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  function clock(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return "";
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  }
  function bytes(n) {
    if (n == null) return "";
    if (n < 1024) return n + " B";
    if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + " MB";
    return (n / 1024).toFixed(n < 10240 ? 1 : 0) + " kB";
  }
  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text != null) e.textContent = text;
    return e;
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!document.getElementById("panel")) return;
    emit("ready");
    open(state.streamID);
  });

  return { state, on, emit, post, remove, open, streamInfo, record, csrf, clock, bytes, el };
})();
