// 分机设置 — SIP extensions with their live registration state.
import { h } from '../dom.js';
import { api, ApiError } from '../api.js';
import { createTable } from '../components/table.js';
import { button, pageHeader, tag } from '../components/ui.js';
import { icon } from '../components/icons.js';
import { formDialog } from '../components/form.js';
import { confirmDialog } from '../components/confirm.js';
import { toast } from '../components/toast.js';
import { showSecret } from '../components/secret.js';
import { errorText } from '../errors.js';
import { formatDate, formatDateTime, formatDateMinute, formatRelative, formatMs } from '../format.js';
import { can } from '../state.js';
import { t } from '../i18n/index.js';

const NUMBER = /^\d{2,10}$/;
const PHONE = /^\+?\d{1,32}$/;
const SIP_SECRET = /^[\x21\x23-\x5b\x5d-\x7e]+$/; // printable ASCII without space, " and \
const REFRESH_MS = 10000;
const MAX_CONTACTS = 10;

/** "1001（前台）" — the number, and the name when it says more. */
function label(ext) {
  return ext.name && ext.name !== ext.number ? t('ext.labelNamed', { number: ext.number, name: ext.name }) : ext.number;
}

function stateTag(ext) {
  const n = (ext.contacts || []).length;
  if (ext.registered) {
    return h('span', { class: 'tag tag-green reg-tag', testid: 'reg-state', title: t('ext.devicesOnline', { n }) },
      h('span', { class: 'dot on', 'aria-hidden': 'true' }), t('ext.registered'),
      h('span', { class: 'reg-count', 'aria-label': t('ext.devicesOnline', { n }) }, String(n)));
  }
  if (n) {
    return h('span', { class: 'tag tag-orange reg-tag', testid: 'reg-state', title: t('ext.unreachableHelp') },
      h('span', { class: 'dot warn', 'aria-hidden': 'true' }), t('ext.unreachable'));
  }
  return h('span', { class: 'tag reg-tag', testid: 'reg-state' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), t('ext.offline'));
}

function recordingTag(on) {
  return on ? tag(t('ext.on'), 'blue', { testid: 'recording' }) : tag(t('ext.off'), 'default', { testid: 'recording' });
}

/** One line per contact, so that the device and RTT columns line up. */
function contactLines(ext, fn, className) {
  const list = ext.contacts || [];
  if (!list.length) return null;
  return h('div', { class: ['contact-lines', className] }, list.map((c) => h('div', { class: 'contact-line' }, fn(c))));
}

function forwardingSummary(f) {
  const item = (name, value) => h('div', { class: 'fwd-item' },
    h('span', { class: 'fwd-label' }, name),
    value ? h('strong', { class: 'fwd-value' }, value) : h('span', { class: 'muted' }, t('ext.fwdNone')));
  return h('div', { class: 'fwd-strip', testid: 'forwarding-summary' },
    item(t('ext.fwdUnconditional'), f.unconditional),
    item(t('ext.fwdBusy'), f.busy),
    item(t('ext.fwdNoAnswer'), f.noAnswer ? t('ext.fwdAfter', { target: f.noAnswer, s: f.noAnswerSeconds }) : null));
}

function contactsTable(ext) {
  const list = ext.contacts || [];
  if (!list.length) {
    return h('div', { class: 'detail-empty', testid: 'contacts-empty' }, icon('info'), h('span', null, t('ext.noContacts', { number: ext.number })));
  }
  const now = Date.now();
  return h('table', { class: 'mini-table', testid: 'contacts-table' },
    h('thead', null, h('tr', null,
      [t('ext.cUri'), t('ext.cSource'), t('ext.cTransport'), t('ext.cUserAgent'), t('ext.cExpires'), t('ext.cRtt'), t('ext.cReachable')]
        .map((x, i) => h('th', { scope: 'col', class: i === 5 ? 'align-right' : null }, x)))),
    h('tbody', null, list.map((c) => h('tr', { testid: 'contact' },
      h('td', null, h('code', { class: 'code plain break' }, c.uri)),
      h('td', { class: 'nowrap' }, h('code', { class: 'code plain' }, c.source)),
      h('td', null, tag(String(c.transport || '').toUpperCase() || '—', 'default')),
      h('td', null, c.userAgent || h('span', { class: 'muted' }, '—')),
      h('td', { class: 'nowrap', title: formatDateTime(c.expiresAt) }, formatRelative(c.expiresAt, now)),
      h('td', { class: 'nowrap align-right num' }, formatMs(c.rttMs)),
      h('td', null, c.reachable
        ? h('span', { class: 'reach yes' }, icon('success'), t('ext.reachable'))
        : h('span', { class: 'reach no' }, icon('alert'), t('ext.notReachable')))))));
}

