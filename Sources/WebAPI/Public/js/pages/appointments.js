// 预约登记 — appointments (callbacks): list, due filter, add/edit/delete,
// mark done; overdue rows stand out. The reminders themselves live in
// ../reminders.js (top-bar bell and a card per due appointment on every page).
import { h } from '../dom.js';
import { api } from '../api.js';
import { createTable } from '../components/table.js';
import { button, pageHeader, tag } from '../components/ui.js';
import { icon } from '../components/icons.js';
import { formDialog } from '../components/form.js';
import { confirmDialog } from '../components/confirm.js';
import { toast } from '../components/toast.js';
import { errorText } from '../errors.js';
import { formatDateTime, formatDateMinute, formatRelative } from '../format.js';
import { can } from '../state.js';
import { t } from '../i18n/index.js';
import { onReminders, refreshReminders } from '../reminders.js';
import { customerPickerField, toLocalInput, fromLocalInput, inAnHour } from '../crm.js';
import { routeQuery } from './follow-ups.js';

/** Add or edit an appointment; resolves with the saved one or undefined. */
export function appointmentDialog({ appointment = null, customer = null } = {}) {
  const fixed = appointment ? { id: appointment.customerId, name: appointment.customerName || `#${appointment.customerId}` } : customer;
  return formDialog({
    title: appointment ? t('appointments.editTitle') : customer ? t('appointments.createFor', { name: customer.name }) : t('appointments.createTitle'),
    testid: 'appointment-dialog',
    width: 520,
    submitText: appointment ? t('common.save') : t('common.create'),
    values: appointment
      ? { customerId: appointment.customerId, at: toLocalInput(appointment.at), note: appointment.note || '', done: !!appointment.done }
      : { customerId: customer ? customer.id : null, at: inAnHour() },
    fields: [
      customerPickerField({ label: t('crm.customer'), customer: fixed, disabled: !!fixed }),
      {
        name: 'at', label: t('appointments.at'), type: 'datetime-local', required: true, testid: 'appointment-at',
        requiredMessage: t('appointments.atRequired'), help: t('appointments.atHelp'),
        validate: (v) => (fromLocalInput(v) ? null : t('validation.format')),
      },
      { name: 'note', label: t('appointments.note'), type: 'textarea', rows: 3, maxLength: 1000, testid: 'appointment-note', placeholder: t('appointments.notePlaceholder') },
      appointment ? { name: 'done', type: 'checkbox', label: t('appointments.done'), checkLabel: t('appointments.doneLong'), testid: 'appointment-done' } : null,
    ].filter(Boolean),
    onSubmit: async (v) => {
      const body = { customerId: v.customerId, at: fromLocalInput(v.at), note: v.note.trim() };
      if (appointment) body.done = !!v.done;
      const saved = appointment ? await api.put(`/api/v1/appointments/${appointment.id}`, body) : await api.post('/api/v1/appointments', body);
      refreshReminders();
      return saved;
    },
  });
}

/** 已完成 / 已逾期 / 待回访 — with an icon so that the state does not rest on colour. */
export function appointmentState(a) {
  if (a.done) return h('span', { class: 'tag tag-green state-tag', testid: 'appointment-state' }, icon('check'), t('appointments.stateDone'));
  if (a.overdue) return h('span', { class: 'tag tag-red state-tag', testid: 'appointment-state' }, icon('alert'), t('appointments.stateOverdue'));
  return h('span', { class: 'tag tag-blue state-tag', testid: 'appointment-state' }, icon('clock'), t('appointments.statePending'));
}

