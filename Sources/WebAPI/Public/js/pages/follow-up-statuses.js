// 跟进状态配置 — follow-up statuses.
import { h } from '../dom.js';
import { api, listAll } from '../api.js';
import { createTable, pageLocally } from '../components/table.js';
import { button, pageHeader } from '../components/ui.js';
import { formDialog } from '../components/form.js';
import { confirmDialog } from '../components/confirm.js';
import { toast } from '../components/toast.js';
import { errorText } from '../errors.js';
import { can } from '../state.js';
import { t } from '../i18n/index.js';

const PRESETS = ['#1668dc', '#13a8a8', '#389e0d', '#d4b106', '#d46b08', '#cf1322', '#c41d7f', '#722ed1', '#595959'];
const COLOR = /^#[0-9a-fA-F]{6}$/;

export function statusChip(s) {
  return h('span', { class: 'status-chip' }, h('span', { class: 'dot', style: { background: s.color } }), s.name);
}

export function render(root) {
  const canCreate = can('settings.followUpStatuses.create');
  const canUpdate = can('settings.followUpStatuses.update');
  const canDelete = can('settings.followUpStatuses.delete');
  let all = [];

  const table = createTable({
    title: t('statuses.list'),
    testid: 'statuses-table',
    defaultSort: 'order',
    search: [{ name: 'q', label: t('common.keyword'), placeholder: t('statuses.searchPlaceholder') }],
    toolbar: [canCreate ? button(t('statuses.create'), { kind: 'primary', iconName: 'plus', testid: 'status-create', onClick: () => edit(null) }) : null],
    bulkActions: canDelete ? [{ label: t('common.bulkDelete'), danger: true, testid: 'bulk-delete', onClick: (rows) => remove(rows) }] : null,
    columns: [
      { key: 'order', title: t('statuses.order'), sortable: true, width: 80, align: 'right' },
      { key: 'name', title: t('statuses.name'), sortable: true, render: statusChip },
      { key: 'color', title: t('statuses.color'), render: (s) => h('span', { class: 'color-cell' }, h('span', { class: 'color-box', style: { background: s.color } }), h('code', { class: 'code' }, s.color)) },
    ],
    rowActions: canUpdate || canDelete ? (s) => [
      canUpdate ? { label: t('common.edit'), testid: 'status-edit', onClick: () => edit(s) } : null,
      canDelete ? { label: t('common.delete'), danger: true, testid: 'status-delete', onClick: () => remove([s]) } : null,
    ] : null,
    empty: {
      text: canCreate ? t('statuses.emptyCreate') : t('statuses.empty'),
      action: canCreate ? () => button(t('statuses.create'), { kind: 'primary', iconName: 'plus', onClick: () => edit(null) }) : null,
    },
    async fetch({ page, pageSize, sort, filters }) {
      all = await listAll('/api/v1/follow-up-statuses');
      const q = (filters.q || '').toLowerCase();
      return pageLocally(all, { page, pageSize, sort: sort || 'order' }, (s) => !q || s.name.toLowerCase().includes(q));
    },
  });

  root.append(pageHeader(t('nav.settings.followUpStatuses'), t('statuses.desc')), table.el);
  table.reload();

  async function edit(status) {
    const nextOrder = all.reduce((m, s) => Math.max(m, Number(s.order) || 0), 0) + 1;
    const saved = await formDialog({
      title: status ? t('statuses.editTitle', { name: status.name }) : t('statuses.createTitle'),
      testid: 'status-dialog',
      width: 480,
      submitText: status ? t('common.save') : t('common.create'),
      values: status || { color: PRESETS[all.length % PRESETS.length], order: nextOrder },
      fields: [
        { name: 'name', label: t('statuses.name'), required: true, maxLength: 32, testid: 'status-name' },
        { name: 'color', label: t('statuses.color'), type: 'color', required: true, presets: PRESETS, testid: 'status-color', pattern: COLOR, patternMessage: t('statuses.colorRule') },
        { name: 'order', label: t('statuses.order'), type: 'number', min: 0, step: 1, testid: 'status-order', help: t('fields.orderHelp'), validate: (v) => (Number.isInteger(v) ? null : t('validation.integer')) },
      ],
      onSubmit: (v) => {
        const body = { name: v.name, color: v.color, order: v.order ?? nextOrder };
        return status ? api.put(`/api/v1/follow-up-statuses/${status.id}`, body) : api.post('/api/v1/follow-up-statuses', body);
      },
    });
    if (saved !== undefined) {
      toast.success(status ? t('common.saved') : t('statuses.created', { name: (saved && saved.name) || '' }));
      table.reload();
    }
  }

  async function remove(list) {
    const names = list.map((s) => s.name).join(t('common.listSep'));
    const ok = await confirmDialog({
      title: t('statuses.deleteTitle'),
      message: list.length === 1 ? t('statuses.deleteConfirm', { name: names }) : t('statuses.bulkConfirm', { n: list.length, names }),
      detail: t('statuses.deleteDetail'),
      okText: t('common.delete'),
    });
    if (!ok) return;
    const failed = [];
    for (const s of list) {
      try { await api.del(`/api/v1/follow-up-statuses/${s.id}`); } catch (err) { failed.push(`${s.name}: ${errorText(err)}`); }
    }
    if (failed.length) toast.error(t('common.someFailed', { list: failed.join('; ') }));
    else toast.success(list.length === 1 ? t('statuses.deleted', { name: names }) : t('common.bulkDeleted', { n: list.length }));
    table.clearSelection();
    table.reload();
  }
}
