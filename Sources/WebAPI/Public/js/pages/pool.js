// 公共池资料 — the public pool: customers nobody owns; any agent may claim one.
import { h } from '../dom.js';
import { api, ApiError } from '../api.js';
import { createTable } from '../components/table.js';
import { pageHeader, spinner } from '../components/ui.js';
import { confirmDialog } from '../components/confirm.js';
import { toast } from '../components/toast.js';
import { errorText } from '../errors.js';
import { formatDate, formatDateTime } from '../format.js';
import { can } from '../state.js';
import { t } from '../i18n/index.js';
import { loadCustomerFields, fieldSearchItems, fieldColumns, phonesCell, customerDetail, showTransfers } from '../crm.js';
import { fieldsWarning } from './customers.js';

export function render(root) {
  const holder = h('section', { class: 'card page-loading', testid: 'pool-loading', role: 'status' }, spinner(), h('span', null, t('common.loading')));
  root.append(pageHeader(t('nav.crm.pool'), t('pool.desc')), holder);
  let alive = true;
  loadCustomerFields().then(({ fields, error }) => {
    if (alive) holder.replaceWith(build(fields, error));
  });
  return () => { alive = false; };
}

function build(fields, fieldsError) {
  const canClaim = can('crm.pool.claim');

  const table = createTable({
    title: t('pool.list'),
    testid: 'pool-table',
    dense: true,
    defaultSort: '-updatedAt',
    search: [
      { name: 'q', label: t('common.keyword'), placeholder: t('customers.searchPlaceholder') },
      ...fieldSearchItems(fields),
    ],
    bulkActions: canClaim ? [{ label: t('pool.bulkClaim'), testid: 'bulk-claim', onClick: (rows) => claim(rows) }] : null,
    expandable: { render: (c) => customerDetail(c, fields), label: (c) => t('customers.showDetail', { name: c.name }) },
    columns: [
      { key: 'name', title: t('crm.name'), sortable: true, className: 'cell-wrap', render: (c) => h('strong', { class: 'cell-strong' }, c.name) },
      { key: 'phone', title: t('crm.phone'), sortable: true, nowrap: true, render: phonesCell },
      ...fieldColumns(fields),
      {
        key: 'updatedAt', title: t('pool.since'), sortable: true, nowrap: true,
        render: (c) => h('span', { class: 'num', title: formatDateTime(c.updatedAt) }, formatDate(c.updatedAt)),
      },
    ],
    rowActions: (c) => [
      canClaim ? { label: t('pool.claim'), testid: 'pool-claim', onClick: () => claim([c]) } : null,
      { label: t('customers.transfers'), testid: 'customer-transfers', onClick: () => showTransfers(c) },
    ],
    empty: { text: t('pool.empty'), icon: 'inbox' },
    fetch: ({ page, pageSize, sort, filters }) => api.get('/api/v1/customers', { ...filters, owner: 'pool', page, pageSize, sort }),
  });
  table.reload();

  async function claim(list) {
    if (list.length > 1) {
      const ok = await confirmDialog({
        title: t('pool.claimTitle'),
        message: t('pool.bulkClaimConfirm', { n: list.length, names: list.map((c) => c.name).join(t('common.listSep')) }),
        detail: t('pool.claimDetail'),
        okText: t('pool.claim'),
        danger: false,
      });
      if (!ok) return;
    }
    let claimed = 0;
    const taken = [];
    const failed = [];
    for (const c of list) {
      try {
        await api.post(`/api/v1/customers/${c.id}/claim`, {});
        claimed += 1;
      } catch (err) {
        if (err instanceof ApiError && (err.status === 409 || err.status === 404)) taken.push(c.name);
        else failed.push(`${c.name}: ${errorText(err)}`);
      }
    }
    if (failed.length) toast.error(t('common.someFailed', { list: failed.join('; ') }));
    if (taken.length) toast.info(list.length === 1 ? t('pool.taken', { name: taken[0] }) : t('pool.takenSome', { n: taken.length, names: taken.join(t('common.listSep')) }));
    if (claimed) toast.success(list.length === 1 ? t('pool.claimed', { name: list[0].name }) : t('pool.claimedMany', { n: claimed }));
    table.clearSelection();
    table.reload();
  }

  return h('div', { class: 'crm-page' }, fieldsWarning(fieldsError), table.el);
}
