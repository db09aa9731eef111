// Date (and date + time) inputs of our own. Chromium's <input type=date> and
// <input type=datetime-local> draw their fields in the *browser's* locale
// ("mm/dd/yyyy" and AM/PM with an English browser), not in the page's
// language. These read and write YYYY-MM-DD (and 24-hour HH:MM) in every
// language: a text input that accepts common spellings (2026/3/5, 2026.3.5,
// 20260305, 2026年3月5日) and tidies them on blur, plus a calendar popover
// that works with the mouse and the keyboard:
//   input: ↓ or Alt+↓ opens the calendar;
//   calendar: ← → ↑ ↓ day / week, PageUp / PageDown month (+Shift: year),
//   Home / End start / end of the week, Enter or Space picks, Esc closes.
import { h, clear, nextId } from '../dom.js';
import { icon } from './icons.js';
import { t, getLang } from '../i18n/index.js';

const pad = (n) => String(n).padStart(2, '0');

/** A Date → "2026-03-05" (local day). */
export function isoDate(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function toDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
}

/**
 * Reads a typed date: "" → "", a valid date → "YYYY-MM-DD", anything else → null.
 * Years are always written out: 3/5/2026 is ambiguous (March 5 or May 3) and refused.
 */
export function parseDate(text) {
  const s = String(text ?? '').trim();
  if (!s) return '';
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s) || /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1900 || y > 2199) return null;
  const date = new Date(y, mo - 1, d);
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return null;
  return `${m[1]}-${pad(mo)}-${pad(d)}`;
}

/** Reads a typed time: "" → "", "9:5" / "0905" / "905" / "9" → "09:05" / "09:05" / "09:05" / "09:00", else null. */
export function parseTime(text) {
  const s = String(text ?? '').trim();
  if (!s) return '';
  const m = /^(\d{1,2})\s*[:：.]\s*(\d{1,2})$/.exec(s) || /^(\d{1,2})(\d{2})$/.exec(s) || /^(\d{1,2})()$/.exec(s);
  if (!m) return null;
  const hh = Number(m[1]);
  const mm = m[2] === '' ? 0 : Number(m[2]);
  if (hh > 23 || mm > 59) return null;
  return `${pad(hh)}:${pad(mm)}`;
}

/** Whether a value is a real "YYYY-MM-DD". */
export function isDateValue(v) {
  return typeof v === 'string' && parseDate(v) === v;
}

/** Whether a value is a real "YYYY-MM-DDTHH:MM". */
export function isDateTimeValue(v) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})$/.exec(v || '');
  return !!m && isDateValue(m[1]) && parseTime(m[2]) === m[2];
}

const zh = () => getLang().toLowerCase().startsWith('zh');
const weekStart = () => (zh() ? 1 : 0); // 星期一 in Chinese, Sunday in (US) English

