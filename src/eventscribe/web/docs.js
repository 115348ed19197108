// Renders openapi.json as a plain list of endpoints and parameters (textContent only, no CDN).
"use strict";
(async function () {
  const box = document.getElementById("ops");
  const spec = await (await fetch("openapi.json")).json();
  box.textContent = "";
  const add = (parent, tag, text, cls) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    parent.append(node);
    return node;
  };
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const section = add(box, "section");
      const title = add(section, "h2");
      add(title, "span", method.toUpperCase(), "method " + method);
      add(title, "span", path, "path");
      add(section, "p", op.description || op.summary || "");
      const params = op.parameters || [];
      if (!params.length) continue;
      const table = add(section, "table");
      const head = add(table, "tr");
      for (const h of ["parameter", "in", "type", "description"]) add(head, "th", h);
      for (const p of params) {
        const row = add(table, "tr");
        const schema = p.schema || {};
        const type = schema.type || (schema.anyOf || []).map((s) => s.type || (s.items && "list")).filter(Boolean).join(" | ");
        add(row, "td", p.name + (p.required ? " *" : ""));
        add(row, "td", p.in);
        add(row, "td", type || "");
        add(row, "td", p.description || "");
      }
    }
  }
})();
