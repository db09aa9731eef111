// 黑名单 — numbers and prefixes that may neither call in nor be called, and are
// refused on import: search, add, edit, delete (single and bulk).
import { h } from '../dom.js';
import { api, ApiError } from '../api.js';
import { createTable } from '../components/table.js';
import { button, pageHeader, tag } from '../components/ui.js';
import { formDialog } from '../components/form.js';
import { confirmDialog } from '../components/confirm.js';
import { toast } from '../components/toast.js';
import { errorText } from '../errors.js';
import { formatDateTime, formatDateMinute } from '../format.js';
import { can } from '../state.js';
import { t } from '../i18n/index.js';

/** A number, or a prefix ending in * (e.g. 0755*). */
export const PATTERN = /^\+?\d{1,20}\*?$/;

export function render(root) {
  const canCreate = can('crm.blacklist.create');
  const canUpdate = can('crm.blacklist.update');
  const canDelete = can('crm.blacklist.delete');

  const createBtn = (testid = 'blacklist-create') => button(t('blacklist.create'), { kind: 'primary', iconName: 'plus', testid, onClick: () => edit(null) });

  const table = createTable({
    title: t('blacklist.list'),
    testid: 'blacklist-table',
    defaultSort: '-createdAt',
    search: [{ name: 'q', label: t('common.keyword'), placeholder: t('blacklist.searchPlaceholder'), width: 340 }],
    toolbar: [canCreate ? createBtn() : null],
    bulkActions: canDelete ? [{ label: t('common.bulkDelete'), danger: true, testid: 'bulk-delete', onClick: (rows) => remove(rows) }] : null,
    columns: [
      { key: 'pattern', title: t('blacklist.pattern'), sortable: true, nowrap: true, render: (b) => h('code', { class: 'code' }, b.pattern) },
      {
        key: 'kind', title: t('blacklist.kind'), nowrap: true,
        render: (b) => (String(b.pattern).endsWith('*') ? tag(t('blacklist.kindPrefix'), 'orange') : tag(t('blacklist.kindNumber'), 'default')),
      },
      { key: 'note', title: t('blacklist.note'), render: (b) => (b.note ? h('span', { class: 'truncate wide', title: b.note }, b.note) : null) },
      {
        key: 'createdAt', title: t('blacklist.createdAt'), sortable: true, nowrap: true,
        render: (b) => h('span', { class: 'num', title: formatDateTime(b.createdAt) }, formatDateMinute(b.createdAt)),
      },
    ],
    rowActions: canUpdate || canDelete ? (b) => [
      canUpdate ? { label: t('common.edit'), testid: 'blacklist-edit', onClick: () => edit(b) } : null,
      canDelete ? { label: t('common.delete'), danger: true, testid: 'blacklist-delete', onClick: () => remove([b]) } : null,
    ] : null,
    empty: {
      text: canCreate ? t('blacklist.emptyCreate') : t('blacklist.empty'),
      icon: 'ban',
      action: canCreate ? () => createBtn(null) : null,
    },
    fetch: ({ page, pageSize, sort, filters }) => api.get('/api/v1/blacklist', { q: filters.q, page, pageSize, sort }),
  });

  root.append(pageHeader(t('nav.crm.blacklist'), t('blacklist.desc')), table.el);
  table.reload();

  async function edit(entry) {
    const saved = await formDialog({
      title: entry ? t('blacklist.editTitle', { pattern: entry.pattern }) : t('blacklist.createTitle'),
      testid: 'blacklist-dialog',
      width: 480,
      submitText: entry ? t('common.save') : t('common.create'),
      values: entry ? { pattern: entry.pattern, note: entry.note || '' } : {},
      fields: [
        {
          name: 'pattern', label: t('blacklist.pattern'), required: true, maxLength: 21, testid: 'blacklist-pattern',
          placeholder: t('blacklist.patternPlaceholder'), help: t('blacklist.patternHelp'),
          pattern: PATTERN, patternMessage: t('blacklist.patternRule'),
        },
        { name: 'note', label: t('blacklist.note'), type: 'textarea', rows: 3, maxLength: 500, testid: 'blacklist-note', placeholder: t('blacklist.notePlaceholder') },
      ],
      errorMessage: (err) => (err instanceof ApiError && err.code === 'conflict' ? t('blacklist.exists') : null),
      onSubmit: (v) => {
        const body = { pattern: v.pattern.replace(/\s+/g, ''), note: v.note.trim() };
        return entry ? api.put(`/api/v1/blacklist/${entry.id}`, body) : api.post('/api/v1/blacklist', body);
      },
    });
    if (saved === undefined) return;
    toast.success(entry ? t('common.saved') : t('blacklist.created', { pattern: (saved && saved.pattern) || '' }));
    table.reload();
  }

  async function remove(list) {
    const names = list.map((b) => b.pattern).join(t('common.listSep'));
    const ok = await confirmDialog({
      title: t('blacklist.deleteTitle'),
      message: list.length === 1 ? t('blacklist.deleteConfirm', { pattern: names }) : t('blacklist.bulkConfirm', { n: list.length, names }),
      detail: t('blacklist.deleteDetail'),
      okText: t('common.delete'),
    });
    if (!ok) return;
    const failed = [];
    for (const b of list) {
      try { await api.del(`/api/v1/blacklist/${b.id}`); } catch (err) { failed.push(`${b.pattern}: ${errorText(err)}`); }
    }
    if (failed.length) toast.error(t('common.someFailed', { list: failed.join('; ') }));
    else toast.success(list.length === 1 ? t('blacklist.deleted', { pattern: names }) : t('common.bulkDeleted', { n: list.length }));
    table.clearSelection();
    table.reload();
  }
}
