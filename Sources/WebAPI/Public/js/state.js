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

/** Loads the logo once per call; notifies listeners (top bar, login page). */
export async function refreshLogo() {
  let url = null;
  try {
    const res = await fetch(`/api/v1/logo?t=${Date.now()}`, { cache: 'no-store' });
    if (res.status === 200) {
      const blob = await res.blob();
      if (blob.size > 0) url = URL.createObjectURL(blob);
    }
  } catch { /* no logo */ }
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
  } catch { session.version = ''; }
  return session.version;
}
