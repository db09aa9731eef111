// Appointment reminders (预约提醒): the owner is told in the web UI when a
// callback falls due. The store below only needs "the list of due, not done
// appointments"; where that list comes from is the source's business: the
// default listens for appointment.due on the event WebSocket and fetches the
// list then, with a slow poll of GET /api/v1/appointments?due=true beneath.
//
// Each due appointment is announced once: a card in the bottom-right corner
// (clear of the page titles and the top bar) that stays until it is closed or
// the appointment is dealt with. What was announced is remembered in this
// browser (localStorage, per user, keyed "id@at"), so a reload or the next
// sign-in does not announce it again; moving the appointment to a new time
// announces it anew. The bell in the top bar keeps counting what is due.
import { h, clear } from './dom.js';
import { api, ApiError } from './api.js';
import { session } from './state.js';
import { t, onLangChange } from './i18n/index.js';
import { icon } from './components/icons.js';
import { formatDateMinute, formatRelative } from './format.js';
import { navigate } from './router.js';

export const POLL_MS = 30000;
const MAX_CARDS = 3;          // more than this at once: one summary card
const SEEN_KEY = 'hotline.reminded';
const SEEN_MAX = 500;         // remembered announcements per user …
const SEEN_DAYS = 60;         // … for at most this long

const state = {
  items: [],         // my due (and overdue) appointments, not done
  seen: null,        // Map "id@at" → when announced (ms); loaded from storage on first use
};
const listeners = new Set();
let stopSource = null;
let currentSource = null;

/** fn(items) now and on every change; returns the unsubscribe function. */
export function onReminders(fn) {
  listeners.add(fn);
  fn(state.items);
  return () => listeners.delete(fn);
}

export function dueCount() { return state.items.length; }

const keyOf = (a) => `${a.id}@${a.at}`;

// ---------------------------------------------------------------- remembered announcements

function storageKey() {
  return `${SEEN_KEY}.${session.user && session.user.id != null ? session.user.id : 'anonymous'}`;
}

function loadSeen() {
  const map = new Map();
  try {
    const stored = JSON.parse(localStorage.getItem(storageKey()) || '{}');
    if (stored && typeof stored === 'object') {
      for (const [k, v] of Object.entries(stored)) if (typeof v === 'number') map.set(k, v);
    }
  } catch { /* storage disabled or garbled: start afresh */ }
  return map;
}

function saveSeen() {
  const oldest = Date.now() - SEEN_DAYS * 86400000;
  const kept = [...state.seen.entries()].filter(([, at]) => at >= oldest).sort((a, b) => b[1] - a[1]).slice(0, SEEN_MAX);
  state.seen = new Map(kept);
  try { localStorage.setItem(storageKey(), JSON.stringify(Object.fromEntries(kept))); } catch { /* storage full or disabled */ }
}

/** Called by the source with the full current list of due appointments. */
export function setDueAppointments(list) {
  if (!state.seen) state.seen = loadSeen();
  const me = session.user ? session.user.id : null;
  // Supervisors see their team's appointments; only the owner is reminded.
  const mine = (list || []).filter((a) => !a.done && (me == null || a.userId == null || a.userId === me));
  const fresh = mine.filter((a) => !state.seen.has(keyOf(a)));
  const changed = fresh.length > 0 || mine.length !== state.items.length
    || mine.some((a, i) => keyOf(a) !== keyOf(state.items[i]));
  state.items = mine;
  cards.sync(mine);
  if (fresh.length) {
    const now = Date.now();
    for (const a of fresh) state.seen.set(keyOf(a), now);
    saveSeen();
    cards.announce(fresh);
  }
  if (changed) for (const fn of listeners) fn(state.items);
}

// ---------------------------------------------------------------- the cards

