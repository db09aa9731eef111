// Forms: labels, required marks, validation on blur and submit, server field
// errors (error body `field`) shown at the field.
import { h, nextId, clear } from '../dom.js';
import { icon } from './icons.js';
import { button } from './ui.js';
import { openDialog } from './dialog.js';
import { dateInput, dateTimeInput, isDateValue, isDateTimeValue } from './date-input.js';
import { ApiError } from '../api.js';
import { errorText } from '../errors.js';
import { t } from '../i18n/index.js';

function isEmpty(v) {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

function optionList(field) {
  return typeof field.options === 'function' ? field.options() : (field.options || []);
}

function buildControl(field, id, value, notify) {
  const common = { id, name: field.name, testid: field.testid || `field-${field.name}`, disabled: field.disabled, 'aria-describedby': `${id}-err ${id}-help` };
  switch (field.type) {
    case 'textarea': {
      const el = h('textarea', { ...common, rows: field.rows || 4, placeholder: field.placeholder || '', maxlength: field.maxLength, class: 'input textarea' });
      el.value = value ?? '';
      el.addEventListener('input', notify);
      return { el, focusEl: el, get: () => el.value, set: (v) => { el.value = v ?? ''; } };
    }
    case 'select': {
      const el = h('select', { ...common, class: 'input select' });
      const fill = () => {
        clear(el);
        if (field.placeholder !== false) {
          el.appendChild(h('option', { value: '' }, field.placeholder || t('common.pleaseSelect')));
        }
        for (const o of optionList(field)) {
          el.appendChild(h('option', { value: String(o.value), disabled: o.disabled }, o.label));
        }
      };
      fill();
      el.value = value === null || value === undefined ? '' : String(value);
      el.addEventListener('change', notify);
      const conv = (v) => (v === '' ? null : field.valueType === 'number' ? Number(v) : v);
      return { el, focusEl: el, get: () => conv(el.value), set: (v) => { el.value = v == null ? '' : String(v); }, refresh: fill };
    }
    case 'checkbox': {
      const input = h('input', { ...common, type: 'checkbox', checked: !!value, class: 'checkbox' });
      input.addEventListener('change', notify);
      const el = h('label', { class: 'check-label', for: id }, input, h('span', null, field.checkLabel || field.label));
      return { el, focusEl: input, get: () => input.checked, set: (v) => { input.checked = !!v; } };
    }
    case 'checkboxes': {
      const box = h('div', { class: 'check-list', role: 'group', 'aria-labelledby': `${id}-label`, testid: common.testid, id });
      const selected = new Set((value || []).map(String));
      const inputs = [];
      const fill = () => {
        clear(box);
        inputs.length = 0;
        const opts = optionList(field);
        if (!opts.length) box.appendChild(h('p', { class: 'muted small' }, field.emptyText || t('common.noOptions')));
        for (const o of opts) {
          const input = h('input', { type: 'checkbox', class: 'checkbox', value: String(o.value), checked: selected.has(String(o.value)), disabled: o.disabled || field.disabled });
          input.addEventListener('change', () => {
            if (input.checked) selected.add(input.value); else selected.delete(input.value);
            notify();
          });
          inputs.push(input);
          box.appendChild(h('label', { class: 'check-label' }, input, h('span', null, o.label)));
        }
      };
      fill();
      const conv = (v) => (field.valueType === 'number' ? Number(v) : v);
      return {
        el: box, focusEl: () => inputs.find((i) => !i.disabled) || box,
        get: () => [...selected].map(conv),
        set: (v) => { selected.clear(); (v || []).forEach((x) => selected.add(String(x))); fill(); },
        refresh: fill,
      };
    }
    case 'switch': {
      const input = h('input', { ...common, type: 'checkbox', role: 'switch', checked: !!value, class: 'switch-input' });
      const state = h('span', { class: 'switch-state', 'aria-hidden': 'true' });
      const paint = () => { state.textContent = input.checked ? (field.onText || '') : (field.offText || ''); };
      paint();
      input.addEventListener('change', () => { paint(); notify(); });
      const el = h('label', { class: 'switch-label', for: id },
        input, h('span', { class: 'switch-track', 'aria-hidden': 'true' }, h('span', { class: 'switch-thumb' })),
        field.checkLabel ? h('span', { class: 'switch-text' }, field.checkLabel) : state);
      return { el, focusEl: input, get: () => input.checked, set: (v) => { input.checked = !!v; paint(); } };
    }
    case 'color': {
      const picker = h('input', { type: 'color', class: 'color-input', id, testid: common.testid, 'aria-label': field.label, disabled: field.disabled });
      const text = h('input', { type: 'text', class: 'input color-text', maxlength: 7, spellcheck: 'false', 'aria-label': `${field.label} (#rrggbb)`, testid: `${common.testid}-text`, 'aria-describedby': common['aria-describedby'] });
      const swatches = h('div', { class: 'swatches' }, (field.presets || []).map((c) => h('button', {
        type: 'button', class: 'swatch', style: { background: c }, title: c, 'aria-label': c,
        onclick: () => { set(c); notify(); },
      })));
      const set = (v) => {
        const c = /^#[0-9a-fA-F]{6}$/.test(v || '') ? v.toLowerCase() : '#1668dc';
        picker.value = c; text.value = c;
      };
      set(value);
      picker.addEventListener('input', () => { text.value = picker.value; notify(); });
      text.addEventListener('input', () => {
        if (/^#[0-9a-fA-F]{6}$/.test(text.value)) picker.value = text.value.toLowerCase();
        notify();
      });
      const el = h('div', { class: 'color-field' }, picker, text, swatches);
      return { el, focusEl: text, get: () => text.value.trim().toLowerCase(), set };
    }
    case 'date': {
      const c = dateInput({ id, value: value ?? '', testid: common.testid, disabled: field.disabled, label: field.label, describedBy: common['aria-describedby'], onInput: notify });
      return { el: c.el, focusEl: c.input, get: c.get, set: (v) => c.set(v ?? '') };
    }
    case 'datetime-local':
    case 'datetime': {
      const c = dateTimeInput({ id, value: value ?? '', testid: common.testid, disabled: field.disabled, label: field.label, describedBy: common['aria-describedby'], onInput: notify });
      return { el: c.el, focusEl: c.input, get: c.get, set: (v) => c.set(v ?? '') };
    }
    case 'custom': {
      const c = field.render(value, notify, { id, testid: common.testid });
      return { el: c.el, focusEl: c.focusEl || c.el, get: c.get, set: c.set || (() => {}), refresh: c.refresh };
    }
    default: {
      const type = field.type || 'text';
      const input = h('input', {
        ...common, type, class: 'input', placeholder: field.placeholder || '', maxlength: field.maxLength,
        autocomplete: field.autocomplete || (type === 'password' ? 'new-password' : 'off'), min: field.min, max: field.max, step: field.step,
        readOnly: field.readOnly, spellcheck: type === 'text' ? 'false' : undefined,
      });
      input.value = value ?? '';
      input.addEventListener('input', notify);
      let el = input;
      if (type === 'password') {
        const toggle = h('button', { type: 'button', class: 'input-suffix-btn', 'aria-label': t('common.showPassword'), tabindex: '-1' }, icon('eye'));
        toggle.addEventListener('click', () => {
          const show = input.type === 'password';
          input.type = show ? 'text' : 'password';
          toggle.replaceChildren(icon(show ? 'eyeOff' : 'eye'));
          toggle.setAttribute('aria-label', t(show ? 'common.hidePassword' : 'common.showPassword'));
        });
        el = h('div', { class: 'input-wrap' }, input, toggle);
      } else if (field.prefixIcon) {
        el = h('div', { class: 'input-wrap has-prefix' }, icon(field.prefixIcon, 'input-prefix'), input);
      }
      const get = () => {
        const v = input.value;
        if (type === 'number') return v.trim() === '' ? null : Number(v);
        return field.trim === false ? v : v.trim();
      };
      return { el, focusEl: input, get, set: (v) => { input.value = v ?? ''; } };
    }
  }
}

/**
 * createForm({fields, values, onSubmit, onChange, testid, footer, errorMessage})
 * field: {name, label, type, required, placeholder, help, options, valueType,
 *         pattern, patternMessage, minLength, validate(v, all), visibleWhen(all), span:'half', disabled}
 * type 'section' is a heading between fields ({type:'section', label, help}); 'switch' an on/off toggle;
 * 'date' ("YYYY-MM-DD") and 'datetime' / 'datetime-local' ("YYYY-MM-DDTHH:MM") are our own inputs
 * that read the same in every language (see date-input.js).
 * errorMessage(err) may word a server error for this form (null = the usual text).
 */
export function createForm({ fields, values = {}, onSubmit, onChange, testid, footer, id, errorMessage } = {}) {
  const formId = id || nextId('form');
  const alertBox = h('div', { class: 'form-alert', role: 'alert', hidden: true, testid: 'form-error' });
  const items = new Map();
  let submitting = false;
  const submitButtons = [];

  const api = {
    id: formId,
    values() {
      const out = {};
      for (const [name, it] of items) if (!it.hidden) out[name] = it.control.get();
      return out;
    },
    allValues() {
      const out = {};
      for (const [name, it] of items) out[name] = it.control.get();
      return out;
    },
    setError(name, msg) {
      const it = items.get(name);
      if (!it) return false;
      it.error.textContent = msg || '';
      it.wrap.classList.toggle('has-error', !!msg);
      const f = typeof it.control.focusEl === 'function' ? it.control.focusEl() : it.control.focusEl;
      if (f && f.setAttribute) f.setAttribute('aria-invalid', msg ? 'true' : 'false');
      return true;
    },
    setFormError(msg) {
      alertBox.hidden = !msg;
      alertBox.replaceChildren(msg ? icon('alert') : '', msg ? h('span', null, msg) : '');
    },
    focus(name) {
      const it = items.get(name);
      if (!it) return;
      const f = typeof it.control.focusEl === 'function' ? it.control.focusEl() : it.control.focusEl;
      if (f && f.focus) f.focus();
    },
    validateField(name) {
      const it = items.get(name);
      if (!it || it.hidden) return true;
      const msg = validateOne(it.field, it.control.get(), api.allValues());
      api.setError(name, msg);
      return !msg;
    },
    validate() {
      let firstBad = null;
      for (const name of items.keys()) {
        if (!api.validateField(name) && !firstBad) firstBad = name;
      }
      if (firstBad) api.focus(firstBad);
      return !firstBad;
    },
    set(name, v) { const it = items.get(name); if (it) it.control.set(v); },
    refresh(name) { const it = items.get(name); if (it && it.control.refresh) it.control.refresh(); },
    registerSubmit(btn) { submitButtons.push(btn); },
    /** Applies an ApiError: at its field when the form has it, else on top. */
    showError(err) {
      const msg = (errorMessage && errorMessage(err)) || errorText(err);
      if (err instanceof ApiError && err.field && items.has(err.field) && !items.get(err.field).hidden) {
        api.setError(err.field, msg);
        api.focus(err.field);
        api.setFormError('');
      } else {
        api.setFormError(msg);
      }
    },
    async submit() {
      if (submitting) return;
      api.setFormError('');
      if (!api.validate()) return;
      submitting = true;
      submitButtons.forEach((b) => { b.disabled = true; b.classList.add('loading'); });
      try {
        await onSubmit(api.values(), api);
      } catch (err) {
        api.showError(err);
      } finally {
        submitting = false;
        submitButtons.forEach((b) => { b.disabled = false; b.classList.remove('loading'); });
      }
    },
  };

  function updateVisibility() {
    const all = api.allValues();
    for (const it of items.values()) {
      if (!it.field.visibleWhen) continue;
      const vis = !!it.field.visibleWhen(all);
      it.hidden = !vis;
      it.wrap.hidden = !vis;
    }
  }

  const grid = h('div', { class: 'form-grid' });
  for (const field of fields) {
    if (field.type === 'section') {
      grid.appendChild(h('div', { class: 'form-section', testid: field.testid },
        h('h3', { class: 'form-section-title' }, field.label),
        field.help ? h('p', { class: 'form-section-help' }, field.help) : null));
      continue;
    }
    const fid = nextId(`f-${field.name}`);
    const error = h('div', { class: 'form-error', id: `${fid}-err`, 'aria-live': 'polite' });
    const it = { field, error, hidden: false, dirty: false };
    const notify = () => {
      it.dirty = true;
      if (it.wrap.classList.contains('has-error')) api.validateField(field.name);
      updateVisibility();
      if (onChange) onChange(field.name, api.allValues(), api);
    };
    it.control = buildControl(field, fid, values[field.name] ?? field.default, notify);
    const showLabel = field.type !== 'checkbox';
    it.wrap = h('div', { class: ['form-item', field.span === 'half' && 'half', field.span === 'third' && 'third', field.type === 'checkbox' && 'is-checkbox'], dataset: { field: field.name } },
      showLabel ? h('label', { class: 'form-label', for: fid, id: `${fid}-label` },
        field.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, '*') : null,
        field.label,
        field.required ? h('span', { class: 'sr-only' }, ` (${t('common.required')})`) : null) : null,
      field.type === 'checkbox' && field.caption !== undefined
        ? h('div', { class: 'form-label', 'aria-hidden': field.caption ? undefined : 'true' }, field.caption || '\u00A0') : null,
      it.control.el,
      field.help ? h('div', { class: 'form-help', id: `${fid}-help` }, field.help) : null,
      error);
    it.wrap.addEventListener('focusout', (e) => {
      if (it.wrap.contains(e.relatedTarget)) return;
      if (it.dirty || it.wrap.classList.contains('has-error')) api.validateField(field.name);
    });
    items.set(field.name, it);
    grid.appendChild(it.wrap);
  }
  updateVisibility();

  const form = h('form', { id: formId, class: 'form', novalidate: true, testid, autocomplete: 'off' }, alertBox, grid, footer || null);
  form.addEventListener('submit', (e) => { e.preventDefault(); api.submit(); });
  api.el = form;
  return api;
}

function validateOne(field, value, all) {
  if (field.required && isEmpty(value)) {
    return field.requiredMessage || t('validation.required', { label: field.label });
  }
  if (isEmpty(value)) return field.validateEmpty ? field.validate(value, all) : null;
  if (field.type === 'number' && Number.isNaN(value)) return t('validation.number');
  if (field.type === 'date' && !isDateValue(value)) return t('date.invalid');
  if ((field.type === 'datetime' || field.type === 'datetime-local') && !isDateTimeValue(value)) return t('date.invalidDateTime');
  if (field.minLength && String(value).length < field.minLength) return t('validation.minLength', { n: field.minLength });
  if (field.maxLength && String(value).length > field.maxLength) return t('validation.maxLength', { n: field.maxLength });
  if (field.pattern && !field.pattern.test(String(value))) return field.patternMessage || t('validation.format');
  if (field.validate) return field.validate(value, all) || null;
  return null;
}

/**
 * formDialog({title, fields, values, submitText, width, variant, testid, intro, onSubmit, onChange})
 * onSubmit(values) may throw ApiError; it is shown at the field or on top.
 * Resolves with onSubmit's result, or undefined when cancelled.
 */
export function formDialog({ title, fields, values, submitText, width = 520, variant = 'modal', testid, intro, onSubmit, onChange, errorMessage }) {
  return new Promise((resolve) => {
    let result;
    let done = false;
    const form = createForm({
      fields, values, onChange, errorMessage,
      async onSubmit(v, f) {
        result = await onSubmit(v, f);
        done = true;
        dlg.close();
      },
    });
    const submit = button(submitText || t('common.save'), { kind: 'primary', type: 'submit', testid: 'form-submit' });
    submit.setAttribute('form', form.id);
    form.registerSubmit(submit);
    const cancel = button(t('common.cancel'), { testid: 'form-cancel', onClick: () => dlg.close() });
    // Hidden submit inside the form so Enter submits even though the footer is outside it.
    form.el.appendChild(h('button', { type: 'submit', hidden: true, tabindex: '-1', 'aria-hidden': 'true' }));
    const dlg = openDialog({
      title, width, variant, testid,
      content: [intro || null, form.el],
      footer: [cancel, submit],
      onClose: () => resolve(done ? result : undefined),
    });
    form.dialog = dlg;
  });
}
