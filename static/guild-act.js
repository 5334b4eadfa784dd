// Gateway Tour guild view: acting as a member. Messages, replies, edits,
// reactions, interactions (their thinking, ephemeral replies and failures), components and modals all
// go through the sandbox's actor API (/sandbox/…), so the page does nothing
// a script could not do with curl.
"use strict";

(() => {
  const G = window.GatewayTourGuild;
  const S = () => window.GatewayTourGuildStrip;
  const $ = (id) => document.getElementById(id);
  const el = window.GatewayTourPanel.el; // createElement with a class and textContent
  let replyTo = null;
  let editing = null;

  function notice(text) {
    $("guild-typing").textContent = text;
  }
  G.notice = notice;

  // local adds a message only this page sees: ephemeral replies and the
  // view's own notes ("The application did not respond").
  function local(m) {
    m.gtLocal = true;
    m.channel_id ||= G.state.current;
    m.id ||= String(BigInt(Date.now() - 1420070400000) << 22n);
    m.timestamp ||= new Date().toISOString();
    return G.put(m);
  }
  function botNote(text, error) {
    local({ author: G.state.bot, content: text, flags: 64, gtError: error || "" });
  }

  // ── messages ──────────────────────────────────────────────────────────
  async function send(text) {
    const input = $("guild-input");
    if (editing) {
      const m = editing;
      stopEditing();
      const res = await G.api("PATCH", "/messages/" + m.id, { user_id: G.state.me, channel_id: m.channel_id, content: text });
      if (!res.ok) notice("Not edited: " + (res.data?.message || res.status));
      return;
    }
    const body = { user_id: G.state.me, channel_id: G.state.current, content: text };
    if (replyTo) body.message_reference = { message_id: replyTo.id };
    const label = "You said “" + text.slice(0, 40) + "”";
    S()?.begin(label, { kind: "message" });
    const res = await G.api("POST", "/messages", body);
    input.value = "";
    setReply(null);
    if (!res.ok) {
      notice("Not sent: " + (res.data?.message || "HTTP " + res.status));
      S()?.fail(res.data?.message);
    } else S()?.identify(res.data.id);
  }
  function setReply(m) {
    replyTo = m;
    $("guild-replying").hidden = !m;
    if (m) {
      $("guild-replying-text").textContent = "Replying to " + (G.userName(m.author?.id) || m.author?.username);
      $("guild-input").focus();
    }
  }
  function stopEditing() {
    editing = null;
    $("guild-input").value = "";
    $("guild-replying").hidden = true;
  }
  G.reply = setReply;
  G.edit = (m) => {
    editing = m;
    $("guild-input").value = m.content || "";
    $("guild-replying").hidden = false;
    $("guild-replying-text").textContent = "Editing your message (Enter saves, Escape cancels)";
    $("guild-input").focus();
  };
  G.remove = async (m) => {
    const res = await G.api("DELETE", "/messages/" + m.id, { user_id: G.state.me, channel_id: m.channel_id });
    if (!res.ok) notice("Not deleted: " + (res.data?.message || res.status));
  };
  G.react = async (m, emoji, add) => {
    S()?.begin((add ? "You reacted " : "You took back ") + emoji, { kind: "reaction" });
    const res = await G.api(add ? "PUT" : "DELETE", "/reactions", { user_id: G.state.me, channel_id: m.channel_id, message_id: m.id, emoji });
    if (!res.ok) notice("Reaction refused: " + (res.data?.message || res.status));
  };

  // ── interactions ──────────────────────────────────────────────────────
  // interact runs one interaction and shows what Discord's client would:
  // thinking, the reply (ephemeral ones only here), a modal, or the failure.
  async function interact(body, label, control) {
    body.user_id = G.state.me;
    if (G.state.channels.get(G.state.current)?.guild) body.channel_id ||= G.state.current;
    else body.dm = true;
    if (control) control.disabled = true;
    notice("Sending " + label + "…");
    S()?.begin("You used " + label, { kind: "interaction" });
    const res = await G.api("POST", "/interactions", body);
    if (control) control.disabled = false;
    notice("");
    if (!res.ok) {
      botNote("", (res.data?.message || "HTTP " + res.status));
      S()?.fail(res.data?.message);
      return;
    }
    const v = res.data;
    S()?.identify(v.id);
    follow(v, label);
  }

  async function follow(v, label) {
    if (v.error) {
      const why = await S()?.reason(v.id);
      botNote("", v.error + (why ? " — " + why : ""));
      S()?.done(v.error + (why ? ": " + why : ""));
      return;
    }
    const r = v.response;
    if (r?.type === 9) return openModal(r.data, v);
    if (r?.ephemeral && r.message) local(r.message);
    for (const f of v.followups || []) if ((f.flags & 64) !== 0) local(f);
    const loading = r?.message && (r.message.flags & 128) !== 0;
    if (loading) poll(v.id, 0);
  }

  // poll follows a deferred reply ("thinking") until the bot edits it or
  // its 15 minutes run out, as the invoker's client would see it.
  async function poll(id, n) {
    await new Promise((ok) => setTimeout(ok, n < 240 ? 500 : 5000));
    const res = await G.api("GET", "/interactions/" + id);
    if (!res.ok) return;
    const v = res.data;
    const m = v.response?.message;
    if (v.error) {
      const why = await S()?.reason(id);
      botNote("", v.error + (why ? " — " + why : ""));
      if (m && v.response.ephemeral) local(Object.assign(m, { flags: m.flags & ~128 }));
      return;
    }
    if (m && v.response.ephemeral) local(m);
    for (const f of v.followups || []) if ((f.flags & 64) !== 0) local(f);
    if (m && (m.flags & 128) !== 0 && n < 420) poll(id, n + 1);
  }

  G.act = (kind, body, control) => {
    const label = kind === "component" ? "a component (" + body.custom_id + ")" : kind;
    return interact({ type: kind, ...body }, label, control);
  };

  // ── modals ────────────────────────────────────────────────────────────
  function openModal(data, from) {
    const dlg = $("guild-modal");
    $("guild-modal-title").textContent = data?.title || "Form";
    const fields = $("guild-modal-fields");
    fields.replaceChildren();
    $("guild-modal-error").hidden = true;
    const inputs = [];
    for (const row of data?.components || []) {
      for (const c of row.type === 4 ? [row] : row.components || []) {
        if (c.type !== 4) continue;
        const id = "guild-modal-" + inputs.length;
        const label = el("label", null, c.label || c.custom_id);
        label.htmlFor = id;
        if (c.required !== false) label.append(el("span", "visually-hidden", " (required)"), " *");
        const input = c.style === 2 ? el("textarea") : el("input");
        input.id = id;
        input.required = c.required !== false;
        if (c.min_length != null) input.minLength = c.min_length;
        if (c.max_length != null) input.maxLength = c.max_length;
        if (c.placeholder) input.placeholder = c.placeholder;
        if (c.value) input.value = c.value;
        input.dataset.customId = c.custom_id;
        fields.append(label, input);
        inputs.push(input);
      }
    }
    const form = $("guild-modal-form");
    form.onsubmit = async (e) => {
      e.preventDefault();
      if (!form.reportValidity()) return;
      const values = {};
      for (const i of inputs) values[i.dataset.customId] = i.value;
      dlg.close();
      await interact({ type: "modal", custom_id: data.custom_id, fields: values }, "the form “" + (data.title || "") + "”");
    };
    $("guild-modal-cancel").onclick = () => dlg.close();
    dlg.showModal();
    inputs[0]?.focus();
  }

  // The message box's keys and the slash commands are guild-slash.js's.
  G.composer = { send, interact, stopEditing, setReply, editing: () => editing, replying: () => replyTo };
})();
