// Shared pieces of the 客户管理 (CRM) pages: the configured customer fields
// (客户字段配置) as search items, columns, form fields and detail; the
// customer picker; the extra-phones editor; owner cells; local date-times;
// downloads.
import { h, clear, nextId } from './dom.js';
import { api, listAll } from './api.js';
import { errorText } from './errors.js';
import { t } from './i18n/index.js';
import { tag, spinner, linkButton } from './components/ui.js';
import { icon } from './components/icons.js';
import { phoneLink } from './components/phone.js';
import { alertDialog } from './components/confirm.js';
import { formatDate, formatDateTime, formatDateMinute, formatNumber } from './format.js';

export const MAX_EXTRA_PHONES = 9;
const PICKER_SIZE = 8;

const isEmpty = (v) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/** Numbers as people type them: digits with + ( ) - and spaces; 3–20 digits. */
export function phoneProblem(v) {
  const s = String(v ?? '').trim();
  if (!s) return null;
  const digits = s.replace(/\D/g, '').length;
  if (!/^\+?[\d\s()-]+$/.test(s) || digits < 3 || digits > 20) return t('crm.phoneRule');
  return null;
}

// ---------------------------------------------------------------- field configuration

/** {fields (in configured order), error}: the page still works without them. */
export async function loadCustomerFields() {
  try {
    const items = await listAll('/api/v1/customer-fields');
    const fields = [...items].sort((a, b) => (Number(a.order) || 0) - (Number(b.order) || 0) || a.id - b.id);
    return { fields, error: null };
  } catch (err) {
    return { fields: [], error: err };
  }
}

/** Follow-up statuses in their order, or null when they cannot be read. */
export async function loadStatuses() {
  try {
    const items = await listAll('/api/v1/follow-up-statuses');
    return [...items].sort((a, b) => (Number(a.order) || 0) - (Number(b.order) || 0) || a.id - b.id);
  } catch {
    return null;
  }
}

/** "2026-03-05" shown for the locale, without a time-zone shift. */
export function formatPlainDate(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(value || ''));
  return m ? formatDate(new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : String(value);
}

/** A stored value shown by its field type; null when empty. */
export function fieldValue(field, value) {
  if (isEmpty(value)) return null;
  switch (field && field.type) {
    case 'phone': return phoneLink(value, { withIcon: false });
    case 'number': return h('span', { class: 'num' }, typeof value === 'number' ? formatNumber(value) : String(value));
    case 'date': return h('span', { class: 'num nowrap' }, formatPlainDate(value));
    case 'single': return tag(String(value), 'blue');
    case 'multi': return h('span', { class: 'tag-list' }, (Array.isArray(value) ? value : [value]).map((v) => tag(String(v), 'blue')));
    default: {
      const text = Array.isArray(value) ? value.join(t('common.listSep')) : String(value);
      return h('span', { class: 'truncate', title: text }, text);
    }
  }
}

/** Search-form items for the fields marked searchable (query `f.KEY=`). */
export function fieldSearchItems(fields) {
  return fields.filter((f) => f.searchable).map((f) => {
    const base = { name: `f.${f.key}`, label: f.label };
    if (f.type === 'single' || f.type === 'multi') {
      return { ...base, type: 'select', options: (f.options || []).map((o) => ({ value: o, label: o })) };
    }
    if (f.type === 'date') return { ...base, type: 'date' };
    if (f.type === 'number') return { ...base, type: 'number' };
    return { ...base, placeholder: t('crm.fieldSearchPlaceholder', { label: f.label }) };
  });
}

/** Table columns for the fields marked listed. */
export function fieldColumns(fields) {
  return fields.filter((f) => f.listed).map((f) => ({
    key: `f.${f.key}`, title: f.label, className: 'cell-wrap',
    render: (c) => fieldValue(f, (c.fields || {})[f.key]),
  }));
}

function optionsWith(options, current) {
  const list = [...(options || [])];
  for (const v of Array.isArray(current) ? current : isEmpty(current) ? [] : [current]) {
    if (!list.includes(String(v))) list.push(String(v)); // an option removed since: keep what is stored
  }
  return list.map((o) => ({ value: o, label: o }));
}

