// The signed-in frame: top bar, dark side navigation, content, footer.
import { h, clear } from '../dom.js';
import { icon } from './icons.js';
import { langSwitch } from './lang.js';
import { visibleNav } from '../nav.js';
import { session, onLogoChange, can } from '../state.js';
import { onReminders } from '../reminders.js';
import { t } from '../i18n/index.js';
import { navigate } from '../router.js';

export function brand(className = 'brand') {
  const el = h('a', { class: className, href: '#/', testid: 'brand', 'aria-label': t('app.home') });
  const paint = (url) => {
    clear(el);
    if (url) {
      el.appendChild(h('img', { src: url, alt: 'Hotline', class: 'brand-logo', testid: 'brand-logo' }));
    } else {
      el.append(h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, icon('phone')),
        h('span', { class: 'brand-name', testid: 'brand-name' }, 'Hotline'));
    }
  };
  paint(session.logoUrl);
  const off = onLogoChange(paint);
  el.dispose = off;
  return el;
}

function userMenu({ onLogout }) {
  const u = session.user;
  const display = u.name || u.username;
  const menuId = 'user-menu-list';
  const trigger = h('button', {
    type: 'button', class: 'user-trigger', testid: 'user-menu', 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'aria-controls': menuId,
  }, h('span', { class: 'avatar', 'aria-hidden': 'true' }, (display || '?').slice(0, 1).toUpperCase()),
  h('span', { class: 'user-name', testid: 'current-user' }, display),
  icon('chevronDown', 'caret'));
  const item = (label, iconName, testid, fn) => h('button', {
    type: 'button', role: 'menuitem', class: 'menu-item', testid, tabindex: '-1',
    onclick: () => { close(); fn(); },
  }, icon(iconName), h('span', null, label));
  const items = [
    item(t('user.changePassword'), 'key', 'menu-change-password', () => navigate('/settings/password')),
    item(t('user.logout'), 'logout', 'menu-logout', onLogout),
  ];
  const menu = h('div', { class: 'dropdown', id: menuId, role: 'menu', hidden: true, 'aria-label': t('user.menu') },
    h('div', { class: 'dropdown-head' }, h('strong', null, display), h('span', { class: 'muted' }, `@${u.username}`)),
    items);
  const wrap = h('div', { class: 'user-menu' }, trigger, menu);
  function open() {
    menu.hidden = false;
    trigger.setAttribute('aria-expanded', 'true');
    items[0].focus();
    setTimeout(() => document.addEventListener('mousedown', outside), 0);
  }
  function close() {
    menu.hidden = true;
    trigger.setAttribute('aria-expanded', 'false');
    document.removeEventListener('mousedown', outside);
  }
  function outside(e) { if (!wrap.contains(e.target)) close(); }
  trigger.addEventListener('click', () => (menu.hidden ? open() : close()));
  trigger.addEventListener('keydown', (e) => { if (e.key === 'ArrowDown') { e.preventDefault(); open(); } });
  menu.addEventListener('keydown', (e) => {
    const i = items.indexOf(document.activeElement);
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); close(); trigger.focus(); }
    else if (e.key === 'ArrowDown') { e.preventDefault(); items[(i + 1) % items.length].focus(); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); items[(i - 1 + items.length) % items.length].focus(); }
    else if (e.key === 'Tab') close();
  });
  return wrap;
}

/** Top-bar bell: due appointments (预约提醒), a link to the list. */
function reminderBell() {
  const count = h('span', { class: 'bell-count', testid: 'reminder-count', hidden: true });
  const el = h('a', { class: 'reminder-bell', href: '#/crm/appointments?due=true', testid: 'reminder-bell' }, icon('bell'), count);
  el.dispose = onReminders((items) => {
    const n = items.length;
    count.hidden = n === 0;
    count.textContent = n > 99 ? '99+' : String(n);
    el.classList.toggle('has-due', n > 0);
    const label = n ? t('reminders.bellDue', { n }) : t('reminders.bellNone');
    el.setAttribute('aria-label', label);
    el.title = label;
  });
  return el;
}

/** Builds the frame; returns {root, content, setActive(found)}. */
export function createLayout({ onLogout }) {
  const links = new Map();
  const groupsEl = visibleNav().map((g) => h('div', { class: 'nav-group', testid: `nav-group-${g.id}` },
    h('div', { class: 'nav-group-title', id: `nav-group-${g.id}` }, icon(g.icon), h('span', null, t(`nav.group.${g.id}`))),
    h('ul', { class: 'nav-list', 'aria-labelledby': `nav-group-${g.id}` }, g.items.map((i) => {
      const a = h('a', { class: 'nav-item', href: `#${i.path}`, testid: `nav-${i.id}` }, icon(i.icon), h('span', null, t(`nav.${i.id}`)));
      links.set(i.path, a);
      return h('li', null, a);
    }))));
  const home = h('a', { class: 'nav-item nav-home', href: '#/', testid: 'nav-home' }, icon('home'), h('span', null, t('nav.home')));
  links.set('/', home);

  const crumbs = h('nav', { class: 'breadcrumb', 'aria-label': t('app.breadcrumb'), testid: 'breadcrumb' });
  const content = h('main', { class: 'content', id: 'content', tabindex: '-1', testid: 'content' });
  const version = h('span', { testid: 'version' }, session.version ? t('app.version', { v: session.version }) : '');
  const logoEl = brand();
  const bell = can('crm.appointments.view') ? reminderBell() : null;

  const root = h('div', { class: 'layout', testid: 'layout' },
    h('a', { class: 'skip-link', href: '#content', onclick: (e) => { e.preventDefault(); content.focus(); } }, t('app.skipToContent')),
    h('header', { class: 'topbar', testid: 'topbar' },
      h('div', { class: 'topbar-brand' }, logoEl),
      crumbs,
      h('div', { class: 'topbar-right' }, bell, langSwitch('on-light'), userMenu({ onLogout }))),
    h('div', { class: 'layout-body' },
      h('aside', { class: 'sider', 'aria-label': t('app.navigation') },
        h('nav', { class: 'nav', testid: 'nav' }, h('ul', { class: 'nav-list' }, h('li', null, home)), groupsEl)),
      h('div', { class: 'main-col', testid: 'main-col' },
        content,
        h('footer', { class: 'footer', testid: 'footer' },
          h('span', null, t('app.footer')), h('span', { class: 'footer-sep', 'aria-hidden': 'true' }, '·'), version))));

  function setActive(found) {
    for (const [path, a] of links) {
      const on = found ? found.item.path === path : path === '/';
      a.classList.toggle('active', on);
      if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    }
    clear(crumbs);
    if (found) {
      crumbs.append(h('span', { class: 'crumb' }, t(`nav.group.${found.group.id}`)),
        h('span', { class: 'crumb-sep', 'aria-hidden': 'true' }, '/'),
        h('span', { class: 'crumb current', 'aria-current': 'page' }, t(`nav.${found.item.id}`)));
    } else {
      crumbs.append(h('span', { class: 'crumb current' }, t('nav.home')));
    }
  }

  return {
    root, content, setActive,
    setVersion(v) { version.textContent = v ? t('app.version', { v }) : ''; },
    dispose() {
      if (logoEl.dispose) logoEl.dispose();
      if (bell) bell.dispose();
    },
  };
}
