// Boot, auth guard and routing between the login, the forced password
// change and the signed-in layout.
import { h, clear } from './dom.js';
import { api, setApiHandlers, clearToken, mightBeSignedIn } from './api.js';
import { t, onLangChange } from './i18n/index.js';
import { currentPath, navigate, onRouteChange } from './router.js';
import { session, can, loadMe, loadVersion, refreshLogo } from './state.js';
import { findNavItem } from './nav.js';
import { createLayout } from './components/layout.js';
import { closeAllDialogs } from './components/dialog.js';
import { toast } from './components/toast.js';
import { emptyState, button } from './components/ui.js';
import { startReminders, stopReminders } from './reminders.js';

import * as loginPage from './pages/login.js';
import * as forcedPage from './pages/forced-password.js';
import * as homePage from './pages/home.js';
import * as departmentsPage from './pages/departments.js';
import * as rolesPage from './pages/roles.js';
import * as usersPage from './pages/users.js';
import * as logoPage from './pages/logo.js';
import * as passwordPage from './pages/password.js';
import * as customerFieldsPage from './pages/customer-fields.js';
import * as statusesPage from './pages/follow-up-statuses.js';
import * as auditPage from './pages/audit.js';
import * as extensionsPage from './pages/extensions.js';
import * as sipSecurityPage from './pages/sip-security.js';
import * as customersPage from './pages/customers.js';
import * as poolPage from './pages/pool.js';
import * as followUpsPage from './pages/follow-ups.js';
import * as appointmentsPage from './pages/appointments.js';
import * as markedPage from './pages/marked.js';
import * as blacklistPage from './pages/blacklist.js';
import * as dataPage from './pages/data-packages.js';
import * as callsPage from './pages/calls.js';

const PAGES = {
  '/': homePage,
  '/calls/records': callsPage,
  '/crm/customers': customersPage,
  '/crm/pool': poolPage,
  '/crm/follow-ups': followUpsPage,
  '/crm/appointments': appointmentsPage,
  '/crm/marked': markedPage,
  '/crm/blacklist': blacklistPage,
  '/crm/data': dataPage,
  '/org/departments': departmentsPage,
  '/org/roles': rolesPage,
  '/org/users': usersPage,
  '/org/logo': logoPage,
  '/settings/password': passwordPage,
  '/settings/customer-fields': customerFieldsPage,
  '/settings/follow-up-statuses': statusesPage,
  '/system/audit': auditPage,
  '/pbx/extensions': extensionsPage,
  '/pbx/sip-security': sipSecurityPage,
};

const app = document.getElementById('app');
let layout = null;
let cleanup = null;
let returnTo = null;

function runCleanup() {
  if (typeof cleanup === 'function') cleanup();
  cleanup = null;
}

function resetLayout() {
  if (layout) layout.dispose();
  layout = null;
}

function mountStandalone(page, ctx) {
  runCleanup();
  resetLayout();
  clear(app);
  cleanup = page.render(app, ctx) || null;
}

async function logout() {
  try { await api.post('/api/v1/auth/logout', undefined, { quiet: true }); } catch { /* already gone */ }
  clearToken();
  runCleanup(); // the page lets go of its timers and listeners before the reminders say "nothing due"
  stopReminders();
  session.user = null;
  returnTo = null;
  closeAllDialogs();
  resetLayout();
  navigate('/login');
}

async function afterLogin() {
  try {
    await loadMe();
  } catch (err) {
    if (err.code !== 'password_change_required') throw err;
  }
  refreshLogo({ check: true }); // a logo uploaded from another browser shows up after the next sign-in
  const target = session.user && session.user.mustChangePassword ? '/password-required' : (returnTo || '/');
  returnTo = null;
  resetLayout();
  if (currentPath() === target) render(); else navigate(target);
}

async function afterPasswordChanged() {
  await loadMe();
  resetLayout();
  navigate('/');
}

function render() {
  const path = currentPath();
  closeAllDialogs();
  const user = session.user;
  if (!user) {
    if (path !== '/login') {
      if (path !== '/password-required') returnTo = path;
      navigate('/login', { replace: true });
      return;
    }
    document.title = `${t('login.title')} - Hotline`;
    mountStandalone(loginPage, { onLoggedIn: afterLogin });
    return;
  }
  if (user.mustChangePassword) {
    if (path !== '/password-required') { navigate('/password-required', { replace: true }); return; }
    document.title = `${t('forced.title')} - Hotline`;
    mountStandalone(forcedPage, { onDone: afterPasswordChanged, onLogout: logout });
    return;
  }
  if (path === '/login' || path === '/password-required') { navigate('/', { replace: true }); return; }

  runCleanup();
  if (!layout) {
    layout = createLayout({ onLogout: logout });
    clear(app);
    app.appendChild(layout.root);
    if (can('crm.appointments.view')) startReminders();
  }
  const found = findNavItem(path);
  layout.setActive(found);
  clear(layout.content);
  layout.content.scrollTop = 0;
  const page = PAGES[path];
  if (!page) {
    document.title = `${t('notFound.title')} - Hotline`;
    layout.content.appendChild(h('section', { class: 'card' }, emptyState(t('notFound.text'), button(t('nav.home'), { kind: 'primary', onClick: () => navigate('/') }), 'search')));
    return;
  }
  if (found && !can(found.item.perm)) {
    document.title = `${t('forbidden.title')} - Hotline`;
    layout.content.appendChild(h('section', { class: 'card', testid: 'forbidden' }, emptyState(t('forbidden.text'), button(t('nav.home'), { kind: 'primary', onClick: () => navigate('/') }), 'lock')));
    return;
  }
  document.title = `${found ? t(`nav.${found.item.id}`) : t('nav.home')} - Hotline`;
  cleanup = page.render(layout.content, { navigate, refreshMe: loadMe }) || null;
}

async function boot() {
  setApiHandlers({
    unauthenticated() {
      if (!session.user) return;
      session.user = null;
      clearToken();
      runCleanup();
      stopReminders();
      returnTo = currentPath();
      toast.info(t('auth.sessionExpired'));
      resetLayout();
      navigate('/login');
    },
    passwordChangeRequired() {
      if (session.user) session.user.mustChangePassword = true;
      resetLayout();
      navigate('/password-required');
    },
  });
  onLangChange(() => { resetLayout(); render(); });
  onRouteChange(() => render());

  // No sign of a session in this browser: straight to the login page, without a GET /me that can only fail.
  const [me] = await Promise.allSettled([
    mightBeSignedIn() ? loadMe() : Promise.reject(null),
    loadVersion().then(() => refreshLogo()),
  ]);
  if (me.status === 'rejected') {
    const reason = me.reason;
    session.user = reason && reason.code === 'password_change_required'
      ? { username: '', mustChangePassword: true, permissions: [] }
      : null;
    if (reason && reason.status === 401) clearToken(); // the session ended (expired, or signed out elsewhere)
  }
  render();
}

boot();
