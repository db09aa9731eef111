import { h } from '../dom.js';
import { icon } from './icons.js';
import { t } from '../i18n/index.js';

function show(message, type, ms) {
  const root = document.getElementById('toast-root');
  const close = () => {
    el.classList.add('leaving');
    setTimeout(() => el.remove(), 180);
  };
  const el = h('div', { class: `toast toast-${type}`, role: type === 'error' ? 'alert' : 'status', testid: `toast-${type}` },
    icon(type === 'error' ? 'alert' : type === 'success' ? 'success' : 'info', 'toast-icon'),
    h('span', { class: 'toast-text' }, message),
    h('button', { type: 'button', class: 'toast-close', 'aria-label': t('common.close'), onclick: close }, icon('close')));
  root.appendChild(el);
  // Keep the stack short: the oldest message gives way.
  while (root.children.length > 3) root.firstChild.remove();
  setTimeout(close, ms);
}

export const toast = {
  success: (m) => show(m, 'success', 3000),
  info: (m) => show(m, 'info', 3500),
  error: (m) => show(m, 'error', 6000),
};
