// Gateway Tour guild view: the built-in demo bot's switch. The demo bot
// (inspector/demobot) answers /hello and /roll while no other bot is on
// the sandbox; the reader can turn it off here (POST /sandbox/demobot).
"use strict";

(() => {
  const G = window.GatewayTourGuild;
  let button = null;

  async function status(body) {
    const res = await G.api(body ? "POST" : "GET", "/demobot", body);
    return res.ok ? res.data : null;
  }

  function label(st) {
    button.textContent = st.enabled ? "Turn the demo bot off" : "Turn the demo bot on";
    button.setAttribute("aria-pressed", String(st.enabled));
  }

  G.drawDemoToggle = async (box) => {
    const st = await status();
    if (!st) return; // a sandbox without the demo bot (gatewaytour sandbox)
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "button button-small guild-demo-toggle";
      button.addEventListener("click", async () => {
        const next = await status({ enabled: button.getAttribute("aria-pressed") !== "true" });
        if (next) label(next);
      });
    }
    label(st);
    if (!box.contains(button)) box.append(button);
  };
})();
