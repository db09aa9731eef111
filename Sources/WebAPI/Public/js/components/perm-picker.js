// Grouped permission checkboxes with a select-all per group.
import { h } from '../dom.js';
import { t, tOr } from '../i18n/index.js';

const ACTIONS = ['view', 'create', 'update', 'delete'];

function split(key) {
  const i = key.lastIndexOf('.');
  return i < 0 ? { menu: key, action: '' } : { menu: key.slice(0, i), action: key.slice(i + 1) };
}

export function permLabel(key) {
  return tOr(`perm.${key}`, key);
}

/**
 * permPicker(catalogue, selected, {allowed: Set|null, onChange}) → {el, get, set, focusEl}
 * catalogue: [{key, group, menu}]
 */
export function permPicker(catalogue, selected, { allowed = null, onChange, testid = 'perm-picker' } = {}) {
  const chosen = new Set(selected || []);
  const groups = new Map();
  for (const item of catalogue) {
    const g = typeof item.group === 'string' && item.group ? item.group : item.key.split('.')[0];
    if (!groups.has(g)) groups.set(g, new Map());
    const { menu } = split(item.key);
    const m = groups.get(g);
    if (!m.has(menu)) m.set(menu, { label: typeof item.menu === 'string' ? item.menu : null, items: [] });
    m.get(menu).items.push(item);
  }
  const boxes = new Map();
  const groupBoxes = [];
  const summary = h('span', { class: 'perm-summary muted', 'aria-live': 'polite' });
  const el = h('div', { class: 'perm-picker', testid });

  const refresh = () => {
    for (const [key, cb] of boxes) cb.checked = chosen.has(key);
    for (const { cb, keys } of groupBoxes) {
      const usable = keys.filter((k) => !boxes.get(k).disabled);
      const n = usable.filter((k) => chosen.has(k)).length;
      cb.checked = usable.length > 0 && n === usable.length;
      cb.indeterminate = n > 0 && n < usable.length;
      cb.disabled = usable.length === 0;
    }
    summary.textContent = t('roles.permSelected', { n: chosen.size, total: catalogue.length });
  };

  el.appendChild(h('div', { class: 'perm-head' }, summary));
  for (const [g, menus] of groups) {
    const keys = [...menus.values()].flatMap((m) => m.items.map((i) => i.key));
    const groupLabel = tOr(`permGroup.${g}`, g);
    const gcb = h('input', { type: 'checkbox', class: 'checkbox', testid: `perm-group-${g}`, 'aria-label': `${groupLabel} · ${t('roles.selectAll')}` });
    gcb.addEventListener('change', () => {
      for (const k of keys) {
        if (boxes.get(k).disabled) continue;
        if (gcb.checked) chosen.add(k); else chosen.delete(k);
      }
      refresh();
      if (onChange) onChange();
    });
    groupBoxes.push({ cb: gcb, keys });
    const rows = [...menus.entries()].map(([menu, m]) => {
      const items = m.items.map((item) => {
        const { action } = split(item.key);
        // permShort.<key> words an action whose verb is not the usual one (e.g. "unblock" for a delete).
        const short = tOr(`permShort.${item.key}`, ACTIONS.includes(action) ? t(`permAction.${action}`) : permLabel(item.key));
        const disabled = allowed ? !allowed.has(item.key) : false;
        const cb = h('input', { type: 'checkbox', class: 'checkbox', value: item.key, testid: `perm-${item.key}`, disabled, 'aria-label': permLabel(item.key) });
        cb.addEventListener('change', () => {
          if (cb.checked) chosen.add(item.key); else chosen.delete(item.key);
          refresh();
          if (onChange) onChange();
        });
        boxes.set(item.key, cb);
        const col = ACTIONS.indexOf(action);
        return h('label', {
          class: ['check-label', disabled && 'disabled'], title: disabled ? t('roles.permNotHeld') : permLabel(item.key),
          style: col >= 0 ? { gridColumn: String(col + 1) } : undefined,
        }, cb, h('span', null, short));
      });
      return h('div', { class: 'perm-row' },
        h('span', { class: 'perm-menu' }, tOr(`permMenu.${menu}`, m.label || menu)),
        h('div', { class: 'perm-items' }, items));
    });
    el.appendChild(h('fieldset', { class: 'perm-group' },
      h('legend', { class: 'perm-group-title' }, h('strong', null, groupLabel),
        h('label', { class: 'check-label select-all' }, gcb, h('span', null, t('roles.selectAll')))),
      rows));
  }
  refresh();
  return {
    el,
    get: () => catalogue.map((i) => i.key).filter((k) => chosen.has(k)).concat([...chosen].filter((k) => !boxes.has(k))),
    set: (v) => { chosen.clear(); (v || []).forEach((k) => chosen.add(k)); refresh(); },
    focusEl: () => el.querySelector('input:not([disabled])') || el,
  };
}
