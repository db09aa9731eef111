// 客户列表 — customers: search by the configured fields, add/edit, delete,
// transfer (to an agent or the public pool), export; per row follow-ups, a
// callback appointment and the transfer history.
import { h, clear, append } from '../dom.js';
import { api, listAll, ApiError, withQuery } from '../api.js';
import { createTable } from '../components/table.js';
import { button, pageHeader, spinner, tag } from '../components/ui.js';
import { openDialog } from '../components/dialog.js';
import { icon } from '../components/icons.js';
import { formDialog } from '../components/form.js';
import { confirmDialog } from '../components/confirm.js';
import { toast } from '../components/toast.js';
import { errorText } from '../errors.js';
import { formatDate, formatDateTime } from '../format.js';
import { can } from '../state.js';
import { t } from '../i18n/index.js';
import {
  loadCustomerFields, fieldSearchItems, fieldColumns, fieldFormItems, fieldFormValues, fieldBody,
  phonesField, phoneProblem, ownerCell, phonesCell, customerDetail, showTransfers, download,
} from '../crm.js';
import { openCustomerFollowUps, routeQuery } from './follow-ups.js';
import { appointmentDialog } from './appointments.js';

const EXPORT = '/api/v1/customers/export.xlsx';
const RECORDINGS = '/api/v1/customers/recordings.zip';

/** Users customers may be transferred to (the caller's scope), or null when the list is unavailable. */
async function loadUsers() {
  try { return await listAll('/api/v1/customers/assignees'); } catch { return null; }
}

export function userLabel(u) {
  return u.name && u.name !== u.username ? t('crm.userLabel', { name: u.name, username: u.username }) : u.username;
}

/** The intro of a form that could not read the field configuration. */
export function fieldsWarning(err) {
  return err ? h('div', { class: 'page-alert', role: 'alert', testid: 'fields-warning' }, icon('alert'),
    h('span', null, t('crm.fieldsUnavailable', { reason: errorText(err) }))) : null;
}

/**
 * The add/edit dialog of a customer (also used by other pages): name, phone,
 * other numbers and every configured field by type. Resolves with the saved
 * customer or undefined.
 */
