// Gateway Tour guild view: the member list, grouped online and offline,
// with roles and presence; invite someone to join, or make a member leave
// (GUILD_MEMBER_ADD and GUILD_MEMBER_REMOVE through the actor API).
"use strict";

(() => {
  const G = window.GatewayTourGuild;
  const R = window.GatewayTourGuildRender;
  const $ = (id) => document.getElementById(id);
  const el = window.GatewayTourPanel.el; // createElement with a class and textContent
  const state = G.state;
  const name = G.name;
  const guildOf = G.guildOf;

  // invite is the small form that makes someone join the home guild.
  function invite() {
    const form = el("form", "guild-invite");
    const label = el("label", "visually-hidden", "Name of someone to invite");
    label.htmlFor = "guild-invite-name";
    const input = el("input", "panel-input");
    input.id = "guild-invite-name";
    input.placeholder = "a new member's name";
    input.maxLength = 32;
    input.required = true;
    const go = el("button", "button button-small", "Invite");
    go.type = "submit";
    form.append(label, input, go);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const res = await G.api("POST", "/members", { username: input.value.trim() });
      if (!res.ok) G.notice?.("Nobody joined: " + (res.data?.message || res.status));
      else input.value = "";
    });
    return form;
  }

  function leaveButton(m, who) {
    const b = el("button", "icon-button guild-leave", "✕");
    b.type = "button";
    b.setAttribute("aria-label", "Make " + who + " leave the server");
    b.title = "Make " + who + " leave the server";
    b.addEventListener("click", async () => {
      const res = await G.api("DELETE", "/members/" + m.user.id);
      if (!res.ok) G.notice?.(who + " stayed: " + (res.data?.message || res.status));
    });
    return b;
  }

  G.drawMembers = () => {
    const box = $("guild-members");
    box.replaceChildren(invite());
    const g = guildOf(state.current) || state.guilds[0];
    if (!g) return;
    const sorted = [...g.members].sort((a, b) => name(a.user, a, g).name.localeCompare(name(b.user, b, g).name));
    const groups = [["Online", sorted.filter((m) => (state.presence.get(m.user.id) || "offline") !== "offline")],
      ["Offline", sorted.filter((m) => (state.presence.get(m.user.id) || "offline") === "offline")]];
    for (const [title, members] of groups) {
      box.append(el("h4", null, title + " — " + members.length));
      const ul = el("ul");
      for (const m of members.slice(0, 200)) {
        const status = state.presence.get(m.user.id) || "offline";
        const li = el("li", "guild-member " + status);
        const dot = el("span", "dot " + status);
        dot.setAttribute("aria-hidden", "true");
        const who = name(m.user, m, g);
        const n = el("span", null, who.name);
        if (who.color) n.style.color = R.hex(who.color);
        li.append(dot, n);
        if (m.user.bot) li.append(el("span", "gmsg-bot", "BOT"));
        else if (m.user.id !== state.you && m.user.id !== state.me) li.append(leaveButton(m, who.name));
        const roles = (m.roles || []).map((id) => g.roles.find((r) => r.id === id)?.name).filter(Boolean);
        li.title = status + (roles.length ? " · " + roles.join(", ") : "");
        li.append(el("span", "visually-hidden", ", " + status + (roles.length ? ", roles " + roles.join(", ") : "")));
        ul.append(li);
      }
      if (members.length > 200) ul.append(el("li", "guild-member", "…and " + (members.length - 200) + " more"));
      box.append(ul);
    }
  };
})();
