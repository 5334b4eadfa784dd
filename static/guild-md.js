// Gateway Tour guild view: Discord's Markdown, turned straight into DOM
// nodes. Nothing here ever builds HTML from a string: every piece of text a
// bot or a member wrote goes into the page with textContent, so a message
// can say <script> or <img onerror> and stay words on the screen.
//
// What Discord renders, and so what this renders: **bold**, *italics* and
// _italics_, __underline__, ~~strike~~, `code`, ```code blocks```,
// ||spoilers||, > quotes and >>> quotes, # headers and -# subtext,
// mentions (<@id>, <@&id>, <#id>, @everyone, @here) as pills, <t:unix:f>
// timestamps, custom emoji by name, and http(s) links. Anything else stays
// as typed.
"use strict";

window.GatewayTourMarkdown = (() => {
  const MAX_DEPTH = 12; // nesting beyond this is shown as text: hostile input cannot recurse forever

  const el = window.GatewayTourPanel.el; // createElement with a class and textContent

  // ctx resolves mentions: user(id) → name, role(id) → {name, color},
  // channel(id) → name. Each may return undefined for an unknown id.
  function render(text, ctx = {}) {
    const out = document.createDocumentFragment();
    const fence = /```(?:([A-Za-z0-9_+#.-]{1,24})\n)?([\s\S]*?)```/g;
    let last = 0;
    let m;
    while ((m = fence.exec(text)) !== null) {
      if (m[2] === "" && !m[1]) continue; // ``````: nothing to show, keep as text
      blocks(out, text.slice(last, m.index), ctx);
      const pre = el("pre", "md-codeblock");
      const code = el("code", null, m[2].replace(/\n$/, ""));
      if (m[1]) code.dataset.lang = m[1];
      pre.append(code);
      out.append(pre);
      last = fence.lastIndex;
    }
    blocks(out, text.slice(last), ctx);
    return out;
  }

  // blocks handles what lives at the start of a line: quotes and headers.
  function blocks(out, text, ctx) {
    if (!text) return;
    const lines = text.split("\n");
    let quote = null;
    let firstInline = true;
    const line = (target, s) => {
      if (target.lastChild && target.lastChild.nodeName !== "BLOCKQUOTE" && target.lastChild.nodeName !== "DIV") target.append(el("br"));
      target.append(...inline(s, ctx, 0));
    };
    for (let i = 0; i < lines.length; i++) {
      const s = lines[i];
      if (s.startsWith(">>> ")) {
        const q = el("blockquote", "md-quote");
        q.append(...inlineLines(lines.slice(i).join("\n").slice(4), ctx));
        out.append(q);
        return;
      }
      if (s.startsWith("> ") || s === ">") {
        if (!quote) {
          quote = el("blockquote", "md-quote");
          out.append(quote);
        } else quote.append(el("br"));
        quote.append(...inline(s.slice(2), ctx, 0));
        continue;
      }
      quote = null;
      const h = /^(#{1,3}) (.+)$/.exec(s);
      const sub = /^-# (.+)$/.exec(s);
      if (h) {
        const d = el("div", "md-h md-h" + h[1].length);
        d.setAttribute("role", "heading");
        d.setAttribute("aria-level", String(h[1].length + 2));
        d.append(...inline(h[2], ctx, 0));
        out.append(d);
      } else if (sub) {
        const d = el("div", "md-subtext");
        d.append(...inline(sub[1], ctx, 0));
        out.append(d);
      } else if (firstInline || s !== "" || i < lines.length - 1) {
        line(out, s);
      }
      firstInline = false;
    }
  }

  function inlineLines(s, ctx) {
    const nodes = [];
    s.split("\n").forEach((part, i) => {
      if (i) nodes.push(el("br"));
      nodes.push(...inline(part, ctx, 0));
    });
    return nodes;
  }

  const PAIRS = [
    ["||", "span", "md-spoiler"],
    ["**", "strong", null],
    ["__", "u", null],
    ["~~", "s", null],
    ["*", "em", null],
    ["_", "em", null],
  ];

  // closing finds where delimiter d, opened at i, closes: the last of a
  // run of the delimiter's character, not escaped, with something inside.
  function closing(s, d, from) {
    let j = s.indexOf(d, from);
    while (j >= 0) {
      if (s[j - 1] !== "\\" && j > from) {
        while (s[j + d.length] === d[0] && d.length < 3 && s.slice(j + 1, j + 1 + d.length) === d) j++;
        return j;
      }
      j = s.indexOf(d, j + 1);
    }
    return -1;
  }

  const PATTERNS = [
    [/^<@!?(\d{1,20})>/, (m, ctx) => pill("@" + (ctx.user?.(m[1]) ?? "unknown-user"), "user", m[1])],
    [/^<@&(\d{1,20})>/, (m, ctx) => {
      const r = ctx.role?.(m[1]);
      const p = pill("@" + (r?.name ?? "deleted-role"), "role", m[1]);
      if (r?.color) p.style.setProperty("--pill-color", "#" + r.color.toString(16).padStart(6, "0"));
      return p;
    }],
    [/^<#(\d{1,20})>/, (m, ctx) => pill("#" + (ctx.channel?.(m[1]) ?? "unknown"), "channel", m[1])],
    [/^@(everyone|here)\b/, (m) => pill("@" + m[1], "everyone", m[1])],
    [/^<t:(-?\d{1,13})(?::([tTdDfFR]))?>/, (m) => stamp(Number(m[1]), m[2] || "f")],
    [/^<a?:([A-Za-z0-9_]{2,32}):(\d{1,20})>/, (m) => el("span", "md-emoji", ":" + m[1] + ":")],
    [/^https?:\/\/[^\s<>"')\]]+[^\s<>"')\].,:;!?]/, (m) => {
      const a = el("a", "md-link", m[0]);
      a.href = m[0]; // only http(s) reaches here: the pattern cannot match javascript: or data:
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      return a;
    }],
  ];

  function pill(text, kind, id) {
    const p = el("span", "md-mention md-mention-" + kind, text);
    p.dataset.id = id;
    return p;
  }

  function stamp(seconds, style) {
    const d = new Date(seconds * 1000);
    const t = el("time", "md-time");
    if (Number.isNaN(d.getTime())) {
      t.textContent = "Invalid Date";
      return t;
    }
    t.dateTime = d.toISOString();
    const opts = {
      t: { timeStyle: "short" }, T: { timeStyle: "medium" }, d: { dateStyle: "short" }, D: { dateStyle: "long" },
      f: { dateStyle: "long", timeStyle: "short" }, F: { dateStyle: "full", timeStyle: "short" },
    }[style];
    if (style === "R") {
      const diff = Math.round((d.getTime() - Date.now()) / 60000);
      t.textContent = new Intl.RelativeTimeFormat("en", { numeric: "auto" }).format(diff, "minute");
    } else t.textContent = new Intl.DateTimeFormat("en", opts).format(d);
    return t;
  }

  // inline turns one run of text into nodes.
  function inline(s, ctx, depth) {
    const nodes = [];
    let text = "";
    const flush = () => {
      if (text) nodes.push(document.createTextNode(text));
      text = "";
    };
    if (depth > MAX_DEPTH) return [document.createTextNode(s)];
    let i = 0;
    outer: while (i < s.length) {
      const c = s[i];
      if (c === "\\" && i + 1 < s.length && /[\\`*_~|<>#@:-]/.test(s[i + 1])) {
        text += s[i + 1];
        i += 2;
        continue;
      }
      if (c === "`") {
        const run = s.startsWith("``", i) ? "``" : "`";
        const end = s.indexOf(run, i + run.length);
        const inner = end > i + run.length ? s.slice(i + run.length, end) : "";
        if (inner.trim() !== "") {
          flush();
          nodes.push(el("code", "md-code", run === "``" ? inner.trim() : inner));
          i = end + run.length;
          continue;
        }
        text += run;
        i += run.length;
        continue;
      }
      for (const [d, tag, cls] of PAIRS) {
        if (!s.startsWith(d, i)) continue;
        if (d === "_" && i > 0 && /\w/.test(s[i - 1])) continue; // snake_case stays as typed
        const j = closing(s, d, i + d.length);
        if (j < 0) continue;
        if (d === "_" && j + 1 < s.length && /\w/.test(s[j + 1])) continue;
        flush();
        const e = el(tag, cls);
        e.append(...inline(s.slice(i + d.length, j), ctx, depth + 1));
        if (cls === "md-spoiler") spoiler(e);
        nodes.push(e);
        i = j + d.length;
        continue outer;
      }
      if (c === "<" || c === "@" || c === "h") {
        for (const [re, make] of PATTERNS) {
          const m = re.exec(s.slice(i, i + 2100));
          if (!m) continue;
          if (c === "h" && i > 0 && /\w/.test(s[i - 1])) break;
          flush();
          nodes.push(make(m, ctx));
          i += m[0].length;
          continue outer;
        }
      }
      text += c;
      i++;
    }
    flush();
    return nodes;
  }

  // A spoiler hides its words until clicked or activated with the keyboard.
  function spoiler(e) {
    e.tabIndex = 0;
    e.setAttribute("role", "button");
    e.setAttribute("aria-expanded", "false");
    e.setAttribute("aria-label", "Spoiler, press to reveal");
    const reveal = (ev) => {
      ev.stopPropagation();
      e.classList.add("md-spoiler-shown");
      e.setAttribute("aria-expanded", "true");
      e.removeAttribute("aria-label");
    };
    e.addEventListener("click", reveal);
    e.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        reveal(ev);
      }
    });
  }

  return { render, inline: (s, ctx) => inline(s, ctx, 0) };
})();
