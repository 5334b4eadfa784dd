// Gateway Tour live panel, heartbeat timeline: an inline SVG of the last
// beats. Each beat is a bar whose height is its ACK round trip; a beat sent
// later than the interval is drawn in the warning colour, an unanswered one
// as a hollow mark. Built with DOM APIs, no library.
"use strict";

(() => {
  const P = window.GatewayTourPanel;
  const SVG = "http://www.w3.org/2000/svg";
  const SHOWN = 40;
  const W = 400;
  const H = 56;
  let figure, summary, svg;
  let beats = []; // { index, time, late, since, rtt }
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
        beats.push({ index: r.index, late: !!hb.late, since: hb.since_last_ms, rtt: null, missed: hb.missed_acks || 0 });
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

  function draw() {
    pending = false;
    const shown = beats.slice(-SHOWN);
    const maxRTT = Math.max(1, ...shown.map((b) => b.rtt || 0));
    const step = W / SHOWN;
    const bars = node("g", { class: "hb-bars" });
    shown.forEach((b, i) => {
      const x = i * step + step * 0.2;
      const h = b.rtt == null ? 4 : Math.max(3, (b.rtt / maxRTT) * (H - 14));
      const bar = node("rect", {
        x: x.toFixed(1), y: (H - h).toFixed(1), width: (step * 0.6).toFixed(1), height: h.toFixed(1), rx: 1.5,
        class: "hb-bar" + (b.late ? " late" : "") + (b.rtt == null ? " unanswered" : ""),
      });
      const tip = node("title", {});
      tip.textContent = `Beat #${b.index}: ` + (b.since != null ? `${fmt(b.since)} after the previous; ` : "") +
        (b.rtt != null ? `ACK after ${fmt(b.rtt)}` : "no ACK yet") + (b.late ? " (late)" : "");
      bar.append(tip);
      bars.append(bar);
    });
    const base = node("line", { x1: 0, x2: W, y1: H - 0.5, y2: H - 0.5, class: "hb-axis" });
    svg.replaceChildren(base, bars);
    const late = beats.filter((b) => b.late).length;
    const last = [...beats].reverse().find((b) => b.rtt != null);
    summary.textContent = interval == null ? "waiting for Hello…" :
      `every ${fmt(interval)} · ${beats.length} beat${beats.length === 1 ? "" : "s"}` +
      (last ? ` · last ACK ${fmt(last.rtt)} (bars up to ${fmt(maxRTT)})` : "") + (late ? ` · ${late} late` : "");
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
    svg = node("svg", { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", class: "hb-svg", role: "img", "aria-label": "Heartbeat round trips" });
    figure.append(svg);
    draw();
  });
  P.on("records", add);
  P.on("reset", reset);
  P.on("cleared", reset);
})();
