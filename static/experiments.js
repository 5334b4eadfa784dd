// Gateway Tour experiments: the "Try it" blocks in the lessons. A press asks
// the server to run the experiment against the chosen stream; the answer is
// the steps it observed, each a record (stream, index) and a sentence built
// from that record. The steps are listed under the button and the panel
// walks through their frames in order. Everything is put in the page with
// textContent.
"use strict";

(() => {
  const P = window.GatewayTourPanel;
  if (!P) return;
  const STEP_MS = 900; // how long the panel dwells on each step's frame
  let running = false;

  const liveBots = () =>
    (P.state.streams || []).filter((s) => s.kind === "sandbox-bot" && s.state && (s.state.kind === "identified" || s.state.kind === "resuming"));

  // renderTarget says plainly which stream a block acts on, with a choice of
  // the learner's own bots where the experiment allows it.
  function renderTarget(block) {
    const where = block.querySelector(".experiment-target");
    if (!where) return;
    if (!where.dataset.text) where.dataset.text = where.textContent; // the lesson's own sentence
    const previous = where.querySelector("select")?.value || "inspector";
    const bots = block.dataset.bots === "true" ? liveBots() : [];
    if (!bots.length) {
      where.textContent = where.dataset.text;
      block.dataset.target = "inspector";
      return;
    }
    where.replaceChildren();
    const label = P.el("label", null, "Acts on: ");
    const select = document.createElement("select");
    select.className = "experiment-target-select";
    select.append(new Option("the inspector's own connection", "inspector"));
    for (const b of bots) select.append(new Option(b.label + " (" + b.id + ")", b.id));
    select.value = [...select.options].some((o) => o.value === previous) ? previous : "inspector";
    block.dataset.target = select.value;
    select.addEventListener("change", () => { block.dataset.target = select.value; });
    label.append(select);
    where.append(label);
  }

  // The portal switches mirror the sandbox app's privileged intents live.
  async function setupPortal(block) {
    const boxes = block.querySelectorAll("input[data-portal]");
    if (!boxes.length) return;
    const show = (sw) => {
      for (const box of boxes) {
        box.checked = !!sw[box.dataset.portal];
        box.disabled = false;
      }
    };
    try {
      const r = await fetch("/sandbox/portal", { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (r.ok) show(await r.json());
    } catch {
      /* the status line says so on the first press */
    }
    for (const box of boxes) {
      box.addEventListener("change", async () => {
        const status = block.querySelector(".experiment-status");
        let r;
        try {
          r = await fetch("/sandbox/portal", {
            method: "PUT",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRF-Token": P.csrf, Accept: "application/json" },
            body: JSON.stringify({ [box.dataset.portal]: box.checked }),
          });
        } catch {
          r = null;
        }
        if (!r || !r.ok) {
          box.checked = !box.checked;
          status.textContent = "The sandbox did not take the switch. Is gatewaytour still running?";
          return;
        }
        show(await r.json());
        status.textContent = box.checked
          ? "Switched on in the sandbox's portal: the next Identify asking for it is allowed."
          : "Switched off in the sandbox's portal: sessions already running keep it; the next Identify asking for it is refused with 4014.";
      });
    }
  }

  // waitForRecord resolves with the record once the panel holds it.
  function waitForRecord(stream, index) {
    return new Promise((resolve) => {
      const started = Date.now();
      const look = () => {
        if (P.state.streamID === stream) {
          const rec = P.state.records.find((r) => r.index === index);
          if (rec) return resolve(rec);
        }
        if (Date.now() - started > 5000) return resolve(null);
        setTimeout(look, 100);
      };
      look();
    });
  }

  async function showStep(step, item, items) {
    if (P.state.streamID !== step.stream) P.open(step.stream);
    const rec = await waitForRecord(step.stream, step.index);
    for (const other of items) other.classList.remove("experiment-step-current");
    item.classList.add("experiment-step-current");
    item.setAttribute("aria-current", "step");
    if (rec && P.list) {
      P.emit("reveal");
      P.list.select(rec, true);
    }
  }

  function renderSteps(block, steps) {
    const list = block.querySelector(".experiment-steps");
    list.replaceChildren();
    const items = [];
    for (const step of steps) {
      const item = P.el("li", "experiment-step");
      const link = P.el("a", "experiment-step-link", step.text);
      link.href = "#panel";
      link.dataset.stream = step.stream;
      link.dataset.index = String(step.index);
      link.addEventListener("click", (e) => {
        e.preventDefault();
        showStep(step, item, items);
      });
      item.append(link);
      list.append(item);
      items.push(item);
    }
    return items;
  }

  async function walk(steps, items) {
    P.list?.mark(steps.map((s) => s.index));
    for (let i = 0; i < steps.length; i++) {
      await showStep(steps[i], items[i], items);
      await new Promise((r) => setTimeout(r, STEP_MS));
    }
  }

  async function press(block) {
    const status = block.querySelector(".experiment-status");
    if (running) {
      status.textContent = "Another experiment is still running on this page; wait for it to finish.";
      return;
    }
    running = true;
    for (const b of document.querySelectorAll(".experiment-run")) b.disabled = true;
    block.querySelector(".experiment-steps").replaceChildren();
    status.textContent = "Running… the steps appear here as soon as it is over (well within 25 s).";
    block.dataset.state = "running";
    try {
      const { ok, status: code, data } = await P.post("/experiments/run", { name: block.dataset.experiment, stream: block.dataset.target || "inspector" });
      const steps = Array.isArray(data.steps) ? data.steps : [];
      const items = renderSteps(block, steps);
      if (ok) {
        status.textContent = "Done, on " + data.target + ": the panel shows each step's frame in turn.";
        block.dataset.state = "done";
      } else {
        block.dataset.state = "failed";
        status.textContent = code === 404 ? "Experiments need the sandbox: this server runs without it." : data.error || "The experiment failed.";
      }
      if (steps.length) await walk(steps, items);
    } finally {
      running = false;
      for (const b of document.querySelectorAll(".experiment-run")) b.disabled = false;
    }
  }

  // The blocks' stylesheet is loaded only on pages that have blocks.
  function loadStyle() {
    if (document.getElementById("experiments-css")) return;
    const link = document.createElement("link");
    link.id = "experiments-css";
    link.rel = "stylesheet";
    link.href = "/static/experiments.css";
    document.head.append(link);
  }

  function setup() {
    if (document.querySelector(".experiment")) loadStyle();
    for (const block of document.querySelectorAll(".experiment")) {
      if (block.dataset.ready) continue;
      block.dataset.ready = "true";
      renderTarget(block);
      setupPortal(block);
      block.querySelector(".experiment-run").addEventListener("click", () => press(block));
    }
  }

  P.on("streams", () => { for (const block of document.querySelectorAll(".experiment")) renderTarget(block); });
  document.addEventListener("DOMContentLoaded", setup);
  document.addEventListener("gatewaytour:lesson", () => setTimeout(setup));
})();
