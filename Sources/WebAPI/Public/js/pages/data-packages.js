// 资料管理 — data management: the import template, importing .xlsx/.csv
// (optionally de-duplicated by phone), the data packages (资料包) each import
// makes with their per-row results, and a backup download of all customers.
import { h, clear } from '../dom.js';
import { api, request, ApiError } from '../api.js';
import { createTable } from '../components/table.js';
import { button, pageHeader, tag, card } from '../components/ui.js';
import { icon } from '../components/icons.js';
import { openDialog } from '../components/dialog.js';
import { toast } from '../components/toast.js';
import { errorText } from '../errors.js';
import { formatDateTime, formatDateMinute, formatNumber } from '../format.js';
import { can } from '../state.js';
import { t, tOr } from '../i18n/index.js';
import { download } from '../crm.js';
import { customerLink } from './customers.js';

const TEMPLATE = '/api/v1/customers/template.xlsx';
const BACKUP = '/api/v1/customers/backup.zip';
const ACCEPT = '.xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv';
const RESULTS = ['imported', 'duplicate', 'blacklisted', 'invalid'];
const RESULT_COLORS = { imported: 'green', duplicate: 'orange', blacklisted: 'red', invalid: 'gold' };
const COUNTS = [['total', null], ['imported', 'imported'], ['duplicates', 'duplicate'], ['blacklisted', 'blacklisted'], ['invalid', 'invalid']];
const REFRESH_MS = 3000;

function packageName(p) {
  return p.name || p.fileName || `#${p.id}`;
}

export function statusTag(p) {
  if (p.status === 'running') {
    return h('span', { class: 'tag tag-blue state-tag', testid: 'package-status', title: p.message || '' }, h('span', { class: 'spinner tiny', 'aria-hidden': 'true' }), t('data.status.running'));
  }
  if (p.status === 'failed') {
    return h('span', { class: 'tag tag-red state-tag', testid: 'package-status', title: p.message || '' }, icon('alert'), t('data.status.failed'));
  }
  return h('span', { class: 'tag tag-green state-tag', testid: 'package-status' }, icon('check'), tOr(`data.status.${p.status}`, p.status || ''));
}

/** Built-in columns the rules name by key (custom fields arrive with their label). */
const FIELD_LABELS = { name: 'crm.name', phone: 'crm.phone', phones: 'crm.extraPhones' };

/** A row's reason in the interface language: the importer stores a code and
 * its values beside the English text; rows stored before codes show the text. */
function reasonText(row) {
  if (!row.reason) return null;
  const key = row.reasonCode && `data.reasons.${row.reasonCode}`;
  const translated = key && tOr(key, null);
  if (!translated) return row.reason;
  const args = { ...(row.reasonArgs || {}) };
  if (args.field && FIELD_LABELS[args.field]) args.field = t(FIELD_LABELS[args.field]);
  return h('span', { title: row.reason, testid: 'row-reason' }, t(key, args));
}

function resultTag(result) {
  return tag(tOr(`data.result.${result}`, result), RESULT_COLORS[result] || 'default', { testid: 'row-result' });
}

function countCell(p, key) {
  const n = Number(p[key]) || 0;
  const warn = key !== 'total' && key !== 'imported' && n > 0;
  return h('span', { class: ['num', warn && `count-${key}`, key === 'imported' && n > 0 && 'count-imported'] }, formatNumber(n));
}

/** The counts of a package as a strip; clicking one filters the rows by it. */
function countStrip(p, onPick) {
  return h('div', { class: 'count-strip', testid: 'package-counts' }, COUNTS.map(([key, result]) => {
    const inner = [h('span', { class: 'count-label' }, t(`data.count.${key}`)), h('strong', { class: 'count-value num' }, formatNumber(Number(p[key]) || 0))];
    return onPick
      ? h('button', { type: 'button', class: ['count-item', result && `is-${result}`], testid: `count-${key}`, onclick: () => onPick(result) }, inner)
      : h('div', { class: ['count-item', result && `is-${result}`] }, inner);
  }));
}

