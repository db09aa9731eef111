// fetch wrapper: JSON in/out, bearer token + session cookie, typed errors.
const TOKEN_KEY = 'hotline.token';
// "This browser signed in and has not signed out": without it (and without a
// token in this tab) a page load does not ask GET /api/v1/me, which could
// only answer 401. Set at sign-in; cleared at sign-out and on any 401.
const SIGNED_IN_KEY = 'hotline.signedIn';

const handlers = {
  unauthenticated: () => {},
  passwordChangeRequired: () => {},
};

export function setApiHandlers(h) { Object.assign(handlers, h); }

export class ApiError extends Error {
  constructor(status, code, message, field, retryAfter, reason) {
    super(message || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field || null;
    this.retryAfter = retryAfter;
    // The rule as a catalogue key and its values ({key, args}), when the server names one.
    this.reason = reason || null;
  }
}

export function getToken() {
  try { return sessionStorage.getItem(TOKEN_KEY); } catch { return null; }
}
export function setToken(token) {
  try { if (token) sessionStorage.setItem(TOKEN_KEY, token); } catch { /* ignore */ }
  try { localStorage.setItem(SIGNED_IN_KEY, '1'); } catch { /* ignore */ }
}
export function clearToken() {
  try { sessionStorage.removeItem(TOKEN_KEY); } catch { /* ignore */ }
  try { localStorage.removeItem(SIGNED_IN_KEY); } catch { /* ignore */ }
}
/** Whether a session may exist (a token in this tab, or a sign-in in this browser not yet ended). */
export function mightBeSignedIn() {
  if (getToken()) return true;
  try { return localStorage.getItem(SIGNED_IN_KEY) === '1'; } catch { return true; }
}

function queryString(query) {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** path + query string (empty values left out): links for downloads. */
export function withQuery(path, query) {
  return path + queryString(query);
}

/**
 * request(method, path, {body, query, raw, contentType, quiet})
 * `raw` sends a Blob/File as-is with `contentType` (a FormData goes as
 * multipart/form-data); `quiet` suppresses the
 * global 401/403-password redirects (used by the login and bootstrap calls).
 */
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload;
  if (typeof FormData !== 'undefined' && opts.raw instanceof FormData) {
    payload = opts.raw; // multipart: the browser sets the boundary in Content-Type
  } else if (opts.raw !== undefined) {
    payload = opts.raw;
    headers['Content-Type'] = opts.contentType || 'application/octet-stream';
  } else if (opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(path + queryString(opts.query), { method, headers, body: payload, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'network_error', e && e.message);
  }
  const text = res.status === 204 ? '' : await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const err = (data && data.error) || {};
    const retry = res.headers.get('Retry-After');
    const e = new ApiError(res.status, err.code || `http_${res.status}`, err.message || res.statusText, err.field,
      retry !== null && retry !== '' && !Number.isNaN(Number(retry)) ? Number(retry) : undefined, err.reason);
    if (!opts.quiet) {
      if (res.status === 401) handlers.unauthenticated(e);
      else if (res.status === 403 && e.code === 'password_change_required') handlers.passwordChangeRequired(e);
    }
    throw e;
  }
  return data;
}

export const api = {
  get: (path, query, opts) => request('GET', path, { ...opts, query }),
  post: (path, body, opts) => request('POST', path, { ...opts, body }),
  put: (path, body, opts) => request('PUT', path, { ...opts, body }),
  patch: (path, body, opts) => request('PATCH', path, { ...opts, body }),
  del: (path, opts) => request('DELETE', path, opts),
};

/** Fetches every page of a list (pageSize 500) — for small reference lists. */
export async function listAll(path, query = {}) {
  const items = [];
  for (let page = 1; page < 50; page += 1) {
    const res = await api.get(path, { ...query, page, pageSize: 500 });
    const batch = (res && res.items) || [];
    items.push(...batch);
    if (batch.length < 500 || items.length >= (res.total ?? 0)) break;
  }
  return items;
}