/** Form fields (named `fields.KEY`, as the server names them in errors), by type. */
export function fieldFormItems(fields, current = {}) {
  return fields.map((f) => {
    const base = { name: `fields.${f.key}`, label: f.label, required: !!f.required, testid: `cf-${f.key}` };
    const cur = (current || {})[f.key];
    const choose = t('validation.select', { label: f.label });
    switch (f.type) {
      case 'number':
        return { ...base, type: 'number', step: 'any', span: 'half' };
      case 'phone':
        return { ...base, type: 'tel', span: 'half', maxLength: 32, validate: phoneProblem, placeholder: t('crm.phonePlaceholder') };
      case 'date':
        return { ...base, type: 'date', span: 'half', requiredMessage: choose };
      case 'single':
        return { ...base, type: 'select', span: 'half', options: optionsWith(f.options, cur), requiredMessage: choose };
      case 'multi':
        return { ...base, type: 'checkboxes', options: optionsWith(f.options, cur), requiredMessage: choose };
      default:
        return { ...base, span: 'half', maxLength: 500 };
    }
  });
}

/** Stored values → form values. */
export function fieldFormValues(fields, stored = {}) {
  const out = {};
  for (const f of fields) {
    const v = (stored || {})[f.key];
    if (v === undefined || v === null) continue;
    if (f.type === 'multi') out[`fields.${f.key}`] = (Array.isArray(v) ? v : [v]).map(String);
    else if (f.type === 'number') out[`fields.${f.key}`] = v;
    else out[`fields.${f.key}`] = String(v);
  }
  return out;
}

/**
 * Form values → the `fields` object of a Customer. Every configured key is
 * sent: the server keeps keys that are not sent, and "" / [] clear a value.
 */
export function fieldBody(fields, values) {
  const out = {};
  for (const f of fields) {
    const v = values[`fields.${f.key}`];
    if (isEmpty(v)) { out[f.key] = f.type === 'multi' ? [] : ''; continue; }
    if (f.type === 'number') out[f.key] = Number(v);
    else if (f.type === 'multi') out[f.key] = (Array.isArray(v) ? v : [v]).map(String);
    else out[f.key] = String(v).trim();
  }
  return out;
}

// ---------------------------------------------------------------- cells and detail

export function customerLabel(c) {
  if (!c) return '';
  return c.phone ? t('crm.customerWithPhone', { name: c.name, phone: c.phone }) : c.name;
}

export function ownerCell(c) {
  return c.ownerId == null
    ? tag(t('crm.poolTag'), 'cyan', { testid: 'owner-pool' })
    : h('span', { class: 'owner', testid: 'owner' }, c.ownerName || `#${c.ownerId}`);
}

/** Primary number, and "+2" for the others (listed in the tooltip). */
export function phonesCell(c) {
  const others = (c.phones || []).filter(Boolean);
  if (!c.phone && !others.length) return null;
  return h('span', { class: 'phones-cell' },
    phoneLink(c.phone || others[0]),
    others.length && c.phone ? h('span', { class: 'more-count', title: others.join('\n'), 'aria-label': t('crm.morePhones', { n: others.length }) }, `+${others.length}`) : null);
}

/** The full card of a customer: every phone and field, also fields removed from the configuration. */
export function customerDetail(c, fields) {
  const stored = c.fields || {};
  const known = new Set(fields.map((f) => f.key));
  const item = (label, value, extra) => h('div', { class: ['detail-item', extra] },
    h('dt', null, label), h('dd', null, isEmpty(value) ? h('span', { class: 'muted' }, '—') : value));
  const phones = [c.phone, ...(c.phones || [])].filter(Boolean);
  return h('dl', { class: 'detail-grid', testid: 'customer-detail' },
    item(t('crm.phones'), phones.length ? h('span', { class: 'phone-list' }, phones.map((p) => phoneLink(p))) : null, 'wide'),
    fields.map((f) => item(f.label, fieldValue(f, stored[f.key]), f.type === 'multi' ? 'wide' : null)),
    Object.keys(stored).filter((k) => !known.has(k) && !isEmpty(stored[k])).map((k) => item(
      h('span', { title: t('crm.removedFieldHelp') }, k, ' ', tag(t('crm.removedField'), 'default')),
      fieldValue(null, stored[k]))),
    item(t('crm.owner'), ownerCell(c)),
    item(t('crm.createdAt'), h('span', { class: 'num' }, formatDateTime(c.createdAt))),
    item(t('crm.updatedAt'), h('span', { class: 'num' }, formatDateTime(c.updatedAt))));
}