const fmtCache = new Map();
function fmt(kind) {
  const key = `${getLang()}|${kind}`;
  if (!fmtCache.has(key)) {
    const opts = kind === 'month' ? { year: 'numeric', month: 'long' }
      : kind === 'weekday' ? { weekday: zh() ? 'narrow' : 'short' }
        : kind === 'weekdayLong' ? { weekday: 'long' }
          : { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' };
    fmtCache.set(key, new Intl.DateTimeFormat(getLang(), opts));
  }
  return fmtCache.get(key);
}

/** The calendar popover: one per open field, attached to the field (so dialogs keep focus inside). */
function calendar({ anchor, host, value, onPick, onClose, label }) {
  const today = isoDate(new Date());
  let selected = value;
  let focusDay = toDate(value) || new Date();
  const titleId = nextId('cal-title');
  const title = h('span', { class: 'cal-title', id: titleId, 'aria-live': 'polite', testid: 'calendar-title' });
  const navBtn = (iconName, text, testid, fn) => h('button', {
    type: 'button', class: 'cal-nav', 'aria-label': text, title: text, testid, onclick: fn,
  }, icon(iconName));
  const grid = h('table', { class: 'cal-grid', role: 'grid', 'aria-labelledby': titleId, testid: 'calendar-grid' });
  const pop = h('div', {
    class: 'cal-pop', role: 'dialog', 'aria-modal': 'false', 'aria-label': label || t('date.choose'), testid: 'calendar',
  },
  h('div', { class: 'cal-head' },
    navBtn('chevronsLeft', t('date.prevYear'), 'calendar-prev-year', () => move({ years: -1 })),
    navBtn('chevronLeft', t('date.prevMonth'), 'calendar-prev', () => move({ months: -1 })),
    title,
    navBtn('chevronRight', t('date.nextMonth'), 'calendar-next', () => move({ months: 1 })),
    navBtn('chevronsRight', t('date.nextYear'), 'calendar-next-year', () => move({ years: 1 }))),
  grid,
  h('div', { class: 'cal-foot' },
    h('button', { type: 'button', class: 'link-btn', testid: 'calendar-today', onclick: () => onPick(today) }, t('date.today')),
    h('button', { type: 'button', class: 'link-btn muted-link', testid: 'calendar-clear', onclick: () => onPick('') }, t('date.clear'))));

  function move({ days = 0, months = 0, years = 0 }, focus = false) {
    const d = new Date(focusDay.getFullYear() + years, focusDay.getMonth() + months, 1);
    // Keep the day of the month where it exists (31 Jan + 1 month → 28/29 Feb).
    const last = new Date(d.getFullYear(), d.getMonth() + 1, 0).getDate();
    d.setDate(Math.min(focusDay.getDate(), last));
    focusDay = days ? new Date(focusDay.getFullYear(), focusDay.getMonth(), focusDay.getDate() + days) : d;
    paint();
    if (focus) focusCurrent();
  }

  function focusCurrent() {
    const b = grid.querySelector(`button[data-date="${isoDate(focusDay)}"]`);
    if (b) b.focus();
  }

  function paint() {
    title.textContent = fmt('month').format(focusDay);
    clear(grid);
    const first = weekStart();
    const head = h('tr');
    for (let i = 0; i < 7; i += 1) {
      const day = new Date(2024, 0, 7 + ((first + i) % 7)); // 2024-01-07 was a Sunday
      head.appendChild(h('th', { scope: 'col', abbr: fmt('weekdayLong').format(day) }, fmt('weekday').format(day)));
    }
    grid.appendChild(h('thead', null, head));
    const body = h('tbody');
    const monthStart = new Date(focusDay.getFullYear(), focusDay.getMonth(), 1);
    const offset = (monthStart.getDay() - first + 7) % 7;
    const start = new Date(monthStart.getFullYear(), monthStart.getMonth(), 1 - offset);
    const focusIso = isoDate(focusDay);
    for (let w = 0; w < 6; w += 1) {
      const tr = h('tr');
      for (let i = 0; i < 7; i += 1) {
        const d = new Date(start.getFullYear(), start.getMonth(), start.getDate() + w * 7 + i);
        const iso = isoDate(d);
        const other = d.getMonth() !== focusDay.getMonth();
        const btn = h('button', {
          type: 'button', class: ['cal-day', other && 'other', iso === today && 'today', iso === selected && 'selected'],
          tabindex: iso === focusIso ? '0' : '-1', dataset: { date: iso }, 'aria-label': fmt('full').format(d),
          'aria-pressed': iso === selected ? 'true' : 'false', 'aria-current': iso === today ? 'date' : undefined,
          onclick: () => onPick(iso),
        }, String(d.getDate()));
        tr.appendChild(h('td', { role: 'gridcell', 'aria-selected': iso === selected ? 'true' : 'false' }, btn));
      }
      body.appendChild(tr);
    }
    grid.appendChild(body);
  }

  grid.addEventListener('keydown', (e) => {
    const b = e.target.closest && e.target.closest('button[data-date]');
    if (!b) return;
    const dow = (focusDay.getDay() - weekStart() + 7) % 7;
    const keys = {
      ArrowLeft: { days: -1 }, ArrowRight: { days: 1 }, ArrowUp: { days: -7 }, ArrowDown: { days: 7 },
      Home: { days: -dow }, End: { days: 6 - dow },
      PageUp: e.shiftKey ? { years: -1 } : { months: -1 }, PageDown: e.shiftKey ? { years: 1 } : { months: 1 },
    };
    if (keys[e.key]) {
      e.preventDefault();
      focusDay = toDate(b.dataset.date);
      move(keys[e.key], true);
    }
  });
  pop.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); onClose(true); }
  });

  function place() {
    const r = anchor.getBoundingClientRect();
    if (r.bottom < 0 || r.top > window.innerHeight) { onClose(false); return; }
    const w = pop.offsetWidth;
    const hgt = pop.offsetHeight;
    const below = r.bottom + 4 + hgt <= window.innerHeight - 8 || r.top - 4 - hgt < 8;
    pop.style.left = `${Math.max(8, Math.min(r.left, window.innerWidth - w - 8))}px`;
    pop.style.top = `${below ? r.bottom + 4 : r.top - 4 - hgt}px`;
  }

  paint();
  host.appendChild(pop);
  place();
  const onScroll = (e) => { if (!pop.contains(e.target)) place(); };
  window.addEventListener('resize', place);
  document.addEventListener('scroll', onScroll, true);
  return {
    el: pop,
    focus: focusCurrent,
    show(v) { selected = v; const d = toDate(v); if (d) focusDay = d; paint(); },
    remove() {
      window.removeEventListener('resize', place);
      document.removeEventListener('scroll', onScroll, true);
      pop.remove();
    },
  };
}

