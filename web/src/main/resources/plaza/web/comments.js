// Comments under a video (type 1, oid = aid): sort tabs, pages, replies, post, like, delete; the video's
// owner (or an admin) also pins a root and closes or reopens the comments.
import { get, post } from './api.js';
import { h, replace, avatar, fmtDate, messageLine } from './dom.js';
import * as session from './session.js';

const TYPE = 1;
const PS = 20;
// docs/api.md: sort 0 newest first, 1 most likes, 2 most replies, 3 hot.
const SORTS = [[0, 'Newest'], [1, 'Most liked'], [2, 'Most replied'], [3, 'Hot']];

export function mountComments(container, { aid, signal }) {
  const me = session.currentUser();
  const st = { sort: 0, pn: 1, upperMid: '', readOnly: false };
  const heading = h('h2', { id: 'comments-title', text: 'Comments' });
  const tabs = h('div', { class: 'tabs', role: 'group', 'aria-label': 'Sort comments' },
    SORTS.map(([sort, label]) => h('button', { type: 'button', class: 'tab', 'aria-pressed': String(sort === st.sort),
      dataset: { sort: String(sort) }, onClick: () => { st.sort = sort; st.pn = 1; load(); } }, label)));
  const list = h('ol', { class: 'comment-list' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Comment pages' });
  const status = messageLine();
  const box = postBox({ aid, placeholder: 'Add a comment…', onPosted: (item) => list.prepend(commentItem(item, ctx)) });
  const moderation = h('p', { class: 'comment-moderation' });
  const ctx = { aid, me, st, signal, reloadUntil };
  replace(container, heading, moderation, box.el, tabs, status.el, list, pager);

  // Pins and closes are applied by the comment job a moment after the answer: reload until the list shows it.
  async function reloadUntil(done) {
    for (let i = 0; i < 8 && !signal.aborted; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const data = await load();
      if (data && done(data)) return true;
    }
    return false;
  }

  function showModeration() {
    const mayModerate = me && (String(me.mid) === st.upperMid || me.is_admin);
    if (!mayModerate) { moderation.replaceChildren(); return; }
    const note = messageLine();
    const closed = st.readOnly;
    const toggle = h('button', { type: 'button', class: 'button small secondary', onClick: async () => {
      toggle.disabled = true;
      try {
        await post('/x/v2/reply/subject/close', { type: TYPE, oid: aid, action: closed ? 0 : 1 });
        note.ok(closed ? 'Reopening comments…' : 'Closing comments…');
        if (!await reloadUntil((d) => !!(d.config && d.config.read_only) !== closed)) note.error('Not applied yet; reload the page in a moment.');
      } catch (e) { note.error(e); toggle.disabled = false; }
    } }, closed ? 'Reopen comments' : 'Close comments');
    replace(moderation, h('span', { class: 'muted', text: closed ? 'Comments are closed. ' : 'You moderate these comments. ' }), toggle, note.el);
  }

  async function load() {
    for (const b of tabs.querySelectorAll('button')) b.setAttribute('aria-pressed', String(Number(b.dataset.sort) === st.sort));
    status.ok('Loading comments…');
    let data;
    try {
      data = await get('/x/v2/reply', { type: TYPE, oid: aid, sort: st.sort, pn: st.pn, ps: PS });
    } catch (e) {
      if (!signal.aborted) status.error(e);
      return null;
    }
    if (signal.aborted) return null;
    status.clear();
    const page = data.page || {};
    st.upperMid = String((data.upper && data.upper.mid) || '');
    st.readOnly = !!(data.config && data.config.read_only);
    heading.textContent = `Comments (${page.acount ?? page.count ?? 0})`;
    box.setClosed(st.readOnly);
    showModeration();
    const items = [];
    if (data.upper && data.upper.top && st.pn === 1) items.push(commentItem(data.upper.top, ctx, true));
    for (const r of data.replies || []) items.push(commentItem(r, ctx));
    replace(list, items.length ? items : h('li', { class: 'muted', text: st.pn > 1 ? 'No comments on this page.' : 'No comments yet. Be the first!' }));
    const pages = Math.max(1, Math.ceil((page.count || 0) / PS));
    replace(pager,
      st.pn > 1 ? h('button', { type: 'button', class: 'button secondary', onClick: () => { st.pn--; load(); } }, '← Previous') : h('span'),
      h('span', { class: 'muted', text: `Page ${st.pn} of ${pages}` }),
      st.pn < pages ? h('button', { type: 'button', class: 'button secondary', onClick: () => { st.pn++; load(); } }, 'Next →') : h('span'));
    return data;
  }

  load();
}

/** A form posting a comment (root) or a reply (root + parent). */
function postBox({ aid, root, parent, placeholder, onPosted, autofocus }) {
  const me = session.currentUser();
  const msg = messageLine();
  const id = 'reply-' + (parent || root || 'new') + '-' + Math.random().toString(36).slice(2, 7);
  const text = h('textarea', { id, name: 'message', rows: 2, maxlength: 1000, placeholder, required: true,
    disabled: !me });
  const submit = h('button', { type: 'submit', class: 'button small', disabled: !me }, 'Post');
  // Enter posts, Shift+Enter makes a new line.
  text.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); form.requestSubmit(); }
  });
  const form = h('form', { class: 'post-box', onSubmit: async (ev) => {
    ev.preventDefault();
    const message = text.value.trim();
    if (!message) { msg.error('Write something first.'); return; }
    msg.clear();
    submit.disabled = true;
    try {
      const data = await post('/x/v2/reply/add', { type: TYPE, oid: aid, message, root: root || null, parent: parent || null });
      text.value = '';
      msg.ok(data.pending_review ? 'Sent; it will show once a moderator approves it.' : 'Sent. It may take a moment to appear for others.');
      if (data.reply && !data.pending_review) onPosted(data.reply);
    } catch (e) {
      msg.error(e);
    } finally {
      submit.disabled = !session.currentUser();
    }
  } },
  h('label', { class: 'visually-hidden', for: id }, placeholder), text, submit, msg.el);
  if (!me) form.append(h('p', { class: 'hint' }, h('a', { href: '/' }, 'Log in'), ' to comment.'));
  if (autofocus) queueMicrotask(() => text.focus());
  return {
    el: form,
    setClosed(closed) {
      text.disabled = closed || !me;
      submit.disabled = closed || !me;
      if (closed) text.placeholder = 'Comments are closed on this video.';
    },
  };
}

