// Gateway Tour guild view: how to connect a bot, shown while none of the
// learner's own is on the sandbox: the sandbox's recipe (URL, token, the
// discord.py, discordgo and discord.js lines) from /sandbox/recipe, the
// same text the panel's Connect dialog shows.
"use strict";

(() => {
  const P = window.GatewayTourPanel;
  const G = window.GatewayTourGuild;
  const $ = (id) => document.getElementById(id);
  const el = window.GatewayTourPanel.el; // createElement with a class and textContent

  let recipe = null;
  // drawNoBot says how to connect a bot while none of the learner's own is
  // on the sandbox (the built-in demo bot does not count: it steps away as
  // soon as another bot logs in).
  G.drawNoBot = async () => {
    const live = (P.state.streams || []).filter((s) => s.kind === "sandbox-bot" && !["closed", "stopped"].includes(s.state?.kind));
    const own = live.filter((s) => !/^demobot /.test(s.label || ""));
    G.state.bots = live.length;
    const box = $("guild-nobot");
    box.hidden = own.length > 0;
    const summary = live.length > own.length
      ? "The built-in demo bot is answering /hello and /roll. Connect your own bot to take over:"
      : "No bot is connected to the sandbox yet: how to connect one";
    if (box.hidden) return;
    const toggle = () => !$("guild-view").hidden && G.drawDemoToggle?.(box);
    if (box.childElementCount) {
      box.querySelector("summary").textContent = summary;
      toggle();
      return;
    }
    const details = el("details");
    details.open = live.length === 0 && !G.narrow();
    details.append(el("summary", null, summary),
      el("p", null, "Point your bot at this sandbox and it appears here and in the frame list. The recipe (also under the panel's Connect… button) has the URL, the token and the lines for discord.py, discordgo and discord.js:"));
    const pre = el("pre", null, "Loading the recipe…");
    pre.tabIndex = 0;
    details.append(pre);
    box.append(details);
    if (recipe == null) {
      const r = await fetch("/sandbox/recipe", { credentials: "same-origin" }).catch(() => null);
      recipe = r?.ok ? await r.text() : "The recipe is at /sandbox/recipe.";
    }
    pre.textContent = recipe;
    toggle();
  };
})();
