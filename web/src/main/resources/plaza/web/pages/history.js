// /history: what the user watched, newest first, with progress, "load more" by cursor, delete, clear, pause.
import { get, post } from '../api.js';
import { h, replace, fmtDate, fmtDuration, messageLine } from '../dom.js';
import * as session from '../session.js';

const PS = 20;

export async function render(container, { signal }) {
  document.title = 'History · Plaza';
  if (!session.currentUser()) {
    replace(container, h('h1', { text: 'History' }),
      h('p', {}, h('a', { href: '/' }, 'Log in'), ' to see what you watched.'));
    return;
  }
  const status = messageLine();
  const list = h('ol', { class: 'history-list' });
  const more = h('button', { type: 'button', class: 'button secondary', hidden: true }, 'Load more');
  const pause = h('input', { type: 'checkbox', id: 'history-pause', disabled: true });
  const clear = h('button', { type: 'button', class: 'button secondary small' }, 'Clear all history');
  let cursor = 0;

  replace(container, h('h1', { text: 'History' }),
    h('div', { class: 'history-tools' },
      h('label', { class: 'switch', for: 'history-pause' }, pause, 'Pause history (stop recording what I watch)'),
      clear),
    status.el, list, h('p', {}, more));

  pause.addEventListener('change', async () => {
    pause.disabled = true;
    try {
      await post('/x/v2/history/shadow/set', { switch: pause.checked ? 1 : 0 });
      status.ok(pause.checked ? 'History paused.' : 'History resumed.');
    } catch (e) {
      pause.checked = !pause.checked;
      status.error(e);
    } finally { pause.disabled = false; }
  });

  clear.addEventListener('click', async () => {
    if (!confirm('Clear your whole watch history?')) return;
    clear.disabled = true;
    try {
      await post('/x/v2/history/clear');
      list.replaceChildren();
      more.hidden = true;
      status.ok('History cleared.');
    } catch (e) { status.error(e); } finally { clear.disabled = false; }
  });

  async function loadMore() {
    more.disabled = true;
    try {
      const data = await get('/x/web-interface/history/cursor', { view_at: cursor, ps: PS, business: 'archive' });
      if (signal.aborted) return;
      const items = (data && data.list) || [];
      for (const it of items) list.append(historyItem(it, status));
      cursor = (data && data.cursor && data.cursor.view_at) || 0;
      more.hidden = items.length < PS || !cursor;
      if (!list.childElementCount) list.append(h('li', { class: 'muted', text: 'Nothing watched yet.' }));
    } catch (e) {
      if (!signal.aborted) status.error(e);
    } finally { more.disabled = false; }
  }
  more.addEventListener('click', loadMore);

  get('/x/v2/history/shadow').then((paused) => {
    if (signal.aborted) return;
    pause.checked = paused === true;
    pause.disabled = false;
  }).catch((e) => { if (!signal.aborted) status.error(e); });
  await loadMore();
}

function historyItem(it, status) {
  const aid = (it.history && it.history.oid) || '';
  const href = '/video/' + encodeURIComponent(aid);
  const duration = Number(it.duration) || 0;
  const finished = it.is_finish === 1 || it.is_finish === true || Number(it.progress) === -1;
  // a player may report past the end (the server keeps what it is told); show at most the whole video
  const progress = finished ? duration : Math.max(0, Math.min(Number(it.progress) || 0, duration || Infinity));
  const del = h('button', { type: 'button', class: 'link-button danger', 'aria-label': `Remove ${it.title || 'video'} from history` }, 'Remove');
  const li = h('li', { class: 'history-item card' },
    h('a', { class: 'thumb', href, tabindex: '-1', 'aria-hidden': 'true' },
      it.cover ? h('img', { src: it.cover, alt: '', loading: 'lazy' }) : h('span', { class: 'thumb-blank' })),
    h('div', {},
      h('h2', {}, h('a', { href, text: it.title || `Video ${aid}` })),
      h('p', { class: 'muted', text: [it.author_name, it.view_at ? 'watched ' + fmtDate(it.view_at) : ''].filter(Boolean).join(' · ') }),
      h('progress', { max: duration || 1, value: Math.min(progress, duration || 1), 'aria-label': 'Watched' }),
      h('p', { class: 'muted', text: finished ? 'Finished' : `${fmtDuration(progress)} of ${fmtDuration(duration)}` })),
    h('div', { class: 'actions' }, del));
  del.addEventListener('click', async () => {
    del.disabled = true;
    try {
      await post('/x/v2/history/delete', { kid: it.kid || `archive_${aid}` });
      li.remove();
      status.ok('Removed from history.');
    } catch (e) { status.error(e); del.disabled = false; }
  });
  return li;
}
