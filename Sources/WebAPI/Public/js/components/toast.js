import { h } from '../dom.js';
import { icon } from './icons.js';
import { t } from '../i18n/index.js';

/** opts: {ms, action: {label, onClick, testid}, testid} — all optional. */
function show(message, type, ms, opts = {}) {
  const root = document.getElementById('toast-root');
  const close = () => {
    el.classList.add('leaving');
    setTimeout(() => el.remove(), 180);
  };
  const action = opts.action
    ? h('button', { type: 'button', class: 'toast-action', testid: opts.action.testid || 'toast-action', onclick: () => { close(); opts.action.onClick(); } }, opts.action.label)
    : null;
  const el = h('div', { class: `toast toast-${type}`, role: type === 'error' ? 'alert' : 'status', testid: opts.testid || `toast-${type}` },
    icon(type === 'error' ? 'alert' : type === 'success' ? 'success' : opts.icon || 'info', 'toast-icon'),
    h('span', { class: 'toast-text' }, message),
    action,
    h('button', { type: 'button', class: 'toast-close', 'aria-label': t('common.close'), onclick: close }, icon('close')));
  root.appendChild(el);
  // Keep the stack short: the oldest message gives way.
  while (root.children.length > 3) root.firstChild.remove();
  setTimeout(close, opts.ms || ms);
}

export const toast = {
  success: (m, opts) => show(m, 'success', 3000, opts),
  info: (m, opts) => show(m, 'info', 3500, opts),
  error: (m, opts) => show(m, 'error', 6000, opts),
};