/** 转移明细: a customer's moves between owners and the pool. */
export function showTransfers(customer) {
  const body = h('div', { class: 'transfers', testid: 'transfers' }, h('div', { class: 'empty' }, spinner()));
  alertDialog({ title: t('crm.transfersTitle', { name: customer.name }), content: body, testid: 'transfers-dialog', width: 680 });
  const who = (id, name) => (id == null ? tag(t('crm.poolTag'), 'cyan') : name || `#${id}`);
  api.get(`/api/v1/customers/${customer.id}/transfers`, { page: 1, pageSize: 500, sort: '-at' }).then((res) => {
    const items = Array.isArray(res) ? res : (res && res.items) || [];
    clear(body);
    if (!items.length) {
      body.appendChild(h('div', { class: 'detail-empty', testid: 'transfers-empty' }, icon('info'), h('span', null, t('crm.noTransfers'))));
      return;
    }
    body.appendChild(h('table', { class: 'mini-table', testid: 'transfers-table' },
      h('thead', null, h('tr', null, [t('crm.transferAt'), t('crm.transferFrom'), '', t('crm.transferTo'), t('crm.transferBy')]
        .map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', null, items.map((x) => h('tr', { testid: 'transfer' },
        h('td', { class: 'nowrap num' }, formatDateMinute(x.at)),
        h('td', null, who(x.fromUserId, x.fromName)),
        h('td', { class: 'muted', 'aria-hidden': 'true' }, '→'),
        h('td', null, who(x.toUserId, x.toName)),
        h('td', null, x.byName || (x.byUserId != null ? `#${x.byUserId}` : '—')))))));
  }).catch((err) => {
    clear(body);
    body.appendChild(h('div', { class: 'form-alert', role: 'alert' }, icon('alert'), h('span', null, errorText(err))));
  });
}

// ---------------------------------------------------------------- form controls

/**
 * A customer search box for forms (follow-ups, appointments): type a name,
 * number or field value, pick with the mouse or ↑ ↓ Enter; Esc closes the list.
 * The value is the customer's id.
 */
export function customerPickerField({ label, customer = null, required = true, disabled = false, name = 'customerId', help } = {}) {
  return {
    name, label, required, disabled, help, type: 'custom', testid: 'customer-picker',
    requiredMessage: t('crm.pickCustomerRequired'),
    render(value, notify, { id, testid }) {
      let selected = customer ? { id: customer.id, name: customer.name, phone: customer.phone } : null;
      let results = [];
      let active = -1;
      let timer = null;
      let seq = 0;
      const listId = nextId('picker');
      const input = h('input', {
        id, class: 'input', type: 'text', role: 'combobox', autocomplete: 'off', spellcheck: 'false', disabled, testid,
        'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId, placeholder: t('crm.pickCustomerPlaceholder'),
        'aria-describedby': `${id}-err ${id}-help`,
      });
      const list = h('ul', { class: 'picker-list', role: 'listbox', id: listId, hidden: true, testid: `${testid}-list`, 'aria-label': label });
      const wrap = h('div', { class: 'picker' }, h('div', { class: 'input-wrap has-prefix' }, icon('search', 'input-prefix'), input), list);
      const paint = () => { input.value = selected ? customerLabel(selected) : ''; };
      paint();

      function close() {
        list.hidden = true;
        active = -1;
        input.setAttribute('aria-expanded', 'false');
        input.removeAttribute('aria-activedescendant');
      }
      function message(text, cls) {
        clear(list);
        list.appendChild(h('li', { class: ['picker-msg', cls], role: 'presentation' }, text));
        list.hidden = false;
        input.setAttribute('aria-expanded', 'true');
      }
      function highlight(i) {
        active = i;
        [...list.querySelectorAll('[role=option]')].forEach((li, j) => {
          li.classList.toggle('active', j === i);
          li.setAttribute('aria-selected', j === i ? 'true' : 'false');
          if (j === i) { input.setAttribute('aria-activedescendant', li.id); li.scrollIntoView({ block: 'nearest' }); }
        });
      }
      function choose(c) {
        selected = c;
        paint();
        close();
        notify();
      }
      function renderResults() {
        if (!results.length) { message(t('crm.pickCustomerNone'), 'muted'); return; }
        clear(list);
        results.forEach((c, i) => {
          const li = h('li', { id: `${listId}-${i}`, role: 'option', class: 'picker-option', 'aria-selected': 'false', testid: 'picker-option' },
            h('strong', null, c.name), c.phone ? h('span', { class: 'muted num' }, c.phone) : null,
            c.ownerId == null ? tag(t('crm.poolTag'), 'cyan') : null);
          li.addEventListener('mousedown', (e) => e.preventDefault()); // keep the focus in the input
          li.addEventListener('click', () => choose(c));
          li.addEventListener('mousemove', () => { if (active !== i) highlight(i); });
          list.appendChild(li);
        });
        list.hidden = false;
        input.setAttribute('aria-expanded', 'true');
        highlight(0);
      }
      async function search() {
        const mine = ++seq;
        const q = input.value.trim();
        message(t('common.loading'), 'muted');
        try {
          const res = await api.get('/api/v1/customers', { q: q || undefined, page: 1, pageSize: PICKER_SIZE });
          if (mine !== seq || document.activeElement !== input) return;
          results = (res && res.items) || [];
          renderResults();
        } catch (err) {
          if (mine !== seq) return;
          results = [];
          message(errorText(err), 'error');
        }
      }
      input.addEventListener('input', () => {
        if (selected) { selected = null; notify(); }
        clearTimeout(timer);
        timer = setTimeout(search, 250);
      });
      input.addEventListener('focus', () => { if (!selected) { clearTimeout(timer); timer = setTimeout(search, 0); } });
      input.addEventListener('keydown', (e) => {
        if (list.hidden) {
          if (e.key === 'ArrowDown') { e.preventDefault(); search(); }
          return;
        }
        const n = results.length;
        if (e.key === 'ArrowDown' && n) { e.preventDefault(); highlight((active + 1) % n); }
        else if (e.key === 'ArrowUp' && n) { e.preventDefault(); highlight((active - 1 + n) % n); }
        else if (e.key === 'Enter' && active >= 0 && results[active]) { e.preventDefault(); e.stopPropagation(); choose(results[active]); }
        else if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); close(); }
      });
      input.addEventListener('blur', () => { clearTimeout(timer); seq += 1; setTimeout(close, 120); });

      return {
        el: wrap,
        focusEl: input,
        get: () => (selected ? selected.id : null),
        set: (v) => { if (v == null) { selected = null; paint(); } },
      };
    },
  };
}

