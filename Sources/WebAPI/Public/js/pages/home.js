// 欢迎 — landing page: who I am, my scope, where I can go.
import { h } from '../dom.js';
import { listAll } from '../api.js';
import { card, tag } from '../components/ui.js';
import { icon } from '../components/icons.js';
import { session, can } from '../state.js';
import { visibleNav } from '../nav.js';
import { t } from '../i18n/index.js';

function greeting() {
  const hr = new Date().getHours();
  if (hr < 5) return t('home.evening');
  if (hr < 12) return t('home.morning');
  if (hr < 18) return t('home.afternoon');
  return t('home.evening');
}

export function render(root) {
  const u = session.user;
  const display = u.name || u.username;
  const rolesCell = h('dd', { testid: 'home-roles' }, u.isAdmin ? tag(t('users.admin'), 'gold') : h('span', { class: 'muted' }, '—'));

  const scope = u.isAdmin ? 'all' : (u.dataScope || 'self');
  const welcome = h('section', { class: 'card welcome', testid: 'welcome' },
    h('div', { class: 'welcome-avatar', 'aria-hidden': 'true' }, display.slice(0, 1).toUpperCase()),
    h('div', { class: 'welcome-text' },
      h('h1', { class: 'welcome-title' }, t('home.greeting', { greeting: greeting(), name: display })),
      h('p', { class: 'muted' }, t('home.intro'))),
    h('div', { class: 'welcome-stats' },
      stat(t('home.scope'), t(`scope.${scope}`), 'home-scope'),
      stat(t('home.department'), u.departmentName || t('home.noDepartment'), 'home-department'),
      stat(t('home.extension'), u.extension || t('home.noExtension'), 'home-extension')));

  const tiles = [];
  for (const g of visibleNav()) {
    for (const i of g.items) {
      tiles.push(h('a', { class: 'tile', href: `#${i.path}`, testid: `tile-${i.id}` },
        h('span', { class: `tile-icon g-${g.id}` }, icon(i.icon)),
        h('span', { class: 'tile-text' },
          h('strong', null, t(`nav.${i.id}`)),
          h('span', { class: 'muted small' }, t(`navDesc.${i.id}`)))));
    }
  }

  const account = h('dl', { class: 'desc-list' },
    h('dt', null, t('users.username')), h('dd', { testid: 'home-username' }, u.username),
    h('dt', null, t('users.name')), h('dd', null, u.name || '—'),
    h('dt', null, t('home.roles')), rolesCell,
    h('dt', null, t('home.permissions')), h('dd', null, u.isAdmin ? t('home.allPermissions') : t('home.permissionCount', { n: (u.permissions || []).length })),
    h('dt', null, t('home.version')), h('dd', null, session.version || '—'));

  root.append(welcome,
    h('div', { class: 'home-grid' },
      card({ title: t('home.shortcuts'), body: h('div', { class: 'tiles' }, tiles), testid: 'shortcuts' }),
      card({ title: t('home.account'), body: account, testid: 'account' })));

  if (!u.isAdmin && can('org.roles.view') && (u.roleIds || []).length) {
    listAll('/api/v1/roles').then((roles) => {
      const mine = roles.filter((r) => u.roleIds.includes(r.id));
      if (mine.length) rolesCell.replaceChildren(...mine.map((r) => tag(r.name, 'blue')));
    }).catch(() => {});
  } else if (!u.isAdmin && (u.roleIds || []).length) {
    rolesCell.replaceChildren(t('home.roleCount', { n: u.roleIds.length }));
  }
}

function stat(label, value, testid) {
  return h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, label), h('strong', { class: 'stat-value', testid }, value));
}