const cards = (() => {
  const shown = new Map(); // key → {a, el}
  let summary = 0;         // due appointments announced together
  let summaryEl = null;
  let root = null;
  let closeAllEl = null;

  function ensureRoot() {
    if (root && root.isConnected) return root;
    root = h('section', { class: 'reminder-root', testid: 'reminder-stack', 'aria-live': 'polite', 'aria-label': t('reminders.title') });
    document.body.appendChild(root);
    return root;
  }

  function leave(el) {
    if (!el) return;
    el.classList.add('leaving');
    setTimeout(() => el.remove(), 180);
  }

  function card({ testid, key, title, text, meta, onView }) {
    const el = h('div', { class: 'toast reminder-card', role: 'status', testid, dataset: key ? { key } : undefined },
      h('span', { class: 'reminder-icon', 'aria-hidden': 'true' }, icon('bell')),
      h('div', { class: 'reminder-body' },
        h('div', { class: 'reminder-title' }, title),
        h('div', { class: 'reminder-text' }, text),
        h('div', { class: 'reminder-foot' },
          h('span', { class: 'reminder-meta' }, meta || null),
          h('button', { type: 'button', class: 'link-btn reminder-view', testid: 'reminder-view', onclick: () => { dismiss(key); onView(); } }, t('reminders.view')))),
      h('button', {
        type: 'button', class: 'toast-close', testid: 'reminder-dismiss', 'aria-label': t('reminders.dismiss'), title: t('reminders.dismiss'),
        onclick: () => dismiss(key),
      }, icon('close')));
    return el;
  }

  function appointmentCard(a) {
    const key = keyOf(a);
    return card({
      testid: 'toast-reminder', key,
      title: t('reminders.title'),
      text: t('reminders.due', { customer: a.customerName || `#${a.customerId}` }),
      meta: [h('span', { class: 'num' }, formatDateMinute(a.at)), ` · ${formatRelative(a.at)}`, a.note ? [' · ', h('span', { class: 'reminder-note', title: a.note }, a.note)] : null],
      onView: () => navigate('/crm/appointments?due=true'),
    });
  }

  function summaryCard(n) {
    return card({
      testid: 'toast-reminder', key: null,
      title: t('reminders.title'),
      text: t('reminders.summary', { n }),
      onView: () => navigate('/crm/appointments?due=true'),
    });
  }

  function paintCloseAll() {
    const n = shown.size + (summary ? 1 : 0);
    if (n >= 2 && !closeAllEl) {
      closeAllEl = h('div', { class: 'reminder-close-all' },
        h('button', { type: 'button', class: 'link-btn muted-link', testid: 'reminder-dismiss-all', onclick: () => dismissAll() }, t('reminders.dismissAll')));
      ensureRoot().prepend(closeAllEl);
    } else if (n < 2 && closeAllEl) {
      closeAllEl.remove();
      closeAllEl = null;
    }
  }

  function paintSummary() {
    const el = summary ? summaryCard(summary) : null;
    if (summaryEl && el) summaryEl.replaceWith(el);
    else if (summaryEl) leave(summaryEl);
    else if (el) ensureRoot().appendChild(el);
    summaryEl = el;
  }

  function dismiss(key) {
    if (key == null) { summary = 0; paintSummary(); } else {
      const c = shown.get(key);
      if (c) { shown.delete(key); leave(c.el); }
    }
    paintCloseAll();
  }

  function dismissAll() {
    for (const c of shown.values()) leave(c.el);
    shown.clear();
    summary = 0;
    paintSummary();
    paintCloseAll();
  }

  return {
    announce(fresh) {
      if (shown.size + fresh.length + (summary ? 1 : 0) <= MAX_CARDS) {
        for (const a of fresh) {
          const el = appointmentCard(a);
          shown.set(keyOf(a), { a, el });
          ensureRoot().appendChild(el);
        }
      } else {
        // Too many for one card each: fold them (and those shown) into one.
        summary += shown.size + fresh.length;
        for (const c of shown.values()) c.el.remove();
        shown.clear();
        paintSummary();
      }
      paintCloseAll();
    },
    /** Cards of appointments no longer due (done, deleted, moved) go away. */
    sync(mine) {
      const keys = new Set(mine.map(keyOf));
      for (const [key, c] of [...shown]) if (!keys.has(key)) { shown.delete(key); leave(c.el); }
      if (summary > mine.length) { summary = mine.length; paintSummary(); }
      paintCloseAll();
    },
    clear() {
      shown.clear();
      summary = 0;
      summaryEl = null;
      closeAllEl = null;
      if (root) clear(root);
    },
    /** The interface language changed: say the same in the new one. */
    repaint() {
      if (!root) return;
      root.setAttribute('aria-label', t('reminders.title'));
      for (const [key, c] of shown) {
        const el = appointmentCard(c.a);
        c.el.replaceWith(el);
        shown.set(key, { a: c.a, el });
      }
      if (summaryEl) paintSummary();
      if (closeAllEl) { closeAllEl.remove(); closeAllEl = null; paintCloseAll(); }
    },
  };
})();

