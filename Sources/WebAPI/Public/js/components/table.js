// List page building block: search form, toolbar, selection, sortable
// columns, paging (20/50/100), row actions, empty state.
import { h, clear } from '../dom.js';
import { icon } from './icons.js';
import { button, linkButton, emptyState } from './ui.js';
import { ApiError } from '../api.js';
import { errorText } from '../errors.js';
import { t } from '../i18n/index.js';
import { formatNumber } from '../format.js';
import { dateInput } from './date-input.js';

const PAGE_SIZES = [20, 50, 100];

// ---- the "more" menu of a row (actions marked `more: true`)
let openRowMenu = null;
function closeRowMenu() {
  if (openRowMenu) openRowMenu();
}

function rowMoreMenu(list, row) {
  const trigger = h('button', {
    type: 'button', class: 'link-btn more-btn', testid: 'row-more', 'aria-haspopup': 'menu', 'aria-expanded': 'false',
  }, h('span', null, t('table.more')), icon('chevronDown'));
  function open() {
    closeRowMenu();
    const items = list.map((a) => h('button', {
      type: 'button', role: 'menuitem', class: ['menu-item', a.danger && 'danger'], testid: a.testid, tabindex: '-1',
      onclick: () => { close(); a.onClick(row); },
    }, a.label));
    const menu = h('div', { class: 'dropdown row-menu', role: 'menu', testid: 'row-menu' }, items);
    document.body.appendChild(menu);
    // Fixed to the viewport (the table scrolls sideways); follows the trigger when the page scrolls.
    const place = () => {
      const r = trigger.getBoundingClientRect();
      if (!trigger.isConnected || r.bottom < 0 || r.top > window.innerHeight) { close(); return; }
      const w = menu.offsetWidth;
      const below = r.bottom + 4 + menu.offsetHeight < window.innerHeight;
      menu.style.left = `${Math.max(8, Math.min(r.right - w, window.innerWidth - w - 8))}px`;
      menu.style.top = `${below ? r.bottom + 4 : Math.max(8, r.top - menu.offsetHeight - 4)}px`;
    };
    place();
    trigger.setAttribute('aria-expanded', 'true');
    items[0].focus();
    const outside = (e) => { if (!menu.contains(e.target) && e.target !== trigger && !trigger.contains(e.target)) close(); };
    const onKey = (e) => {
      const i = items.indexOf(document.activeElement);
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); close(); trigger.focus(); }
      else if (e.key === 'ArrowDown') { e.preventDefault(); items[(i + 1) % items.length].focus(); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); items[(i - 1 + items.length) % items.length].focus(); }
      else if (e.key === 'Tab') close();
    };
    const onScroll = () => place();
    menu.addEventListener('keydown', onKey);
    setTimeout(() => document.addEventListener('mousedown', outside), 0);
    window.addEventListener('resize', onScroll);
    document.addEventListener('scroll', onScroll, true);
    function close() {
      menu.remove();
      trigger.setAttribute('aria-expanded', 'false');
      document.removeEventListener('mousedown', outside);
      window.removeEventListener('resize', onScroll);
      document.removeEventListener('scroll', onScroll, true);
      if (openRowMenu === close) openRowMenu = null;
    }
    openRowMenu = close;
  }
  trigger.addEventListener('click', () => (trigger.getAttribute('aria-expanded') === 'true' ? closeRowMenu() : open()));
  trigger.addEventListener('keydown', (e) => { if (e.key === 'ArrowDown') { e.preventDefault(); open(); } });
  return trigger;
}

/**
 * createTable({
 *   title, testid, dense (tighter cells for wide tables), columns:[{key, title, render(row), sortable, sortKey, width, align, className}],
 *   fetch({page, pageSize, sort, filters}) → {items,total},
 *   search:[{name, label, type:'text'|'select'|'date'|'number', options, placeholder, hint (the whole hint, as a tooltip), width, value}],
 *     ('date' is our own YYYY-MM-DD input with a calendar, whatever the browser's locale; `notBefore: NAME`
 *     refuses an end date before the start date NAME),
 *   toolbar:[Node], bulkActions:[{label, danger, onClick(rows)}], rowActions(row) → [{label, onClick, danger, testid, more}],
 *     (actions with `more: true` go into a "更多" menu at the end of the row),
 *   empty:{text, action() → Node, icon}, rowKey:'id', defaultSort, clientSort(items, sort),
 *   expandable:{render(row) → Node, label(row) → string}   (a detail row under each row),
 *   rowClass(row) → string   (extra class on a row, e.g. overdue)
 * })
 * → {el, reload(resetPage), refresh() (quiet reload for live data), …}
 */
