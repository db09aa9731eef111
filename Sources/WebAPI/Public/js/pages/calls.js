// 通话记录 — call detail records: search by number, direction, result and
// date; play a recording in the page (seekable: the server answers byte
// ranges); export the filtered list as .xlsx; download the selected calls'
// recordings as one .zip.
import { h, clear } from '../dom.js';
import { api, withQuery, getToken, ApiError } from '../api.js';
import { download } from '../crm.js';
import { createTable } from '../components/table.js';
import { pageHeader, button, tag } from '../components/ui.js';
import { icon } from '../components/icons.js';
import { toast } from '../components/toast.js';
import { phoneLink } from '../components/phone.js';
import { errorText } from '../errors.js';
import { formatDateTime, formatDateMinute, formatNumber } from '../format.js';
import { can } from '../state.js';
import { t } from '../i18n/index.js';

const LIST = '/api/v1/calls';
const EXPORT = '/api/v1/calls/export.xlsx';
const ZIP = '/api/v1/calls/recordings.zip';

export const DIRECTIONS = ['inbound', 'outbound', 'internal'];
export const DISPOSITIONS = ['answered', 'busy', 'no_answer', 'cancelled', 'unavailable', 'not_found', 'failed', 'interrupted'];
const DISPOSITION_COLORS = {
  answered: 'green', busy: 'orange', no_answer: 'orange', cancelled: 'default', unavailable: 'default', not_found: 'default',
  failed: 'red', interrupted: 'red',
};
const DIRECTION_COLORS = { inbound: 'blue', outbound: 'cyan', internal: 'default' };

/** "2026-03-05" from a date filter → the local day's first instant (or the next day's, for the end of a range), as RFC 3339. */
export function dayBoundary(value, end = false) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || '');
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (end ? 1 : 0));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** 65 → "1 分 5 秒", 8 → "8 秒". */
export function formatSeconds(total) {
  const n = Math.max(0, Math.round(Number(total) || 0));
  const m = Math.floor(n / 60);
  const s = n % 60;
  return m ? t('common.minSec', { m: formatNumber(m), s }) : t('common.sec', { s });
}

export function dispositionTag(call) {
  if (!call.disposition) return tag(t('calls.inProgress'), 'blue', { testid: 'call-disposition' });
  return tag(t(`calls.disposition.${call.disposition}`), DISPOSITION_COLORS[call.disposition] || 'default',
    { testid: 'call-disposition', title: call.reason || undefined });
}

/** The search values as the API's query parameters. */
function apiFilters(f) {
  return {
    number: f.number, direction: f.direction, disposition: f.disposition,
    from: dayBoundary(f.from), to: dayBoundary(f.to, true),
  };
}

