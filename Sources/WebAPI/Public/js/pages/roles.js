// 角色管理 — roles: permission sets plus data scope.
import { h } from '../dom.js';
import { api, ApiError } from '../api.js';
import { createTable } from '../components/table.js';
import { button, pageHeader, tag } from '../components/ui.js';
import { formDialog } from '../components/form.js';
import { confirmDialog } from '../components/confirm.js';
import { toast } from '../components/toast.js';
import { permPicker } from '../components/perm-picker.js';
import { errorText } from '../errors.js';
import { can, session } from '../state.js';
import { t } from '../i18n/index.js';

const SCOPES = ['self', 'department', 'all'];
const SCOPE_COLORS = { self: 'default', department: 'cyan', all: 'blue' };

let catalogueCache = null;
async function catalogue() {
  if (!catalogueCache) {
    const res = await api.get('/api/v1/permissions');
    catalogueCache = (res && res.items) || [];
  }
  return catalogueCache;
}

export function scopeTag(scope) {
  return tag(t(`scope.${scope}`), SCOPE_COLORS[scope] || 'default');
}

export function render(root) {
  const canCreate = can('org.roles.create');
  const canUpdate = can('org.roles.update');
  const canDelete = can('org.roles.delete');

  const table = createTable({
    title: t('roles.list'),
    testid: 'roles-table',
    search: [{ name: 'q', label: t('common.keyword'), placeholder: t('roles.searchPlaceholder') }],
    toolbar: [canCreate ? button(t('roles.create'), { kind: 'primary', iconName: 'plus', testid: 'role-create', onClick: () => edit(null) }) : null],
    bulkActions: canDelete ? [{ label: t('common.bulkDelete'), danger: true, testid: 'bulk-delete', onClick: bulkDelete }] : null,
    defaultSort: null,
    columns: [
      { key: 'name', title: t('roles.name'), sortable: true, render: (r) => h('strong', { class: 'cell-strong' }, r.name) },
      { key: 'dataScope', title: t('roles.dataScope'), width: 160, render: (r) => scopeTag(r.dataScope) },
      { key: 'permissions', title: t('roles.permCount'), width: 140, render: (r) => t('roles.permN', { n: (r.permissions || []).length }) },
      { key: 'builtin', title: t('roles.builtin'), width: 120, render: (r) => (r.builtin ? tag(t('roles.builtinYes'), 'gold') : h('span', { class: 'muted' }, t('roles.custom'))) },
    ],
    rowActions: canUpdate || canDelete ? (r) => [
      canUpdate ? { label: t('common.edit'), testid: 'role-edit', onClick: () => edit(r) } : null,
      canDelete && !r.builtin ? { label: t('common.delete'), danger: true, testid: 'role-delete', onClick: () => remove(r) } : null,
    ] : null,
    empty: {
      text: canCreate ? t('roles.emptyCreate') : t('roles.empty'),
      action: canCreate ? () => button(t('roles.create'), { kind: 'primary', iconName: 'plus', onClick: () => edit(null) }) : null,
    },
    fetch: ({ page, pageSize, sort, filters }) => api.get('/api/v1/roles', { q: filters.q, page, pageSize, sort }),
  });

  root.append(pageHeader(t('nav.org.roles'), t('roles.desc')), table.el);
  table.reload();

  async function edit(role) {
    let items;
    try {
      items = await catalogue();
    } catch (err) {
      toast.error(errorText(err));
      return;
    }
    const me = session.user;
    const allowed = me.isAdmin ? null : new Set(me.permissions || []);
    const myScope = me.isAdmin ? 2 : SCOPES.indexOf(me.dataScope || 'self');
    const saved = await formDialog({
      title: role ? t('roles.editTitle', { name: role.name }) : t('roles.createTitle'),
      testid: 'role-dialog',
      variant: 'drawer',
      width: 640,
      values: role ? { name: role.name, dataScope: role.dataScope, permissions: role.permissions } : { dataScope: 'self', permissions: [] },
      submitText: role ? t('common.save') : t('common.create'),
      fields: [
        { name: 'name', label: t('roles.name'), required: true, maxLength: 64, testid: 'role-name', span: 'half' },
        {
          name: 'dataScope', label: t('roles.dataScope'), type: 'select', required: true, placeholder: false, testid: 'role-scope', span: 'half',
          options: SCOPES.map((s, i) => ({ value: s, label: t(`scope.${s}`), disabled: i > myScope })),
          help: t('roles.scopeHelp'),
        },
        {
          name: 'permissions', label: t('roles.permissions'), type: 'custom',
          render: (value, notify) => permPicker(items, value, { allowed, onChange: notify }),
        },
      ],
      onSubmit: (v) => (role
        ? api.put(`/api/v1/roles/${role.id}`, { name: v.name, dataScope: v.dataScope, permissions: v.permissions })
        : api.post('/api/v1/roles', { name: v.name, dataScope: v.dataScope, permissions: v.permissions })),
    });
    if (saved !== undefined) {
      toast.success(role ? t('common.saved') : t('roles.created', { name: (saved && saved.name) || '' }));
      table.reload();
    }
  }

  async function remove(role) {
    const ok = await confirmDialog({
      title: t('roles.deleteTitle'),
      message: t('roles.deleteConfirm', { name: role.name }),
      detail: t('roles.deleteDetail'),
      okText: t('common.delete'),
    });
    if (!ok) return;
    try {
      await api.del(`/api/v1/roles/${role.id}`);
      toast.success(t('roles.deleted', { name: role.name }));
      table.reload();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'in_use') toast.error(t('roles.inUse', { name: role.name }));
      else toast.error(errorText(err));
    }
  }

  async function bulkDelete(rows) {
    const list = rows.filter((r) => !r.builtin);
    if (!list.length) { toast.info(t('roles.builtinSkipped')); return; }
    const ok = await confirmDialog({
      title: t('roles.deleteTitle'),
      message: t('roles.bulkConfirm', { n: list.length, names: list.map((r) => r.name).join('、') }),
      detail: t('roles.deleteDetail'),
      okText: t('common.delete'),
    });
    if (!ok) return;
    const failed = [];
    for (const r of list) {
      try { await api.del(`/api/v1/roles/${r.id}`); } catch (err) { failed.push(`${r.name}: ${err.code === 'in_use' ? t('roles.inUseShort') : errorText(err)}`); }
    }
    if (failed.length) toast.error(t('common.someFailed', { list: failed.join('; ') }));
    else toast.success(t('common.bulkDeleted', { n: list.length }));
    table.clearSelection();
    table.reload();
  }
}
