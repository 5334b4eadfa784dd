// Gateway Tour guild view: one message as Discord's client draws it —
// author and colour, bot tag, reply line, Markdown, embeds, attachments,
// components, reactions. Only DOM calls and textContent: a bot's payload is
// data here, never markup.
"use strict";

window.GatewayTourGuildRender = (() => {
  const MD = window.GatewayTourMarkdown;
  const el = window.GatewayTourPanel.el; // createElement with a class and textContent
  const hex = (n) => "#" + (n >>> 0).toString(16).padStart(6, "0").slice(-6);

  const clock = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit" });
  const day = new Intl.DateTimeFormat("en", { dateStyle: "short", timeStyle: "short" });
  function when(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return "";
    return d.toDateString() === new Date().toDateString() ? "Today at " + clock.format(d) : day.format(d);
  }

  // message draws m. ctx: name(user, member) → {name, color}, md (mention
  // resolvers), me (the acting member's id), and the handlers act(kind, …).
  function message(m, ctx) {
    const row = el("div", "gmsg");
    row.tabIndex = -1;
    row.dataset.id = m.id;
    row.setAttribute("role", "article");
    const who = ctx.name(m.author, m.member);
    row.setAttribute("aria-label", who.name + ", " + when(m.timestamp));
    if (m.referenced_message) {
      const r = m.referenced_message;
      row.append(el("div", "gmsg-reply", "↱ @" + ctx.name(r.author, r.member).name + " " + (r.content || "(an embed or attachment)").slice(0, 120)));
    } else if (m.message_reference && m.type === 19) {
      row.append(el("div", "gmsg-reply", "↱ Original message was deleted"));
    }
    const meta = m.interaction_metadata || m.interaction;
    if (meta && meta.user) {
      const line = meta.name ? " used /" + meta.name : " used a component";
      row.append(el("div", "gmsg-reply", "↱ " + ctx.name(meta.user).name + line));
    }
    const avatar = el("span", "gmsg-avatar", (who.name[0] || "?").toUpperCase());
    avatar.setAttribute("aria-hidden", "true");
    const head = el("div", "gmsg-head");
    const name = el("span", "gmsg-name", who.name);
    if (who.color) name.style.setProperty("--name-color", hex(who.color));
    head.append(name);
    if (m.author?.bot) head.append(el("span", "gmsg-bot", m.webhook_id && m.author.id !== ctx.botID ? "APP" : "BOT"));
    const t = el("time", "gmsg-time", when(m.timestamp));
    t.dateTime = m.timestamp || "";
    head.append(t);
    row.append(avatar, head);
    const loading = (m.flags & 128) !== 0;
    if (loading) row.append(el("div", "gmsg-thinking", ctx.botName + " is thinking…"));
    if (m.content) {
      const body = el("div", "gmsg-body");
      body.append(MD.render(m.content, ctx.md));
      if (m.edited_timestamp) body.append(" ", el("span", "gmsg-edited", "(edited)"));
      row.append(body);
    } else if (m.edited_timestamp && !loading) row.append(el("span", "gmsg-edited", "(edited)"));
    for (const e of m.embeds || []) row.append(embed(e, ctx));
    for (const a of m.attachments || []) {
      const size = a.size ? " (" + (a.size < 1024 ? a.size + " B" : Math.round(a.size / 1024) + " kB") + ")" : "";
      row.append(el("div", "gattach", "📎 " + (a.filename || "file") + size));
    }
    for (const c of m.components || []) row.append(component(c, m, ctx));
    if (m.reactions?.length) row.append(reactions(m, ctx));
    if ((m.flags & 64) !== 0) row.append(el("div", "gmsg-ephemeral-note", "👁 Only you can see this"));
    if (m.gtError) row.append(el("div", "gmsg-error", m.gtError));
    row.append(actions(m, ctx));
    return row;
  }

  function embed(e, ctx) {
    const box = el("div", "gembed");
    if (e.color != null) box.style.setProperty("--embed-color", hex(e.color));
    if (e.author?.name) box.append(el("div", "gembed-author", e.author.name));
    if (e.title) {
      const title = el("div", "gembed-title");
      title.append(...MD.inline(e.title, ctx.md));
      box.append(title);
    }
    if (e.description) {
      const d = el("div", "gembed-desc");
      d.append(MD.render(e.description, ctx.md));
      box.append(d);
    }
    if (e.fields?.length) {
      const grid = el("div", "gembed-fields");
      for (const f of e.fields) {
        const cell = el("div", "gembed-field" + (f.inline ? " inline" : ""));
        const n = el("div", "gembed-field-name");
        n.append(...MD.inline(f.name || "", ctx.md));
        const v = el("div", "gembed-field-value");
        v.append(MD.render(f.value || "", ctx.md));
        cell.append(n, v);
        grid.append(cell);
      }
      box.append(grid);
    }
    if (e.image?.url) box.append(el("div", "gattach", "🖼 " + e.image.url.split("/").pop()));
    const foot = [e.footer?.text, e.timestamp ? when(e.timestamp) : ""].filter(Boolean).join(" • ");
    if (foot) box.append(el("div", "gembed-footer", foot));
    return box;
  }

  // component draws an action row's buttons and select menus as real
  // controls; ctx.act runs them through the actor API.
  function component(c, m, ctx) {
    if (c.type !== 1) return el("div", "gmsg-error", "(a component of type " + c.type + " this view does not draw)");
    const row = el("div", "grow");
    for (const k of c.components || []) {
      if (k.type === 2) {
        const b = el("button", "gbutton gbutton-" + (k.style || 2), (k.emoji?.name ? k.emoji.name + " " : "") + (k.label || ""));
        b.type = "button";
        b.disabled = !!k.disabled;
        if (k.style === 5) {
          b.title = "A link to " + (k.url || "?") + ": the sandbox is offline, so it opens nothing";
          b.addEventListener("click", () => ctx.notice("That is a link button to " + (k.url || "?") + ". The sandbox is offline, so it opens nothing; on Discord it would open the link without telling the bot."));
        } else if (k.style === 6) {
          b.addEventListener("click", () => ctx.notice("A premium button: the sandbox sells nothing."));
        } else b.addEventListener("click", () => ctx.act("component", { message_id: m.id, channel_id: m.channel_id, custom_id: k.custom_id }, b));
        row.append(b);
      } else if (k.type >= 3 && k.type <= 8) row.append(select(k, m, ctx));
    }
    return row;
  }

  function select(k, m, ctx) {
    const s = el("select", "gselect panel-select");
    s.multiple = (k.max_values || 1) > 1;
    s.disabled = !!k.disabled;
    s.setAttribute("aria-label", k.placeholder || "Make a selection");
    const add = (value, label) => {
      const o = el("option", null, label);
      o.value = value;
      s.append(o);
    };
    if (!s.multiple) add("", k.placeholder || "Make a selection");
    const opts = k.type === 3 ? (k.options || []).map((o) => [o.value, o.label]) : ctx.choicesFor(k.type);
    for (const [v, l] of opts) add(v, l);
    const send = () => {
      const values = [...s.selectedOptions].map((o) => o.value).filter(Boolean);
      if (values.length) ctx.act("component", { message_id: m.id, channel_id: m.channel_id, custom_id: k.custom_id, values }, s);
    };
    if (s.multiple) {
      s.addEventListener("keydown", (e) => e.key === "Enter" && send());
      s.addEventListener("blur", send);
    } else s.addEventListener("change", send);
    return s;
  }

  function emojiText(e) {
    return e.id ? ":" + e.name + ":" : e.name;
  }

  function reactions(m, ctx) {
    const box = el("div", "greactions");
    for (const r of m.reactions) {
      const b = el("button", "greaction", emojiText(r.emoji) + " " + r.count);
      b.type = "button";
      b.setAttribute("aria-pressed", String(!!r.me));
      b.setAttribute("aria-label", emojiText(r.emoji) + ", " + r.count + (r.count === 1 ? " reaction" : " reactions") + (r.me ? ", yours" : ""));
      b.addEventListener("click", () => ctx.react(m, r.emoji.id ? r.emoji.name + ":" + r.emoji.id : r.emoji.name, !r.me));
      box.append(b);
    }
    return box;
  }

  function actions(m, ctx) {
    const bar = el("div", "gmsg-actions");
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Message actions");
    const add = (label, text, fn) => {
      const b = el("button", null, text);
      b.type = "button";
      b.setAttribute("aria-label", label);
      b.title = label;
      b.addEventListener("click", fn);
      bar.append(b);
    };
    if ((m.flags & 64) === 0 && !m.gtLocal) {
      add("React with 👍", "👍", () => ctx.react(m, "👍", !(m.reactions || []).some((r) => r.emoji.name === "👍" && r.me)));
      add("Reply", "↩", () => ctx.reply(m));
      if (m.author?.id === ctx.me) {
        add("Edit", "✎", () => ctx.edit(m));
        add("Delete", "🗑", () => ctx.remove(m));
      }
    }
    return bar;
  }

  return { message, when, hex };
})();
