// Hash routing: #/org/users → "/org/users".
export function currentPath() {
  const raw = location.hash.replace(/^#/, '');
  const path = raw.split('?')[0];
  return path && path.startsWith('/') ? path : '/';
}

export function navigate(path, { replace = false } = {}) {
  const target = `#${path}`;
  if (location.hash === target) return;
  if (replace) history.replaceState(null, '', target);
  else location.hash = target;
  if (replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export function onRouteChange(fn) {
  window.addEventListener('hashchange', () => fn(currentPath()));
}
