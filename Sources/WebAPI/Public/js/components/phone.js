// Phone numbers are clickable wherever shown (click-to-dial). Until the CTI
// toolbar exists a click follows the tel: link; the CTI registers a dialer
// with setDialer() and takes the click instead.
import { h } from '../dom.js';
import { icon } from './icons.js';
import { t } from '../i18n/index.js';

let dialer = null;

/** fn(number) places the call; null gives the click back to the tel: link. */
export function setDialer(fn) { dialer = typeof fn === 'function' ? fn : null; }

export function phoneLink(number, { testid = 'phone-link', withIcon = true } = {}) {
  if (number === null || number === undefined || number === '') return null;
  const text = String(number);
  const a = h('a', {
    class: 'phone-link', href: `tel:${text.replace(/[^\d+*#]/g, '')}`, testid,
    title: t('crm.dial', { number: text }), 'aria-label': t('crm.dial', { number: text }),
  }, withIcon ? icon('phone') : null, h('span', { class: 'num' }, text));
  a.addEventListener('click', (e) => {
    if (!dialer) return;
    e.preventDefault();
    dialer(text);
  });
  return a;
}
