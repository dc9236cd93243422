// The single-page app: header, router on location.pathname, pushState links and popstate.
import { h, replace, avatar } from './dom.js';
import * as session from './session.js';
import * as home from './pages/home.js';
import * as video from './pages/video.js';
import * as historyPage from './pages/history.js';
import * as messagesPage from './pages/messages.js';
import * as adminPage from './pages/admin.js';
import * as uploadPage from './pages/upload.js';

const ROUTES = [
  { pattern: /^\/$/, page: home },
  { pattern: /^\/video\/(\d+)\/?$/, page: video },
  { pattern: /^\/history\/?$/, page: historyPage },
  { pattern: /^\/messages\/?$/, page: messagesPage },
  { pattern: /^\/admin\/?$/, page: adminPage },
  { pattern: /^\/upload\/?$/, page: uploadPage },
];

const main = document.getElementById('main');
const account = document.getElementById('account');
let current = null; // AbortController of the page on screen

function match(pathname) {
  for (const r of ROUTES) {
    const m = r.pattern.exec(pathname);
    if (m) return { route: r, params: m.slice(1) };
  }
  return null;
}

function render({ focus = false } = {}) {
  if (current) current.abort();
  current = new AbortController();
  const container = h('div', { class: 'page' });
  replace(main, container);
  markActiveNav();
  const found = match(location.pathname);
  if (!found) {
    document.title = 'Not found · Plaza';
    replace(container, h('h1', { text: 'Page not found' }), h('p', {}, h('a', { href: '/' }, 'Back to the home page')));
  } else {
    try {
      const out = found.route.page.render(container, { params: found.params, signal: current.signal, title: found.route.title });
      if (out && typeof out.catch === 'function') out.catch((e) => showCrash(container, e));
    } catch (e) {
      showCrash(container, e);
    }
  }
  if (focus) main.focus({ preventScroll: true });
}

function showCrash(container, e) {
  console.error(e);
  container.append(h('p', { class: 'message error', role: 'alert', text: e && e.message ? e.message : String(e) }));
}

export function navigate(path) {
  if (path === location.pathname + location.search) return;
  history.pushState(null, '', path);
  render({ focus: true });
  window.scrollTo(0, 0);
}

function markActiveNav() {
  for (const a of document.querySelectorAll('.site-nav a')) {
    const p = a.getAttribute('href');
    const active = p === '/' ? location.pathname === '/' : location.pathname.startsWith(p);
    if (active) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

function renderAccount() {
  const u = session.currentUser();
  document.getElementById('nav-admin').hidden = !(u && u.is_admin); // the page itself also says who may use it
  if (!u) {
    replace(account, h('a', { class: 'button small', href: '/' }, 'Log in / Register'));
    return;
  }
  const out = h('button', { type: 'button', class: 'button small secondary', onClick: async () => {
    out.disabled = true;
    try { await session.logout(); } catch (e) { alert(e.message); } finally { out.disabled = false; }
  } }, 'Log out');
  replace(account,
    h('span', { class: 'me' }, avatar(u.face, u.uname, 'sm'), h('span', { class: 'me-name', text: u.uname || 'user ' + u.mid })),
    out);
}

// In-app links: same origin, plain left click, a path the router knows.
document.addEventListener('click', (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = ev.target instanceof Element ? ev.target.closest('a[href]') : null;
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !match(url.pathname)) return;
  if (url.pathname === location.pathname && url.hash) return; // in-page anchors (skip link)
  ev.preventDefault();
  navigate(url.pathname + url.search);
});

window.addEventListener('popstate', () => render({ focus: true }));

renderAccount();
session.refresh().catch((e) => console.warn('nav failed', e)).finally(() => {
  renderAccount();
  render();
  // Logging in or out changes what every page shows: draw it again.
  session.onSessionChange(() => {
    renderAccount();
    render();
  });
});