export function render(root) {
  const canExport = can('calls.export');
  const canHear = can('calls.recording');
  let playing = null;

  // ---- the player: one <audio> for the page, above the list
  const audio = h('audio', { controls: true, preload: 'metadata', class: 'call-audio', testid: 'call-audio' });
  const playerTitle = h('div', { class: 'player-title' });
  const playerError = h('div', { class: 'page-alert player-error', role: 'alert', hidden: true, testid: 'player-error' });
  const downloadLink = h('a', { class: 'link-btn', testid: 'player-download', download: '' }, icon('download'), h('span', null, t('calls.downloadOne')));
  const player = h('section', { class: 'card call-player', hidden: true, testid: 'call-player', 'aria-label': t('calls.player') },
    h('div', { class: 'player-head' },
      h('span', { class: 'player-icon' }, icon('headset')),
      playerTitle,
      h('div', { class: 'player-actions' },
        downloadLink,
        button('', { kind: 'icon', iconName: 'close', ariaLabel: t('calls.closePlayer'), title: t('calls.closePlayer'), testid: 'player-close', onClick: stop }))),
    audio, playerError);
  audio.addEventListener('error', () => explainFailure());

  const table = createTable({
    title: t('calls.list'),
    testid: 'calls-table',
    dense: true,
    search: [
      { name: 'number', label: t('calls.number'), placeholder: t('calls.numberPlaceholder'), hint: t('calls.numberHint'), width: 226 },
      { name: 'direction', label: t('calls.direction'), type: 'select', width: 130, options: DIRECTIONS.map((d) => ({ value: d, label: t(`calls.direction.${d}`) })) },
      { name: 'disposition', label: t('calls.result'), type: 'select', width: 150, options: DISPOSITIONS.map((d) => ({ value: d, label: t(`calls.disposition.${d}`) })) },
      { name: 'from', label: t('calls.dateFrom'), type: 'date' },
      { name: 'to', label: t('calls.dateTo'), type: 'date', notBefore: 'from' },
    ],
    toolbar: [
      canExport ? button(t('calls.export'), { iconName: 'download', testid: 'calls-export', title: t('calls.exportHelp'), onClick: exportFiltered }) : null,
    ],
    bulkActions: [
      canHear ? { label: t('calls.downloadRecordings'), testid: 'bulk-recordings', onClick: downloadRecordings } : null,
      canExport ? { label: t('calls.exportSelected'), testid: 'bulk-export', onClick: exportSelected } : null,
    ].filter(Boolean),
    columns: [
      {
        key: 'startedAt', title: t('calls.time'), sortable: true, nowrap: true,
        render: (c) => h('span', { class: 'num', title: formatDateTime(c.startedAt) }, formatDateMinute(c.startedAt)),
      },
      { key: 'direction', title: t('calls.direction'), nowrap: true, render: (c) => tag(t(`calls.direction.${c.direction}`), DIRECTION_COLORS[c.direction] || 'default') },
      { key: 'from', title: t('calls.from'), nowrap: true, render: (c) => phoneLink(c.from, { withIcon: false }) },
      { key: 'to', title: t('calls.to'), nowrap: true, render: (c) => phoneLink(c.to, { withIcon: false }) },
      { key: 'ringSeconds', title: t('calls.ring'), sortable: true, align: 'right', nowrap: true, render: (c) => h('span', { class: 'num' }, formatSeconds(c.ringSeconds)) },
      { key: 'talkSeconds', title: t('calls.talk'), sortable: true, align: 'right', nowrap: true, render: (c) => h('span', { class: 'num' }, formatSeconds(c.talkSeconds)) },
      { key: 'disposition', title: t('calls.result'), nowrap: true, render: dispositionTag },
      { key: 'hangupBy', title: t('calls.hangupBy'), nowrap: true, render: (c) => (c.hangupBy ? t(`calls.hangup.${c.hangupBy}`) : null) },
      { key: 'recording', title: t('calls.recording'), nowrap: true, render: recordingCell },
    ],
    rowClass: (c) => (playing && playing.id === c.id ? 'row-playing' : ''),
    empty: { text: t('calls.empty'), icon: 'callLog' },
    fetch: ({ page, pageSize, sort, filters }) => api.get(LIST, { ...apiFilters(filters), page, pageSize, sort }),
  });

  root.append(pageHeader(t('nav.calls.records'), t('calls.desc')), player, table.el);
  table.reload();
  return () => { audio.pause(); audio.removeAttribute('src'); };

  function recordingCell(c) {
    if (!c.recording) return null;
    if (!canHear) return h('span', { class: 'muted', title: t('calls.noPermission') }, t('calls.recorded'));
    const current = playing && playing.id === c.id;
    return h('button', {
      type: 'button', class: ['link-btn', 'play-btn', current && 'current'], testid: 'call-play',
      'aria-label': t('calls.playCall', { from: c.from, to: c.to }), onclick: () => play(c),
    }, icon('play'), h('span', null, current ? t('calls.playing') : t('calls.play')));
  }

  function play(call) {
    playing = call;
    player.hidden = false;
    playerError.hidden = true;
    clear(playerTitle).append(
      h('strong', null, t('calls.playerTitle', { from: call.from, to: call.to })),
      h('span', { class: 'muted num' }, formatDateTime(call.startedAt)));
    downloadLink.href = withQuery(call.recordingUrl, { download: 'true' });
    audio.src = call.recordingUrl;
    const started = audio.play();
    if (started && typeof started.catch === 'function') started.catch(() => { /* autoplay refused: the controls are there */ });
    table.refresh();
    player.scrollIntoView({ block: 'nearest' });
  }

  function stop() {
    audio.pause();
    audio.removeAttribute('src');
    audio.load();
    playing = null;
    player.hidden = true;
    table.refresh();
  }

  /** The audio element says only "error": ask the server why (one byte) and show its reason. */
  async function explainFailure() {
    if (!playing || !audio.getAttribute('src')) return;
    let message = t('calls.playFailed');
    try {
      const headers = { Range: 'bytes=0-0' };
      const token = getToken();
      if (token) headers.Authorization = `Bearer ${token}`;
      const res = await fetch(playing.recordingUrl, { headers, credentials: 'same-origin' });
      if (!res.ok) {
        const body = await res.json().catch(() => null);
        const err = (body && body.error) || {};
        message = errorText(new ApiError(res.status, err.code || `http_${res.status}`, err.message));
      }
    } catch { /* keep the general message */ }
    playerError.hidden = false;
    clear(playerError).append(icon('alert'), h('span', null, message));
  }

  function exportFiltered() {
    download(withQuery(EXPORT, apiFilters(table.filters)));
    toast.info(t('calls.exporting'));
  }

  function exportSelected(rows) {
    download(withQuery(EXPORT, { ids: rows.map((c) => c.id).join(',') }));
    toast.info(t('calls.exportingSelected', { n: rows.length }));
  }

  function downloadRecordings(rows) {
    const recorded = rows.filter((c) => c.recording);
    if (!recorded.length) {
      toast.info(t('calls.noneRecorded'));
      return;
    }
    download(withQuery(ZIP, { ids: recorded.map((c) => c.id).join(',') }));
    toast.info(recorded.length < rows.length
      ? t('calls.zippingSome', { n: recorded.length, skipped: rows.length - recorded.length })
      : t('calls.zipping', { n: recorded.length }));
  }
}
