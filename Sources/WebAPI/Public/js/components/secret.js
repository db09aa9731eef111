// One-time display of a temporary password with a copy button.
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

export function showTemporaryPassword({ title, username, password }) {
  const input = h('input', { class: 'input secret-input', readOnly: true, value: password, testid: 'temp-password', 'aria-label': t('users.tempPassword'), spellcheck: 'false' });
  const copy = button(t('common.copy'), { iconName: 'copy', testid: 'copy-password', onClick: async () => {
    if (await copyText(password, input)) toast.success(t('common.copied'));
    else toast.error(t('common.copyFailed'));
  } });
  return alertDialog({
    title,
    testid: 'temp-password-dialog',
    width: 480,
    content: h('div', { class: 'secret' },
      h('p', null, t('users.tempPasswordFor', { username })),
      h('div', { class: 'secret-row' }, input, copy),
      h('p', { class: 'secret-note' }, icon('alert'), h('span', null, t('users.tempPasswordNote')))),
  });
}
