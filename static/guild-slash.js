// Gateway Tour guild view: the message box's keys and slash commands.
// "/" opens the commands the bot registered (global and this guild);
// choosing one shows its options with their types, required first, with
// choices as menus and the bot's autocomplete; Enter runs it, as does a
// typed "/name option:value". Everything goes through the actor API.
"use strict";

(() => {
  const G = window.GatewayTourGuild;
  const C = G.composer; // guild-act.js: sending, interactions, replies and edits
  const $ = (id) => document.getElementById(id);
  const el = window.GatewayTourPanel.el; // createElement with a class and textContent
  const TYPES = { 3: "string", 4: "integer", 5: "boolean", 6: "user", 7: "channel", 8: "role", 9: "mentionable", 10: "number", 11: "attachment" };
  let commands = [];
  let chosen = null; // the command whose options are shown
  let pickIndex = 0;

  async function loadCommands() {
    const res = await G.api("GET", "/commands");
    if (!res.ok) return;
    const guild = G.state.channels.get(G.state.current)?.guild;
    commands = [...(res.data.global || []), ...((guild && res.data.guilds?.[guild.id]) || [])].filter((c) => (c.type || 1) === 1);
  }

  function picker(prefix) {
    const box = $("guild-picker");
    const hits = commands.filter((c) => c.name.startsWith(prefix));
    box.replaceChildren();
    box.hidden = hits.length === 0 && prefix !== "";
    if (!hits.length) {
      if (!box.hidden) box.append(el("div", "guild-pick", "The bot has registered no slash commands here."));
      $("guild-input").removeAttribute("aria-activedescendant");
      return;
    }
    pickIndex = Math.min(pickIndex, hits.length - 1);
    hits.forEach((c, i) => {
      const o = el("div", "guild-pick");
      o.id = "guild-pick-" + i;
      o.setAttribute("role", "option");
      o.setAttribute("aria-selected", String(i === pickIndex));
      o.append(el("strong", null, "/" + c.name), " ", el("span", "guild-pick-desc", c.description || ""));
      o.addEventListener("mousedown", (e) => {
        e.preventDefault();
        choose(c);
      });
      box.append(o);
    });
    $("guild-input").setAttribute("aria-activedescendant", "guild-pick-" + pickIndex);
    box.hits = hits;
  }
  function closePicker() {
    $("guild-picker").hidden = true;
    $("guild-input").removeAttribute("aria-activedescendant");
  }

  // choose shows the command's options as fields, required ones first.
  function choose(c) {
    chosen = c;
    closePicker();
    const input = $("guild-input");
    input.value = "/" + c.name + " ";
    const box = $("guild-options");
    box.replaceChildren();
    const opts = [...(c.options || [])].filter((o) => o.type >= 3).sort((a, b) => Number(!!b.required) - Number(!!a.required));
    box.hidden = opts.length === 0;
    for (const o of opts) box.append(optionField(c, o));
    input.focus();
  }

  function optionField(c, o) {
    const wrap = el("label", "guild-option");
    wrap.append(el("span", null, o.name + (o.required ? " *" : "")), el("span", "guild-option-type", TYPES[o.type] + (o.description ? " — " + o.description : "")));
    let control;
    const pick = (pairs) => {
      control = el("select", "panel-select");
      const none = el("option", null, o.required ? "Choose…" : "(none)");
      none.value = "";
      control.append(none);
      for (const [v, l] of pairs) {
        const opt = el("option", null, l);
        opt.value = v;
        control.append(opt);
      }
    };
    if (o.choices?.length) pick(o.choices.map((ch) => [JSON.stringify(ch.value), ch.name]));
    else if (o.type === 5) pick([["true", "True"], ["false", "False"]]);
    else if (o.type >= 6 && o.type <= 9) pick(G.renderCtx().choicesFor({ 6: 5, 7: 8, 8: 6, 9: 7 }[o.type]).map(([v, l]) => [JSON.stringify(v), l]));
    else {
      control = el("input", "panel-input");
      control.type = o.type === 4 || o.type === 10 ? "number" : "text";
      if (o.type === 4) control.step = "1";
      if (o.min_value != null) control.min = o.min_value;
      if (o.max_value != null) control.max = o.max_value;
      if (o.max_length != null) control.maxLength = o.max_length;
      if (o.type === 11) control.placeholder = "a file name";
      if (o.autocomplete) autocomplete(c, o, control);
    }
    control.required = !!o.required;
    control.dataset.option = o.name;
    control.dataset.type = o.type;
    control.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey) {
        e.preventDefault();
        runChosen();
      }
    });
    wrap.append(control);
    return wrap;
  }

  function autocomplete(c, o, input) {
    const list = el("datalist");
    list.id = "guild-ac-" + o.name;
    input.setAttribute("list", list.id);
    input.after?.(list);
    queueMicrotask(() => input.parentElement?.append(list));
    let timer = 0;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const options = readOptions();
        options[o.name] = input.value;
        const res = await G.api("POST", "/interactions", { type: "autocomplete", name: c.name, options, focused: o.name, user_id: G.state.me, channel_id: G.state.current });
        list.replaceChildren();
        for (const ch of res.data?.response?.data?.choices || []) {
          const opt = el("option", null, ch.name);
          opt.value = String(ch.value);
          list.append(opt);
        }
      }, 200);
    });
  }

  function readOptions() {
    const out = {};
    for (const f of $("guild-options").querySelectorAll("[data-option]")) {
      if (f.value === "") continue;
      const t = Number(f.dataset.type);
      if (f.tagName === "SELECT") out[f.dataset.option] = JSON.parse(f.value);
      else out[f.dataset.option] = t === 4 || t === 10 ? Number(f.value) : f.value;
    }
    return out;
  }

  function runChosen() {
    const c = chosen;
    const missing = [...$("guild-options").querySelectorAll("[data-option]")].find((f) => f.required && f.value === "");
    if (missing) {
      missing.focus();
      G.notice("“" + missing.dataset.option + "” is required.");
      return;
    }
    const options = readOptions();
    resetComposer();
    C.interact({ type: "command", name: c.name, options }, "/" + c.name);
  }

  // typed parses "/name opt:value other:more words" as Discord's client does.
  function typed(text) {
    const m = /^\/(\S+)\s*([\s\S]*)$/.exec(text.trim());
    if (!m) return null;
    const c = commands.find((x) => x.name === m[1]);
    const options = {};
    const parts = m[2] ? m[2].split(/\s+(?=[\w-]+:)/) : [];
    for (const p of parts) {
      const at = p.indexOf(":");
      if (at < 1) continue;
      const key = p.slice(0, at);
      const raw = p.slice(at + 1).trim();
      const def = c?.options?.find((o) => o.name === key);
      options[key] = def && (def.type === 4 || def.type === 10) ? Number(raw) : def?.type === 5 ? raw === "true" : raw.replace(/^<[@#]&?!?(\d+)>$/, "$1");
    }
    return { name: m[1], options };
  }

  function resetComposer() {
    chosen = null;
    $("guild-input").value = "";
    $("guild-options").hidden = true;
    $("guild-options").replaceChildren();
    closePicker();
  }

  function onKey(e) {
    const input = e.currentTarget;
    const box = $("guild-picker");
    if (!box.hidden && box.hits?.length && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      e.preventDefault();
      pickIndex = (pickIndex + (e.key === "ArrowDown" ? 1 : box.hits.length - 1)) % box.hits.length;
      picker(input.value.slice(1));
      return;
    }
    if (!box.hidden && box.hits?.length && (e.key === "Tab" || (e.key === "Enter" && !/\s/.test(input.value.trim())))) {
      e.preventDefault();
      choose(box.hits[pickIndex]);
      return;
    }
    if (e.key === "Escape") {
      if (C.editing()) C.stopEditing();
      else if (C.replying()) C.setReply(null);
      else resetComposer();
      return;
    }
    if (e.key !== "Enter" || e.shiftKey) return;
    e.preventDefault();
    const text = input.value.trim(); // as Discord's client, which sends no leading or trailing blank lines
    if (!text) return;
    if (chosen && text === "/" + chosen.name) return runChosen();
    resetComposer();
    if (text.startsWith("/") && !C.editing()) return typedCommand(text);
    C.send(text);
  }

  // typedCommand runs "/name opt:value" if the bot has registered name
  // (asking the sandbox again first: the bot may have just registered it),
  // and otherwise sends the text as a message, as Discord's client does.
  async function typedCommand(text) {
    if (!commands.some((c) => c.name === typed(text).name)) await loadCommands();
    const cmd = typed(text);
    if (commands.some((c) => c.name === cmd.name)) return C.interact({ type: "command", name: cmd.name, options: cmd.options }, "/" + cmd.name);
    C.send(text);
  }

  function onInput(e) {
    const v = e.currentTarget.value;
    e.currentTarget.style.height = "auto";
    e.currentTarget.style.height = Math.min(e.currentTarget.scrollHeight, 160) + "px";
    if (chosen && !v.startsWith("/" + chosen.name)) {
      chosen = null;
      $("guild-options").hidden = true;
    }
    if (/^\/\S*$/.test(v) && !C.editing()) {
      const input = e.currentTarget;
      if (v === "/") loadCommands().then(() => /^\/\S*$/.test(input.value) && picker(input.value.slice(1)));
      picker(v.slice(1));
    } else closePicker();
  }

  window.GatewayTourPanel.on("ready", () => {
    const input = $("guild-input");
    if (!input) return;
    input.addEventListener("keydown", onKey);
    input.addEventListener("input", onInput);
    input.addEventListener("blur", () => setTimeout(closePicker, 150));
    $("guild-replying-cancel").addEventListener("click", () => (C.editing() ? C.stopEditing() : C.setReply(null)));
    G.hooks.ready.push(loadCommands);
  });
})();
