// Modal dialogs and side drawers: focus trap, Esc closes, focus is restored.
import { h, nextId } from '../dom.js';
import { icon } from './icons.js';
import { t } from '../i18n/index.js';

const stack = [];

document.addEventListener('keydown', (e) => {
  const top = stack[stack.length - 1];
  if (!top) return;
  if (e.key === 'Escape') {
    e.preventDefault();
    top.close();
  } else if (e.key === 'Tab') {
    const nodes = focusables(top.panel);
    if (!nodes.length) return;
    const first = nodes[0];
    const last = nodes[nodes.length - 1];
    if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
    else if (!top.panel.contains(document.activeElement)) { e.preventDefault(); first.focus(); }
  }
});

function focusables(root) {
  return [...root.querySelectorAll('a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])')]
    .filter((el) => el.offsetParent !== null || el === document.activeElement);
}

/**
 * openDialog({title, content, footer, width, variant: 'modal'|'drawer', testid, onClose})
 * → {close, panel, body}
 */
export function openDialog({ title, content, footer, width, variant = 'modal', testid, onClose, initialFocus } = {}) {
  const titleId = nextId('dlg-title');
  const previous = document.activeElement;
  let closed = false;
  const body = h('div', { class: 'dialog-body' }, content);
  const panel = h('div', {
    class: `dialog-panel ${variant}`, role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId, testid,
    style: width ? { width: typeof width === 'number' ? `${width}px` : width } : undefined,
  },
  h('header', { class: 'dialog-header' },
    h('h2', { id: titleId, class: 'dialog-title' }, title),
    h('button', { type: 'button', class: 'dialog-x', 'aria-label': t('common.close'), onclick: () => api.close(), testid: 'dialog-close' }, icon('close'))),
  body,
  footer ? h('footer', { class: 'dialog-footer' }, footer) : null);
  const mask = h('div', { class: `dialog-mask ${variant}` });
  mask.addEventListener('mousedown', (e) => { if (e.target === mask) api.close(); });
  mask.appendChild(panel);
  document.getElementById('overlay-root').appendChild(mask);
  document.body.classList.add('has-dialog');
  requestAnimationFrame(() => mask.classList.add('open'));

  const api = {
    panel, body, mask,
    close() {
      if (closed) return;
      closed = true;
      const i = stack.indexOf(api);
      if (i >= 0) stack.splice(i, 1);
      mask.classList.remove('open');
      setTimeout(() => mask.remove(), 160);
      if (!stack.length) document.body.classList.remove('has-dialog');
      if (previous && typeof previous.focus === 'function' && document.contains(previous)) previous.focus();
      if (onClose) onClose();
    },
    get closed() { return closed; },
  };
  stack.push(api);
  setTimeout(() => {
    // Someone (or a test) already went into the dialog: do not pull the focus away mid-typing.
    if (panel.contains(document.activeElement) && document.activeElement !== panel) return;
    const target = initialFocus ? panel.querySelector(initialFocus) : null;
    const first = target || panel.querySelector('input:not([disabled]):not([type=hidden]):not([readonly]), select:not([disabled]), textarea:not([disabled])') || focusables(panel).find((el) => !el.classList.contains('dialog-x')) || panel;
    if (first === panel) panel.setAttribute('tabindex', '-1');
    first.focus();
  }, 30);
  return api;
}

/** Closes every open dialog (used on logout / route change). */
export function closeAllDialogs() {
  for (const d of [...stack].reverse()) d.close();
}
