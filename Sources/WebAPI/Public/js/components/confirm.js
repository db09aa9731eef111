import { h } from '../dom.js';
import { openDialog } from './dialog.js';
import { icon } from './icons.js';
import { button } from './ui.js';
import { t } from '../i18n/index.js';

/** confirmDialog({title, message, detail, okText, danger}) → Promise<boolean> */
export function confirmDialog({ title, message, detail, okText, danger = true } = {}) {
  return new Promise((resolve) => {
    let result = false;
    const ok = button(okText || t('common.confirm'), {
      kind: danger ? 'danger' : 'primary', testid: 'confirm-ok',
      onClick: () => { result = true; dlg.close(); },
    });
    const cancel = button(t('common.cancel'), { testid: 'confirm-cancel', onClick: () => dlg.close() });
    const dlg = openDialog({
      title: title || t('common.confirmTitle'),
      width: 440,
      testid: 'confirm-dialog',
      content: h('div', { class: 'confirm-content' },
        icon(danger ? 'alert' : 'info', danger ? 'confirm-icon danger' : 'confirm-icon'),
        h('div', null,
          h('p', { class: 'confirm-message' }, message),
          detail ? h('p', { class: 'confirm-detail' }, detail) : null)),
      footer: [cancel, ok],
      initialFocus: '[data-testid="confirm-cancel"]',
      onClose: () => resolve(result),
    });
  });
}

/** A simple information dialog with one OK button. */
export function alertDialog({ title, content, testid, width = 460 }) {
  return new Promise((resolve) => {
    const dlg = openDialog({
      title, width, testid, content,
      footer: [button(t('common.ok'), { kind: 'primary', testid: 'alert-ok', onClick: () => dlg.close() })],
      onClose: resolve,
    });
  });
}