function detail(ext) {
  const n = (ext.contacts || []).length;
  return h('div', { class: 'ext-detail' },
    h('section', null,
      h('h3', { class: 'detail-title' }, t('ext.contactsTitle'), h('span', { class: 'muted' }, t('ext.contactsOf', { n, max: ext.maxContacts }))),
      contactsTable(ext)),
    h('section', { class: 'ext-detail-foot' },
      h('h3', { class: 'detail-title' }, t('ext.forwarding')),
      forwardingSummary(ext.forwarding || {}),
      h('span', { class: 'muted small detail-created', title: formatDateTime(ext.createdAt) }, t('ext.createdAt'), ' ', formatDateMinute(ext.createdAt))));
}

/** Server validation messages, worded for this form. */
function errorMessage(err) {
  if (!(err instanceof ApiError)) return null;
  const msg = err.message || '';
  if (err.code === 'conflict' && err.field === 'number') return t('ext.err.numberTaken');
  if (err.code !== 'invalid_field' && err.code !== 'missing_field') return null;
  switch (err.field) {
    case 'number': return /change/i.test(msg) ? t('ext.err.numberFixed') : t('ext.numberRule');
    case 'password':
      if (/guess/i.test(msg)) return t('ext.err.passwordWeak');
      if (/ascii|space|quote|backslash/i.test(msg)) return t('ext.err.passwordChars');
      if (/\d+\s*[–-]\s*\d+|characters/i.test(msg)) return t('ext.err.passwordLength');
      return t('ext.passwordRule');
    case 'callerId': return t('ext.callerIdRule');
    case 'maxContacts': return t('ext.maxContactsRule', { max: MAX_CONTACTS });
    case 'forwarding.unconditional':
    case 'forwarding.busy':
    case 'forwarding.noAnswer': return t('ext.targetRule');
    case 'forwarding.noAnswerSeconds': return t('ext.noAnswerSecondsRule');
    default: return null;
  }
}

