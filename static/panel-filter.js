// Gateway Tour live panel, filters: what a frame must be to show in the
// list. Search looks at the frame's data (its payload as JSON text), like a
// frame viewer's filter; "notes too" adds the annotator's summary and
// notes. A /regex/ is tried on the whole JSON text and on each string or
// number in it on its own, so ^ and $ anchor on a value: /^grace/ finds a
// frame with any value that starts with "grace". A lesson's frame link sets
// a filter of its own, shown as a chip and dropped when the reader leaves
// that lesson. Each stream remembers the reader's own filter.
"use strict";

(() => {
  const P = window.GatewayTourPanel;
  const { el } = P;
  const STORE = "gatewaytour:filters";
  const KEPT_STREAMS = 20;

  const filter = { dir: "", op: "", t: "", text: "", regex: null, error: "", notes: false };
  // link is the lesson frame link that set op / t: { op, t, lesson, label }.
  let link = null;
  let restoring = false;
  let typing = 0; // the pending read after a keystroke

  const $ = (id) => document.getElementById(id);

  // dataText is the frame's data as one lower-cased string, made once.
  function dataText(r) {
    if (r._data === undefined) r._data = r.payload_text !== undefined ? r.payload_text.toLowerCase() : r.payload === undefined ? "" : JSON.stringify(r.payload).toLowerCase();
    return r._data;
  }
  function notesText(r) {
    if (r._notes === undefined) r._notes = [r.summary, ...(r.notes || [])].filter(Boolean).join("\n").toLowerCase();
    return r._notes;
  }

  // values lists the payload's strings and numbers (keys too), walking
  // without recursion so no nesting depth can overflow the stack.
  function values(r) {
    if (r._values) return r._values;
    const out = [];
    const payload = r.readPayload ? r.readPayload() : r.payload;
    const stack = payload === undefined ? [] : [payload];
    while (stack.length) {
      const v = stack.pop();
      if (typeof v === "string") out.push(v);
      else if (typeof v === "number" || typeof v === "boolean") out.push(String(v));
      else if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
      else if (v && typeof v === "object") for (const k of Object.keys(v).reverse()) { out.push(k); stack.push(v[k]); }
    }
    r._values = out;
    return out;
  }

  function regexMatches(r) {
    const re = filter.regex;
    const test = (s) => { re.lastIndex = 0; return re.test(s); };
    // The regex carries the i flag, so the lower-cased text serves.
    if (test(dataText(r))) return true;
    if (values(r).some(test)) return true;
    return filter.notes && [r.summary, ...(r.notes || [])].some((s) => s && test(s));
  }

  function matches(r) {
    if (filter.dir && r.dir !== filter.dir) return false;
    if (filter.op !== "" && String(r.op) !== filter.op) return false;
    if (filter.t && (r.t || "") !== filter.t) return false;
    if (filter.regex) return regexMatches(r);
    if (filter.text) return dataText(r).includes(filter.text) || (filter.notes && notesText(r).includes(filter.text));
    return true;
  }

  // read takes the filter from the toolbar's controls.
  function read() {
    filter.dir = $("filter-dir").value;
    filter.op = $("filter-op").value;
    filter.t = $("filter-event").value.trim().toUpperCase();
    filter.notes = $("search-notes").checked;
    const q = $("frame-search").value.trim();
    filter.text = "";
    filter.regex = null;
    filter.error = "";
    const re = /^\/(.+)\/([a-z]*)$/.exec(q);
    if (re) {
      try {
        const flags = re[2].replace(/[gy]/g, "");
        filter.regex = new RegExp(re[1], flags.includes("i") ? flags : flags + "i");
      } catch {
        filter.error = "Not a valid regular expression";
      }
    } else {
      filter.text = q.toLowerCase();
    }
    $("frame-search").classList.toggle("invalid", !!filter.error);
    $("frame-search").setAttribute("aria-invalid", String(!!filter.error));
    $("frame-search").title = filter.error;
    if (!restoring && !link) remember();
    P.emit("filter");
  }

  // ---- remembered per stream ----
  function stored() {
    try {
      return JSON.parse(localStorage.getItem(STORE) || "{}") || {};
    } catch {
      return {};
    }
  }
  function remember() {
    const all = stored();
    delete all[P.state.streamID];
    const own = { dir: $("filter-dir").value, op: $("filter-op").value, t: $("filter-event").value, q: $("frame-search").value, notes: $("search-notes").checked };
    if (own.dir || own.op || own.t || own.q || own.notes) all[P.state.streamID] = own;
    const ids = Object.keys(all);
    for (const id of ids.slice(0, Math.max(0, ids.length - KEPT_STREAMS))) delete all[id];
    try {
      localStorage.setItem(STORE, JSON.stringify(all));
    } catch {
      // Storage full or off: the filter simply is not remembered.
    }
  }
  function restore(id) {
    clearTimeout(typing); // a keystroke's read must not land on the new stream
    const own = stored()[id] || {};
    restoring = true;
    $("filter-dir").value = own.dir || "";
    $("filter-op").value = own.op || "";
    $("filter-event").value = own.t || "";
    $("frame-search").value = own.q || "";
    $("search-notes").checked = !!own.notes;
    setLink(null);
    read();
    restoring = false;
  }

  // ---- the lesson link's chip ----
  function setLink(value) {
    link = value;
    const chips = $("filter-chips");
    if (!chips) return;
    chips.replaceChildren();
    chips.hidden = !link;
    if (!link) return;
    const chip = el("span", "filter-chip");
    chip.append(el("span", "filter-chip-label", "From the lesson: " + link.label));
    const remove = el("button", "filter-chip-remove", "✕");
    remove.type = "button";
    remove.setAttribute("aria-label", "Remove the lesson's filter (" + link.label + ")");
    remove.addEventListener("click", () => clearLink(true));
    chip.append(remove);
    chips.append(chip);
  }

  // clearLink drops the filter a frame link set and goes back to the
  // reader's own filter for this stream.
  function clearLink(focusList) {
    if (!link) return;
    restore(P.state.streamID);
    if (focusList) $("frame-list").focus();
  }

  // fromLink sets the filter a lesson's frame link asks for.
  function fromLink(op, t) {
    const lesson = document.body.dataset.lesson || "";
    const label = [op != null && op !== "" ? "op " + op : "", t || ""].filter(Boolean).join(" · ") || "any frame";
    restoring = true;
    $("filter-op").value = op ?? "";
    $("filter-event").value = t ?? "";
    $("filter-dir").value = "";
    $("frame-search").value = "";
    setLink({ op, t, lesson, label });
    read();
    restoring = false;
  }

  P.on("ready", () => {
    for (const id of ["filter-dir", "filter-op", "search-notes"]) $(id).addEventListener("change", () => { setLink(null); read(); });
    for (const id of ["frame-search", "filter-event"]) {
      $(id).addEventListener("input", () => {
        setLink(null); // the reader's edit makes the filter theirs
        remember(); // now, while the stream is still the one typed for
        clearTimeout(typing);
        typing = setTimeout(read, 120);
      });
    }
    // Leaving the lesson whose link set the filter drops it.
    document.addEventListener("gatewaytour:lesson", (e) => {
      if (link && e.detail?.slug !== link.lesson) clearLink(false);
    });
  });
  P.on("reset", (id) => { if (document.getElementById("filter-dir")) restore(id); });

  P.filter = { state: filter, matches, read, fromLink, clearLink, link: () => link };
})();