/** The other numbers of a customer (up to 9): one input each, add and remove. */
export function phonesField({ label, help } = {}) {
  return {
    name: 'phones', label, help, type: 'custom', testid: 'customer-phones',
    validate: (list) => {
      if (list.length > MAX_EXTRA_PHONES) return t('crm.phonesMax', { n: MAX_EXTRA_PHONES });
      for (const p of list) { const m = phoneProblem(p); if (m) return t('crm.phonesRule', { phone: p }); }
      return null;
    },
    render(value, notify, { id, testid }) {
      const rows = h('div', { class: 'phone-rows' });
      const inputs = [];
      const add = linkButton(t('crm.addPhone'), { testid: `${testid}-add`, onClick: () => { addRow('', true); notify(); } });
      const addWrap = h('div', { class: 'phone-add' }, icon('plus'), add);
      const box = h('div', { class: 'phones-box', id, role: 'group', 'aria-labelledby': `${id}-label`, testid }, rows, addWrap);
      function sync() {
        inputs.forEach((input, i) => input.setAttribute('aria-label', t('crm.extraPhoneN', { n: i + 1 })));
        add.disabled = inputs.length >= MAX_EXTRA_PHONES;
        addWrap.hidden = inputs.length >= MAX_EXTRA_PHONES;
      }
      function addRow(v, focus) {
        if (inputs.length >= MAX_EXTRA_PHONES) return;
        const input = h('input', { class: 'input', type: 'tel', maxlength: 32, spellcheck: 'false', placeholder: t('crm.phonePlaceholder'), testid: `${testid}-input` });
        input.value = v || '';
        input.addEventListener('input', notify);
        const row = h('div', { class: 'phone-row' }, input,
          h('button', {
            type: 'button', class: 'btn btn-icon', 'aria-label': t('crm.removePhone'), title: t('crm.removePhone'), testid: `${testid}-remove`,
            onclick: () => {
              const i = inputs.indexOf(input);
              inputs.splice(i, 1);
              row.remove();
              sync();
              notify();
              (inputs[Math.min(i, inputs.length - 1)] || add).focus();
            },
          }, icon('close')));
        inputs.push(input);
        rows.appendChild(row);
        sync();
        if (focus) input.focus();
      }
      (value || []).forEach((v) => addRow(v, false));
      sync();
      return {
        el: box,
        focusEl: () => inputs[0] || add,
        get: () => inputs.map((i) => i.value.trim()).filter(Boolean),
        set: (v) => { rows.replaceChildren(); inputs.length = 0; (v || []).forEach((x) => addRow(x, false)); sync(); },
      };
    },
  };
}

// ---------------------------------------------------------------- times and downloads

const pad = (n) => String(n).padStart(2, '0');

/** RFC 3339 → the value of an <input type=datetime-local> (local time). */
export function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** <input type=datetime-local> value → RFC 3339 UTC, or null. */
export function fromLocalInput(v) {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** A sensible default for a callback: the next full quarter hour, one hour from now. */
export function inAnHour() {
  const d = new Date(Date.now() + 3600 * 1000);
  d.setMinutes(Math.ceil(d.getMinutes() / 15) * 15, 0, 0);
  return toLocalInput(d.toISOString());
}

/** Starts a download; the session cookie authenticates it. */
export function download(url) {
  const a = h('a', { href: url, download: '', hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
}