export function render(root) {
  const canCreate = can('crm.appointments.create');
  const canUpdate = can('crm.appointments.update');
  const canDelete = can('crm.appointments.delete');
  const query = routeQuery();

  const createBtn = (testid = 'appointment-create') => button(t('appointments.create'), { kind: 'primary', iconName: 'plus', testid, onClick: () => edit(null) });

  const table = createTable({
    title: t('appointments.list'),
    testid: 'appointments-table',
    defaultSort: 'at',
    search: [
      { name: 'q', label: t('common.keyword'), placeholder: t('appointments.searchPlaceholder') },
      {
        name: 'due', label: t('appointments.dueFilter'), type: 'select', placeholder: t('appointments.dueAll'),
        options: [{ value: 'true', label: t('appointments.dueOnly') }], value: query.get('due') === 'true' ? 'true' : null,
      },
      { name: 'customerId', label: t('followUps.customerId'), type: 'number', valueType: 'number', placeholder: t('followUps.customerIdPlaceholder'), value: query.get('customerId') },
    ],
    toolbar: [canCreate ? createBtn() : null],
    bulkActions: [
      canUpdate ? { label: t('appointments.bulkDone'), testid: 'bulk-done', onClick: (rows) => markDone(rows) } : null,
      canDelete ? { label: t('common.bulkDelete'), danger: true, testid: 'bulk-delete', onClick: (rows) => remove(rows) } : null,
    ].filter(Boolean),
    rowClass: (a) => (a.overdue && !a.done ? 'row-overdue' : a.done ? 'row-done' : null),
    columns: [
      {
        key: 'at', title: t('appointments.at'), sortable: true, nowrap: true,
        render: (a) => h('span', { class: 'appt-time', title: formatDateTime(a.at) },
          a.overdue && !a.done ? icon('alert', 'overdue-icon') : null,
          h('span', { class: 'num' }, formatDateMinute(a.at)),
          a.done ? null : h('span', { class: 'muted small' }, formatRelative(a.at))),
      },
      { key: 'customerName', title: t('crm.customer'), nowrap: true, render: (a) => h('strong', { class: 'cell-strong' }, a.customerName || `#${a.customerId}`) },
      { key: 'state', title: t('appointments.state'), nowrap: true, render: appointmentState },
      { key: 'note', title: t('appointments.note'), render: (a) => (a.note ? h('span', { class: 'truncate wide', title: a.note }, a.note) : null) },
      { key: 'userName', title: t('appointments.user'), nowrap: true },
      {
        key: 'createdAt', title: t('appointments.createdAt'), sortable: true, nowrap: true,
        render: (a) => h('span', { class: 'num', title: formatDateTime(a.createdAt) }, formatDateMinute(a.createdAt)),
      },
    ],
    rowActions: canUpdate || canDelete ? (a) => [
      canUpdate && !a.done ? { label: t('appointments.markDone'), testid: 'appointment-done', onClick: () => markDone([a]) } : null,
      canUpdate ? { label: t('common.edit'), testid: 'appointment-edit', onClick: () => edit(a) } : null,
      canDelete ? { label: t('common.delete'), danger: true, testid: 'appointment-delete', onClick: () => remove([a]) } : null,
    ] : null,
    empty: {
      text: canCreate ? t('appointments.emptyCreate') : t('appointments.empty'),
      icon: 'calendar',
      action: canCreate ? () => createBtn(null) : null,
    },
    fetch: ({ page, pageSize, sort, filters }) => api.get('/api/v1/appointments', {
      q: filters.q, due: filters.due, customerId: filters.customerId, page, pageSize, sort,
    }),
  });

  root.append(pageHeader(t('nav.crm.appointments'), t('appointments.desc')), table.el);
  table.reload();

  // A reminder that falls due (or is dealt with elsewhere) updates the rows.
  let first = true;
  const off = onReminders(() => {
    if (first) { first = false; return; }
    table.refresh();
  });

  async function edit(a) {
    let customer = null;
    const filtered = table.filters.customerId;
    if (!a && filtered) {
      try { customer = await api.get(`/api/v1/customers/${filtered}`); } catch { customer = null; }
    }
    const saved = await appointmentDialog({ appointment: a, customer });
    if (saved === undefined) return;
    toast.success(a ? t('common.saved') : t('appointments.createdShort'));
    table.reload();
  }

  async function markDone(list) {
    const open = list.filter((a) => !a.done);
    if (!open.length) { toast.info(t('appointments.allDone')); return; }
    const failed = [];
    for (const a of open) {
      try { await api.patch(`/api/v1/appointments/${a.id}`, { done: true }); } catch (err) { failed.push(`${a.customerName || a.id}: ${errorText(err)}`); }
    }
    if (failed.length) toast.error(t('common.someFailed', { list: failed.join('; ') }));
    else toast.success(open.length === 1 ? t('appointments.doneOne', { name: open[0].customerName || '' }) : t('appointments.doneMany', { n: open.length }));
    refreshReminders();
    table.clearSelection();
    table.reload();
  }

  async function remove(list) {
    const ok = await confirmDialog({
      title: t('appointments.deleteTitle'),
      message: list.length === 1
        ? t('appointments.deleteConfirm', { name: list[0].customerName || `#${list[0].customerId}`, time: formatDateMinute(list[0].at) })
        : t('appointments.bulkConfirm', { n: list.length }),
      detail: t('appointments.deleteDetail'),
      okText: t('common.delete'),
    });
    if (!ok) return;
    const failed = [];
    for (const a of list) {
      try { await api.del(`/api/v1/appointments/${a.id}`); } catch (err) { failed.push(`${a.customerName || a.id}: ${errorText(err)}`); }
    }
    if (failed.length) toast.error(t('common.someFailed', { list: failed.join('; ') }));
    else toast.success(list.length === 1 ? t('appointments.deleted') : t('common.bulkDeleted', { n: list.length }));
    refreshReminders();
    table.clearSelection();
    table.reload();
  }

  return off;
}
