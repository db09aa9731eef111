// 标记客户 — numbers an agent marked with *83 during a call: list, search, delete.
import { h } from '../dom.js';
import { api, withQuery } from '../api.js';
import { download } from '../crm.js';
import { createTable } from '../components/table.js';
import { pageHeader, button } from '../components/ui.js';
import { confirmDialog } from '../components/confirm.js';
import { toast } from '../components/toast.js';
import { errorText } from '../errors.js';
import { formatDateTime, formatDateMinute } from '../format.js';
import { phoneLink } from '../components/phone.js';
import { can } from '../state.js';
import { t } from '../i18n/index.js';

export function render(root) {
  const canDelete = can('crm.marked.delete');

  const table = createTable({
    title: t('marked.list'),
    testid: 'marked-table',
    defaultSort: '-markedAt',
    search: [{ name: 'q', label: t('common.keyword'), placeholder: t('marked.searchPlaceholder'), width: 340 }],
    toolbar: [
      button(t('marked.export'), {
        iconName: 'download', testid: 'marked-export',
        onClick: () => download(withQuery('/api/v1/marked-customers/export.xlsx', { q: table.filters.q })),
      }),
    ],
    bulkActions: canDelete ? [{ label: t('common.bulkDelete'), danger: true, testid: 'bulk-delete', onClick: (rows) => remove(rows) }] : null,
    columns: [
      {
        key: 'markedAt', title: t('marked.markedAt'), sortable: true, nowrap: true,
        render: (m) => h('span', { class: 'num', title: formatDateTime(m.markedAt) }, formatDateMinute(m.markedAt)),
      },
      { key: 'number', title: t('marked.number'), nowrap: true, render: (m) => phoneLink(m.number) },
      { key: 'name', title: t('marked.name'), className: 'cell-wrap' },
      { key: 'userName', title: t('marked.user'), nowrap: true },
      { key: 'note', title: t('marked.note'), render: (m) => (m.note ? h('span', { class: 'truncate wide', title: m.note }, m.note) : null) },
      { key: 'callId', title: t('marked.call'), nowrap: true, render: (m) => (m.callId != null && m.callId !== '' ? h('code', { class: 'code', title: t('marked.callHelp') }, String(m.callId)) : null) },
    ],
    rowActions: canDelete ? (m) => [{ label: t('common.delete'), danger: true, testid: 'marked-delete', onClick: () => remove([m]) }] : null,
    empty: { text: t('marked.empty'), icon: 'star' },
    fetch: ({ page, pageSize, sort, filters }) => api.get('/api/v1/marked-customers', { q: filters.q, page, pageSize, sort }),
  });

  root.append(pageHeader(t('nav.crm.marked'), t('marked.desc')), table.el);
  table.reload();

  async function remove(list) {
    const names = list.map((m) => m.number).join(t('common.listSep'));
    const ok = await confirmDialog({
      title: t('marked.deleteTitle'),
      message: list.length === 1 ? t('marked.deleteConfirm', { number: names }) : t('marked.bulkConfirm', { n: list.length, names }),
      detail: t('marked.deleteDetail'),
      okText: t('common.delete'),
    });
    if (!ok) return;
    const failed = [];
    for (const m of list) {
      try { await api.del(`/api/v1/marked-customers/${m.id}`); } catch (err) { failed.push(`${m.number}: ${errorText(err)}`); }
    }
    if (failed.length) toast.error(t('common.someFailed', { list: failed.join('; ') }));
    else toast.success(list.length === 1 ? t('marked.deleted', { number: names }) : t('common.bulkDeleted', { n: list.length }));
    table.clearSelection();
    table.reload();
  }
}
