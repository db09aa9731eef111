// 审计日志 — audit log (read-only).
import { h } from '../dom.js';
import { api } from '../api.js';
import { createTable } from '../components/table.js';
import { pageHeader } from '../components/ui.js';
import { formatDateTime } from '../format.js';
import { t, tOr } from '../i18n/index.js';

export function render(root) {
  const table = createTable({
    title: t('audit.list'),
    testid: 'audit-table',
    defaultSort: '-at',
    search: [{ name: 'q', label: t('common.keyword'), placeholder: t('audit.searchPlaceholder'), width: 320 }],
    columns: [
      { key: 'at', title: t('audit.at'), sortable: true, width: 176, render: (e) => h('span', { class: 'nowrap' }, formatDateTime(e.at)) },
      { key: 'actorName', title: t('audit.actor'), width: 140, render: (e) => e.actorName || (e.actorId != null ? `#${e.actorId}` : null) },
      {
        key: 'action', title: t('audit.action'), width: 200,
        render: (e) => h('span', { class: 'audit-action', title: e.action }, tOr(`auditAction.${e.action}`, e.action)),
      },
      { key: 'target', title: t('audit.target'), render: (e) => (e.target ? h('span', { class: 'truncate', title: e.target }, e.target) : null) },
      { key: 'address', title: t('audit.address'), width: 140, render: (e) => (e.address ? h('code', { class: 'code plain' }, e.address) : null) },
      { key: 'detail', title: t('audit.detail'), render: (e) => (e.detail ? h('span', { class: 'truncate wide', title: typeof e.detail === 'string' ? e.detail : JSON.stringify(e.detail) }, typeof e.detail === 'string' ? e.detail : JSON.stringify(e.detail)) : null) },
    ],
    empty: { text: t('audit.empty') },
    fetch: ({ page, pageSize, sort, filters }) => api.get('/api/v1/audit-log', { q: filters.q, page, pageSize, sort }),
  });
  root.append(pageHeader(t('nav.system.audit'), t('audit.desc')), table.el);
  table.reload();
}
