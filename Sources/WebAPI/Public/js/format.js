import { getLang } from './i18n/index.js';

const cache = new Map();
function fmt(kind) {
  const key = `${getLang()}|${kind}`;
  if (!cache.has(key)) {
    const date = { year: 'numeric', month: '2-digit', day: '2-digit' };
    const opts = kind === 'date' ? date
      : kind === 'minute' ? { ...date, hour: '2-digit', minute: '2-digit', hour12: false }
        : { ...date, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false };
    cache.set(key, new Intl.DateTimeFormat(getLang(), opts));
  }
  return cache.get(key);
}

export function formatDateTime(value) {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : fmt('datetime').format(d);
}

/** Date and time to the minute (dense tables). */
export function formatDateMinute(value) {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : fmt('minute').format(d);
}

export function formatDate(value) {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : fmt('date').format(d);
}

export function formatNumber(n) {
  return new Intl.NumberFormat(getLang()).format(n);
}
