// Appointment reminders (预约提醒): the owner is told in the web UI when a
// callback falls due. The store below only needs "the list of due, not done
// appointments"; where that list comes from is the source's business: the
// default listens for appointment.due on the event WebSocket and fetches the
// list then, with a slow poll of GET /api/v1/appointments?due=true beneath.
import { api, ApiError } from './api.js';
import { session } from './state.js';
import { t } from './i18n/index.js';
import { toast } from './components/toast.js';
import { formatDateMinute } from './format.js';
import { navigate } from './router.js';

export const POLL_MS = 30000;
const TOAST_MS = 12000;
const MAX_SINGLE_TOASTS = 3;

const state = {
  items: [],         // my due (and overdue) appointments, not done
  seen: new Set(),   // "id@at" already announced
  primed: false,     // the first list is summarised, not announced one by one
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

/** Called by the source with the full current list of due appointments. */
export function setDueAppointments(list) {
  const me = session.user ? session.user.id : null;
  // Supervisors see their team's appointments; only the owner is reminded.
  const mine = (list || []).filter((a) => !a.done && (me == null || a.userId == null || a.userId === me));
  const fresh = mine.filter((a) => !state.seen.has(keyOf(a)));
  const changed = fresh.length > 0 || mine.length !== state.items.length
    || mine.some((a, i) => keyOf(a) !== keyOf(state.items[i]));
  for (const a of mine) state.seen.add(keyOf(a));
  state.items = mine;
  if (fresh.length) announce(fresh, !state.primed);
  state.primed = true;
  if (changed) for (const fn of listeners) fn(state.items);
}

function announce(fresh, first) {
  const open = { label: t('reminders.view'), testid: 'reminder-view', onClick: () => navigate('/crm/appointments?due=true') };
  const opts = { ms: TOAST_MS, action: open, icon: 'bell', testid: 'toast-reminder' };
  if (first || fresh.length > MAX_SINGLE_TOASTS) {
    toast.info(t('reminders.summary', { n: fresh.length }), opts);
    return;
  }
  for (const a of fresh) {
    toast.info(t('reminders.due', { customer: a.customerName || `#${a.customerId}`, time: formatDateMinute(a.at) }), opts);
  }
}

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
  return () => {
    closed = true;
    clearTimeout(retry);
    poll();
    if (socket) socket.close();
  };
}

/** Starts reminding (once per sign-in); `source(push)` returns a stop function. */
export function startReminders({ source = pushSource } = {}) {
  if (stopSource) return;
  currentSource = source;
  stopSource = source(setDueAppointments);
}

/** Sign-out: stop the source and forget what was announced. */
export function stopReminders() {
  if (stopSource) stopSource();
  stopSource = null;
  currentSource = null;
  state.items = [];
  state.seen.clear();
  state.primed = false;
  for (const fn of listeners) fn(state.items);
}

/** Asks the source for news now (after a change on the appointments page). */
export function refreshReminders() {
  if (!stopSource) return;
  stopSource();
  stopSource = currentSource(setDueAppointments);
}
