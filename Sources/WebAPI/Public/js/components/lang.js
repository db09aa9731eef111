import { h } from '../dom.js';
import { LANGUAGES, getLang, setLang, t } from '../i18n/index.js';
import { icon } from './icons.js';

/** The language switch (a native select: keyboard- and screen-reader-friendly). */
export function langSwitch(extraClass = '') {
  const sel = h('select', { class: 'lang-select', testid: 'lang-switch', 'aria-label': t('common.language') },
    LANGUAGES.map((l) => h('option', { value: l.code, selected: l.code === getLang(), lang: l.code }, l.label)));
  sel.addEventListener('change', () => setLang(sel.value));
  return h('div', { class: `lang-switch ${extraClass}`.trim() }, icon('globe'), sel);
}
