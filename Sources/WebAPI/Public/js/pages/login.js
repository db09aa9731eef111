// 用户登陆 — login.
import { h } from '../dom.js';
import { api, setToken, ApiError } from '../api.js';
import { createForm } from '../components/form.js';
import { button } from '../components/ui.js';
import { errorText, formatWait } from '../errors.js';
import { session } from '../state.js';
import { t } from '../i18n/index.js';
import { authShell } from './auth-shell.js';

export function render(root, { onLoggedIn }) {
  let timer = null;
  let waitUntil = 0;
  const submit = button(t('login.submit'), { kind: 'primary', type: 'submit', testid: 'login-submit', size: 'lg' });
  submit.classList.add('btn-block');

  const form = createForm({
    testid: 'login-form',
    fields: [
      { name: 'username', label: t('login.username'), required: true, prefixIcon: 'user', autocomplete: 'username', testid: 'login-username', placeholder: t('login.usernamePlaceholder') },
      { name: 'password', label: t('login.password'), type: 'password', required: true, autocomplete: 'current-password', testid: 'login-password', placeholder: t('login.passwordPlaceholder'), trim: false },
    ],
    footer: h('div', { class: 'auth-actions' }, submit),
    async onSubmit(values, f) {
      if (Date.now() < waitUntil) return;
      try {
        const res = await api.post('/api/v1/auth/login', { username: values.username, password: values.password }, { quiet: true });
        setToken(res && res.token);
        session.user = res && res.user ? res.user : null;
        await onLoggedIn();
      } catch (err) {
        if (err instanceof ApiError && err.code === 'too_many_attempts') {
          startCountdown(err);
        } else {
          f.setFormError(errorText(err));
          if (err instanceof ApiError && err.code === 'invalid_credentials') {
            f.set('password', '');
            f.focus('password');
          }
        }
      }
    },
  });
  form.registerSubmit(submit);
  form.el.querySelector('[data-testid="form-error"]').setAttribute('data-testid', 'login-error');

  function startCountdown(err) {
    const m = /(\d+)/.exec(err.message || '');
    const secs = err.retryAfter ?? (m ? Number(m[1]) : 60);
    waitUntil = Date.now() + secs * 1000;
    clearInterval(timer);
    const tick = () => {
      const left = Math.max(0, Math.ceil((waitUntil - Date.now()) / 1000));
      if (left > 0) {
        form.setFormError(t('errors.too_many_attempts', { wait: formatWait(left) }));
        setTimeout(() => { submit.disabled = true; }, 0);
      } else {
        clearInterval(timer);
        submit.disabled = false;
        form.setFormError(t('login.retryNow'));
      }
    };
    tick();
    timer = setInterval(tick, 1000);
  }

  const shell = authShell({
    testid: 'login-page',
    title: t('login.title'),
    subtitle: t('login.subtitle'),
    body: form.el,
  });
  root.appendChild(shell);
  setTimeout(() => form.focus('username'), 0);
  return () => { clearInterval(timer); shell.dispose(); };
}
