// 客户字段配置 — customer field configuration.
import { h } from '../dom.js';
import { api, listAll } from '../api.js';
import { createTable, pageLocally } from '../components/table.js';
import { button, pageHeader, tag, boolMark } from '../components/ui.js';
import { formDialog } from '../components/form.js';
import { confirmDialog } from '../components/confirm.js';
import { toast } from '../components/toast.js';
import { errorText } from '../errors.js';
import { can } from '../state.js';
import { t } from '../i18n/index.js';

const TYPES = ['text', 'number', 'phone', 'date', 'single', 'multi'];
const KEY = /^[a-z][a-z0-9_]{0,31}$/;
const hasOptions = (type) => type === 'single' || type === 'multi';

export function render(root) {
  const canCreate = can('settings.customerFields.create');
  const canUpdate = can('settings.customerFields.update');
  const canDelete = can('settings.customerFields.delete');
  let all = [];

  const table = createTable({
    title: t('fields.list'),
    testid: 'fields-table',
    defaultSort: 'order',
    search: [
      { name: 'q', label: t('common.keyword'), placeholder: t('fields.searchPlaceholder') },
      { name: 'type', label: t('fields.type'), type: 'select', options: TYPES.map((v) => ({ value: v, label: t(`fieldType.${v}`) })) },
    ],
    toolbar: [canCreate ? button(t('fields.create'), { kind: 'primary', iconName: 'plus', testid: 'field-create', onClick: () => edit(null) }) : null],
    bulkActions: canDelete ? [{ label: t('common.bulkDelete'), danger: true, testid: 'bulk-delete', onClick: bulkDelete }] : null,
    columns: [
      { key: 'order', title: t('fields.order'), sortable: true, width: 80, align: 'right' },
      { key: 'label', title: t('fields.label'), sortable: true, render: (f) => h('strong', { class: 'cell-strong' }, f.label) },
      { key: 'key', title: t('fields.key'), sortable: true, render: (f) => h('code', { class: 'code' }, f.key) },
      { key: 'type', title: t('fields.type'), width: 110, render: (f) => tag(t(`fieldType.${f.type}`), 'blue') },
      {
        key: 'options', title: t('fields.options'),
        render: (f) => ((f.options || []).length ? h('span', { class: 'truncate', title: f.options.join('\n') }, f.options.join(t('common.listSep'))) : null),
      },
      { key: 'required', title: t('fields.required'), width: 76, align: 'center', render: (f) => boolMark(f.required, t('common.yes'), t('common.no')) },
      { key: 'searchable', title: t('fields.searchable'), width: 76, align: 'center', render: (f) => boolMark(f.searchable, t('common.yes'), t('common.no')) },
      { key: 'listed', title: t('fields.listed'), width: 76, align: 'center', render: (f) => boolMark(f.listed, t('common.yes'), t('common.no')) },
    ],
    rowActions: canUpdate || canDelete ? (f) => [
      canUpdate ? { label: t('common.edit'), testid: 'field-edit', onClick: () => edit(f) } : null,
      canDelete ? { label: t('common.delete'), danger: true, testid: 'field-delete', onClick: () => remove([f]) } : null,
    ] : null,
    empty: {
      text: canCreate ? t('fields.emptyCreate') : t('fields.empty'),
      action: canCreate ? () => button(t('fields.create'), { kind: 'primary', iconName: 'plus', onClick: () => edit(null) }) : null,
    },
    async fetch({ page, pageSize, sort, filters }) {
      all = await listAll('/api/v1/customer-fields');
      const q = (filters.q || '').toLowerCase();
      return pageLocally(all, { page, pageSize, sort: sort || 'order' },
        (f) => (!q || f.label.toLowerCase().includes(q) || f.key.toLowerCase().includes(q)) && (!filters.type || f.type === filters.type));
    },
  });

  root.append(pageHeader(t('nav.settings.customerFields'), t('fields.desc')), table.el);
  table.reload();

  async function edit(field) {
    const nextOrder = all.reduce((m, f) => Math.max(m, Number(f.order) || 0), 0) + 1;
    const saved = await formDialog({
      title: field ? t('fields.editTitle', { name: field.label }) : t('fields.createTitle'),
      testid: 'field-dialog',
      width: 560,
      submitText: field ? t('common.save') : t('common.create'),
      values: field
        ? { ...field, options: (field.options || []).join('\n') }
        : { type: 'text', order: nextOrder, listed: true, searchable: false, required: false },
      fields: [
        field
          ? { name: 'key', label: t('fields.key'), readOnly: true, disabled: true, span: 'half', testid: 'field-key', help: t('fields.keyLocked') }
          : { name: 'key', label: t('fields.key'), required: true, span: 'half', testid: 'field-key', maxLength: 32, pattern: KEY, patternMessage: t('fields.keyRule'), placeholder: t('fields.keyPlaceholder'), help: t('fields.keyHelp') },
        { name: 'label', label: t('fields.label'), required: true, span: 'half', maxLength: 64, testid: 'field-label' },
        { name: 'type', label: t('fields.type'), type: 'select', required: true, placeholder: false, span: 'half', testid: 'field-type', options: TYPES.map((v) => ({ value: v, label: t(`fieldType.${v}`) })) },
        { name: 'order', label: t('fields.order'), type: 'number', span: 'half', min: 0, step: 1, testid: 'field-order', help: t('fields.orderHelp'), validate: (v) => (Number.isInteger(v) ? null : t('validation.integer')) },
        {
          name: 'options', label: t('fields.options'), type: 'textarea', rows: 5, required: true, testid: 'field-options', trim: false,
          help: t('fields.optionsHelp'), visibleWhen: (v) => hasOptions(v.type),
          validate: (v) => {
            const lines = v.split('\n').map((s) => s.trim()).filter(Boolean);
            if (!lines.length) return t('fields.optionsRequired');
            if (new Set(lines).size !== lines.length) return t('fields.optionsDuplicate');
            return null;
          },
        },
        { name: 'required', type: 'checkbox', label: t('fields.required'), checkLabel: t('fields.requiredLong'), caption: t('fields.flags'), span: 'third', testid: 'field-required' },
        { name: 'searchable', type: 'checkbox', label: t('fields.searchable'), checkLabel: t('fields.searchableLong'), caption: '', span: 'third', testid: 'field-searchable' },
        { name: 'listed', type: 'checkbox', label: t('fields.listed'), checkLabel: t('fields.listedLong'), caption: '', span: 'third', testid: 'field-listed' },
      ],
      onSubmit: (v) => {
        const body = {
          label: v.label,
          type: v.type,
          required: !!v.required,
          searchable: !!v.searchable,
          listed: !!v.listed,
          options: hasOptions(v.type) ? v.options.split('\n').map((s) => s.trim()).filter(Boolean) : [],
          order: v.order ?? nextOrder,
        };
        if (field) return api.put(`/api/v1/customer-fields/${field.id}`, { key: field.key, ...body });
        return api.post('/api/v1/customer-fields', { key: v.key, ...body });
      },
    });
    if (saved !== undefined) {
      toast.success(field ? t('common.saved') : t('fields.created', { name: (saved && saved.label) || '' }));
      table.reload();
    }
  }

  async function remove(list) {
    const names = list.map((f) => f.label).join(t('common.listSep'));
    const ok = await confirmDialog({
      title: t('fields.deleteTitle'),
      message: list.length === 1 ? t('fields.deleteConfirm', { name: names }) : t('fields.bulkConfirm', { n: list.length, names }),
      detail: t('fields.deleteDetail'),
      okText: t('common.delete'),
    });
    if (!ok) return;
    const failed = [];
    for (const f of list) {
      try { await api.del(`/api/v1/customer-fields/${f.id}`); } catch (err) { failed.push(`${f.label}: ${errorText(err)}`); }
    }
    if (failed.length) toast.error(t('common.someFailed', { list: failed.join('; ') }));
    else toast.success(list.length === 1 ? t('fields.deleted', { name: names }) : t('common.bulkDeleted', { n: list.length }));
    table.clearSelection();
    table.reload();
  }

  function bulkDelete(rows) { return remove(rows); }
}
