// Turns an ApiError (CONTRACT.md error body) into a localized sentence.
import { ApiError } from './api.js';
import { t, has, getLang } from './i18n/index.js';

export function errorText(err, params = {}) {
  if (!(err instanceof ApiError)) return t('errors.unknown');
  const seconds = err.retryAfter ?? secondsFromMessage(err.message) ?? 60;
  const p = { ...params, seconds, wait: formatWait(seconds) };
  // A rule the server names is said in the interface language, whatever the English text.
  if (err.reason && has(`errors.reasons.${err.reason.key}`)) return t(`errors.reasons.${err.reason.key}`, { ...p, ...(err.reason.args || {}) });
  if (err.field && has(`errors.${err.code}.${err.field}`)) return t(`errors.${err.code}.${err.field}`, p);
  if (has(`errors.${err.code}`)) {
    const base = t(`errors.${err.code}`, p);
    // invalid_field / invalid_query carry the server's precise rule; keep it as detail.
    if ((err.code === 'invalid_field' || err.code === 'invalid_query') && err.message && err.message !== err.code) {
      return getLang() === 'en' ? err.message : `${base}（${err.message}）`;
    }
    return base;
  }
  return err.message || t('errors.unknown');
}

function secondsFromMessage(msg) {
  const m = /(\d+)\s*(s\b|sec|秒)/i.exec(msg || '');
  return m ? Number(m[1]) : undefined;
}

/** 292 → "4 分 52 秒" / "4 min 52 s". */
export function formatWait(seconds) {
  const total = Math.max(0, Math.ceil(seconds));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m ? t('common.minSec', { m, s }) : t('common.sec', { s });
}
