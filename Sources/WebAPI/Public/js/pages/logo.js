// Logo设置 — upload / remove the logo shown in the top bar and on the login page.
import { h, clear } from '../dom.js';
import { request, api } from '../api.js';
import { button, card, pageHeader } from '../components/ui.js';
import { icon } from '../components/icons.js';
import { confirmDialog } from '../components/confirm.js';
import { toast } from '../components/toast.js';
import { errorText } from '../errors.js';
import { session, refreshLogo, onLogoChange } from '../state.js';
import { t } from '../i18n/index.js';

const TYPES = ['image/png', 'image/jpeg', 'image/svg+xml'];
const MAX = 512 * 1024;

export function render(root) {
  const preview = h('div', { class: 'logo-preview', testid: 'logo-preview' });
  const status = h('p', { class: 'form-error', role: 'alert', testid: 'logo-error' });
  const file = h('input', { type: 'file', accept: TYPES.join(','), class: 'sr-only', tabindex: '-1', testid: 'logo-file', 'aria-hidden': 'true' });
  const upload = button(t('logo.upload'), { kind: 'primary', iconName: 'upload', testid: 'logo-upload', onClick: () => file.click() });
  const remove = button(t('logo.remove'), { kind: 'danger-ghost', iconName: 'trash', testid: 'logo-remove', onClick: removeLogo });

  function paint(url) {
    clear(preview);
    remove.disabled = !url;
    if (url) {
      preview.append(
        h('div', { class: 'logo-sample light' }, h('img', { src: url, alt: t('logo.current'), testid: 'logo-image' })),
        h('p', { class: 'muted small' }, t('logo.shownOn')));
    } else {
      preview.append(h('div', { class: 'logo-sample light empty-logo' },
        h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, icon('phone')), h('span', { class: 'brand-name' }, 'Hotline')),
      h('p', { class: 'muted small' }, t('logo.none')));
    }
  }

  file.addEventListener('change', async () => {
    const f = file.files && file.files[0];
    file.value = '';
    status.textContent = '';
    if (!f) return;
    if (!TYPES.includes(f.type)) { status.textContent = t('logo.badType'); return; }
    if (f.size > MAX) { status.textContent = t('logo.tooLarge', { size: Math.ceil(f.size / 1024) }); return; }
    upload.disabled = true;
    upload.classList.add('loading');
    try {
      await request('PUT', '/api/v1/logo', { raw: f, contentType: f.type });
      await refreshLogo({ present: true });
      toast.success(t('logo.uploaded'));
    } catch (err) {
      status.textContent = errorText(err);
    } finally {
      upload.disabled = false;
      upload.classList.remove('loading');
    }
  });

  async function removeLogo() {
    const ok = await confirmDialog({ title: t('logo.removeTitle'), message: t('logo.removeConfirm'), okText: t('logo.remove') });
    if (!ok) return;
    try {
      await api.del('/api/v1/logo');
      await refreshLogo({ present: false });
      toast.success(t('logo.removed'));
    } catch (err) {
      toast.error(errorText(err));
    }
  }

  paint(session.logoUrl);
  const off = onLogoChange(paint);

  root.append(
    pageHeader(t('nav.org.logo'), t('logo.desc')),
    card({
      title: t('logo.current'),
      testid: 'logo-card',
      body: h('div', { class: 'logo-layout' },
        preview,
        h('div', { class: 'logo-side' },
          h('h3', { class: 'section-title' }, t('logo.requirements')),
          h('ul', { class: 'bullets' },
            h('li', null, t('logo.req1')),
            h('li', null, t('logo.req2')),
            h('li', null, t('logo.req3'))),
          h('div', { class: 'btn-row' }, upload, remove, file),
          status)),
    }));
  return off;
}
