// The password change form used by 密码修改 and the forced change after a
// temporary password.
import { h } from '../dom.js';
import { api } from '../api.js';
import { createForm } from '../components/form.js';
import { button } from '../components/ui.js';
import { session } from '../state.js';
import { t } from '../i18n/index.js';

function strength(pw) {
  if (!pw) return 0;
  let classes = 0;
  if (/[a-z]/.test(pw)) classes += 1;
  if (/[A-Z]/.test(pw)) classes += 1;
  if (/\d/.test(pw)) classes += 1;
  if (/[^A-Za-z0-9]/.test(pw)) classes += 1;
  if (pw.length < 8) return 1;
  if (pw.length >= 12 && classes >= 3) return 3;
  return classes >= 2 ? 2 : 1;
}

export function passwordForm({ forced = false, onDone }) {
  const username = (session.user && session.user.username) || '';
  const meter = h('div', { class: 'pw-meter', 'aria-live': 'polite', testid: 'pw-strength' });
  const paintMeter = (pw) => {
    const s = strength(pw);
    meter.className = `pw-meter s${s}`;
    meter.replaceChildren(h('span', { class: 'pw-bars', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')),
      h('span', { class: 'pw-label' }, pw ? t(`password.strength${s}`) : t('password.rules')));
  };
  paintMeter('');
  const submit = button(forced ? t('forced.submit') : t('password.submit'), { kind: 'primary', type: 'submit', testid: 'pw-submit', size: forced ? 'lg' : undefined });
  if (forced) submit.classList.add('btn-block');
  const form = createForm({
    testid: 'password-form',
    fields: [
      { name: 'currentPassword', type: 'password', label: forced ? t('forced.current') : t('password.current'), required: true, testid: 'pw-current', autocomplete: 'current-password', trim: false },
      {
        name: 'newPassword', type: 'password', label: t('password.new'), required: true, testid: 'pw-new', trim: false, minLength: 8,
        validate: (v, all) => {
          if (username && v === username) return t('password.notUsername');
          if (v === all.currentPassword) return t('password.notSame');
          return null;
        },
      },
      {
        name: 'confirm', type: 'password', label: t('password.confirm'), required: true, testid: 'pw-confirm', trim: false,
        validate: (v, all) => (v !== all.newPassword ? t('password.mismatch') : null),
      },
    ],
    onChange(name, all) { if (name === 'newPassword') paintMeter(all.newPassword); },
    footer: h('div', { class: forced ? 'auth-actions' : 'form-actions' }, submit),
    async onSubmit(v, f) {
      await api.put('/api/v1/me/password', { currentPassword: v.currentPassword, newPassword: v.newPassword });
      f.set('currentPassword', ''); f.set('newPassword', ''); f.set('confirm', '');
      paintMeter('');
      await onDone();
    },
  });
  form.registerSubmit(submit);
  // The strength meter sits right under the new password input.
  const newItem = form.el.querySelector('[data-field="newPassword"] .form-error');
  newItem.before(meter);
  return form;
}
