// Gateway Tour live panel, the payload as a collapsible JSON tree. Nodes
// are made only when their parent opens, and a long array or object opens
// CHUNK entries at a time, so a 5 MB GUILD_CREATE with 25,000 members costs
// a few hundred elements until the reader asks for more. Every guild, user
// and member object the annotator found (the record's terms) keeps its
// colour and note. Built with createElement and textContent only: payload
// text never becomes markup.
"use strict";

(() => {
  const P = window.GatewayTourPanel;
  const { el } = P;
  const CHUNK = 200; // entries shown per "show more"
  const MAX_DEPTH = 100; // deeper nodes are not opened; Raw shows them
  const EXPAND_BUDGET = 4000; // nodes "expand all" may create in one go
  const KINDS = { guild: "Guild", user: "User", member: "Member" };

  const isContainer = (v) => v !== null && typeof v === "object";

  function leaf(value) {
    const kind = value === null ? "null" : typeof value;
    return el("span", "j-" + kind, JSON.stringify(value));
  }

  // makeNode draws one key: value line; a container starts closed.
  function makeNode(key, value, path, depth, terms) {
    const node = el("div", "jt-node");
    const term = terms.get(path);
    if (term) {
      node.classList.add("obj", "obj-" + term.kind);
      node.dataset.kind = term.kind;
      node.dataset.path = path;
      node.dataset.note = term.note || "";
      node.title = `${KINDS[term.kind] || term.kind} object at ${path}` + (term.note ? `: ${term.note}` : "");
    }
    const row = el("div", "jt-row");
    node.append(row);
    const label = key == null ? null : el("span", typeof key === "number" ? "j-index" : "j-key", String(key));
    if (!isContainer(value)) {
      row.append(el("span", "jt-spacer"));
      if (label) row.append(label, ": ");
      row.append(leaf(value));
      return node;
    }
    const array = Array.isArray(value);
    const keys = array ? null : Object.keys(value);
    const size = array ? value.length : keys.length;
    const [open, close] = array ? ["[", "]"] : ["{", "}"];
    if (!size) {
      row.append(el("span", "jt-spacer"));
      if (label) row.append(label, ": ");
      row.append(el("span", "j-punct", open + close));
      return node;
    }
    const toggle = el("button", "jt-toggle");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-label", `${key == null ? "payload" : key}: ${size.toLocaleString()} ${array ? "items" : "keys"}`);
    row.append(toggle);
    if (label) row.append(label, ": ");
    const summary = el("span", "jt-summary", `${open}…${close}`);
    const opening = el("span", "j-punct jt-open", open);
    opening.hidden = true;
    row.append(opening, summary,
      el("span", "jt-count", ` ${size.toLocaleString()} ${array ? (size === 1 ? "item" : "items") : size === 1 ? "key" : "keys"}`));
    const children = el("div", "jt-children");
    children.hidden = true;
    const end = el("div", "jt-close j-punct", close);
    end.hidden = true;
    node.append(children, end);
    node.tree = { value, keys, size, array, path, depth, terms, shown: 0, toggle, children, summary, opening, end };
    if (depth >= MAX_DEPTH) {
      toggle.disabled = true;
      row.append(el("span", "jt-deep", ` nested deeper than ${MAX_DEPTH} levels: see Raw`));
    }
    return node;
  }

  // more draws the next CHUNK entries of node; returns how many.
  function more(node) {
    const t = node.tree;
    const from = t.shown;
    const to = Math.min(t.size, from + CHUNK);
    const frag = document.createDocumentFragment();
    for (let i = from; i < to; i++) {
      const key = t.array ? i : t.keys[i];
      const path = t.array ? `${t.path}[${i}]` : t.path ? `${t.path}.${key}` : key;
      frag.append(makeNode(key, t.value[key], path, t.depth + 1, t.terms));
    }
    t.children.querySelector(":scope > .jt-more")?.remove();
    t.children.append(frag);
    t.shown = to;
    if (to < t.size) {
      const button = el("button", "button button-small jt-more",
        `Show ${Math.min(CHUNK, t.size - to).toLocaleString()} more (${to.toLocaleString()} of ${t.size.toLocaleString()} shown)`);
      button.type = "button";
      t.children.append(button);
    }
    return to - from;
  }

  // setOpen opens or closes a container node; returns nodes created.
  function setOpen(node, open) {
    const t = node.tree;
    if (!t || t.toggle.disabled) return 0;
    let made = 0;
    if (open && !t.shown) made = more(node);
    t.toggle.setAttribute("aria-expanded", String(open));
    t.children.hidden = !open;
    t.end.hidden = !open;
    t.summary.hidden = open;
    t.opening.hidden = !open;
    node.classList.toggle("open", open);
    return made;
  }

  // openTo opens every node above depth and closes the rest that exist.
  function openTo(root, depth) {
    const queue = [...root.children];
    while (queue.length) {
      const node = queue.shift();
      if (!node.tree) continue;
      const open = node.tree.depth < depth;
      setOpen(node, open);
      if (open) queue.push(...node.tree.children.querySelectorAll(":scope > .jt-node"));
    }
  }

  // expandAll opens nodes breadth first until EXPAND_BUDGET nodes exist,
  // so the top of a huge payload opens whole and no task runs long.
  function expandAll(root) {
    let made = 0;
    const queue = [...root.children];
    while (queue.length) {
      const node = queue.shift();
      if (!node.tree) continue;
      if (made >= EXPAND_BUDGET && !node.tree.shown) return false;
      made += setOpen(node, true);
      queue.push(...node.tree.children.querySelectorAll(":scope > .jt-node"));
    }
    return true;
  }

  // build returns the tree of payload, opened to depth 2.
  function build(payload, terms) {
    const root = el("div", "jt");
    root.append(makeNode(null, payload, "", 0, terms));
    openTo(root, 2);
    root.addEventListener("click", (e) => {
      const target = e.target instanceof Element ? e.target : null;
      const toggle = target?.closest(".jt-toggle");
      if (toggle) {
        const node = toggle.closest(".jt-node");
        setOpen(node, toggle.getAttribute("aria-expanded") !== "true");
        return;
      }
      const button = target?.closest(".jt-more");
      if (button) more(button.closest(".jt-node"));
    });
    return root;
  }

  P.tree = { build, openTo, expandAll, CHUNK, MAX_DEPTH };
})();