export function customerDialog({ customer = null, fields, fieldsError = null }) {
  const formFields = [
    { name: 'name', label: t('crm.name'), required: true, span: 'half', maxLength: 100, testid: 'customer-name' },
    {
      name: 'phone', label: t('crm.phone'), type: 'tel', required: true, span: 'half', maxLength: 32, testid: 'customer-phone',
      validate: phoneProblem, placeholder: t('crm.phonePlaceholder'), help: t('crm.phoneHelp'),
    },
    phonesField({ label: t('crm.extraPhones'), help: t('crm.extraPhonesHelp') }),
    fields.length ? { type: 'section', label: t('customers.fieldsSection'), help: t('customers.fieldsSectionHelp'), testid: 'fields-section' } : null,
    ...fieldFormItems(fields, customer && customer.fields),
  ].filter(Boolean);
  const values = customer
    ? { name: customer.name, phone: customer.phone || '', phones: customer.phones || [], ...fieldFormValues(fields, customer.fields) }
    : { phones: [] };
  return formDialog({
    title: customer ? t('customers.editTitle', { name: customer.name }) : t('customers.createTitle'),
    testid: 'customer-dialog',
    variant: 'drawer',
    width: 640,
    values,
    submitText: customer ? t('common.save') : t('common.create'),
    intro: fieldsWarning(fieldsError),
    fields: formFields,
    errorMessage: (err) => (err instanceof ApiError && err.code === 'invalid_field' && /^fields\./.test(err.field || '')
      ? t('customers.fieldInvalid', { label: (fields.find((f) => `fields.${f.key}` === err.field) || {}).label || err.field.slice(7) })
      : null),
    onSubmit: async (v) => {
      const body = { name: v.name, phone: v.phone, phones: v.phones || [], fields: fieldBody(fields, v) };
      try {
        return customer ? await api.put(`/api/v1/customers/${customer.id}`, body) : await api.post('/api/v1/customers', body);
      } catch (err) {
        // "phones.2" is shown at the other-numbers editor.
        if (err instanceof ApiError && err.field && /^phones[.[]/.test(err.field)) err.field = 'phones';
        throw err;
      }
    },
  });
}

/** The link to a customer's card (a plain "#id" without the permission to see customers). */
export function customerLink(id, name, { testid = 'customer-link', onChanged } = {}) {
  const text = name || t('customers.idLabel', { id });
  if (!can('crm.customers.view')) return h('span', { testid }, text);
  const a = h('a', { href: `#/crm/customers?id=${id}`, class: 'customer-link', testid, title: t('customers.openCard', { name: text }) }, icon('contact'), h('span', { class: 'customer-link-text' }, text));
  a.addEventListener('click', (e) => {
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return; // a new tab opens the list with the card
    e.preventDefault();
    openCustomerCard(id, { onChanged });
  });
  return a;
}

/**
 * A customer's card (客户资料) over the current page: every number and field,
 * the owner, and the actions the customer list has (edit, follow-ups,
 * appointment, transfers). Also what #/crm/customers?id=N opens.
 */
export function openCustomerCard(id, { onChanged } = {}) {
  const body = h('div', { class: 'customer-card', testid: 'customer-card-body' }, h('div', { class: 'empty' }, spinner()));
  const actions = h('div', { class: 'customer-card-actions' });
  const primary = h('span', { class: 'customer-card-primary' });
  const dlg = openDialog({
    title: t('customers.cardTitle'),
    width: 720,
    testid: 'customer-card',
    content: body,
    footer: [actions, button(t('common.close'), { testid: 'customer-card-close', onClick: () => dlg.close() }), primary],
  });

  async function load() {
    const [res, { fields, error }] = await Promise.all([
      api.get(`/api/v1/customers/${id}`).then((c) => ({ c }), (err) => ({ err })),
      loadCustomerFields(),
    ]);
    if (dlg.closed) return;
    clear(body);
    clear(actions);
    clear(primary);
    if (res.err) {
      const gone = res.err instanceof ApiError && (res.err.status === 404 || res.err.code === 'out_of_scope');
      body.appendChild(h('div', { class: gone ? 'detail-empty' : 'form-alert', role: 'alert', testid: 'customer-card-error' },
        icon(gone ? 'info' : 'alert'), h('span', null, gone ? t('customers.cardGone', { id }) : errorText(res.err))));
      return;
    }
    const c = res.c;
    append(body, [
      h('div', { class: 'customer-card-head' },
        h('span', { class: 'customer-card-avatar', 'aria-hidden': 'true' }, (c.name || '?').slice(0, 1)),
        h('div', null,
          h('strong', { class: 'customer-card-name', testid: 'customer-card-name' }, c.name),
          h('div', { class: 'muted small' }, t('customers.idLabel', { id: c.id }))),
        c.ownerId == null ? tag(t('crm.poolTag'), 'cyan') : null),
      fieldsWarning(error),
      customerDetail(c, fields)]);
    const edit = async () => {
      const saved = await customerDialog({ customer: c, fields, fieldsError: error });
      if (saved === undefined) return;
      toast.success(t('common.saved'));
      if (onChanged) onChanged();
      load();
    };
    actions.append(...[
      { label: t('customers.transfers'), testid: 'customer-card-transfers', onClick: () => showTransfers(c) },
      can('crm.followUps.view') ? { label: t('customers.followUps'), testid: 'customer-card-follow-ups', onClick: () => openCustomerFollowUps(c) } : null,
      can('crm.appointments.create') ? {
        label: t('customers.appoint'), testid: 'customer-card-appointment',
        onClick: async () => { if (await appointmentDialog({ customer: c }) !== undefined) toast.success(t('appointments.created', { name: c.name })); },
      } : null,
    ].filter(Boolean).map((a) => button(a.label, { testid: a.testid, onClick: a.onClick })));
    if (can('crm.customers.update')) primary.appendChild(button(t('common.edit'), { kind: 'primary', iconName: 'edit', testid: 'customer-card-edit', onClick: edit }));
  }
  load();
  return dlg;
}

export function render(root) {
  const holder = h('section', { class: 'card page-loading', testid: 'customers-loading', role: 'status' }, spinner(), h('span', null, t('common.loading')));
  root.append(pageHeader(t('nav.crm.customers'), t('customers.desc')), holder);
  let alive = true;
  let dispose = null;
  loadCustomerFields().then(({ fields, error }) => {
    if (!alive) return;
    const page = build(fields, error);
    holder.replaceWith(page.el);
    dispose = page.dispose;
  });
  return () => {
    alive = false;
    if (dispose) dispose();
  };
}

function build(fields, fieldsError) {
  const canCreate = can('crm.customers.create');
  const canUpdate = can('crm.customers.update');
  const canDelete = can('crm.customers.delete');
  const canTransfer = can('crm.customers.transfer');
  const canExport = can('crm.customers.export');
  const canHear = can('calls.recording');
  const canFollowUps = can('crm.followUps.view');
  const canAppoint = can('crm.appointments.create');

  const createBtn = (testid = 'customer-create') => button(t('customers.create'), { kind: 'primary', iconName: 'plus', testid, onClick: () => edit(null) });

  const table = createTable({
    title: t('customers.list'),
    testid: 'customers-table',
    dense: true,
    defaultSort: '-createdAt',
    search: [
      { name: 'q', label: t('common.keyword'), placeholder: t('customers.searchPlaceholder'), hint: t('customers.searchHint') },
      {
        name: 'owner', label: t('crm.owner'), type: 'select', placeholder: t('customers.ownerAll'),
        options: [{ value: 'me', label: t('customers.ownerMine') }, { value: 'pool', label: t('crm.pool') }],
      },
      ...fieldSearchItems(fields),
    ],
    toolbar: [
      canExport ? button(t('customers.exportAll'), { iconName: 'download', testid: 'customer-export', title: t('customers.exportAllHelp'), onClick: exportFiltered }) : null,
      canCreate ? createBtn() : null,
    ],
    bulkActions: [
      canTransfer ? { label: t('customers.transfer'), testid: 'bulk-transfer', onClick: transfer } : null,
      canTransfer ? { label: t('customers.toPool'), testid: 'bulk-pool', onClick: toPool } : null,
      canExport ? { label: t('customers.exportSelected'), testid: 'bulk-export', onClick: exportSelected } : null,
      canHear ? { label: t('customers.downloadRecordings'), testid: 'bulk-recordings', onClick: downloadRecordings } : null,
      canDelete ? { label: t('common.bulkDelete'), danger: true, testid: 'bulk-delete', onClick: (rows) => remove(rows) } : null,
    ].filter(Boolean),
    expandable: { render: (c) => customerDetail(c, fields), label: (c) => t('customers.showDetail', { name: c.name }) },
    columns: [
      { key: 'name', title: t('crm.name'), sortable: true, className: 'cell-wrap', render: (c) => h('strong', { class: 'cell-strong' }, c.name) },
      { key: 'phone', title: t('crm.phone'), sortable: true, nowrap: true, render: phonesCell },
      ...fieldColumns(fields),
      { key: 'ownerName', title: t('crm.owner'), sortable: true, sortKey: 'owner', nowrap: true, render: ownerCell },
      {
        key: 'updatedAt', title: t('crm.updatedAt'), sortable: true, nowrap: true,
        render: (c) => h('span', { class: 'num', title: formatDateTime(c.updatedAt) }, formatDate(c.updatedAt)),
      },
    ],
    rowActions: (c) => [
      canUpdate ? { label: t('common.edit'), testid: 'customer-edit', onClick: () => edit(c) } : null,
      canFollowUps ? { label: t('customers.followUps'), testid: 'customer-follow-ups', onClick: () => openCustomerFollowUps(c) } : null,
      canAppoint ? { label: t('customers.appoint'), testid: 'customer-appointment', onClick: () => appoint(c) } : null,
      { label: t('customers.transfers'), testid: 'customer-transfers', more: true, onClick: () => showTransfers(c) },
      canDelete ? { label: t('common.delete'), danger: true, testid: 'customer-delete', more: true, onClick: () => remove([c]) } : null,
    ],
    empty: {
      text: canCreate ? t('customers.emptyCreate') : t('customers.empty'),
      icon: 'contact',
      action: canCreate ? () => createBtn(null) : null,
    },
    fetch: ({ page, pageSize, sort, filters }) => api.get('/api/v1/customers', { ...filters, page, pageSize, sort }),
  });

  table.reload();

  // #/crm/customers?id=N (e.g. from a data package's rows opened in a new tab): that customer's card.
  const focus = Number(routeQuery().get('id'));
  if (Number.isInteger(focus) && focus > 0) openCustomerCard(focus, { onChanged: () => table.reload() });

  async function edit(customer) {
    const saved = await customerDialog({ customer, fields, fieldsError });
    if (saved === undefined) return;
    toast.success(customer ? t('common.saved') : t('customers.created', { name: (saved && saved.name) || '' }));
    table.reload();
  }

  async function appoint(c) {
    const saved = await appointmentDialog({ customer: c });
    if (saved !== undefined) toast.success(t('appointments.created', { name: c.name }));
  }

  async function remove(list) {
    const names = list.map((c) => c.name).join(t('common.listSep'));
    const ok = await confirmDialog({
      title: t('customers.deleteTitle'),
      message: list.length === 1 ? t('customers.deleteConfirm', { name: names }) : t('customers.bulkConfirm', { n: list.length, names }),
      detail: t('customers.deleteDetail'),
      okText: t('common.delete'),
    });
    if (!ok) return;
    try {
      if (list.length === 1) {
        await api.del(`/api/v1/customers/${list[0].id}`);
        toast.success(t('customers.deleted', { name: names }));
      } else {
        const res = await api.post('/api/v1/customers/bulk-delete', { ids: list.map((c) => c.id) });
        toast.success(t('common.bulkDeleted', { n: res && typeof res.deleted === 'number' ? res.deleted : list.length }));
      }
    } catch (err) {
      toast.error(errorText(err));
    }
    table.clearSelection();
    table.reload();
  }

  async function transfer(rows) {
    const users = await loadUsers();
    const names = rows.map((c) => c.name).join(t('common.listSep'));
    const options = [
      { value: 'pool', label: t('customers.toPoolOption') },
      ...(users || []).map((u) => ({ value: String(u.id), label: userLabel(u) })),
    ];
    let target = null;
    const saved = await formDialog({
      title: t('customers.transferTitle'),
      testid: 'transfer-dialog',
      width: 480,
      submitText: t('customers.transfer'),
      intro: h('p', { class: 'dialog-intro' }, t('customers.transferIntro', { n: rows.length, names })),
      fields: [{
        name: 'to', label: t('customers.transferTo'), type: 'select', required: true, options, testid: 'transfer-to',
        requiredMessage: t('customers.transferToRequired'), help: users ? t('customers.transferHelp') : t('customers.usersHidden'),
      }],
      onSubmit: (v) => {
        target = v.to;
        return api.post('/api/v1/customers/transfer', { ids: rows.map((c) => c.id), toUserId: v.to === 'pool' ? null : Number(v.to) });
      },
    });
    if (saved === undefined) return;
    const n = saved && typeof saved.moved === 'number' ? saved.moved : rows.length;
    const to = target === 'pool' ? t('crm.pool') : userLabel((users || []).find((u) => String(u.id) === target) || { username: target });
    toast.success(t('customers.transferred', { n, to }));
    table.clearSelection();
    table.reload();
  }

  async function toPool(rows) {
    const names = rows.map((c) => c.name).join(t('common.listSep'));
    const ok = await confirmDialog({
      title: t('customers.toPoolTitle'),
      message: t('customers.toPoolConfirm', { n: rows.length, names }),
      detail: t('customers.toPoolDetail'),
      okText: t('customers.toPool'),
      danger: false,
    });
    if (!ok) return;
    try {
      const res = await api.post('/api/v1/customers/transfer', { ids: rows.map((c) => c.id), toUserId: null });
      toast.success(t('customers.transferred', { n: res && typeof res.moved === 'number' ? res.moved : rows.length, to: t('crm.pool') }));
    } catch (err) {
      toast.error(errorText(err));
    }
    table.clearSelection();
    table.reload();
  }

  function exportSelected(rows) {
    download(withQuery(EXPORT, { ids: rows.map((c) => c.id).join(',') }));
    toast.info(t('customers.exporting', { n: rows.length }));
  }

  function downloadRecordings(rows) {
    download(withQuery(RECORDINGS, { ids: rows.map((c) => c.id).join(',') }));
    toast.info(t('customers.zippingRecordings', { n: rows.length }));
  }

  function exportFiltered() {
    download(withQuery(EXPORT, { ...table.filters, sort: table.sort }));
    toast.info(t('customers.exportingAll'));
  }

  const el = h('div', { class: 'crm-page' }, fieldsWarning(fieldsError), table.el);
  return { el, dispose: null };
}
