// Gateway Tour guild view: the sandbox guild as a member sees it, beside
// the lesson in the panel column ("Frames | Guild"). It follows the
// sandbox's member feed (/sandbox/events) and keeps every channel's
// messages in memory; the message list is virtualised like the frame list,
// so only the rows on screen exist in the DOM. Like the panel, it lives
// outside <main>, so moving between lessons never interrupts it.
"use strict";

window.GatewayTourGuild = (() => {
  const P = window.GatewayTourPanel;
  const R = window.GatewayTourGuildRender;
  const $ = (id) => document.getElementById(id);
  const el = window.GatewayTourPanel.el; // createElement with a class and textContent
  const MAX_PER_CHANNEL = 20000; // beyond this the oldest leave the page (the sandbox keeps its own history)

  const state = {
    me: null, // the member acted as
    you: null, // the learner's own member
    bot: null,
    guilds: [], // GUILD_CREATE-shaped, from the snapshot
    dms: [],
    channels: new Map(), // id → { ch, guild }
    msgs: new Map(), // channel id → { list, byId, loaded }
    presence: new Map(),
    current: null,
    bots: 0,
    typing: new Map(), // channel id → Map(user id → until)
  };
  const hooks = { dispatch: [], ready: [] };
  let source = null;

  async function api(method, path, body) {
    let r;
    try {
      r = await fetch("/sandbox" + path, {
        method,
        headers: { "Content-Type": "application/json", "X-CSRF-Token": P.csrf, Accept: "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
      });
    } catch {
      return { ok: false, status: 0, data: { message: "The sandbox did not answer. Is gatewaytour still running?" } };
    }
    const text = await r.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = { message: text };
    }
    return { ok: r.ok, status: r.status, data };
  }

  // ── who is who ────────────────────────────────────────────────────────
  function guildOf(channelID) {
    return state.channels.get(channelID)?.guild || null;
  }
  function memberIn(guild, userID) {
    return guild?.members.find((m) => m.user?.id === userID) || null;
  }
  function topRoleColor(guild, member) {
    let best = null;
    for (const id of member?.roles || []) {
      const r = guild?.roles.find((x) => x.id === id);
      if (r && r.color && (!best || r.position > best.position)) best = r;
    }
    return best?.color || 0;
  }
  function name(user, member, guild = guildOf(state.current)) {
    const m = member || (user && memberIn(guild, user.id));
    const n = m?.nick || user?.global_name || user?.username || "someone";
    return { name: n, color: topRoleColor(guild, m) };
  }
  function userName(id) {
    for (const g of state.guilds) {
      const m = memberIn(g, id);
      if (m) return m.nick || m.user.global_name || m.user.username;
    }
    return id === state.bot?.id ? state.bot.username : undefined;
  }
  const mdCtx = {
    user: userName,
    role: (id) => {
      for (const g of state.guilds) {
        const r = g.roles.find((x) => x.id === id);
        if (r) return r;
      }
    },
    channel: (id) => state.channels.get(id)?.ch.name,
  };

  // ── messages ──────────────────────────────────────────────────────────
  function bucket(channelID) {
    let b = state.msgs.get(channelID);
    if (!b) {
      b = { list: [], byId: new Map(), loaded: false };
      state.msgs.set(channelID, b);
    }
    return b;
  }
  function put(m) {
    const b = bucket(m.channel_id);
    const old = b.byId.get(m.id);
    if (old) {
      Object.assign(old, m);
      old.gtVersion = (old.gtVersion || 0) + 1;
    } else {
      m.gtVersion = 0;
      b.byId.set(m.id, m);
      const last = b.list[b.list.length - 1];
      if (!last || BigInt(last.id) < BigInt(m.id)) b.list.push(m);
      else {
        b.list.push(m);
        b.list.sort((x, y) => (BigInt(x.id) < BigInt(y.id) ? -1 : 1));
      }
      if (b.list.length > MAX_PER_CHANNEL) for (const gone of b.list.splice(0, b.list.length - MAX_PER_CHANNEL)) b.byId.delete(gone.id);
    }
    if (m.channel_id === state.current) list.invalidate();
    return b.byId.get(m.id);
  }
  function drop(channelID, id) {
    const b = state.msgs.get(channelID);
    const m = b?.byId.get(id);
    if (!m) return;
    b.byId.delete(id);
    b.list.splice(b.list.indexOf(m), 1);
    if (channelID === state.current) list.invalidate();
  }
  function react(d, add) {
    const m = state.msgs.get(d.channel_id)?.byId.get(d.message_id);
    if (!m) return;
    m.reactions ||= [];
    const key = (e) => (e.id ? e.id : e.name);
    let r = m.reactions.find((x) => key(x.emoji) === key(d.emoji));
    if (add) {
      if (!r) m.reactions.push((r = { emoji: d.emoji, count: 0, me: false }));
      r.count++;
      if (d.user_id === state.me) r.me = true;
    } else if (r) {
      r.count--;
      if (d.user_id === state.me) r.me = false;
      if (r.count <= 0) m.reactions.splice(m.reactions.indexOf(r), 1);
    }
    put(m);
  }

  // ── the feed ──────────────────────────────────────────────────────────
  function connect() {
    source?.close();
    source = window.GatewayTourSSE.follow("/sandbox/events?user_id=" + encodeURIComponent(state.me || ""), {
      events: {
        snapshot: (data) => snapshot(JSON.parse(data)),
        dispatch: (data) => dispatch(JSON.parse(data)),
        lost: () => {
          source.close();
          setTimeout(connect, 300);
        },
      },
    });
  }

  function snapshot(s) {
    state.you ||= s.you;
    state.me ||= s.you;
    state.bot = s.bot;
    state.guilds = s.guilds;
    state.dms = s.dms;
    state.channels.clear();
    for (const g of s.guilds) for (const ch of [...g.channels, ...(g.threads || [])]) state.channels.set(ch.id, { ch, guild: g });
    for (const ch of s.dms) state.channels.set(ch.id, { ch, guild: null });
    for (const b of state.msgs.values()) b.loaded = false; // whatever the page missed, history has
    state.presence.clear();
    for (const g of s.guilds) for (const p of g.presences || []) state.presence.set(p.user.id, p.status);
    if (!state.current || !state.channels.has(state.current)) {
      const home = s.guilds[0];
      state.current = home?.channels.find((c) => c.name === "general")?.id || home?.channels.find((c) => c.type === 0)?.id;
    }
    drawSide();
    drawMembers();
    drawAs();
    open(state.current);
    for (const fn of hooks.ready) fn();
  }

  const guildEvents = {
    GUILD_MEMBER_ADD: (g, d) => g.members.push(d),
    GUILD_MEMBER_REMOVE: (g, d) => (g.members = g.members.filter((m) => m.user.id !== d.user.id)),
    GUILD_MEMBER_UPDATE: (g, d) => Object.assign(memberIn(g, d.user.id) || {}, d),
    GUILD_ROLE_CREATE: (g, d) => g.roles.push(d.role),
    GUILD_ROLE_UPDATE: (g, d) => Object.assign(g.roles.find((r) => r.id === d.role.id) || {}, d.role),
    GUILD_ROLE_DELETE: (g, d) => (g.roles = g.roles.filter((r) => r.id !== d.role_id)),
  };

  function dispatch({ t, d }) {
    const g = d?.guild_id ? state.guilds.find((x) => x.id === d.guild_id) : null;
    switch (t) {
      case "MESSAGE_CREATE":
        put(d);
        state.typing.get(d.channel_id)?.delete(d.author?.id);
        drawTyping();
        break;
      case "MESSAGE_UPDATE": {
        const old = state.msgs.get(d.channel_id)?.byId.get(d.id);
        if (old || d.author) put(d);
        break;
      }
      case "MESSAGE_DELETE":
        drop(d.channel_id, d.id);
        break;
      case "MESSAGE_DELETE_BULK":
        for (const id of d.ids) drop(d.channel_id, id);
        break;
      case "MESSAGE_REACTION_ADD":
      case "MESSAGE_REACTION_REMOVE":
        react(d, t === "MESSAGE_REACTION_ADD");
        break;
      case "MESSAGE_REACTION_REMOVE_ALL":
      case "MESSAGE_REACTION_REMOVE_EMOJI": {
        const m = state.msgs.get(d.channel_id)?.byId.get(d.message_id);
        if (m) put(Object.assign(m, { reactions: t.endsWith("ALL") ? [] : (m.reactions || []).filter((r) => r.emoji.name !== d.emoji.name) }));
        break;
      }
      case "TYPING_START": {
        if (!state.typing.has(d.channel_id)) state.typing.set(d.channel_id, new Map());
        state.typing.get(d.channel_id).set(d.user_id, Date.now() + 10000);
        drawTyping();
        setTimeout(drawTyping, 10100);
        break;
      }
      case "PRESENCE_UPDATE":
        state.presence.set(d.user.id, d.status);
        drawMembers();
        break;
      case "CHANNEL_CREATE":
      case "CHANNEL_UPDATE":
      case "THREAD_CREATE":
      case "THREAD_UPDATE": {
        const known = state.channels.get(d.id);
        if (known) Object.assign(known.ch, d);
        else if (g) {
          (t.startsWith("THREAD") ? (g.threads ||= []) : g.channels).push(d);
          state.channels.set(d.id, { ch: d, guild: g });
        } else if (d.type === 1) state.channels.set(d.id, { ch: d, guild: null }), state.dms.push(d);
        drawSide();
        break;
      }
      case "CHANNEL_DELETE":
      case "THREAD_DELETE":
        if (g) {
          g.channels = g.channels.filter((c) => c.id !== d.id);
          g.threads = (g.threads || []).filter((c) => c.id !== d.id);
        }
        state.channels.delete(d.id);
        if (state.current === d.id) state.current = null;
        drawSide();
        break;
      default:
        if (g && guildEvents[t]) {
          guildEvents[t](g, d);
          drawMembers();
          drawAs();
        }
    }
    for (const fn of hooks.dispatch) fn(t, d);
  }

  // ── the channel list, the members, who you are ────────────────────────
  // The channel list is drawn by guild-side.js.
  const ICON = { 0: "#", 2: "🔊", 5: "📢", 10: "🧵", 11: "🧵", 12: "🔒", 13: "🎙", 15: "💬" };
  function drawSide() {
    G.drawSide?.();
  }
  // The member list is drawn by guild-members.js.
  function drawMembers() {
    G.drawMembers?.();
  }
  function drawAs() {
    const sel = $("guild-as");
    const g = state.guilds[0];
    if (!g) return;
    sel.replaceChildren();
    for (const m of g.members.filter((m) => !m.user.bot)) {
      const o = el("option", null, name(m.user, m, g).name + (m.user.id === state.you ? " (you)" : ""));
      o.value = m.user.id;
      o.selected = m.user.id === state.me;
      sel.append(o);
    }
    $("guild-presence").value = state.presence.get(state.me) || "offline";
  }
  function drawTyping() {
    const now = Date.now();
    const who = [...(state.typing.get(state.current) || new Map())].filter(([, until]) => until > now).map(([id]) => userName(id) || "Someone");
    $("guild-typing").textContent = who.length === 0 ? "" : who.length === 1 ? who[0] + " is typing…" : who.join(", ") + " are typing…";
  }

  // The message list (guild-list.js) draws the open channel's messages.
  const list = window.GatewayTourGuildList({
    messages: () => (state.current ? bucket(state.current).list : []),
    has: (id) => !!state.current && bucket(state.current).byId.has(id),
    visible: () => !$("guild-view").hidden,
    renderCtx: () => renderCtx(),
  });

  function renderCtx() {
    return {
      name: (u, m) => name(u, m),
      md: mdCtx,
      me: state.me,
      botID: state.bot?.id,
      botName: state.bot?.username || "The bot",
      act: (...a) => G.act?.(...a),
      react: (...a) => G.react?.(...a),
      reply: (...a) => G.reply?.(...a),
      edit: (...a) => G.edit?.(...a),
      remove: (...a) => G.remove?.(...a),
      notice: (text) => G.notice?.(text),
      choicesFor: (type) => choicesFor(type),
    };
  }

  // choicesFor lists what a user, role, mentionable or channel select offers.
  function choicesFor(type) {
    const g = guildOf(state.current) || state.guilds[0];
    const users = () => (g?.members || []).map((m) => [m.user.id, "@" + name(m.user, m, g).name]);
    const roles = () => (g?.roles || []).filter((r) => r.name !== "@everyone").map((r) => [r.id, "@" + r.name]);
    if (type === 5) return users();
    if (type === 6) return roles();
    if (type === 7) return [...users(), ...roles()];
    return (g?.channels || []).filter((c) => c.type !== 4).map((c) => [c.id, "#" + c.name]);
  }

  async function open(channelID, focus) {
    if (!channelID) return;
    state.current = channelID;
    const entry = state.channels.get(channelID);
    $("guild-title").textContent = entry ? (entry.guild ? (ICON[entry.ch.type] ?? "#") + entry.ch.name : "@" + (state.bot?.username || "bot")) : "";
    $("guild-input-label").textContent = "Message " + $("guild-title").textContent;
    $("guild-input").placeholder = "Message " + $("guild-title").textContent + " — / for commands";
    for (const b of document.querySelectorAll(".guild-chan")) b.toggleAttribute("aria-current", b.dataset.id === channelID);
    for (const b of document.querySelectorAll(".guild-chan[aria-current]")) b.setAttribute("aria-current", "true");
    list.reset();
    drawTyping();
    drawMembers();
    if (focus) $("guild-input").focus();
    const b = bucket(channelID);
    if (b.loaded) return;
    const res = await api("GET", "/messages?limit=100&channel_id=" + channelID + "&user_id=" + state.me); // the actor API's history, ephemeral replies included
    if (res.ok && Array.isArray(res.data)) {
      for (const m of res.data) if (!b.byId.has(m.id)) put(m);
      b.loaded = true;
    }
    list.invalidate();
  }

  // How to connect a bot when none is (guild-connect.js).
  const drawNoBot = () => G.drawNoBot?.();

  const narrow = () => $("panel").getBoundingClientRect().width < 544; // the stylesheet's 34rem

  // ── the tabs ──────────────────────────────────────────────────────────
  function showTab(guild, focus) {
    const tf = $("panel-tab-frames");
    const tg = $("panel-tab-guild");
    tf.setAttribute("aria-selected", String(!guild));
    tg.setAttribute("aria-selected", String(guild));
    tf.tabIndex = guild ? -1 : 0;
    tg.tabIndex = guild ? 0 : -1;
    $("panel-body").hidden = guild;
    $("guild-view").hidden = !guild;
    try {
      sessionStorage.setItem("gatewaytour-panel-tab", guild ? "guild" : "frames");
    } catch {}
    if (focus) (guild ? tg : tf).focus();
    hooks.tab?.();
    if (guild) {
      if (!source) connect();
      drawNoBot();
      list.invalidate();
    }
  }

  P.on("ready", () => {
    if (!$("guild-view")) return;
    list.init();
    // The phone's view tabs (nav.js) show the panel column: Guild opens it on the guild.
    $("view-guild")?.addEventListener("click", () => showTab(true));
    $("view-frames")?.addEventListener("click", () => showTab(false));
    $("panel-tab-frames").addEventListener("click", () => showTab(false));
    $("panel-tab-guild").addEventListener("click", () => showTab(true));
    for (const id of ["panel-tab-frames", "panel-tab-guild"]) {
      $(id).addEventListener("keydown", (e) => {
        if (e.key !== "ArrowLeft" && e.key !== "ArrowRight" && e.key !== "Home" && e.key !== "End") return;
        e.preventDefault();
        showTab(e.key === "End" || (e.key !== "Home" && id === "panel-tab-frames"), true);
      });
    }
    const toggle = (button, target) => {
      $(button).addEventListener("click", () => {
        const t = $(target);
        t.hidden = !t.hidden;
        $(button).setAttribute("aria-expanded", String(!t.hidden));
        list.invalidate();
      });
    };
    toggle("guild-side-toggle", "guild-side");
    if (narrow()) {
      $("guild-side").hidden = true; // on a phone the lists fold away behind their buttons
      $("guild-side-toggle").setAttribute("aria-expanded", "false");
    }
    toggle("guild-members-toggle", "guild-members");
    $("guild-as").addEventListener("change", (e) => {
      state.me = e.target.value;
      connect();
    });
    $("guild-presence").addEventListener("change", async (e) => {
      const res = await api("POST", "/presence", { user_id: state.me, status: e.target.value });
      if (!res.ok) G.notice?.(res.data?.message || "The status did not change.");
    });
    let saved = null;
    try {
      saved = sessionStorage.getItem("gatewaytour-panel-tab");
    } catch {}
    if (saved === "guild") showTab(true);
    drawNoBot();
  });
  P.on("streams", drawNoBot);

  const G = { state, api, hooks, open, put, list, showTab, connect, userName, renderCtx, guildOf, name, narrow, ICON, notice: null };
  return G;
})();
