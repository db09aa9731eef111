// 用户管理 — users.
import { h } from '../dom.js';
import { api, listAll, ApiError } from '../api.js';
import { createTable } from '../components/table.js';
import { button, pageHeader, tag } from '../components/ui.js';
import { icon } from '../components/icons.js';
import { formDialog } from '../components/form.js';
import { confirmDialog } from '../components/confirm.js';
import { toast } from '../components/toast.js';
import { showTemporaryPassword } from '../components/secret.js';
import { errorText } from '../errors.js';
import { buildTree, deptOptions, deptPath } from '../depts.js';
import { formatDateTime, formatDateMinute } from '../format.js';
import { can } from '../state.js';
import { t } from '../i18n/index.js';

const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;
const EXTENSION = /^\d{2,10}$/;

export function render(root) {
  const canCreate = can('org.users.create');
  const canUpdate = can('org.users.update');
  const canDelete = can('org.users.delete');
  const ref = { depts: [], roles: [], rolesKnown: false, tree: buildTree([]) };

  const deptName = (id) => {
    if (id == null) return null;
    const d = ref.tree.byId.get(id);
    return d ? d.name : `#${id}`;
  };
  const roleName = (id) => {
    const r = ref.roles.find((x) => x.id === id);
    return r ? r.name : t('users.roleId', { id });
  };

  const table = createTable({
    title: t('users.list'),
    testid: 'users-table',
    search: [
      { name: 'q', label: t('common.keyword'), placeholder: t('users.searchPlaceholder') },
      { name: 'departmentId', label: t('users.department'), type: 'select', valueType: 'number', placeholder: t('users.allDepartments'), options: [] },
    ],
    toolbar: [canCreate ? button(t('users.create'), { kind: 'primary', iconName: 'plus', testid: 'user-create', onClick: () => edit(null) }) : null],
    bulkActions: canDelete ? [{ label: t('common.bulkDelete'), danger: true, testid: 'bulk-delete', onClick: bulkDelete }] : null,
    columns: [
      {
        key: 'username', title: t('users.username'), sortable: true,
        render: (u) => h('span', { class: 'cell-user' }, h('strong', { class: 'cell-strong' }, u.username), u.isAdmin ? tag(t('users.admin'), 'gold') : null),
      },
      { key: 'name', title: t('users.name'), sortable: true, nowrap: true },
      {
        key: 'departmentId', title: t('users.department'),
        render: (u) => (u.departmentId == null ? null : h('span', { title: deptPath(ref.tree.byId, u.departmentId) }, deptName(u.departmentId))),
      },
      // Role names need org.roles.view; without it the column would only show ids.
      can('org.roles.view') ? {
        key: 'roleIds', title: t('users.roles'),
        render: (u) => ((u.roleIds || []).length ? h('span', { class: 'tag-list' }, u.roleIds.map((id) => tag(roleName(id), 'blue'))) : null),
      } : null,
      { key: 'extension', title: t('users.extension'), render: (u) => (u.extension ? h('span', { class: 'ext' }, icon('phone'), u.extension) : null) },
      {
        key: 'mustChangePassword', title: t('users.status'),
        render: (u) => (u.mustChangePassword ? tag(t('users.mustChange'), 'orange', { testid: 'must-change' }) : tag(t('users.active'), 'green')),
      },
      { key: 'createdAt', title: t('users.createdAt'), sortable: true, render: (u) => h('span', { class: 'nowrap', title: formatDateTime(u.createdAt) }, formatDateMinute(u.createdAt)) },
    ],
    rowActions: canUpdate || canDelete ? (u) => [
      canUpdate ? { label: t('common.edit'), testid: 'user-edit', onClick: () => edit(u) } : null,
      canUpdate ? { label: t('users.resetPassword'), testid: 'user-reset', onClick: () => resetPassword(u) } : null,
      canDelete && !u.isAdmin ? { label: t('common.delete'), danger: true, testid: 'user-delete', onClick: () => remove(u) } : null,
    ] : null,
    empty: {
      text: canCreate ? t('users.emptyCreate') : t('users.empty'),
      action: canCreate ? () => button(t('users.create'), { kind: 'primary', iconName: 'plus', onClick: () => edit(null) }) : null,
    },
    async fetch({ page, pageSize, sort, filters }) {
      // The server's department filter includes the sub-departments.
      return api.get('/api/v1/users', { q: filters.q, page, pageSize, sort, departmentId: filters.departmentId ?? undefined });
    },
  });

  root.append(pageHeader(t('nav.org.users'), t('users.desc')), table.el);

  async function loadRefs() {
    const [depts, roles] = await Promise.allSettled([
      can('org.departments.view') ? listAll('/api/v1/departments') : Promise.reject(new Error('no permission')),
      can('org.roles.view') ? listAll('/api/v1/roles') : Promise.reject(new Error('no permission')),
    ]);
    ref.depts = depts.status === 'fulfilled' ? depts.value : [];
    ref.tree = buildTree(ref.depts);
    ref.roles = roles.status === 'fulfilled' ? roles.value : [];
    ref.rolesKnown = roles.status === 'fulfilled';
    table.refreshSearchOptions('departmentId', deptOptions(ref.depts));
  }

  loadRefs().finally(() => table.reload());

  async function edit(user) {
    const fields = [
      {
        name: 'username', label: t('users.username'), required: true, span: 'half', testid: 'user-username', maxLength: 64,
        pattern: USERNAME, patternMessage: t('users.usernameRule'), autocomplete: 'off',
      },
      { name: 'name', label: t('users.name'), required: true, span: 'half', testid: 'user-name', maxLength: 64 },
      {
        name: 'departmentId', label: t('users.department'), type: 'select', valueType: 'number', span: 'half', testid: 'user-department',
        placeholder: t('users.noDepartment'), options: deptOptions(ref.depts),
      },
      { name: 'extension', label: t('users.extension'), span: 'half', testid: 'user-extension', pattern: EXTENSION, patternMessage: t('users.extensionRule'), placeholder: t('users.extensionPlaceholder') },
      {
        name: 'roleIds', label: t('users.roles'), type: 'checkboxes', valueType: 'number', testid: 'user-roles',
        options: ref.roles.map((r) => ({ value: r.id, label: r.name })),
        emptyText: ref.rolesKnown ? t('users.noRoles') : t('users.rolesHidden'),
      },
    ];
    if (!user) {
      fields.push({
        name: 'password', label: t('users.initialPassword'), type: 'password', testid: 'user-password', minLength: 8, trim: false,
        help: t('users.initialPasswordHelp'),
        validate: (v, all) => (v === all.username ? t('password.notUsername') : null),
      });
    }
    const values = user
      ? { username: user.username, name: user.name, departmentId: user.departmentId, extension: user.extension || '', roleIds: user.roleIds || [] }
      : { roleIds: [] };
    const saved = await formDialog({
      title: user ? t('users.editTitle', { name: user.username }) : t('users.createTitle'),
      testid: 'user-dialog',
      width: 600,
      values,
      submitText: user ? t('common.save') : t('common.create'),
      fields,
      onSubmit: (v) => {
        const body = {
          username: v.username,
          name: v.name,
          roleIds: v.roleIds || [],
          departmentId: v.departmentId ?? null,
          extension: v.extension ? v.extension : null,
        };
        if (!user && v.password) body.password = v.password;
        return user ? api.put(`/api/v1/users/${user.id}`, body) : api.post('/api/v1/users', body);
      },
    });
    if (saved === undefined) return;
    if (user) {
      toast.success(t('common.saved'));
    } else {
      toast.success(t('users.created', { name: (saved && saved.username) || '' }));
      if (saved && saved.temporaryPassword) {
        await showTemporaryPassword({ title: t('users.createdTitle'), username: saved.username, password: saved.temporaryPassword });
      }
    }
    table.reload();
  }

  async function resetPassword(user) {
    const ok = await confirmDialog({
      title: t('users.resetTitle'),
      message: t('users.resetConfirm', { name: user.username }),
      detail: t('users.resetDetail'),
      okText: t('users.resetPassword'),
      danger: false,
    });
    if (!ok) return;
    try {
      const res = await api.post(`/api/v1/users/${user.id}/reset-password`, {});
      table.reload();
      if (res && res.temporaryPassword) {
        await showTemporaryPassword({ title: t('users.resetDoneTitle'), username: user.username, password: res.temporaryPassword });
      } else {
        toast.success(t('users.resetDone'));
      }
    } catch (err) {
      toast.error(errorText(err));
    }
  }

  async function remove(user) {
    const ok = await confirmDialog({
      title: t('users.deleteTitle'),
      message: t('users.deleteConfirm', { name: user.name ? `${user.name}（${user.username}）` : user.username }),
      detail: t('users.deleteDetail'),
      okText: t('common.delete'),
    });
    if (!ok) return;
    try {
      await api.del(`/api/v1/users/${user.id}`);
      toast.success(t('users.deleted', { name: user.username }));
      table.reload();
    } catch (err) {
      toast.error(err instanceof ApiError && err.code === 'protected' ? t('users.protected') : errorText(err));
    }
  }

  async function bulkDelete(rows) {
    const list = rows.filter((u) => !u.isAdmin);
    if (!list.length) { toast.info(t('users.adminSkipped')); return; }
    const ok = await confirmDialog({
      title: t('users.deleteTitle'),
      message: t('users.bulkConfirm', { n: list.length, names: list.map((u) => u.username).join('、') }),
      detail: list.length < rows.length ? `${t('users.adminSkipped')} ${t('users.deleteDetail')}` : t('users.deleteDetail'),
      okText: t('common.delete'),
    });
    if (!ok) return;
    const failed = [];
    for (const u of list) {
      try { await api.del(`/api/v1/users/${u.id}`); } catch (err) { failed.push(`${u.username}: ${errorText(err)}`); }
    }
    if (failed.length) toast.error(t('common.someFailed', { list: failed.join('; ') }));
    else toast.success(t('common.bulkDeleted', { n: list.length }));
    table.clearSelection();
    table.reload();
  }
}