export function render(root) {
  const canCreate = can('pbx.extensions.create');
  const canUpdate = can('pbx.extensions.update');
  const canDelete = can('pbx.extensions.delete');

  const live = h('span', { class: 'live-badge', title: t('ext.liveHelp') }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), t('ext.live'));

  const table = createTable({
    title: t('ext.list'),
    testid: 'extensions-table',
    dense: true,
    defaultSort: 'number',
    search: [{ name: 'q', label: t('common.keyword'), placeholder: t('ext.searchPlaceholder'), width: 340 }],
    toolbar: [live, canCreate ? button(t('ext.create'), { kind: 'primary', iconName: 'plus', testid: 'ext-create', onClick: () => edit(null) }) : null],
    bulkActions: canDelete ? [{ label: t('common.bulkDelete'), danger: true, testid: 'bulk-delete', onClick: (rows) => remove(rows) }] : null,
    expandable: { render: detail, label: (x) => t('ext.showDetail', { number: x.number }) },
    columns: [
      {
        key: 'number', title: t('ext.number'), sortable: true, nowrap: true,
        render: (x) => h('strong', { class: 'cell-strong num' }, x.number),
      },
      { key: 'name', title: t('ext.name'), sortable: true, className: 'cell-wrap' },
      { key: 'callerId', title: t('ext.callerId'), sortable: true, nowrap: true, className: 'num' },
      { key: 'registered', title: t('ext.state'), nowrap: true, render: stateTag },
      {
        key: 'devices', title: t('ext.devices'),
        render: (x) => contactLines(x, (c) => [
          h('span', { class: 'ua truncate', title: c.userAgent }, c.userAgent || t('ext.unknownDevice')),
          h('code', { class: 'src' }, c.source)], 'devices'),
      },
      {
        key: 'rtt', title: t('ext.rtt'), align: 'right', nowrap: true,
        render: (x) => contactLines(x, (c) => h('span', { class: ['num', c.rttMs == null && 'muted'] }, formatMs(c.rttMs)), 'rtt'),
      },
      { key: 'maxContacts', title: t('ext.maxContactsShort'), align: 'right', className: 'num', render: (x) => String(x.maxContacts) },
      { key: 'recording', title: t('ext.recording'), nowrap: true, render: (x) => recordingTag(x.recording) },
      {
        key: 'createdAt', title: t('ext.createdAtCol'), sortable: true, nowrap: true,
        render: (x) => h('span', { class: 'num', title: formatDateTime(x.createdAt) }, formatDate(x.createdAt)),
      },
    ],
    rowActions: canUpdate || canDelete ? (x) => [
      canUpdate ? { label: t('common.edit'), testid: 'ext-edit', onClick: () => edit(x) } : null,
      canDelete ? { label: t('common.delete'), danger: true, testid: 'ext-delete', onClick: () => remove([x]) } : null,
    ] : null,
    empty: {
      text: canCreate ? t('ext.emptyCreate') : t('ext.empty'),
      icon: 'phone',
      action: canCreate ? () => button(t('ext.create'), { kind: 'primary', iconName: 'plus', onClick: () => edit(null) }) : null,
    },
    fetch: ({ page, pageSize, sort, filters }) => api.get('/api/v1/extensions', { q: filters.q, page, pageSize, sort }),
  });

  root.append(pageHeader(t('nav.pbx.extensions'), t('ext.desc')), table.el);
  table.reload();

  // Registration state is live: refresh every 10 s (same page, search and sort)
  // while the page is open and the browser tab is visible.
  const timer = setInterval(() => { if (!document.hidden) table.refresh(); }, REFRESH_MS);
  const onVisible = () => { if (!document.hidden) table.refresh(); };
  document.addEventListener('visibilitychange', onVisible);

  async function edit(ext) {
    const fields = [
      ext
        ? { name: 'number', label: t('ext.number'), readOnly: true, disabled: true, span: 'half', testid: 'ext-number', help: t('ext.numberLocked') }
        : {
          name: 'number', label: t('ext.number'), required: true, span: 'half', testid: 'ext-number', maxLength: 10,
          pattern: NUMBER, patternMessage: t('ext.numberRule'), placeholder: t('ext.numberPlaceholder'), help: t('ext.numberHelp'),
        },
      {
        name: 'name', label: t('ext.name'), required: !!ext, span: 'half', maxLength: 100, testid: 'ext-name',
        placeholder: ext ? '' : t('ext.defaultsToNumber'), help: ext ? null : t('ext.nameHelp'),
      },
      {
        name: 'callerId', label: t('ext.callerId'), required: !!ext, span: 'half', maxLength: 32, testid: 'ext-caller-id',
        pattern: PHONE, patternMessage: t('ext.callerIdRule'), placeholder: ext ? '' : t('ext.defaultsToNumber'), help: t('ext.callerIdHelp'),
      },
      {
        name: 'maxContacts', label: t('ext.maxContacts'), type: 'number', required: true, span: 'half', min: 1, max: MAX_CONTACTS, step: 1,
        testid: 'ext-max-contacts', help: t('ext.maxContactsHelp', { max: MAX_CONTACTS }),
        validate: (v) => (Number.isInteger(v) && v >= 1 && v <= MAX_CONTACTS ? null : t('ext.maxContactsRule', { max: MAX_CONTACTS })),
      },
      {
        name: 'password', label: t('ext.sipPassword'), type: 'password', trim: false, maxLength: 64, testid: 'ext-password',
        placeholder: ext ? t('ext.passwordKeep') : t('ext.passwordGenerate'), help: t('ext.passwordHelp'),
        validate: (v) => {
          if (v.length < 10) return t('ext.err.passwordLength');
          if (!SIP_SECRET.test(v)) return t('ext.err.passwordChars');
          return null;
        },
      },
      { name: 'recording', label: t('ext.recording'), type: 'switch', checkLabel: t('ext.recordingLong'), testid: 'ext-recording' },
      { type: 'section', label: t('ext.forwarding'), help: t('ext.forwardingHelp'), testid: 'forwarding-section' },
      {
        name: 'forwarding.unconditional', label: t('ext.fwdUnconditional'), span: 'half', maxLength: 32, testid: 'fwd-unconditional',
        pattern: PHONE, patternMessage: t('ext.targetRule'), placeholder: t('ext.targetPlaceholder'), help: t('ext.fwdUnconditionalHelp'),
      },
      {
        name: 'forwarding.busy', label: t('ext.fwdBusy'), span: 'half', maxLength: 32, testid: 'fwd-busy',
        pattern: PHONE, patternMessage: t('ext.targetRule'), placeholder: t('ext.targetPlaceholder'), help: t('ext.fwdBusyHelp'),
      },
      {
        name: 'forwarding.noAnswer', label: t('ext.fwdNoAnswer'), span: 'half', maxLength: 32, testid: 'fwd-no-answer',
        pattern: PHONE, patternMessage: t('ext.targetRule'), placeholder: t('ext.targetPlaceholder'), help: t('ext.fwdNoAnswerHelp'),
      },
      {
        name: 'forwarding.noAnswerSeconds', label: t('ext.noAnswerSeconds'), type: 'number', required: true, span: 'half', min: 5, max: 300, step: 1,
        testid: 'fwd-no-answer-seconds', help: t('ext.noAnswerSecondsHelp'),
        validate: (v) => (Number.isInteger(v) && v >= 5 && v <= 300 ? null : t('ext.noAnswerSecondsRule')),
      },
    ];
    const f = (ext && ext.forwarding) || {};
    const values = ext
      ? {
        number: ext.number, name: ext.name, callerId: ext.callerId, maxContacts: ext.maxContacts, recording: ext.recording,
        'forwarding.unconditional': f.unconditional || '', 'forwarding.busy': f.busy || '', 'forwarding.noAnswer': f.noAnswer || '',
        'forwarding.noAnswerSeconds': f.noAnswerSeconds ?? 20,
      }
      : { maxContacts: 3, recording: false, 'forwarding.noAnswerSeconds': 20 };
    const saved = await formDialog({
      title: ext ? t('ext.editTitle', { number: ext.number }) : t('ext.createTitle'),
      testid: 'ext-dialog',
      variant: 'drawer',
      width: 600,
      values,
      submitText: ext ? t('common.save') : t('common.create'),
      fields,
      errorMessage,
      onSubmit: (v) => {
        const body = {
          name: v.name || undefined,
          callerId: v.callerId || undefined,
          maxContacts: v.maxContacts,
          recording: !!v.recording,
          forwarding: {
            unconditional: v['forwarding.unconditional'] || null,
            busy: v['forwarding.busy'] || null,
            noAnswer: v['forwarding.noAnswer'] || null,
            noAnswerSeconds: v['forwarding.noAnswerSeconds'] ?? 20,
            // Not edited here; sent back so that saving keeps it.
            timeGroupId: f.timeGroupId ?? null,
          },
        };
        if (v.password) body.password = v.password;
        if (ext) return api.put(`/api/v1/extensions/${ext.id}`, { number: ext.number, ...body });
        return api.post('/api/v1/extensions', { number: v.number, ...body });
      },
    });
    if (saved === undefined) return;
    table.reload();
    if (ext) {
      toast.success(t('common.saved'));
      return;
    }
    const number = (saved && saved.number) || '';
    toast.success(t('ext.created', { number }));
    if (saved && saved.password) {
      await showSecret({
        title: t('ext.secretTitle', { number }),
        intro: t('ext.secretIntro', { number }),
        secret: saved.password,
        label: t('ext.sipPassword'),
        note: t('ext.secretNote'),
        testid: 'sip-password-dialog',
      });
    }
  }

  async function remove(list) {
    const online = list.reduce((n, x) => n + (x.contacts || []).length, 0);
    const names = list.map(label).join(t('common.listSep'));
    const ok = await confirmDialog({
      title: t('ext.deleteTitle'),
      message: list.length === 1 ? t('ext.deleteConfirm', { name: names }) : t('ext.bulkConfirm', { n: list.length, names }),
      detail: online ? t('ext.deleteDetailOnline', { n: online }) : t('ext.deleteDetail'),
      okText: t('common.delete'),
    });
    if (!ok) return;
    const failed = [];
    for (const x of list) {
      try { await api.del(`/api/v1/extensions/${x.id}`); } catch (err) { failed.push(`${x.number}: ${errorText(err)}`); }
    }
    if (failed.length) toast.error(t('common.someFailed', { list: failed.join('; ') }));
    else toast.success(list.length === 1 ? t('ext.deleted', { number: list[0].number }) : t('common.bulkDeleted', { n: list.length }));
    table.clearSelection();
    table.reload();
  }

  return () => {
    clearInterval(timer);
    document.removeEventListener('visibilitychange', onVisible);
  };
}