export function createTable(options) {
  const opts = { ...options, columns: options.columns.filter(Boolean) };
  const rowKey = opts.rowKey || 'id';
  const state = {
    page: 1,
    pageSize: PAGE_SIZES[0],
    sort: opts.defaultSort || null,
    filters: {},
    items: [],
    total: 0,
    selected: new Map(),
    loading: true, // until the first load: no "empty" flash
    error: null,
    seq: 0,
    expanded: new Set(),
  };
  const selectable = !!(opts.bulkActions && opts.bulkActions.length);
  const expandable = opts.expandable || null;

  // ---- search form
  let searchCard = null;
  const searchInputs = {};
  if (opts.search && opts.search.length) {
    const fields = opts.search.map((s) => {
      const id = `search-${s.name}`;
      let control;
      let entry;
      if (s.type === 'select') {
        control = h('select', { id, class: 'input select', testid: `search-${s.name}` },
          h('option', { value: '' }, s.placeholder || t('common.all')),
          (typeof s.options === 'function' ? s.options() : s.options || []).map((o) => h('option', { value: String(o.value) }, o.label)));
        control.addEventListener('change', () => applySearch());
      } else if (s.type === 'date') {
        // Our own date input: YYYY-MM-DD in every language (the native one follows the browser's locale).
        const date = dateInput({ id, testid: `search-${s.name}`, label: s.label, inlineError: true, onCommit: () => applySearch() });
        control = date.el;
        entry = { control, def: s, get: () => date.get(), set: (v) => date.set(v), check: () => date.check(), fail: date.fail, focus: date.focus };
      } else {
        const type = s.type === 'number' ? 'number' : 'search';
        // The placeholder is a short hint; the title tells the whole of it (and shows a hint cut short).
        control = h('input', {
          id, class: 'input', type, placeholder: s.placeholder || '', title: s.hint || s.placeholder || undefined,
          testid: `search-${s.name}`, spellcheck: 'false', step: type === 'number' ? 'any' : undefined,
        });
      }
      if (!entry) {
        entry = { control, def: s, get: () => control.value.trim(), set: (v) => { control.value = v == null ? '' : String(v); } };
      }
      if (s.value !== undefined && s.value !== null) entry.set(String(s.value));
      searchInputs[s.name] = entry;
      return h('div', { class: ['search-item', s.type === 'date' && 'is-date'], style: s.width ? { width: `${s.width}px` } : undefined },
        h('label', { class: 'search-label', for: id }, s.label), control);
    });
    const form = h('form', { class: 'search-form', role: 'search', testid: `${opts.testid || 'table'}-search` },
      fields,
      h('div', { class: 'search-actions' },
        button(t('common.search'), { kind: 'primary', type: 'submit', iconName: 'search', testid: 'search-submit' }),
        button(t('common.reset'), { testid: 'search-reset', onClick: () => resetSearch() })));
    form.addEventListener('submit', (e) => { e.preventDefault(); applySearch(); });
    searchCard = h('section', { class: 'card search-card' }, form);
  }
  state.filters = readFilters(); // preset values (e.g. from a link) apply to the first load

  function readFilters() {
    const f = {};
    for (const [name, { get, def }] of Object.entries(searchInputs)) {
      const v = get();
      if (v !== '') f[name] = def.valueType === 'number' ? Number(v) : v;
    }
    return f;
  }
  function applySearch() {
    // A date that is not a date is shown at its field, not sent.
    const bad = Object.values(searchInputs).filter((s) => s.check && !s.check());
    if (bad.length) { bad[0].focus(); return; }
    // A range the wrong way round ({name:'to', type:'date', notBefore:'from'}) is said at its end.
    for (const s of Object.values(searchInputs)) {
      const start = s.def.notBefore && searchInputs[s.def.notBefore];
      if (start && s.get() && start.get() && s.get() < start.get()) {
        s.fail(t('date.beforeStart', { start: start.def.label }));
        s.focus();
        return;
      }
    }
    state.filters = readFilters();
    state.page = 1;
    load();
  }
  function resetSearch() {
    for (const s of Object.values(searchInputs)) s.set('');
    applySearch();
  }

  // ---- toolbar
  const bulkBar = h('div', { class: 'bulk-bar', hidden: true, testid: 'bulk-bar' });
  const countLabel = h('span', { class: 'table-count muted' });
  const toolbar = h('div', { class: 'table-toolbar' },
    h('div', { class: 'table-toolbar-left' }, h('h2', { class: 'card-title' }, opts.title || ''), countLabel),
    h('div', { class: 'table-toolbar-right' },
      opts.toolbar || [],
      button('', { iconName: 'reload', ariaLabel: t('common.refresh'), title: t('common.refresh'), kind: 'icon', onClick: () => load(), testid: 'table-reload' })));

  // ---- table
  const thead = h('thead');
  const tbody = h('tbody');
  const table = h('table', { class: ['data-table', opts.dense && 'dense'], testid: opts.testid });
  table.append(thead, tbody);
  const tableWrap = h('div', { class: 'table-wrap' }, table);
  const pager = h('nav', { class: 'pager', 'aria-label': t('table.pagination') });

  const tableCard = h('section', { class: 'card table-card loading' }, toolbar, bulkBar, tableWrap, pager);
  const el = h('div', { class: 'table-page' }, searchCard, tableCard);

  function headerCheckbox() {
    const cb = h('input', { type: 'checkbox', class: 'checkbox', 'aria-label': t('table.selectAll'), testid: 'select-all' });
    const keys = state.items.map((r) => r[rowKey]);
    const n = keys.filter((k) => state.selected.has(k)).length;
    cb.checked = n > 0 && n === keys.length;
    cb.indeterminate = n > 0 && n < keys.length;
    cb.disabled = !keys.length;
    cb.addEventListener('change', () => {
      for (const r of state.items) {
        if (cb.checked) state.selected.set(r[rowKey], r); else state.selected.delete(r[rowKey]);
      }
      renderBody();
      renderHead();
      renderBulk();
    });
    return cb;
  }

  function renderHead() {
    clear(thead);
    const tr = h('tr');
    if (selectable) tr.appendChild(h('th', { class: 'col-check' }, headerCheckbox()));
    if (expandable) tr.appendChild(h('th', { class: 'col-expand' }, h('span', { class: 'sr-only' }, t('table.details'))));
    for (const col of opts.columns) {
      const sortKey = col.sortKey || col.key;
      let dir = null;
      if (state.sort === sortKey) dir = 'ascending';
      else if (state.sort === `-${sortKey}`) dir = 'descending';
      const th = h('th', {
        class: [col.align && `align-${col.align}`, col.sortable && 'sortable'], scope: 'col',
        style: col.width ? { width: typeof col.width === 'number' ? `${col.width}px` : col.width } : undefined,
        'aria-sort': col.sortable ? (dir || 'none') : undefined,
      });
      if (col.sortable) {
        const btn = h('button', { type: 'button', class: 'th-sort', testid: `sort-${col.key}` },
          h('span', null, col.title),
          h('span', { class: ['sort-icons', dir === 'ascending' && 'asc', dir === 'descending' && 'desc'], 'aria-hidden': 'true' },
            h('span', { class: 'sort-up' }), h('span', { class: 'sort-down' })));
        btn.addEventListener('click', () => {
          if (state.sort === sortKey) state.sort = `-${sortKey}`;
          else if (state.sort === `-${sortKey}`) state.sort = opts.defaultSort && opts.defaultSort !== sortKey && opts.defaultSort !== `-${sortKey}` ? opts.defaultSort : null;
          else state.sort = sortKey;
          state.page = 1;
          load();
        });
        th.appendChild(btn);
      } else {
        th.textContent = col.title;
      }
      tr.appendChild(th);
    }
    if (opts.rowActions) tr.appendChild(h('th', { class: 'col-actions', scope: 'col' }, t('table.actions')));
    thead.appendChild(tr);
  }

  function colCount() {
    return opts.columns.length + (selectable ? 1 : 0) + (expandable ? 1 : 0) + (opts.rowActions ? 1 : 0);
  }

  function renderBody() {
    closeRowMenu();
    clear(tbody);
    if (state.error) {
      tbody.appendChild(h('tr', { class: 'row-empty' }, h('td', { colspan: colCount() },
        h('div', { class: 'empty error', role: 'alert' }, icon('alert', 'empty-icon'), h('p', { class: 'empty-text' }, state.error),
          button(t('common.retry'), { onClick: () => load() })))));
      return;
    }
    if (!state.items.length) {
      const filtered = Object.keys(state.filters).length > 0;
      const e = filtered
        ? emptyState(t('table.noMatch'), button(t('common.reset'), { onClick: () => resetSearch() }), 'search')
        : emptyState(opts.empty?.text || t('table.empty'), opts.empty?.action ? opts.empty.action() : null, opts.empty?.icon);
      tbody.appendChild(h('tr', { class: 'row-empty' }, h('td', { colspan: colCount() }, state.loading ? h('div', { class: 'empty' }) : e)));
      return;
    }
    for (const row of state.items) {
      const key = row[rowKey];
      const tr = h('tr', { testid: 'row', dataset: { key: String(key) }, class: [state.selected.has(key) && 'selected', opts.rowClass && opts.rowClass(row)] });
      if (selectable) {
        const cb = h('input', { type: 'checkbox', class: 'checkbox', checked: state.selected.has(key), 'aria-label': t('table.selectRow'), testid: 'row-select' });
        cb.addEventListener('change', () => {
          if (cb.checked) state.selected.set(key, row); else state.selected.delete(key);
          tr.classList.toggle('selected', cb.checked);
          renderHead();
          renderBulk();
        });
        tr.appendChild(h('td', { class: 'col-check' }, cb));
      }
      let detail = null;
      if (expandable) {
        const open = state.expanded.has(key);
        const detailId = `${opts.testid || 'table'}-detail-${String(key).replace(/[^\w-]/g, '_')}`;
        const label = expandable.label ? expandable.label(row) : t('table.details');
        const toggle = h('button', {
          type: 'button', class: ['row-toggle', open && 'open'], testid: 'row-expand', 'aria-expanded': open ? 'true' : 'false',
          'aria-controls': detailId, 'aria-label': label, title: label,
        }, icon('chevronRight'));
        detail = h('tr', { class: 'row-detail', id: detailId, hidden: !open, testid: 'row-detail', dataset: { key: String(key) } },
          h('td', { colspan: colCount() }, h('div', { class: 'row-detail-body' }, open ? expandable.render(row) : null)));
        toggle.addEventListener('click', () => {
          const nowOpen = !state.expanded.has(key);
          if (nowOpen) state.expanded.add(key); else state.expanded.delete(key);
          toggle.classList.toggle('open', nowOpen);
          toggle.setAttribute('aria-expanded', nowOpen ? 'true' : 'false');
          tr.classList.toggle('expanded', nowOpen);
          const body = detail.firstChild.firstChild;
          clear(body);
          if (nowOpen) body.appendChild(expandable.render(row));
          detail.hidden = !nowOpen;
        });
        if (open) tr.classList.add('expanded');
        tr.appendChild(h('td', { class: 'col-expand' }, toggle));
      }
      for (const col of opts.columns) {
        const v = col.render ? col.render(row) : row[col.key];
        tr.appendChild(h('td', { class: [col.align && `align-${col.align}`, col.nowrap && 'nowrap', col.className], dataset: { col: col.key } },
          v === null || v === undefined || v === '' ? h('span', { class: 'muted' }, '—') : v));
      }
      if (opts.rowActions) {
        const acts = opts.rowActions(row).filter(Boolean);
        const cell = h('td', { class: 'col-actions' });
        const more = acts.filter((a) => a.more);
        acts.filter((a) => !a.more).forEach((a, i) => {
          if (i) cell.appendChild(h('span', { class: 'action-sep', 'aria-hidden': 'true' }));
          cell.appendChild(linkButton(a.label, { danger: a.danger, testid: a.testid, onClick: () => a.onClick(row) }));
        });
        if (more.length) {
          if (more.length < acts.length) cell.appendChild(h('span', { class: 'action-sep', 'aria-hidden': 'true' }));
          cell.appendChild(rowMoreMenu(more, row));
        }
        if (!acts.length) cell.appendChild(h('span', { class: 'muted' }, '—'));
        tr.appendChild(cell);
      }
      tbody.appendChild(tr);
      if (detail) tbody.appendChild(detail);
    }
  }

  /** Re-renders head and rows and puts the keyboard focus back where it was. */
  function renderKeepingFocus() {
    const active = document.activeElement;
    let where = null;
    if (active && table.contains(active)) {
      const tr = active.closest('tr[data-key]');
      where = {
        key: tr ? tr.dataset.key : null,
        detail: !!(tr && tr.classList.contains('row-detail')),
        testid: active.getAttribute('data-testid'),
      };
    }
    renderHead();
    renderBody();
    if (!where || !where.testid) return;
    const scope = where.key === null ? thead
      : tbody.querySelector(`tr[data-key="${CSS.escape(where.key)}"]${where.detail ? '.row-detail' : ':not(.row-detail)'}`);
    const target = scope && scope.querySelector(`[data-testid="${CSS.escape(where.testid)}"]`);
    if (target) target.focus();
  }

  function renderBulk() {
    const n = state.selected.size;
    bulkBar.hidden = !selectable || n === 0;
    if (bulkBar.hidden) return;
    clear(bulkBar);
    bulkBar.append(
      icon('info', 'bulk-icon'),
      h('span', null, t('table.selected', { n })),
      linkButton(t('table.clearSelection'), { onClick: () => { state.selected.clear(); renderHead(); renderBody(); renderBulk(); } }),
      h('span', { class: 'spacer' }),
      ...(opts.bulkActions || []).map((a) => button(a.label, { kind: a.danger ? 'danger-ghost' : 'default', size: 'sm', testid: a.testid, onClick: () => a.onClick([...state.selected.values()]) })));
  }

  function pageButton(label, page, { disabled, current, aria } = {}) {
    return h('button', {
      type: 'button', class: ['page-btn', current && 'current'], disabled, 'aria-current': current ? 'page' : undefined,
      'aria-label': aria || t('table.page', { n: page }), onclick: () => { state.page = page; load(); },
    }, label);
  }

  function renderPager() {
    clear(pager);
    const pages = Math.max(1, Math.ceil(state.total / state.pageSize));
    countLabel.textContent = t('table.total', { n: formatNumber(state.total) });
    const list = h('div', { class: 'pager-pages' });
    list.appendChild(pageButton(icon('chevronLeft'), state.page - 1, { disabled: state.page <= 1, aria: t('table.prev') }));
    const nums = new Set([1, pages, state.page - 1, state.page, state.page + 1]);
    let last = 0;
    for (const n of [...nums].filter((x) => x >= 1 && x <= pages).sort((a, b) => a - b)) {
      if (n - last > 1) list.appendChild(h('span', { class: 'page-gap', 'aria-hidden': 'true' }, '…'));
      list.appendChild(pageButton(String(n), n, { current: n === state.page }));
      last = n;
    }
    list.appendChild(pageButton(icon('chevronRight'), state.page + 1, { disabled: state.page >= pages, aria: t('table.next') }));
    const size = h('select', { class: 'input select page-size', 'aria-label': t('table.pageSize'), testid: 'page-size' },
      PAGE_SIZES.map((n) => h('option', { value: String(n), selected: n === state.pageSize }, t('table.perPage', { n }))));
    size.addEventListener('change', () => { state.pageSize = Number(size.value); state.page = 1; load(); });
    pager.append(h('span', { class: 'pager-total' }, t('table.total', { n: formatNumber(state.total) })), list, size);
  }

  async function load({ quiet = false } = {}) {
    const seq = ++state.seq;
    const before = { total: state.total, page: state.page, selected: state.selected.size };
    state.loading = true;
    if (!quiet) tableCard.classList.add('loading');
    try {
      let res;
      try {
        res = await opts.fetch({ page: state.page, pageSize: state.pageSize, sort: state.sort, filters: state.filters });
      } catch (err) {
        // A server that cannot sort on this column: sort the page locally instead.
        if (state.sort && err instanceof ApiError && err.code === 'invalid_query') {
          res = await opts.fetch({ page: state.page, pageSize: state.pageSize, sort: null, filters: state.filters });
          res = { ...res, items: localSort(res.items, state.sort) };
        } else throw err;
      }
      if (seq !== state.seq) return;
      state.items = (res && res.items) || [];
      state.total = res && typeof res.total === 'number' ? res.total : state.items.length;
      state.error = null;
      if (!state.items.length && state.page > 1 && state.total > 0) {
        state.page = Math.max(1, Math.ceil(state.total / state.pageSize));
        load();
        return;
      }
    } catch (err) {
      if (seq !== state.seq) return;
      // A failed background refresh keeps the rows on screen; the next one may succeed.
      if (quiet && !state.error && state.items.length) return;
      state.items = [];
      state.total = 0;
      state.error = errorText(err);
    } finally {
      if (seq === state.seq) {
        state.loading = false;
        tableCard.classList.remove('loading');
      }
    }
    // Keep only selected rows that are still present.
    const present = new Set(state.items.map((r) => r[rowKey]));
    for (const k of [...state.selected.keys()]) if (!present.has(k)) state.selected.delete(k);
    for (const k of [...state.expanded]) if (!present.has(k)) state.expanded.delete(k);
    if (quiet) {
      // Live refresh: leave the pager and the bulk bar alone unless they changed.
      renderKeepingFocus();
      if (state.selected.size !== before.selected) renderBulk();
      if (state.total !== before.total || state.page !== before.page) renderPager();
      return;
    }
    renderHead();
    renderBody();
    renderBulk();
    renderPager();
  }

  renderHead();
  renderBody();
  renderPager();

  return {
    el,
    reload: (resetPage = false) => { if (resetPage) state.page = 1; return load(); },
    /** Reloads the current page, search and sort without the loading veil (live data). */
    refresh: () => (state.loading ? Promise.resolve() : load({ quiet: true })),
    clearSelection: () => { state.selected.clear(); renderBulk(); },
    get items() { return state.items; },
    /** The search and sort in force (e.g. for an export link of the filtered list). */
    get filters() { return { ...state.filters }; },
    get sort() { return state.sort; },
    setFilter(name, value) {
      const s = searchInputs[name];
      if (s) s.set(value == null ? '' : String(value));
      state.filters = readFilters();
    },
    refreshSearchOptions(name, options) {
      const s = searchInputs[name];
      if (!s) return;
      const v = s.control.value;
      clear(s.control);
      s.control.appendChild(h('option', { value: '' }, s.def.placeholder || t('common.all')));
      for (const o of options) s.control.appendChild(h('option', { value: String(o.value) }, o.label));
      s.control.value = v;
    },
  };
}

export function localSort(items, sort) {
  if (!sort) return items;
  const desc = sort.startsWith('-');
  const key = desc ? sort.slice(1) : sort;
  const coll = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  return [...items].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    let r;
    if (typeof x === 'number' && typeof y === 'number') r = x - y;
    else r = coll.compare(x == null ? '' : String(x), y == null ? '' : String(y));
    return desc ? -r : r;
  });
}

/** Paging + search + sort over an in-memory list (for small, fully loaded lists). */
export function pageLocally(items, { page, pageSize, sort }, match) {
  const filtered = match ? items.filter(match) : items;
  const sorted = localSort(filtered, sort);
  return { items: sorted.slice((page - 1) * pageSize, page * pageSize), total: sorted.length };
}
