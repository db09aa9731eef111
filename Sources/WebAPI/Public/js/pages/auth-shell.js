// Shared frame of the login and forced-password pages.
import { h } from '../dom.js';
import { brand } from '../components/layout.js';
import { langSwitch } from '../components/lang.js';
import { session } from '../state.js';
import { t } from '../i18n/index.js';

export function authShell({ title, subtitle, body, testid }) {
  const logo = brand('auth-brand');
  const el = h('div', { class: 'auth-page', testid },
    h('div', { class: 'auth-top' }, langSwitch('on-light')),
    h('div', { class: 'auth-center' },
      h('div', { class: 'auth-card' },
        h('div', { class: 'auth-head' }, logo,
          h('h1', { class: 'auth-title' }, title),
          subtitle ? h('p', { class: 'auth-subtitle' }, subtitle) : null),
        body)),
    h('footer', { class: 'auth-footer' },
      h('span', null, t('app.footer')),
      session.version ? h('span', null, ` · ${t('app.version', { v: session.version })}`) : null));
  el.dispose = () => logo.dispose && logo.dispose();
  return el;
}
