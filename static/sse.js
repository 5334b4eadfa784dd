// Gateway Tour's reader of Server-Sent Events: what the browser's
// EventSource does (named events, ids sent back as Last-Event-ID on a
// reconnect, the server's retry delay, "closed" when the server refuses the
// stream), over fetch() and a stream reader.
//
// Why not EventSource: at thousands of frames a second its parser, which
// runs on the page's main thread, was the largest cost left in the panel.
// Reading the body ourselves costs one native UTF-8 decode per network
// chunk and one indexOf per line; an event's data is a slice of the chunk.
"use strict";

window.GatewayTourSSE = (() => {
  // follow reads url as an event stream until close() is called.
  // events maps an event name to fn(data, id); link(state) hears the
  // connection's state: "open", "reconnecting" (a drop: it tries again by
  // itself) or "closed" (the server answered with an error: it stops).
  function follow(url, { events = {}, link = () => {} }) {
    let lastID = ""; // the id of the last event, sent back on a reconnect
    let retryMS = 1000; // the server may change it with a retry: field
    let controller = null;
    let timer = 0;
    let stopped = false;

    async function connect() {
      controller = new AbortController();
      const headers = { Accept: "text/event-stream" };
      if (lastID !== "") headers["Last-Event-ID"] = lastID;
      let response;
      try {
        response = await fetch(url, { headers, cache: "no-store", credentials: "same-origin", signal: controller.signal });
      } catch {
        return again(); // no answer at all: the server may be restarting
      }
      if (stopped) return;
      if (!response.ok || !(response.headers.get("Content-Type") || "").startsWith("text/event-stream")) {
        // As EventSource does: an error answer means the stream is over.
        stopped = true;
        response.body?.cancel().catch(() => {});
        link("closed");
        return;
      }
      link("open");
      const parser = new Parser({ id: (id) => (lastID = id), retry: (ms) => (retryMS = ms), event: deliver });
      const decoder = new TextDecoder();
      const reader = response.body.getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.push(decoder.decode(value, { stream: true }));
        }
      } catch {
        // A dropped connection or our own abort; again() tells them apart.
      }
      again();
    }

    function again() {
      if (stopped) return;
      link("reconnecting");
      timer = setTimeout(connect, retryMS);
    }

    function deliver(name, data) {
      if (stopped) return;
      const fn = events[name];
      if (!fn) return;
      try {
        fn(data, lastID);
      } catch (err) {
        console.error("event stream " + name + " handler:", err);
      }
    }

    // Start after the caller has kept the handle it is given.
    queueMicrotask(connect);
    return {
      close() {
        stopped = true;
        clearTimeout(timer);
        controller?.abort();
      },
    };
  }

  // Parser turns decoded text, in chunks cut anywhere, into events. Lines
  // end with "\n" or "\r\n" (a lone "\r", which the format also allows, is
  // not something our server writes). A line longer than a chunk (a huge
  // payload) is kept in pieces and joined once, so reading it stays linear.
  class Parser {
    // on holds id(id) and retry(ms), called as the stream sets them, and
    // event(name, data) for each whole event (after its id).
    constructor(on) {
      this.on = on;
      this.pieces = []; // the start of a line not yet ended
      this.name = "";
      this.data = [];
      this.id = undefined;
    }

    push(text) {
      let start = 0;
      for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
        let line = text.slice(start, end);
        if (this.pieces.length) {
          this.pieces.push(line);
          line = this.pieces.join("");
          this.pieces = [];
        }
        this.line(line.endsWith("\r") ? line.slice(0, -1) : line);
        start = end + 1;
      }
      if (start < text.length) this.pieces.push(text.slice(start));
    }

    line(line) {
      if (line === "") return this.end();
      if (line.startsWith(":")) return; // a comment: the server's keep-alive
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      switch (field) {
        case "event":
          this.name = value;
          break;
        case "data":
          this.data.push(value);
          break;
        case "id":
          if (!value.includes("\u0000")) this.id = value;
          break;
        case "retry":
          if (/^\d+$/.test(value)) this.on.retry(Number(value));
          break;
      }
    }

    // end is a blank line: the event so far is complete. Its id counts
    // only now (an event cut off by a drop is sent again), and even when
    // the event has no data, which is not delivered.
    end() {
      const { name, data, id } = this;
      this.name = "";
      this.data = [];
      this.id = undefined;
      if (id !== undefined) this.on.id(id);
      if (data.length) this.on.event(name || "message", data.length === 1 ? data[0] : data.join("\n"));
    }
  }

  return { follow };
})();