const idOf = (item, field) => String(item[field + '_str'] ?? item[field] ?? '');

/** One comment (root or reply), with like, reply, pin (roots) and delete; roots also show their replies. */
function commentItem(item, ctx, pinned = false) {
  const { aid, me, st, signal } = ctx;
  const rpid = idOf(item, 'rpid');
  const rootId = idOf(item, 'root');
  const isRoot = rootId === '' || rootId === '0';
  const member = item.member || {};
  const msg = messageLine();
  let liked = item.action === 1;
  let likes = Number(item.like) || 0;
  const likeBtn = h('button', { type: 'button', class: 'link-button', 'aria-pressed': String(liked) });
  const showLike = () => {
    likeBtn.textContent = `${liked ? '♥' : '♡'} ${likes}`;
    likeBtn.setAttribute('aria-pressed', String(liked));
    likeBtn.setAttribute('aria-label', `${liked ? 'Unlike' : 'Like'} (${likes} likes)`);
  };
  showLike();
  likeBtn.addEventListener('click', async () => {
    likeBtn.disabled = true;
    msg.clear();
    try {
      await post('/x/v2/reply/action', { type: TYPE, oid: aid, rpid, action: liked ? 0 : 1 });
      likes += liked ? -1 : 1;
      liked = !liked;
      showLike();
    } catch (e) { msg.error(e); } finally { likeBtn.disabled = false; }
  });

  const replySlot = h('div', { class: 'reply-slot' });
  const replyBtn = me && !st.readOnly ? h('button', { type: 'button', class: 'link-button', onClick: () => {
    if (replySlot.firstChild) { replySlot.replaceChildren(); return; }
    const box = postBox({ aid, root: isRoot ? rpid : rootId, parent: rpid, autofocus: true,
      placeholder: `Reply to ${member.uname || 'this comment'}…`,
      onPosted: (reply) => { replySlot.replaceChildren(); (isRoot ? repliesEl : li.parentElement).append(commentItem(reply, ctx)); } });
    replySlot.append(box.el);
  } }, 'Reply') : null;

  const canDelete = me && (String(member.mid) === String(me.mid) || String(me.mid) === st.upperMid || me.is_admin);
  const delBtn = canDelete ? h('button', { type: 'button', class: 'link-button danger', onClick: async () => {
    if (!confirm('Delete this comment?')) return;
    delBtn.disabled = true;
    try {
      await post('/x/v2/reply/del', { type: TYPE, oid: aid, rpid });
      li.replaceChildren(h('p', { class: 'muted', text: 'Comment deleted.' }));
    } catch (e) { msg.error(e); delBtn.disabled = false; }
  } }, 'Delete') : null;

  const mayPin = isRoot && me && (String(me.mid) === st.upperMid || me.is_admin);
  const pinBtn = mayPin ? h('button', { type: 'button', class: 'link-button', onClick: async () => {
    pinBtn.disabled = true;
    msg.clear();
    try {
      await post('/x/v2/reply/top', { type: TYPE, oid: aid, rpid, action: pinned ? 0 : 1 });
      msg.ok(pinned ? 'Unpinning…' : 'Pinning…');
      const top = (d) => d.upper && d.upper.top ? idOf(d.upper.top, 'rpid') : '';
      const applied = await ctx.reloadUntil(pinned ? (d) => top(d) !== rpid : (d) => top(d) === rpid);
      if (!applied && li.isConnected) { msg.error('Not applied yet; reload the page in a moment.'); pinBtn.disabled = false; }
    } catch (e) { msg.error(e); pinBtn.disabled = false; }
  } }, pinned ? 'Unpin' : 'Pin to top') : null;

  const repliesEl = h('ol', { class: 'reply-list' });
  const li = h('li', { class: 'comment' + (isRoot ? '' : ' reply') },
    avatar(member.avatar, member.uname, isRoot ? 'md' : 'sm'),
    h('div', { class: 'comment-body' },
      h('p', { class: 'comment-head' },
        h('span', { class: 'comment-name', text: member.uname || 'Unknown user' }),
        pinned ? h('span', { class: 'tag', text: 'Pinned' }) : null,
        String(member.mid) === st.upperMid ? h('span', { class: 'tag', text: 'Uploader' }) : null,
        h('time', { class: 'muted', datetime: new Date((item.ctime || 0) * 1000).toISOString(), text: fmtDate(item.ctime) }),
        item.floor ? h('span', { class: 'muted', text: `#${item.floor}` }) : null),
      h('p', { class: 'comment-text', text: (item.content && item.content.message) || '' }),
      h('p', { class: 'comment-actions' }, likeBtn, replyBtn, pinBtn, delBtn),
      msg.el, replySlot, isRoot ? repliesEl : null));

  if (isRoot) {
    for (const r of item.replies || []) repliesEl.append(commentItem(r, ctx));
    const total = Number(item.rcount) || 0;
    if (total > (item.replies || []).length) {
      const more = h('div', { class: 'more-replies' });
      const showPage = async (pn) => {
        more.replaceChildren(h('span', { class: 'muted', text: 'Loading replies…' }));
        try {
          const data = await get('/x/v2/reply/reply', { type: TYPE, oid: aid, root: rpid, pn, ps: PS });
          if (signal.aborted) return;
          replace(repliesEl, (data.replies || []).map((r) => commentItem(r, ctx)));
          const pages = Math.max(1, Math.ceil(((data.page && data.page.count) || 0) / PS));
          replace(more,
            pn > 1 ? h('button', { type: 'button', class: 'link-button', onClick: () => showPage(pn - 1) }, '← Previous replies') : null,
            pages > 1 ? h('span', { class: 'muted', text: ` Page ${pn} of ${pages} ` }) : null,
            pn < pages ? h('button', { type: 'button', class: 'link-button', onClick: () => showPage(pn + 1) }, 'More replies →') : null);
        } catch (e) {
          replace(more, h('span', { class: 'message error', role: 'alert', text: e.message }),
            h('button', { type: 'button', class: 'link-button', onClick: () => showPage(pn) }, 'Retry'));
        }
      };
      more.append(h('button', { type: 'button', class: 'link-button', onClick: () => showPage(1) }, `Show all ${total} replies`));
      li.querySelector('.comment-body').append(more);
    }
  }
  return li;
}
