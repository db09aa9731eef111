// 密码修改 — change my password.
import { h } from '../dom.js';
import { card, pageHeader } from '../components/ui.js';
import { toast } from '../components/toast.js';
import { icon } from '../components/icons.js';
import { t } from '../i18n/index.js';
import { passwordForm } from './password-form.js';

export function render(root) {
  const form = passwordForm({ onDone: async () => toast.success(t('password.changed')) });
  root.append(
    pageHeader(t('nav.settings.password'), t('password.desc')),
    h('div', { class: 'split' },
      card({
        testid: 'password-card',
        body: [form.el],
      }),
      h('aside', { class: 'tips' }, icon('info'), h('div', null,
        h('strong', null, t('password.tipsTitle')),
        h('ul', null, h('li', null, t('password.tip1')), h('li', null, t('password.tip2')), h('li', null, t('password.tip3')))))));
}