/**
 * dateInput({id, value, testid, placeholder, disabled, label, inlineError, onInput, onCommit, describedBy})
 * → {el, input, get(), set(v), valid(), check(), focus()}
 * get() is "" (empty), "YYYY-MM-DD" (valid) or the text as typed (invalid: forms report it).
 * `inlineError` shows the format problem under the field (search forms have no error line).
 */
export function dateInput({
  id = nextId('date'), value = '', testid, placeholder, disabled, label, inlineError = false, onInput, onCommit, describedBy, onTimeText,
} = {}) {
  const input = h('input', {
    id, type: 'text', class: 'input date-text', testid, disabled, inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false',
    maxlength: 24, placeholder: placeholder || t('date.placeholder'), title: t('date.formatHint'),
    'aria-describedby': describedBy, 'aria-haspopup': 'dialog', 'aria-expanded': 'false',
  });
  const toggle = h('button', {
    type: 'button', class: 'date-toggle', tabindex: '-1', disabled, testid: testid ? `${testid}-calendar` : undefined,
    'aria-label': label ? t('date.chooseFor', { label }) : t('date.choose'), title: t('date.choose'),
  }, icon('calendar'));
  const error = inlineError ? h('span', { class: 'date-error', role: 'alert', hidden: true, testid: testid ? `${testid}-error` : undefined }) : null;
  const el = h('div', { class: 'date-field' }, input, toggle, error);
  let pop = null;

  function normalize() {
    const raw = input.value;
    // "2026-03-05 14:30" pasted into a date-and-time field: the time goes to its own box.
    const both = /^\s*(\S+?)[\sT]+(\d{1,2}\s*[:：]\s*\d{1,2})\s*$/.exec(raw);
    if (both && onTimeText && parseDate(both[1])) {
      onTimeText(both[2]);
      input.value = parseDate(both[1]);
      return;
    }
    const v = parseDate(raw);
    if (v) input.value = v;
  }
  function valid() { return parseDate(input.value) !== null; }
  function showValidity() {
    const ok = valid();
    input.setAttribute('aria-invalid', ok ? 'false' : 'true');
    el.classList.toggle('is-invalid', !ok);
    if (error) {
      error.hidden = ok;
      error.textContent = ok ? '' : t('date.invalid');
    }
    return ok;
  }
  function open(focusGrid) {
    if (pop || input.disabled) return;
    normalize();
    pop = calendar({
      anchor: input, host: el, value: parseDate(input.value) || '', label,
      onPick(v) {
        input.value = v;
        close(true);
        showValidity();
        if (onInput) onInput();
        if (onCommit) onCommit();
      },
      onClose: (refocus) => close(refocus),
    });
    input.setAttribute('aria-expanded', 'true');
    setTimeout(() => document.addEventListener('mousedown', outside), 0);
    if (focusGrid) pop.focus();
  }
  function close(refocus) {
    if (!pop) return;
    pop.remove();
    pop = null;
    input.setAttribute('aria-expanded', 'false');
    document.removeEventListener('mousedown', outside);
    if (refocus) input.focus();
  }
  function outside(e) { if (!el.contains(e.target)) close(false); }

  toggle.addEventListener('click', () => (pop ? close(true) : open(true)));
  input.addEventListener('click', () => open(false));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || (e.altKey && e.key === 'ArrowDown')) { e.preventDefault(); if (pop) pop.focus(); else open(true); }
    else if (e.key === 'Escape' && pop) { e.preventDefault(); e.stopPropagation(); close(false); }
    else if (e.key === 'Enter') normalize(); // the search / form submit that follows reads the tidy value
  });
  input.addEventListener('input', () => {
    if (!el.classList.contains('is-invalid') || valid()) { el.classList.remove('is-invalid'); if (error) error.hidden = true; }
    if (pop) { const v = parseDate(input.value); if (v) pop.show(v); }
    if (onInput) onInput();
  });
  input.addEventListener('blur', () => {
    normalize();
    showValidity();
  });
  el.addEventListener('focusout', (e) => {
    if (pop && !el.contains(e.relatedTarget) && e.relatedTarget) close(false);
  });

  function set(v) {
    input.value = v == null ? '' : String(v);
    el.classList.remove('is-invalid');
    input.setAttribute('aria-invalid', 'false');
    if (error) error.hidden = true;
    if (pop) pop.show(parseDate(input.value) || '');
  }
  set(value);
  return {
    el, input,
    get() {
      const v = parseDate(input.value);
      return v === null ? input.value.trim() : v;
    },
    set,
    valid,
    /** Shows the problem (if any) at the field; true when fine. */
    check: showValidity,
    /** Shows another problem (e.g. a range the wrong way round) at the field. */
    fail(message) {
      input.setAttribute('aria-invalid', 'true');
      el.classList.add('is-invalid');
      if (error) { error.hidden = false; error.textContent = message; }
    },
    focus: () => input.focus(),
    close: () => close(false),
  };
}

