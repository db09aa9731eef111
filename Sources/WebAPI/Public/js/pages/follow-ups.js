// 跟进记录 — follow-ups: search, add/edit (status, content, next time), delete.
// Also the follow-up form and a customer's follow-ups drawer for other pages.
import { h, clear } from '../dom.js';
import { api } from '../api.js';
import { createTable } from '../components/table.js';
import { button, pageHeader, spinner, linkButton } from '../components/ui.js';
import { icon } from '../components/icons.js';
import { formDialog } from '../components/form.js';
import { openDialog } from '../components/dialog.js';
import { confirmDialog } from '../components/confirm.js';
import { toast } from '../components/toast.js';
import { errorText } from '../errors.js';
import { formatDateTime, formatDateMinute } from '../format.js';
import { navigate } from '../router.js';
import { can } from '../state.js';
import { t } from '../i18n/index.js';
import { statusChip } from './follow-up-statuses.js';
import { loadStatuses, customerPickerField, customerLabel, toLocalInput, fromLocalInput } from '../crm.js';

/** Query parameters after the route: #/crm/follow-ups?customerId=5 */
export function routeQuery() {
  const i = location.hash.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : location.hash.slice(i + 1));
}

function statusOf(f, statuses) {
  if (f.statusId == null) return null;
  const s = (statuses || []).find((x) => x.id === f.statusId);
  return statusChip(s || { name: f.statusName || `#${f.statusId}`, color: '#8c8c8c' });
}

/**
 * Add or edit a follow-up. `customer` fixes the customer (from the customer
 * list); editing keeps the follow-up's customer. Resolves with the saved
 * follow-up or undefined.
 */
export async function followUpDialog({ followUp = null, customer = null, statuses } = {}) {
  const list = statuses === undefined ? await loadStatuses() : statuses;
  const fixed = followUp ? { id: followUp.customerId, name: followUp.customerName || `#${followUp.customerId}` } : customer;
  const options = (list || []).map((s) => ({ value: s.id, label: s.name }));
  if (followUp && followUp.statusId != null && !options.some((o) => o.value === followUp.statusId)) {
    options.push({ value: followUp.statusId, label: followUp.statusName || `#${followUp.statusId}` });
  }
  return formDialog({
    title: followUp ? t('followUps.editTitle') : t('followUps.createTitle'),
    testid: 'follow-up-dialog',
    width: 560,
    submitText: followUp ? t('common.save') : t('common.create'),
    values: followUp
      ? { customerId: followUp.customerId, statusId: followUp.statusId, content: followUp.content || '', nextAt: toLocalInput(followUp.nextAt) }
      : { customerId: customer ? customer.id : null },
    fields: [
      customerPickerField({ label: t('crm.customer'), customer: fixed, disabled: !!fixed }),
      {
        name: 'statusId', label: t('followUps.status'), type: 'select', valueType: 'number', span: 'half', testid: 'follow-up-status',
        options, placeholder: t('followUps.noStatus'), help: list ? null : t('followUps.statusesHidden'),
      },
      {
        name: 'nextAt', label: t('followUps.nextAt'), type: 'datetime-local', span: 'half', testid: 'follow-up-next',
        help: t('followUps.nextAtHelp'),
      },
      { name: 'content', label: t('followUps.content'), type: 'textarea', rows: 5, required: true, maxLength: 2000, testid: 'follow-up-content', placeholder: t('followUps.contentPlaceholder') },
    ],
    onSubmit: (v) => {
      const body = { customerId: v.customerId, statusId: v.statusId ?? null, content: v.content.trim(), nextAt: fromLocalInput(v.nextAt) };
      return followUp ? api.put(`/api/v1/follow-ups/${followUp.id}`, body) : api.post('/api/v1/follow-ups', body);
    },
  });
}

/** Asks, then deletes; returns true when something was deleted. */
async function removeFollowUps(list) {
  const ok = await confirmDialog({
    title: t('followUps.deleteTitle'),
    message: list.length === 1
      ? t('followUps.deleteConfirm', { name: list[0].customerName || `#${list[0].customerId}`, time: formatDateMinute(list[0].createdAt) })
      : t('followUps.bulkConfirm', { n: list.length }),
    detail: t('followUps.deleteDetail'),
    okText: t('common.delete'),
  });
  if (!ok) return false;
  const failed = [];
  for (const f of list) {
    try { await api.del(`/api/v1/follow-ups/${f.id}`); } catch (err) { failed.push(`#${f.id}: ${errorText(err)}`); }
  }
  if (failed.length) toast.error(t('common.someFailed', { list: failed.join('; ') }));
  else toast.success(list.length === 1 ? t('followUps.deleted') : t('common.bulkDeleted', { n: list.length }));
  return true;
}

