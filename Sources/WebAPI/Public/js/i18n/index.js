// The message catalogue. Every visible string goes through t().
import zhCN from './zh-CN.js';
import en from './en.js';

const CATALOGS = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'hotline.lang';
export const LANGUAGES = [
  { code: 'zh-CN', label: '简体中文' },
  { code: 'en', label: 'English' },
];

function detect() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && CATALOGS[saved]) return saved;
  } catch { /* storage disabled */ }
  const nav = (navigator.languages && navigator.languages[0]) || navigator.language || 'en';
  return nav.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

let current = detect();
const listeners = new Set();
document.documentElement.lang = current;

export function getLang() { return current; }

export function setLang(code) {
  if (!CATALOGS[code] || code === current) return;
  current = code;
  try { localStorage.setItem(STORAGE_KEY, code); } catch { /* ignore */ }
  document.documentElement.lang = code;
  for (const fn of listeners) fn(code);
}

export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function has(key) {
  return Object.prototype.hasOwnProperty.call(CATALOGS[current], key);
}

export function t(key, params) {
  let s = CATALOGS[current][key];
  if (s === undefined) s = CATALOGS.en[key];
  if (s === undefined) return key;
  // "one|other" plural forms, chosen by params.n (English needs them; Chinese does not).
  if (s.includes('|') && params && typeof params.n === 'number') {
    const [one, other] = s.split('|');
    s = new Intl.PluralRules(current).select(params.n) === 'one' ? one : other;
  }
  if (params) s = s.replace(/\{(\w+)\}/g, (m, name) => (params[name] !== undefined ? String(params[name]) : m));
  return s;
}

/** Label for a catalogue key with a fallback text when it is unknown. */
export function tOr(key, fallback) {
  return has(key) || CATALOGS.en[key] !== undefined ? t(key) : fallback;
}
