import { getLang } from './i18n/index.js';

const cache = new Map();

// Dates read YYYY-MM-DD in both languages (as the date filters take them):
// 12/03/2026 means March 12 to half the world and December 3 to the rest.
const pad = (n) => String(n).padStart(2, '0');
function parts(d) {
  return { day: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`, hm: `${pad(d.getHours())}:${pad(d.getMinutes())}`, s: pad(d.getSeconds()) };
}

function format(value, render) {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : render(parts(d));
}

export function formatDateTime(value) {
  return format(value, (p) => `${p.day} ${p.hm}:${p.s}`);
}

/** Date and time to the minute (dense tables). */
export function formatDateMinute(value) {
  return format(value, (p) => `${p.day} ${p.hm}`);
}

export function formatDate(value) {
  return format(value, (p) => p.day);
}

export function formatNumber(n) {
  return new Intl.NumberFormat(getLang()).format(n);
}

// [unit, seconds, used from]: "in 90 minutes" reads better than "in 2 hours".
const RELATIVE_UNITS = [['day', 86400, 2 * 86400], ['hour', 3600, 2 * 3600], ['minute', 60, 60], ['second', 1, 0]];

/** "in 52 minutes" / "52分钟后", "3 minutes ago"; `now` in ms. */
export function formatRelative(value, now = Date.now()) {
  if (!value) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const key = `${getLang()}|relative`;
  if (!cache.has(key)) cache.set(key, new Intl.RelativeTimeFormat(getLang(), { numeric: 'auto' }));
  const diff = Math.round((d.getTime() - now) / 1000);
  const abs = Math.abs(diff);
  for (const [unit, size, from] of RELATIVE_UNITS) {
    if (abs >= from) return cache.get(key).format(Math.round(diff / size), unit);
  }
  return '';
}

/** A countdown clock: 292 → "04:52", 3720 → "1:02:00". */
export function formatClock(seconds) {
  const total = Math.max(0, Math.floor(seconds));
  const hh = Math.floor(total / 3600);
  const mm = String(Math.floor((total % 3600) / 60)).padStart(2, '0');
  const ss = String(total % 60).padStart(2, '0');
  return hh ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Round-trip time: 23.4 → "23 ms", 4.26 → "4.3 ms". */
export function formatMs(ms) {
  if (ms === null || ms === undefined || Number.isNaN(Number(ms))) return '—';
  const n = Number(ms);
  const digits = n < 10 ? 1 : 0;
  return `${new Intl.NumberFormat(getLang(), { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(n)} ms`;
}
