// The menu: groups and items as in the product manual. `perm` null = everyone.
import { can } from './state.js';

export const NAV = [
  {
    id: 'calls', icon: 'headset', items: [
      { id: 'calls.records', path: '/calls/records', perm: 'calls.view', icon: 'callLog' },
    ],
  },
  {
    id: 'crm', icon: 'contact', items: [
      { id: 'crm.customers', path: '/crm/customers', perm: 'crm.customers.view', icon: 'contact' },
      { id: 'crm.pool', path: '/crm/pool', perm: 'crm.customers.view', icon: 'inbox' },
      { id: 'crm.followUps', path: '/crm/follow-ups', perm: 'crm.followUps.view', icon: 'message' },
      { id: 'crm.appointments', path: '/crm/appointments', perm: 'crm.appointments.view', icon: 'calendar' },
      { id: 'crm.marked', path: '/crm/marked', perm: 'crm.marked.view', icon: 'star' },
      { id: 'crm.blacklist', path: '/crm/blacklist', perm: 'crm.blacklist.view', icon: 'ban' },
      { id: 'crm.data', path: '/crm/data', perm: 'crm.customers.import', icon: 'database' },
    ],
  },
  {
    id: 'org', icon: 'org', items: [
      { id: 'org.departments', path: '/org/departments', perm: 'org.departments.view', icon: 'tree' },
      { id: 'org.roles', path: '/org/roles', perm: 'org.roles.view', icon: 'shield' },
      { id: 'org.users', path: '/org/users', perm: 'org.users.view', icon: 'users' },
      { id: 'org.logo', path: '/org/logo', perm: 'org.logo.update', icon: 'image' },
    ],
  },
  {
    id: 'settings', icon: 'settings', items: [
      { id: 'settings.password', path: '/settings/password', perm: null, icon: 'lock' },
      { id: 'settings.customerFields', path: '/settings/customer-fields', perm: 'settings.customerFields.view', icon: 'fields' },
      { id: 'settings.followUpStatuses', path: '/settings/follow-up-statuses', perm: 'settings.followUpStatuses.view', icon: 'tag' },
    ],
  },
  {
    id: 'system', icon: 'tool', items: [
      { id: 'system.audit', path: '/system/audit', perm: 'system.audit.view', icon: 'audit' },
    ],
  },
  {
    id: 'pbx', icon: 'server', items: [
      { id: 'pbx.extensions', path: '/pbx/extensions', perm: 'pbx.extensions.view', icon: 'phone' },
      { id: 'pbx.sipSecurity', path: '/pbx/sip-security', perm: 'pbx.sipBlocks.view', icon: 'shieldBan' },
    ],
  },
];

/** Groups with only the items the user may open; empty groups are dropped. */
export function visibleNav() {
  return NAV.map((g) => ({ ...g, items: g.items.filter((i) => can(i.perm)) })).filter((g) => g.items.length);
}

export function findNavItem(path) {
  for (const g of NAV) {
    for (const i of g.items) if (i.path === path) return { group: g, item: i };
  }
  return null;
}
