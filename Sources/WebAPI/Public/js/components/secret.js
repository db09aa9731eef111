// One-time display of a secret (temporary password, SIP password) with a copy button.
import { h } from '../dom.js';
import { alertDialog } from './confirm.js';
import { button } from './ui.js';
import { icon } from './icons.js';
import { toast } from './toast.js';
import { t } from '../i18n/index.js';

async function copyText(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    input.select();
    try { return document.execCommand('copy'); } catch { return false; }
  }
}

/**
 * showSecret({title, intro, secret, label, note, testid}) — a secret shown once:
 * read-only field, copy button and a warning that it will not be shown again.
 */
export function showSecret({ title, intro, secret, label, note, testid = 'temp-password-dialog' }) {
  const input = h('input', { class: 'input secret-input', readOnly: true, value: secret, testid: 'temp-password', 'aria-label': label, spellcheck: 'false' });
  const copy = button(t('common.copy'), { iconName: 'copy', testid: 'copy-password', onClick: async () => {
    if (await copyText(secret, input)) toast.success(t('common.copied'));
    else toast.error(t('common.copyFailed'));
  } });
  return alertDialog({
    title,
    testid,
    width: 480,
    content: h('div', { class: 'secret' },
      intro ? h('p', null, intro) : null,
      h('div', { class: 'secret-row' }, input, copy),
      h('p', { class: 'secret-note' }, icon('alert'), h('span', null, note))),
  });
}

export function showTemporaryPassword({ title, username, password }) {
  return showSecret({
    title,
    intro: t('users.tempPasswordFor', { username }),
    secret: password,
    label: t('users.tempPassword'),
    note: t('users.tempPasswordNote'),
  });
}