/** A row's values from the file: "姓名: 张三 · 电话: 138…". */
function valuesCell(r) {
  const entries = Object.entries(r.values || {}).filter(([, v]) => v !== null && v !== undefined && String(v) !== '');
  if (!entries.length) return null;
  const text = entries.map(([k, v]) => `${k}: ${v}`).join('\n');
  return h('span', { class: 'kv-list', title: text }, entries.map(([k, v]) => h('span', { class: 'kv' }, h('span', { class: 'muted' }, `${k}:`), ' ', String(v))));
}

/**
 * The customer a row made (imported) or met: a link to the customer's card.
 * The row carries the id; its name comes with the row (customerName) where
 * the server sends it, else from the file's values, else it is looked up
 * (once per customer and drawer).
 */
function customerCell(r, names) {
  if (r.customerId == null) return null;
  const id = r.customerId;
  const fromFile = r.values && (r.values['姓名'] || r.values.name);
  const known = r.customerName || (r.result === 'imported' ? fromFile : null);
  const link = customerLink(id, known, { testid: 'row-customer' });
  if (!known && link.tagName === 'A' && names) {
    if (!names.has(id)) names.set(id, api.get(`/api/v1/customers/${id}`, null, { quiet: true }).then((c) => c && c.name, () => null));
    names.get(id).then((name) => {
      const label = link.querySelector('.customer-link-text');
      if (name && label) {
        label.textContent = name;
        link.title = t('customers.openCard', { name });
      }
    });
  }
  return link;
}

/** A data package and its rows, filterable by result. */
export function openPackage(pkg, { result = null } = {}) {
  const names = new Map(); // customer id → Promise of the name
  const rows = createTable({
    title: t('data.rowsTitle'),
    testid: 'package-rows-table',
    dense: true,
    rowKey: 'row',
    search: [{
      name: 'result', label: t('data.result'), type: 'select', placeholder: t('data.allResults'), value: result,
      options: RESULTS.map((r) => ({ value: r, label: t(`data.result.${r}`) })),
    }],
    columns: [
      { key: 'row', title: t('data.row'), align: 'right', width: 80, className: 'num', render: (r) => String(r.row) },
      { key: 'result', title: t('data.result'), nowrap: true, width: 100, render: (r) => resultTag(r.result) },
      { key: 'customer', title: t('data.customer'), nowrap: true, render: (r) => customerCell(r, names) },
      { key: 'reason', title: t('data.reason'), className: 'cell-wrap', render: (r) => reasonText(r) },
      { key: 'values', title: t('data.values'), render: valuesCell },
    ],
    empty: { text: pkg.status === 'running' ? t('data.rowsRunning') : t('data.noRows'), icon: 'file' },
    fetch: ({ page, pageSize, sort, filters }) => api.get(`/api/v1/data-packages/${pkg.id}/rows`, { result: filters.result, page, pageSize, sort }),
  });
  const head = h('div', { class: 'package-head' },
    h('div', { class: 'package-meta' },
      h('span', null, icon('file'), ' ', pkg.fileName || packageName(pkg)),
      h('span', { class: 'muted' }, t('data.importedBy', { name: pkg.createdByName || '—', time: formatDateTime(pkg.createdAt) })),
      statusTag(pkg)),
    pkg.status === 'failed' && pkg.message ? h('div', { class: 'page-alert', role: 'alert' }, icon('alert'), h('span', null, pkg.message)) : null,
    countStrip(pkg, (r) => { rows.setFilter('result', r); rows.reload(true); }));
  const dlg = openDialog({
    title: t('data.packageTitle', { name: packageName(pkg) }),
    variant: 'drawer',
    width: 980,
    testid: 'package-dialog',
    content: [head, rows.el],
    footer: [button(t('common.close'), { testid: 'package-close', onClick: () => dlg.close() })],
  });
  rows.reload();
  return dlg;
}

