// Small building blocks shared by every page.
import { h } from '../dom.js';
import { icon } from './icons.js';

export function button(label, { kind = 'default', iconName, onClick, testid, type = 'button', disabled, title, size, ariaLabel } = {}) {
  return h('button', {
    type, class: ['btn', `btn-${kind}`, size && `btn-${size}`], onclick: onClick, testid, disabled, title,
    'aria-label': ariaLabel,
  }, iconName ? icon(iconName) : null, label ? h('span', null, label) : null);
}

export function linkButton(label, { onClick, danger, testid, disabled, title } = {}) {
  return h('button', { type: 'button', class: ['link-btn', danger && 'danger'], onclick: onClick, testid, disabled, title }, label);
}

export function tag(text, color = 'default', extra = {}) {
  return h('span', { class: `tag tag-${color}`, ...extra }, text);
}

export function card({ title, extra, body, testid, className } = {}) {
  return h('section', { class: ['card', className], testid },
    title || extra ? h('header', { class: 'card-header' },
      h('h2', { class: 'card-title' }, title || ''),
      extra ? h('div', { class: 'card-extra' }, extra) : null) : null,
    h('div', { class: 'card-body' }, body));
}

export function pageHeader(title, description, extra) {
  return h('div', { class: 'page-header' },
    h('div', null,
      h('h1', { class: 'page-title' }, title),
      description ? h('p', { class: 'page-desc' }, description) : null),
    extra ? h('div', { class: 'page-header-extra' }, extra) : null);
}

export function emptyState(text, action, iconName = 'inbox') {
  return h('div', { class: 'empty', testid: 'empty-state' },
    icon(iconName, 'empty-icon'),
    h('p', { class: 'empty-text' }, text),
    action || null);
}

export function spinner() {
  return h('span', { class: 'spinner', 'aria-hidden': 'true' });
}

export function boolMark(value, yes, no) {
  return value
    ? h('span', { class: 'bool-yes', title: yes }, icon('check'), h('span', { class: 'sr-only' }, yes))
    : h('span', { class: 'bool-no', title: no }, '—', h('span', { class: 'sr-only' }, no));
}
