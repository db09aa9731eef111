// Department tree helpers: the API lists departments flat.

export function buildTree(depts) {
  const byId = new Map(depts.map((d) => [d.id, { ...d, children: [] }]));
  const roots = [];
  for (const node of byId.values()) {
    const parent = node.parentId != null ? byId.get(node.parentId) : null;
    if (parent) parent.children.push(node); else roots.push(node);
  }
  const sort = (list) => {
    list.sort((a, b) => a.id - b.id);
    list.forEach((n) => sort(n.children));
  };
  sort(roots);
  return { roots, byId };
}

/** Depth-first list of {node, depth}. */
export function flatten(roots) {
  const out = [];
  const walk = (list, depth) => list.forEach((n) => { out.push({ node: n, depth }); walk(n.children, depth + 1); });
  walk(roots, 0);
  return out;
}

export function descendantIds(node) {
  const ids = new Set();
  const walk = (n) => { ids.add(n.id); n.children.forEach(walk); };
  walk(node);
  return ids;
}

/** Options for a <select> in tree order, labelled with the full path. */
export function deptOptions(depts, { disabled } = {}) {
  const { roots, byId } = buildTree(depts);
  return flatten(roots).map(({ node }) => ({
    value: node.id,
    label: deptPath(byId, node.id),
    disabled: disabled ? disabled.has(node.id) : false,
  }));
}

/** "总部 / 销售部 / 一组" */
export function deptPath(byId, id) {
  const parts = [];
  let cur = byId.get(id);
  let guard = 0;
  while (cur && guard < 64) {
    parts.unshift(cur.name);
    cur = cur.parentId != null ? byId.get(cur.parentId) : null;
    guard += 1;
  }
  return parts.join(' / ');
}