/** A customer's follow-ups as a timeline in a drawer, with "add". */
export function openCustomerFollowUps(customer) {
  const canCreate = can('crm.followUps.create');
  const canUpdate = can('crm.followUps.update');
  let statuses = null;
  const body = h('div', { class: 'timeline-wrap', testid: 'follow-up-timeline' });
  const add = canCreate ? button(t('followUps.create'), {
    kind: 'primary', iconName: 'plus', testid: 'follow-up-add',
    onClick: async () => {
      const saved = await followUpDialog({ customer, statuses });
      if (saved !== undefined) { toast.success(t('followUps.created')); load(); }
    },
  }) : null;
  const dlg = openDialog({
    title: t('followUps.ofCustomer', { name: customer.name }),
    variant: 'drawer',
    width: 600,
    testid: 'follow-ups-drawer',
    content: [h('div', { class: 'drawer-bar' }, h('span', { class: 'muted' }, customerLabel(customer)), add), body],
    footer: [
      button(t('followUps.openList'), { testid: 'follow-ups-open-list', onClick: () => { dlg.close(); navigate(`/crm/follow-ups?customerId=${customer.id}`); } }),
      button(t('common.close'), { onClick: () => dlg.close() }),
    ],
  });

  async function load() {
    clear(body).appendChild(h('div', { class: 'empty' }, spinner()));
    try {
      const [res, st] = await Promise.all([
        api.get('/api/v1/follow-ups', { customerId: customer.id, page: 1, pageSize: 100 }),
        statuses ? Promise.resolve(statuses) : loadStatuses(),
      ]);
      statuses = st;
      const items = [...((res && res.items) || [])].sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
      clear(body);
      if (!items.length) {
        body.appendChild(h('div', { class: 'empty', testid: 'empty-state' }, icon('message', 'empty-icon'),
          h('p', { class: 'empty-text' }, canCreate ? t('followUps.noneForCustomerCreate') : t('followUps.noneForCustomer'))));
        return;
      }
      body.appendChild(h('ol', { class: 'timeline' }, items.map((f) => h('li', { class: 'timeline-item', testid: 'follow-up' },
        h('div', { class: 'timeline-head' },
          statusOf(f, statuses),
          h('span', { class: 'num', title: formatDateTime(f.createdAt) }, formatDateMinute(f.createdAt)),
          h('span', { class: 'muted' }, f.userName || ''),
          canUpdate ? linkButton(t('common.edit'), {
            testid: 'follow-up-edit',
            onClick: async () => {
              const saved = await followUpDialog({ followUp: f, statuses });
              if (saved !== undefined) { toast.success(t('common.saved')); load(); }
            },
          }) : null),
        h('p', { class: 'timeline-text' }, f.content),
        f.nextAt ? h('p', { class: 'timeline-next' }, icon('clock'), t('followUps.nextAtShort', { time: formatDateMinute(f.nextAt) })) : null))));
    } catch (err) {
      clear(body).appendChild(h('div', { class: 'form-alert', role: 'alert' }, icon('alert'), h('span', null, errorText(err))));
    }
  }
  load();
  return dlg;
}

export function render(root) {
  const canCreate = can('crm.followUps.create');
  const canUpdate = can('crm.followUps.update');
  const canDelete = can('crm.followUps.delete');
  const query = routeQuery();
  let statuses = null;

  const createBtn = (testid = 'follow-up-create') => button(t('followUps.create'), { kind: 'primary', iconName: 'plus', testid, onClick: () => edit(null) });

  const table = createTable({
    title: t('followUps.list'),
    testid: 'follow-ups-table',
    defaultSort: '-createdAt',
    search: [
      { name: 'q', label: t('common.keyword'), placeholder: t('followUps.searchPlaceholder') },
      { name: 'customerId', label: t('followUps.customerId'), type: 'number', valueType: 'number', placeholder: t('followUps.customerIdPlaceholder'), value: query.get('customerId') },
    ],
    toolbar: [canCreate ? createBtn() : null],
    bulkActions: canDelete ? [{ label: t('common.bulkDelete'), danger: true, testid: 'bulk-delete', onClick: (rows) => remove(rows) }] : null,
    columns: [
      {
        key: 'createdAt', title: t('followUps.createdAt'), sortable: true, nowrap: true,
        render: (f) => h('span', { class: 'num', title: formatDateTime(f.createdAt) }, formatDateMinute(f.createdAt)),
      },
      { key: 'customerName', title: t('crm.customer'), nowrap: true, render: (f) => h('strong', { class: 'cell-strong' }, f.customerName || `#${f.customerId}`) },
      { key: 'statusName', title: t('followUps.status'), nowrap: true, render: (f) => statusOf(f, statuses) },
      { key: 'content', title: t('followUps.content'), render: (f) => h('span', { class: 'truncate wide', title: f.content }, f.content) },
      {
        key: 'nextAt', title: t('followUps.nextAt'), sortable: true, nowrap: true,
        render: (f) => (f.nextAt ? h('span', { class: 'num', title: formatDateTime(f.nextAt) }, formatDateMinute(f.nextAt)) : null),
      },
      { key: 'userName', title: t('followUps.user'), nowrap: true },
    ],
    rowActions: canUpdate || canDelete ? (f) => [
      canUpdate ? { label: t('common.edit'), testid: 'follow-up-edit', onClick: () => edit(f) } : null,
      canDelete ? { label: t('common.delete'), danger: true, testid: 'follow-up-delete', onClick: () => remove([f]) } : null,
    ] : null,
    empty: {
      text: canCreate ? t('followUps.emptyCreate') : t('followUps.empty'),
      icon: 'message',
      action: canCreate ? () => createBtn(null) : null,
    },
    fetch: ({ page, pageSize, sort, filters }) => api.get('/api/v1/follow-ups', { q: filters.q, customerId: filters.customerId, page, pageSize, sort }),
  });

  root.append(pageHeader(t('nav.crm.followUps'), t('followUps.desc')), table.el);
  loadStatuses().then((s) => { statuses = s; }).finally(() => table.reload());

  async function edit(f) {
    let customer = null;
    const filtered = table.filters.customerId;
    if (!f && filtered) {
      // Listing one customer's follow-ups: a new one is for that customer.
      try { customer = await api.get(`/api/v1/customers/${filtered}`); } catch { customer = null; }
    }
    const saved = await followUpDialog({ followUp: f, customer, statuses });
    if (saved === undefined) return;
    toast.success(f ? t('common.saved') : t('followUps.created'));
    table.reload();
  }

  async function remove(list) {
    if (await removeFollowUps(list)) {
      table.clearSelection();
      table.reload();
    }
  }
}
