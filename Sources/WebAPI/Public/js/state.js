// The signed-in user (GET /api/v1/me) and permission checks.
import { api } from './api.js';

export const session = {
  user: null,      // /me: User + permissions, dataScope, departmentName
  version: '',
  logoUrl: null,   // object URL of the uploaded logo, or null
};

export function can(perm) {
  const u = session.user;
  if (!u) return false;
  if (!perm) return true;
  if (u.isAdmin) return true;
  return Array.isArray(u.permissions) && u.permissions.includes(perm);
}

export async function loadMe() {
  const me = await api.get('/api/v1/me', null, { quiet: true });
  session.user = me;
  return me;
}

const logoListeners = new Set();
export function onLogoChange(fn) { logoListeners.add(fn); return () => logoListeners.delete(fn); }

// Whether there is a logo. GET /api/v1/logo answers 404 without one, and a
// page load should not make a request that fails, so the logo is only asked
// for when it is known to exist:
//  - the server may say so in /healthz (`"logo": true|false`, or the logo's
//    URL) — read by loadVersion(), which every page load makes anyway;
//  - otherwise this browser remembers what it last saw (localStorage), and
//    checks again only right after a sign-in when that is unknown or older
//    than LOGO_RECHECK_MS (so a logo uploaded elsewhere shows up), and after
//    an upload or removal here.
const LOGO_KEY = 'hotline.logo';
const LOGO_RECHECK_MS = 12 * 3600 * 1000;
let serverLogo; // undefined: the server does not say; else {present, url}

function logoHint() {
  try {
    const v = JSON.parse(localStorage.getItem(LOGO_KEY) || 'null');
    return v && typeof v.present === 'boolean' && typeof v.checked === 'number' ? v : null;
  } catch { return null; }
}
function rememberLogo(present) {
  try { localStorage.setItem(LOGO_KEY, JSON.stringify({ present, checked: Date.now() })); } catch { /* ignore */ }
}

/**
 * Loads the logo (if there is one) and notifies listeners (top bar, login page).
 * {present}: this page just uploaded (true) or removed (false) it.
 * {check}: right after a sign-in — ask the server when this browser does not know.
 */
export async function refreshLogo({ present, check = false } = {}) {
  let want;
  let src = '/api/v1/logo';
  if (typeof present === 'boolean') {
    want = present;
    rememberLogo(present);
  } else if (serverLogo) {
    want = serverLogo.present;
    if (serverLogo.url) src = serverLogo.url;
  } else {
    const hint = logoHint();
    const fresh = hint && Date.now() - hint.checked < LOGO_RECHECK_MS;
    want = hint && (hint.present || fresh || !check) ? hint.present : check;
  }
  if (!want && !session.logoUrl) return null; // nothing shown, nothing to show
  let url = null;
  if (want) {
    try {
      const res = await fetch(`${src}${src.includes('?') ? '&' : '?'}t=${Date.now()}`, { cache: 'no-store' });
      if (res.status === 200) {
        const blob = await res.blob();
        if (blob.size > 0) url = URL.createObjectURL(blob);
      }
      if (!serverLogo && (res.status === 200 || res.status === 204 || res.status === 404)) rememberLogo(!!url);
    } catch { /* no logo */ }
  }
  if (session.logoUrl) URL.revokeObjectURL(session.logoUrl);
  session.logoUrl = url;
  for (const fn of logoListeners) fn(url);
  return url;
}

export async function loadVersion() {
  try {
    const res = await fetch('/healthz', { headers: { Accept: 'application/json' } });
    const data = await res.json();
    session.version = data && data.version ? String(data.version) : '';
    if (data && Object.prototype.hasOwnProperty.call(data, 'logo')) {
      const v = data.logo;
      serverLogo = { present: !!v, url: typeof v === 'string' ? v : (v && typeof v.url === 'string' ? v.url : null) };
    }
  } catch { session.version = ''; }
  return session.version;
}
