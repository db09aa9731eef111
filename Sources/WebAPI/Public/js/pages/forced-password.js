// First login with a temporary password: only this page is reachable.
import { h } from '../dom.js';
import { linkButton } from '../components/ui.js';
import { toast } from '../components/toast.js';
import { session } from '../state.js';
import { t } from '../i18n/index.js';
import { authShell } from './auth-shell.js';
import { passwordForm } from './password-form.js';

export function render(root, { onDone, onLogout }) {
  const form = passwordForm({
    forced: true,
    async onDone() {
      toast.success(t('password.changed'));
      await onDone();
    },
  });
  const name = session.user && (session.user.name || session.user.username);
  const shell = authShell({
    testid: 'forced-password-page',
    title: t('forced.title'),
    subtitle: name ? t('forced.subtitleNamed', { name }) : t('forced.subtitle'),
    body: [form.el, h('div', { class: 'auth-alt' }, linkButton(t('user.logout'), { onClick: onLogout, testid: 'forced-logout' }))],
  });
  root.appendChild(shell);
  setTimeout(() => form.focus('currentPassword'), 0);
  return () => shell.dispose();
}