export function render(root) {
  const canExport = can('crm.customers.export');
  let chosen = null;

  // ---- import card
  const fileInput = h('input', { type: 'file', accept: ACCEPT, class: 'sr-only', tabindex: '-1', 'aria-hidden': 'true', testid: 'import-file' });
  const fileName = h('span', { class: 'file-name muted', testid: 'import-file-name' }, t('data.noFile'));
  const pick = button(t('data.chooseFile'), { iconName: 'file', testid: 'import-choose', onClick: () => fileInput.click() });
  const dedupe = h('input', { type: 'checkbox', class: 'checkbox', checked: true, id: 'import-dedupe', testid: 'import-dedupe' });
  const start = button(t('data.startImport'), { kind: 'primary', iconName: 'upload', testid: 'import-submit', disabled: true, onClick: upload });
  const status = h('div', { class: 'import-status', testid: 'import-status', 'aria-live': 'polite' });

  fileInput.addEventListener('change', () => {
    const f = fileInput.files && fileInput.files[0];
    clear(status);
    chosen = null;
    if (f && !/\.(xlsx|csv)$/i.test(f.name)) {
      status.appendChild(h('p', { class: 'form-error', role: 'alert' }, t('data.badType')));
    } else if (f) {
      chosen = f;
    }
    fileName.textContent = chosen ? t('data.fileChosen', { name: chosen.name, size: sizeText(chosen.size) }) : t('data.noFile');
    fileName.classList.toggle('muted', !chosen);
    start.disabled = !chosen;
  });

  async function upload() {
    if (!chosen) return;
    const fd = new FormData();
    fd.append('file', chosen, chosen.name);
    fd.append('dedupe', dedupe.checked ? 'true' : 'false');
    start.disabled = true;
    pick.disabled = true;
    start.classList.add('loading');
    clear(status);
    try {
      const pkg = await request('POST', '/api/v1/customers/import', { raw: fd });
      fileInput.value = '';
      chosen = null;
      fileName.textContent = t('data.noFile');
      fileName.classList.add('muted');
      showResult(pkg);
      table.reload(true);
    } catch (err) {
      let msg = errorText(err);
      if (err instanceof ApiError && err.code === 'payload_too_large') msg = t('data.tooLarge');
      else if (err instanceof ApiError && err.code === 'unsupported_media_type') msg = t('data.badType');
      status.appendChild(h('div', { class: 'form-alert', role: 'alert', testid: 'import-error' }, icon('alert'), h('span', null, msg)));
      start.disabled = !chosen;
    } finally {
      pick.disabled = false;
      start.classList.remove('loading');
    }
  }

  let followed = null; // the package just uploaded, while it is running
  function showResult(pkg, { quiet = false } = {}) {
    clear(status);
    if (!pkg) return;
    const running = pkg.status === 'running';
    const failed = pkg.status === 'failed';
    followed = running ? pkg : null;
    status.appendChild(h('div', { class: ['import-result', failed && 'failed', running && 'running'], testid: 'import-result' },
      h('div', { class: 'import-result-head' },
        icon(failed ? 'alert' : running ? 'clock' : 'success', 'import-result-icon'),
        h('strong', null, failed ? t('data.resultFailed', { name: packageName(pkg) }) : running ? t('data.resultRunning', { name: packageName(pkg) }) : t('data.resultDone', { name: packageName(pkg) })),
        button(t('data.viewRows'), { size: 'sm', testid: 'import-view-rows', onClick: () => openPackage(pkg) })),
      failed && pkg.message ? h('p', { class: 'muted' }, pkg.message) : null,
      running ? null : countStrip(pkg)));
    if (quiet) return;
    if (failed) toast.error(t('data.resultFailed', { name: packageName(pkg) }));
    else if (running) toast.info(t('data.resultRunning', { name: packageName(pkg) }));
    else toast.success(t('data.importedToast', { imported: formatNumber(Number(pkg.imported) || 0), total: formatNumber(Number(pkg.total) || 0) }));
  }

  const importCard = card({
    title: t('data.importTitle'),
    testid: 'import-card',
    extra: canExport ? button(t('data.backup'), { iconName: 'download', testid: 'customers-backup', title: t('data.backupHelp'), onClick: () => { download(BACKUP); toast.info(t('customers.exportingAll')); } }) : null,
    body: h('div', { class: 'import-layout' },
      h('ol', { class: 'import-steps' },
        h('li', null,
          h('div', { class: 'step-title' }, t('data.step1')),
          h('p', { class: 'muted small' }, t('data.step1Help')),
          h('a', { class: 'btn btn-default', href: TEMPLATE, download: '', testid: 'import-template' }, icon('download'), h('span', null, t('data.downloadTemplate')))),
        h('li', null,
          h('div', { class: 'step-title' }, t('data.step2')),
          h('p', { class: 'muted small' }, t('data.step2Help')),
          h('div', { class: 'file-row' }, pick, fileName, fileInput),
          h('label', { class: 'check-label dedupe', for: 'import-dedupe' }, dedupe, h('span', null, t('data.dedupe'))),
          h('p', { class: 'form-help' }, t('data.dedupeHelp'))),
        h('li', null,
          h('div', { class: 'step-title' }, t('data.step3')),
          h('p', { class: 'muted small' }, t('data.step3Help')),
          start,
          status)),
      h('aside', { class: 'import-tips tips' }, icon('info'),
        h('div', null,
          h('strong', null, t('data.tipsTitle')),
          h('ul', null, h('li', null, t('data.tip1')), h('li', null, t('data.tip2')), h('li', null, t('data.tip3')), h('li', null, t('data.tip4')))))),
  });

  // ---- packages
  const table = createTable({
    title: t('data.packages'),
    testid: 'packages-table',
    dense: true,
    defaultSort: '-createdAt',
    search: [{ name: 'q', label: t('common.keyword'), placeholder: t('data.searchPlaceholder') }],
    columns: [
      {
        key: 'name', title: t('data.packageName'), className: 'cell-wrap',
        render: (p) => h('span', { class: 'package-name' }, h('strong', { class: 'cell-strong' }, packageName(p)),
          p.fileName && p.fileName !== packageName(p) ? h('span', { class: 'muted small' }, p.fileName) : null),
      },
      {
        key: 'createdAt', title: t('data.createdAt'), sortable: true, nowrap: true,
        render: (p) => h('span', { class: 'num', title: formatDateTime(p.createdAt) }, formatDateMinute(p.createdAt)),
      },
      { key: 'createdByName', title: t('data.createdBy'), nowrap: true },
      { key: 'status', title: t('data.statusCol'), nowrap: true, render: statusTag },
      ...COUNTS.map(([key]) => ({ key, title: t(`data.count.${key}`), align: 'right', nowrap: true, render: (p) => countCell(p, key) })),
    ],
    rowActions: (p) => [{ label: t('data.viewRows'), testid: 'package-rows', onClick: () => openPackage(p) }],
    empty: { text: t('data.empty'), icon: 'database' },
    fetch: ({ page, pageSize, sort, filters }) => api.get('/api/v1/data-packages', { q: filters.q, page, pageSize, sort }),
  });

  root.append(pageHeader(t('nav.crm.data'), t('data.desc')), importCard, table.el);
  table.reload();

  // Imports that are still running update on their own (the list and the result above).
  const timer = setInterval(async () => {
    if (document.hidden || !(followed || table.items.some((p) => p.status === 'running'))) return;
    await table.refresh();
    if (!followed) return;
    let now = table.items.find((p) => p.id === followed.id);
    if (!now) { try { now = await api.get(`/api/v1/data-packages/${followed.id}`); } catch { now = null; } }
    if (now && followed && now.status !== 'running') showResult(now);
  }, REFRESH_MS);
  return () => {
    followed = null;
    clearInterval(timer);
  };
}

function sizeText(bytes) {
  if (bytes < 1024) return t('data.bytes', { n: bytes });
  if (bytes < 1024 * 1024) return t('data.kb', { n: formatNumber(Math.ceil(bytes / 1024)) });
  return t('data.mb', { n: formatNumber(Math.round((bytes / 1024 / 1024) * 10) / 10) });
}
