// 部门管理 — the department tree.
import { h, clear } from '../dom.js';
import { api, listAll, ApiError } from '../api.js';
import { button, linkButton, pageHeader, emptyState, spinner } from '../components/ui.js';
import { icon } from '../components/icons.js';
import { formDialog } from '../components/form.js';
import { confirmDialog } from '../components/confirm.js';
import { toast } from '../components/toast.js';
import { errorText } from '../errors.js';
import { buildTree, descendantIds, deptOptions } from '../depts.js';
import { can } from '../state.js';
import { t } from '../i18n/index.js';

export function render(root) {
  const state = { depts: [], counts: null, expanded: new Set(), collapsed: new Set(), filter: '', loaded: false, error: null };
  const canCreate = can('org.departments.create');
  const canUpdate = can('org.departments.update');
  const canDelete = can('org.departments.delete');

  const filterInput = h('input', { type: 'search', class: 'input', placeholder: t('departments.filter'), 'aria-label': t('departments.filter'), testid: 'dept-filter' });
  filterInput.addEventListener('input', () => { state.filter = filterInput.value.trim(); paint(); });
  const countLabel = h('span', { class: 'table-count muted' });
  const treeBox = h('div', { class: 'tree-box', testid: 'dept-tree' });

  const toolbar = h('div', { class: 'table-toolbar' },
    h('div', { class: 'table-toolbar-left' }, h('h2', { class: 'card-title' }, t('departments.tree')), countLabel),
    h('div', { class: 'table-toolbar-right' },
      h('div', { class: 'input-wrap has-prefix filter-box' }, icon('search', 'input-prefix'), filterInput),
      button(t('departments.expandAll'), { onClick: () => { state.collapsed.clear(); paint(); }, testid: 'dept-expand-all' }),
      button(t('departments.collapseAll'), { onClick: () => { state.depts.forEach((d) => state.collapsed.add(d.id)); paint(); }, testid: 'dept-collapse-all' }),
      canCreate ? button(t('departments.addRoot'), { kind: 'primary', iconName: 'plus', testid: 'dept-add-root', onClick: () => addDept(null) }) : null));

  root.append(
    pageHeader(t('nav.org.departments'), t('departments.desc')),
    h('section', { class: 'card table-card' }, toolbar, treeBox));

  async function load() {
    try {
      const [depts, users] = await Promise.all([
        listAll('/api/v1/departments'),
        can('org.users.view') ? listAll('/api/v1/users').catch(() => null) : Promise.resolve(null),
      ]);
      state.depts = depts;
      state.counts = null;
      if (users) {
        state.counts = new Map();
        for (const u of users) if (u.departmentId != null) state.counts.set(u.departmentId, (state.counts.get(u.departmentId) || 0) + 1);
      }
      state.error = null;
    } catch (err) {
      state.error = errorText(err);
    }
    state.loaded = true;
    paint();
  }

  function paint() {
    clear(treeBox);
    countLabel.textContent = state.loaded ? t('table.total', { n: state.depts.length }) : '';
    if (!state.loaded) { treeBox.appendChild(h('div', { class: 'empty' }, spinner())); return; }
    if (state.error) {
      treeBox.appendChild(h('div', { class: 'empty error', role: 'alert' }, icon('alert', 'empty-icon'), h('p', { class: 'empty-text' }, state.error), button(t('common.retry'), { onClick: load })));
      return;
    }
    if (!state.depts.length) {
      treeBox.appendChild(emptyState(canCreate ? t('departments.emptyCreate') : t('departments.empty'),
        canCreate ? button(t('departments.addRoot'), { kind: 'primary', iconName: 'plus', onClick: () => addDept(null) }) : null, 'tree'));
      return;
    }
    const { roots } = buildTree(state.depts);
    const q = state.filter.toLowerCase();
    // With a filter: keep matches and their ancestors, everything expanded.
    const keep = new Set();
    if (q) {
      const visit = (n) => {
        let any = n.name.toLowerCase().includes(q);
        for (const c of n.children) if (visit(c)) any = true;
        if (any) keep.add(n.id);
        return any;
      };
      roots.forEach(visit);
      if (!keep.size) { treeBox.appendChild(emptyState(t('table.noMatch'), null, 'search')); return; }
    }
    treeBox.appendChild(renderList(roots, 0, q, keep));
  }

  function highlight(name, q) {
    if (!q) return name;
    const i = name.toLowerCase().indexOf(q);
    if (i < 0) return name;
    return [name.slice(0, i), h('mark', null, name.slice(i, i + q.length)), name.slice(i + q.length)];
  }

  function renderList(nodes, depth, q, keep) {
    const ul = h('ul', { class: depth ? 'tree-children' : 'tree-root' });
    for (const n of nodes) {
      if (q && !keep.has(n.id)) continue;
      const hasKids = n.children.length > 0;
      const open = q ? true : !state.collapsed.has(n.id);
      const toggle = hasKids
        ? h('button', { type: 'button', class: ['tree-toggle', open && 'open'], 'aria-expanded': String(open), 'aria-label': t(open ? 'departments.collapse' : 'departments.expand', { name: n.name }), testid: 'dept-toggle' }, icon('chevronRight'))
        : h('span', { class: 'tree-toggle-spacer', 'aria-hidden': 'true' });
      if (hasKids) toggle.addEventListener('click', () => { if (open) state.collapsed.add(n.id); else state.collapsed.delete(n.id); paint(); });
      const count = state.counts ? state.counts.get(n.id) || 0 : null;
      const actions = h('div', { class: 'tree-actions' },
        canCreate ? linkButton(t('departments.addChild'), { testid: 'dept-add-child', onClick: () => addDept(n) }) : null,
        canUpdate ? linkButton(t('departments.rename'), { testid: 'dept-rename', onClick: () => renameDept(n) }) : null,
        canUpdate ? linkButton(t('departments.move'), { testid: 'dept-move', onClick: () => moveDept(n) }) : null,
        canDelete ? linkButton(t('common.delete'), { danger: true, testid: 'dept-delete', onClick: () => deleteDept(n) }) : null);
      const row = h('div', { class: 'tree-row', testid: 'dept-node', dataset: { name: n.name, id: String(n.id) } },
        toggle,
        icon(depth === 0 ? 'org' : 'folder', 'tree-icon'),
        h('span', { class: 'tree-name' }, highlight(n.name, q)),
        count !== null ? h('span', { class: 'tree-count', title: t('departments.members', { n: count }) }, t('departments.members', { n: count })) : null,
        hasKids ? h('span', { class: 'tree-sub muted small' }, t('departments.children', { n: n.children.length })) : null,
        actions);
      const li = h('li', { class: 'tree-item' }, row);
      if (hasKids && open) li.appendChild(renderList(n.children, depth + 1, q, keep));
      ul.appendChild(li);
    }
    return ul;
  }

  const nameField = () => ({ name: 'name', label: t('departments.name'), required: true, maxLength: 64, testid: 'dept-name', placeholder: t('departments.namePlaceholder') });

  async function addDept(parent) {
    const created = await formDialog({
      title: parent ? t('departments.addChildTitle') : t('departments.addRootTitle'),
      testid: 'dept-dialog',
      width: 460,
      intro: parent ? h('p', { class: 'dialog-intro' }, t('departments.parentIs'), ' ', h('strong', null, parent.name)) : null,
      fields: [nameField()],
      submitText: t('common.create'),
      onSubmit: (v) => api.post('/api/v1/departments', { name: v.name, parentId: parent ? parent.id : null }),
    });
    if (created) {
      if (parent) state.collapsed.delete(parent.id);
      toast.success(t('departments.created', { name: created.name || '' }));
      load();
    }
  }

  async function renameDept(n) {
    const saved = await formDialog({
      title: t('departments.renameTitle'), testid: 'dept-dialog', width: 460,
      fields: [nameField()], values: { name: n.name },
      onSubmit: (v) => api.put(`/api/v1/departments/${n.id}`, { name: v.name, parentId: n.parentId ?? null }),
    });
    if (saved !== undefined) { toast.success(t('common.saved')); load(); }
  }

  async function moveDept(n) {
    const disabled = descendantIds(n);
    const options = [{ value: '', label: t('departments.topLevel') }, ...deptOptions(state.depts, { disabled })];
    const saved = await formDialog({
      title: t('departments.moveTitle', { name: n.name }), testid: 'dept-dialog', width: 480,
      intro: h('p', { class: 'dialog-intro muted' }, t('departments.moveHint')),
      fields: [{ name: 'parentId', label: t('departments.newParent'), type: 'select', placeholder: false, valueType: 'number', options, testid: 'dept-parent' }],
      values: { parentId: n.parentId ?? '' },
      submitText: t('departments.move'),
      onSubmit: (v) => api.put(`/api/v1/departments/${n.id}`, { name: n.name, parentId: v.parentId ?? null }),
    });
    if (saved !== undefined) { toast.success(t('departments.moved', { name: n.name })); load(); }
  }

  async function deleteDept(n) {
    const ok = await confirmDialog({
      title: t('departments.deleteTitle'),
      message: t('departments.deleteConfirm', { name: n.name }),
      detail: n.children.length ? t('departments.deleteHasChildren', { n: n.children.length }) : t('departments.deleteDetail'),
      okText: t('common.delete'),
    });
    if (!ok) return;
    try {
      await api.del(`/api/v1/departments/${n.id}`);
      toast.success(t('departments.deleted', { name: n.name }));
      load();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'department_not_empty') toast.error(t('departments.notEmpty', { name: n.name }));
      else toast.error(errorText(err));
    }
  }

  paint();
  load();
}
