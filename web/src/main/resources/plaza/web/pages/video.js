// /video/{aid}: the video's facts, the stand-in player (progress reports, resume), danmaku and comments.
import { get, post } from '../api.js';
import { h, replace, avatar, fmtDate, fmtDuration, messageLine } from '../dom.js';
import * as session from '../session.js';
import { Player } from '../player.js';
import { mountDanmaku } from '../danmaku.js';
import { mountComments } from '../comments.js';

export async function render(container, { params, signal }) {
  const aid = params[0];
  const status = messageLine();
  replace(container, h('p', { class: 'muted', text: 'Loading video…' }));
  let v;
  try {
    v = await get('/x/web-interface/view', { aid });
  } catch (e) {
    if (signal.aborted) return;
    status.error(e.code === -404 ? 'This video does not exist.' : e);
    replace(container, h('h1', { text: 'Video' }), status.el, h('p', {}, h('a', { href: '/' }, 'Back to the videos')));
    return;
  }
  if (signal.aborted) return;
  document.title = v.title + ' · Plaza';
  const me = session.currentUser();
  const cid = v.cid || (v.pages && v.pages[0] && v.pages[0].cid) || '';
  const owner = v.owner || {};
  const stat = v.stat || {};
  const startTs = Math.floor(Date.now() / 1000);

  const player = new Player({
    duration: v.duration, title: v.title, hue: (Number(aid) * 47) % 360,
    onReport: (playedTime) => {
      if (!session.currentUser()) return; // history is for logged-in viewers only
      post('/x/click-interface/web/heartbeat', { aid, cid, played_time: playedTime, play_type: 0, start_ts: startTs })
        .catch((e) => player.setStatus('Progress not saved: ' + e.message));
    },
  });
  signal.addEventListener('abort', () => player.destroy());
  const onHide = () => { if (document.visibilityState === 'hidden' && player.playing) player.report(Math.floor(player.position)); };
  document.addEventListener('visibilitychange', onHide);
  signal.addEventListener('abort', () => document.removeEventListener('visibilitychange', onHide));

  const danmakuBox = h('aside', { class: 'danmaku-panel', 'aria-label': 'Danmaku' });
  const commentsBox = h('section', { class: 'comments', 'aria-labelledby': 'comments-title' });
  replace(container,
    h('div', { class: 'watch' },
      h('div', { class: 'watch-main' },
        h('h1', { class: 'watch-title', text: v.title }),
        h('p', { class: 'muted watch-stats', text:
          `${stat.view || 0} views · ${stat.danmaku || 0} danmaku · ${stat.reply || 0} comments · ${fmtDuration(v.duration)}` +
          (v.pubdate ? ' · ' + fmtDate(v.pubdate) : '') }),
        player.el),
      danmakuBox),
    h('div', { class: 'watch-info' },
      h('p', { class: 'owner' }, avatar(owner.face, owner.name, 'md'), h('span', { class: 'owner-name', text: owner.name || 'Unknown uploader' })),
      v.desc ? h('p', { class: 'desc', text: v.desc }) : null),
    status.el,
    commentsBox);

  mountDanmaku(danmakuBox, { aid, layer: player.layer, signal });
  mountComments(commentsBox, { aid, signal });

  if (me) {
    try {
      const p = await get('/x/v2/history/progress', { aid });
      if (!signal.aborted && p && p.last_play_time > 0 && !player.playing && player.position === 0) player.resumeAt(Math.floor(p.last_play_time / 1000));
    } catch (e) {
      if (!signal.aborted && e.code !== -101) player.setStatus('Could not load your last position: ' + e.message);
    }
  }
}
