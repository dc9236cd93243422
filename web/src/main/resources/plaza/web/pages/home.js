// Home: log-in / register forms for visitors, then the newest videos with pages.
import { get } from '../api.js';
import { h, replace, avatar, fmtDuration, fmtDate, messageLine } from '../dom.js';
import * as session from '../session.js';

const PAGE_SIZE = 20;

export function render(container, { signal }) {
  document.title = 'Plaza';
  const pn = pageFromQuery();
  const list = h('section', { class: 'videos', 'aria-labelledby': 'videos-title' });
  replace(container,
    session.currentUser() ? null : authPanel(),
    list);
  return loadVideos(list, pn, signal);
}

function pageFromQuery() {
  const n = Number(new URLSearchParams(location.search).get('pn'));
  return Number.isInteger(n) && n >= 1 && n <= 10000 ? n : 1;
}

function authPanel() {
  return h('section', { class: 'auth', 'aria-label': 'Log in or register' },
    authForm('login', 'Log in', 'current-password'),
    authForm('register', 'Register', 'new-password'));
}

function authForm(kind, label, autocomplete) {
  const id = (name) => `${kind}-${name}`;
  const msg = messageLine();
  const submit = h('button', { type: 'submit', class: 'button' }, label);
  const username = h('input', { id: id('username'), name: 'username', autocomplete: 'username', required: true,
    minlength: kind === 'register' ? 3 : null, maxlength: 32, spellcheck: 'false', autocapitalize: 'none' });
  const password = h('input', { id: id('password'), name: 'password', type: 'password', autocomplete, required: true,
    minlength: kind === 'register' ? 8 : null, maxlength: 64 });
  const form = h('form', { class: 'card form', novalidate: kind === 'login' ? true : null, onSubmit: async (ev) => {
    ev.preventDefault();
    msg.clear();
    if (!username.value.trim() || !password.value) { msg.error('Enter a username and a password.'); return; }
    submit.disabled = true;
    try {
      if (kind === 'register') {
        await session.register(username.value.trim(), password.value);
        msg.ok('Account created. Logging you in…');
      }
      await session.login(username.value.trim(), password.value); // re-renders the page on success
    } catch (e) {
      msg.error(e);
      submit.disabled = false;
    }
  } },
  h('h2', { text: label }),
  h('label', { for: id('username') }, 'Username'), username,
  h('label', { for: id('password') }, 'Password'), password,
  kind === 'register'
    ? h('p', { class: 'hint' }, '3–32 letters, digits, _ or -. Password: 8–64 characters with a letter and a digit.')
    : null,
  submit, msg.el);
  return form;
}

async function loadVideos(section, pn, signal) {
  const title = h('h1', { id: 'videos-title', text: 'Latest videos' });
  const status = messageLine();
  replace(section, title, h('p', { class: 'muted', text: 'Loading videos…' }));
  let data;
  try {
    data = await get('/x/archive/list', { pn, ps: PAGE_SIZE });
  } catch (e) {
    if (signal.aborted) return;
    status.error(e);
    replace(section, title, status.el);
    return;
  }
  if (signal.aborted) return;
  const archives = (data && data.archives) || [];
  const count = (data && data.page && data.page.count) || 0;
  const pages = Math.max(1, Math.ceil(count / PAGE_SIZE));
  replace(section, title,
    archives.length
      ? h('ul', { class: 'video-grid' }, archives.map(videoCard))
      : h('p', { class: 'muted', text: pn > 1 ? 'No videos on this page.' : 'No videos yet.' }),
    pager(pn, pages));
}

function videoCard(v) {
  const href = '/video/' + encodeURIComponent(v.aid);
  const owner = v.owner || {};
  return h('li', { class: 'video-card' },
    h('a', { class: 'thumb', href, tabindex: '-1', 'aria-hidden': 'true' },
      v.pic ? h('img', { src: v.pic, alt: '', loading: 'lazy' }) : h('span', { class: 'thumb-blank' }),
      h('span', { class: 'badge', text: fmtDuration(v.duration) })),
    h('h2', { class: 'video-title' }, h('a', { href, text: v.title })),
    h('p', { class: 'video-meta' },
      avatar(owner.face, owner.name, 'xs'),
      h('span', { text: owner.name || 'Unknown uploader' })),
    h('p', { class: 'video-meta muted' },
      // the duration is on the thumbnail already
      h('span', { text: `${(v.stat && v.stat.view) || 0} views · ${(v.stat && v.stat.danmaku) || 0} danmaku` }),
      v.pubdate ? h('span', { text: ' · ' + fmtDate(v.pubdate) }) : null));
}

function pager(pn, pages) {
  if (pages <= 1 && pn <= 1) return null;
  const link = (n, text, rel) => h('a', { class: 'button secondary', href: n === 1 ? '/' : `/?pn=${n}`, rel }, text);
  return h('nav', { class: 'pager', 'aria-label': 'Pages' },
    pn > 1 ? link(pn - 1, '← Previous', 'prev') : h('span'),
    h('span', { class: 'muted', text: `Page ${pn} of ${pages}` }),
    pn < pages ? link(pn + 1, 'Next →', 'next') : h('span'));
}
