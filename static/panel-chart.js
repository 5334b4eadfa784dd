// Gateway Tour live panel, heartbeat timeline: an inline SVG of the last
// beats, built with DOM APIs, no library. The upper strip is each beat's
// spacing (time since the previous beat, or the first beat's jitter after
// Hello) against the interval, drawn as a dashed line: a beat above the
// line was late and is drawn in the warning colour. The lower strip is the
// round trip to the beat's ACK; a beat still waiting for one is hollow.
"use strict";

(() => {
  const P = window.GatewayTourPanel;
  const SVG = "http://www.w3.org/2000/svg";
  const SHOWN = 40;
  const W = 400;
  const TOP = 34; // spacing strip height; the interval line sits at 3/4 of it
  const GAP = 4;
  const LOW = 18; // round-trip strip height
  const H = TOP + GAP + LOW;
  let figure, summary, svg;
  let beats = []; // { index, late, spacing, rtt }
  let interval = null;
  let pending = false;

  function node(tag, attrs) {
    const n = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
    return n;
  }

  function add(records) {
    let changed = false;
    for (const r of records) {
      const hb = r.heartbeat;
      if (!hb) continue;
      if (r.op === 10) {
        interval = hb.interval_ms;
        changed = true;
      } else if (r.op === 1 && r.dir === "send") {
        beats.push({ index: r.index, late: !!hb.late, spacing: hb.since_last_ms ?? hb.jitter_ms ?? null, rtt: null });
        if (hb.interval_ms) interval = hb.interval_ms;
        changed = true;
      } else if (r.op === 11 && hb.ack_rtt_ms != null) {
        const beat = [...beats].reverse().find((b) => b.rtt == null);
        if (beat) beat.rtt = hb.ack_rtt_ms;
        changed = true;
      }
    }
    if (beats.length > SHOWN * 4) beats = beats.slice(-SHOWN);
    if (changed && !pending) {
      pending = true;
      requestAnimationFrame(draw);
    }
  }

  const fmt = (v) => (v == null ? "–" : v >= 1000 ? (v / 1000).toFixed(1) + " s" : v.toFixed(1) + " ms");

  function bar(x, y, width, height, cls, tip) {
    const r = node("rect", { x: x.toFixed(1), y: y.toFixed(1), width: width.toFixed(1), height: Math.max(1.5, height).toFixed(1), rx: 1.5, class: cls });
    const title = node("title", {});
    title.textContent = tip;
    r.append(title);
    return r;
  }

  function draw() {
    pending = false;
    const shown = beats.slice(-SHOWN);
    const maxRTT = Math.max(1, ...shown.map((b) => b.rtt || 0));
    const lineY = TOP / 4; // the interval
    const step = W / SHOWN;
    const g = node("g", {});
    shown.forEach((b, i) => {
      const x = i * step + step * 0.2;
      const w = step * 0.6;
      const tip = `Beat #${b.index}: ` + (b.spacing != null ? `${fmt(b.spacing)} after the previous` : "spacing unknown") +
        (b.late ? " (late)" : "") + "; " + (b.rtt != null ? `ACK after ${fmt(b.rtt)}` : "no ACK yet");
      if (b.spacing != null && interval) {
        const h = Math.min(TOP, (b.spacing / interval) * (TOP - lineY));
        g.append(bar(x, TOP - h, w, h, "hb-spacing" + (b.late ? " late" : ""), tip));
      }
      const h = b.rtt == null ? LOW : (b.rtt / maxRTT) * LOW;
      g.append(bar(x, H - h, w, h, "hb-bar" + (b.late ? " late" : "") + (b.rtt == null ? " unanswered" : ""), tip));
    });
    const line = node("line", { x1: 0, x2: W, y1: lineY, y2: lineY, class: "hb-interval" });
    const base = node("line", { x1: 0, x2: W, y1: H - 0.5, y2: H - 0.5, class: "hb-axis" });
    svg.replaceChildren(line, base, g);
    const late = beats.filter((b) => b.late).length;
    const last = [...beats].reverse().find((b) => b.rtt != null);
    summary.textContent = interval == null ? "waiting for Hello…" :
      `every ${fmt(interval)} · ${beats.length} beat${beats.length === 1 ? "" : "s"}` +
      (last ? ` · last ACK ${fmt(last.rtt)}` : "") + (late ? ` · ${late} late` : "");
    figure.title = "Upper bars: time between beats; the dashed line is the interval from Hello, and a bar above it is a late beat. " +
      `Lower bars: round trip to each ACK (tallest ${fmt(maxRTT)}).`;
    figure.classList.toggle("has-late", late > 0);
  }

  function reset() {
    beats = [];
    interval = null;
    if (svg) draw();
  }

  P.on("ready", () => {
    figure = document.getElementById("hb-chart");
    summary = document.getElementById("hb-summary");
    svg = node("svg", { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", class: "hb-svg", role: "img",
      "aria-label": "Heartbeats: spacing against the interval, and ACK round trips" });
    figure.append(svg);
    draw();
  });
  P.on("records", add);
  P.on("reset", reset);
  P.on("cleared", reset);
})();