/**
 * dateTimeInput({id, value: "YYYY-MM-DDTHH:MM", testid, …}) — a date field and a
 * 24-hour time field side by side (suggestions every half hour).
 * get() is "", "YYYY-MM-DDTHH:MM", or the typed text when a part is missing or wrong.
 */
export function dateTimeInput({ id = nextId('dt'), value = '', testid, disabled, label, onInput, describedBy } = {}) {
  const listId = nextId('times');
  const time = h('input', {
    type: 'text', class: 'input time-text', testid: testid ? `${testid}-time` : undefined, disabled, inputmode: 'numeric', autocomplete: 'off',
    spellcheck: 'false', maxlength: 5, placeholder: t('date.timePlaceholder'), title: t('date.timeHint'), list: listId,
    'aria-label': label ? t('date.timeFor', { label }) : t('date.time'), 'aria-describedby': describedBy,
  });
  const times = h('datalist', { id: listId });
  for (let m = 0; m < 24 * 60; m += 30) times.appendChild(h('option', { value: `${pad(Math.floor(m / 60))}:${pad(m % 60)}` }));
  const date = dateInput({
    id, testid, disabled, label, onInput, describedBy,
    onTimeText: (text) => { time.value = parseTime(text) || text; },
  });
  time.addEventListener('input', () => { if (onInput) onInput(); });
  time.addEventListener('blur', () => {
    const v = parseTime(time.value);
    if (v) time.value = v;
  });
  const el = h('div', { class: 'datetime-field' }, date.el, time, times);

  function set(v) {
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(v || '');
    date.set(m ? m[1] : '');
    time.value = m ? m[2] : '';
  }
  set(value);
  return {
    el, input: date.input, time,
    get() {
      // A whole "date time" still sitting in the date box (typed or filled at once) counts too.
      const whole = /^\s*(\S+?)[\sT]+(\S+)\s*$/.exec(date.input.value);
      const d = whole ? parseDate(whole[1]) : date.get();
      const tm = whole ? parseTime(whole[2]) : parseTime(time.value);
      if (!d && !time.value.trim() && !whole) return '';
      if (d && tm) return `${d}T${tm}`;
      return `${date.input.value.trim()} ${time.value.trim()}`.trim();
    },
    set,
    focus: () => date.focus(),
  };
}
