// SIP安全 — addresses blocked after repeated failed SIP authentications.
import { h } from '../dom.js';
import { api, ApiError } from '../api.js';
import { createTable, pageLocally } from '../components/table.js';
import { pageHeader } from '../components/ui.js';
import { icon } from '../components/icons.js';
import { confirmDialog } from '../components/confirm.js';
import { toast } from '../components/toast.js';
import { errorText } from '../errors.js';
import { formatDateTime, formatClock, formatNumber } from '../format.js';
import { can } from '../state.js';
import { t } from '../i18n/index.js';

const REFRESH_MS = 15000;

function remaining(until) {
  return (new Date(until).getTime() - Date.now()) / 1000;
}

function countdown(until) {
  const el = h('span', { class: 'countdown', testid: 'countdown', dataset: { until } }, icon('clock'), h('span', { class: 'countdown-text' }));
  paintCountdown(el);
  return el;
}

/** Returns false once the block has run out. */
function paintCountdown(el) {
  const left = remaining(el.dataset.until);
  const text = el.querySelector('.countdown-text');
  if (!(left > 0)) {
    el.classList.add('expired');
    text.textContent = t('sipsec.expired');
    return false;
  }
  text.textContent = t('sipsec.remaining', { time: formatClock(left) });
  return true;
}

export function render(root) {
  const canDelete = can('pbx.sipBlocks.delete');

  const table = createTable({
    title: t('sipsec.list'),
    testid: 'sip-blocks-table',
    rowKey: 'address',
    defaultSort: '-blockedAt',
    search: [{ name: 'q', label: t('sipsec.address'), placeholder: t('sipsec.searchPlaceholder') }],
    bulkActions: canDelete ? [{ label: t('sipsec.bulkUnblock'), testid: 'bulk-unblock', onClick: (rows) => unblock(rows) }] : null,
    columns: [
      { key: 'address', title: t('sipsec.address'), sortable: true, render: (b) => h('code', { class: 'code' }, b.address) },
      { key: 'failures', title: t('sipsec.failures'), sortable: true, align: 'right', className: 'num', render: (b) => formatNumber(b.failures) },
      { key: 'blockedAt', title: t('sipsec.blockedAt'), sortable: true, nowrap: true, render: (b) => formatDateTime(b.blockedAt) },
      {
        key: 'until', title: t('sipsec.until'), sortable: true, nowrap: true,
        render: (b) => h('span', { class: 'until-cell' }, h('span', null, formatDateTime(b.until)), countdown(b.until)),
      },
    ],
    rowActions: canDelete ? (b) => [{ label: t('sipsec.unblock'), testid: 'sip-unblock', onClick: () => unblock([b]) }] : null,
    empty: { text: t('sipsec.empty'), icon: 'shield' },
    async fetch({ page, pageSize, sort, filters }) {
      const res = await api.get('/api/v1/sip/blocked');
      const q = (filters.q || '').toLowerCase();
      return pageLocally((res && res.items) || [], { page, pageSize, sort }, (b) => !q || String(b.address).toLowerCase().includes(q));
    },
  });

  root.append(pageHeader(t('nav.pbx.sipSecurity'), t('sipsec.desc')), table.el);
  table.reload();

  // Countdowns tick every second; an expired block or a new one shows up by itself.
  let refreshing = false;
  const tick = setInterval(() => {
    let expired = false;
    for (const el of root.querySelectorAll('.countdown[data-until]')) if (!paintCountdown(el)) expired = true;
    if (expired && !refreshing) {
      refreshing = true;
      table.refresh().finally(() => { refreshing = false; });
    }
  }, 1000);
  const poll = setInterval(() => { if (!document.hidden) table.refresh(); }, REFRESH_MS);

  async function unblock(list) {
    const names = list.map((b) => b.address).join(t('common.listSep'));
    const ok = await confirmDialog({
      title: t('sipsec.unblockTitle'),
      message: list.length === 1 ? t('sipsec.unblockConfirm', { address: names }) : t('sipsec.bulkConfirm', { n: list.length, names }),
      detail: t('sipsec.unblockDetail'),
      okText: t('sipsec.unblock'),
      danger: false,
    });
    if (!ok) return;
    const failed = [];
    for (const b of list) {
      try {
        await api.del(`/api/v1/sip/blocked/${encodeURIComponent(b.address)}`);
      } catch (err) {
        // 404: the block ran out in the meantime — the address is free either way.
        if (!(err instanceof ApiError && err.status === 404)) failed.push(`${b.address}: ${errorText(err)}`);
      }
    }
    if (failed.length) toast.error(t('common.someFailed', { list: failed.join('; ') }));
    else toast.success(list.length === 1 ? t('sipsec.unblocked', { address: names }) : t('sipsec.bulkUnblocked', { n: list.length }));
    table.clearSelection();
    table.reload();
  }

  return () => {
    clearInterval(tick);
    clearInterval(poll);
  };
}