onLangChange(() => cards.repaint());

/** The polling source: returns its stop function. */
export function pollSource(push, intervalMs = POLL_MS) {
  let timer = null;
  let stopped = false;
  const tick = async () => {
    try {
      const res = await api.get('/api/v1/appointments', { due: true, page: 1, pageSize: 500 }, { quiet: true });
      if (!stopped) push((res && res.items) || []);
    } catch (err) {
      // Signed out, no longer allowed or no such route: stop quietly; the next sign-in decides.
      if (err instanceof ApiError && [401, 403, 404].includes(err.status)) { stop(); return; }
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  function stop() {
    stopped = true;
    clearTimeout(timer);
  }
  stop.refresh = () => { if (stopped) return; clearTimeout(timer); tick(); };
  tick();
  return stop;
}

/**
 * The live source: the server pushes `appointment.due` over the event
 * WebSocket (/api/v1/events) and the list is fetched at once; a slow poll
 * stays underneath for anything missed while disconnected. Without
 * WebSocket support it is the poll alone.
 */
export function pushSource(push) {
  let socket = null;
  let closed = false;
  let retry = null;
  let fetchNow = () => {};
  const poll = pollSource((items) => push(items), POLL_MS * 4);
  function connect() {
    if (closed || typeof WebSocket === 'undefined') return;
    socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/events`);
    socket.onmessage = (message) => {
      let event = null;
      try { event = JSON.parse(message.data); } catch { return; }
      if (event && event.type === 'appointment.due') fetchNow();
    };
    socket.onclose = () => { if (!closed) retry = setTimeout(connect, 10000); };
  }
  fetchNow = async () => {
    try {
      const res = await api.get('/api/v1/appointments', { due: true, page: 1, pageSize: 500 }, { quiet: true });
      if (!closed) push((res && res.items) || []);
    } catch { /* the poll underneath reports nothing new; the next push retries */ }
  };
  connect();
  const stop = () => {
    closed = true;
    clearTimeout(retry);
    poll();
    if (!socket) return;
    socket.onclose = null;
    // Closing a socket that is still connecting makes the browser log an error: close it once open.
    if (socket.readyState === WebSocket.CONNECTING) socket.onopen = () => socket.close();
    else socket.close();
  };
  stop.refresh = () => fetchNow();
  return stop;
}

/** Starts reminding (once per sign-in); `source(push)` returns a stop function. */
export function startReminders({ source = pushSource } = {}) {
  if (stopSource) return;
  currentSource = source;
  stopSource = source(setDueAppointments);
}

/** Sign-out: stop the source and take the cards away (what was announced stays remembered). */
export function stopReminders() {
  if (stopSource) stopSource();
  stopSource = null;
  currentSource = null;
  state.items = [];
  state.seen = null; // the next user's memory is loaded at their first list
  cards.clear();
  for (const fn of listeners) fn(state.items);
}

/** Asks the source for news now (after a change on the appointments page). */
export function refreshReminders() {
  if (!stopSource) return;
  if (typeof stopSource.refresh === 'function') { stopSource.refresh(); return; }
  stopSource();
  stopSource = currentSource(setDueAppointments);
}
