// Gateway Tour guild view: the server and channel list — categories, text,
// voice, announcement and forum channels, threads under their channel, and
// the DMs with the bot.
"use strict";

(() => {
  const G = window.GatewayTourGuild;
  const $ = (id) => document.getElementById(id);
  const el = window.GatewayTourPanel.el; // createElement with a class and textContent
  const state = G.state;

  function chanButton(ch, label, thread) {
    const b = el("button", "guild-chan" + (thread ? " thread" : ""));
    b.type = "button";
    b.dataset.id = ch.id;
    const icon = el("span", null, G.ICON[ch.type] ?? "#");
    icon.setAttribute("aria-hidden", "true");
    b.append(icon, document.createTextNode(label));
    if (ch.type === 2 || ch.type === 13 || ch.type === 4) {
      b.disabled = true;
      b.title = "A voice channel: the sandbox has no voice, only who is in it";
    } else {
      b.addEventListener("click", () => {
        if (G.narrow()) {
          $("guild-side").hidden = true;
          $("guild-side-toggle").setAttribute("aria-expanded", "false");
        }
        G.open(ch.id, true);
      });
    }
    if (ch.id === state.current) b.setAttribute("aria-current", "true");
    const li = el("li");
    li.append(b);
    return li;
  }
  G.drawSide = () => {
    const side = $("guild-side");
    side.replaceChildren();
    for (const g of state.guilds) {
      side.append(el("h4", null, g.name));
      const ul = el("ul");
      const ordered = [...g.channels].sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
      const threads = g.threads || [];
      const under = (parent) => ordered.filter((c) => c.type !== 4 && (c.parent_id || null) === parent);
      const add = (c) => {
        ul.append(chanButton(c, c.name, false));
        for (const t of threads.filter((t) => t.parent_id === c.id)) ul.append(chanButton(t, t.name, true));
      };
      for (const c of under(null)) add(c);
      for (const cat of ordered.filter((c) => c.type === 4)) {
        const li = el("li", null);
        li.append(el("h4", null, cat.name));
        ul.append(li);
        for (const c of under(cat.id)) add(c);
      }
      side.append(ul);
    }
    if (state.dms.length) {
      side.append(el("h4", null, "Direct messages"));
      const ul = el("ul");
      for (const dm of state.dms) ul.append(chanButton(dm, "@" + (dm.recipients?.find((u) => u.id !== state.me)?.username || state.bot?.username || "bot"), false));
      side.append(ul);
    }
  };
})();
