// /messages: private messages. Sessions on the left (top on phones), the open conversation on the right, a send box,
// and live arrival of PM_MSG pushes over the long connection (docs/api.md "Private messages", docs/im.md).
import { get, post } from '../api.js';
import { h, replace, avatar, fmtDate, messageLine } from '../dom.js';
import * as session from '../session.js';
import { RoomSocket } from '../danmaku.js';

const PAGE = 20;
const RECALL_WINDOW_MS = 2 * 60 * 1000; // docs/api.md: own texts, within 2 minutes (21002 after)
const ATTRIBUTE_BLOCKED = 128; // GET /x/relation
const profiles = new Map(); // mid -> Promise<{mid, name, face, missing}>

/** The public profile of a mid, asked once; a -404 is remembered as missing, other failures are asked again later. */
function profile(mid) {
  const key = String(mid);
  if (!profiles.has(key)) {
    const p = get('/x/space/acc/info', { mid: key })
      .then((d) => ({ mid: key, name: (d && d.name) || '', face: (d && d.face) || '', missing: false }))
      .catch((e) => {
        if (e.code !== -404) profiles.delete(key);
        return { mid: key, name: '', face: '', missing: e.code === -404, error: e };
      });
    profiles.set(key, p);
  }
  return profiles.get(key);
}

const displayName = (p, mid) => (p && p.name) || 'User ' + mid;

/** The text of a msg_type 1 message: its content is the JSON string {"content":"..."}; anything odd is shown raw. */
function textOf(m) {
  const raw = typeof m.content === 'string' ? m.content : '';
  try {
    const o = JSON.parse(raw);
    if (o && typeof o.content === 'string') return o.content;
  } catch { /* not JSON: show as is */ }
  return raw;
}

/** A recall notice (msg_type 5) names the recalled message's msg_key; read it as digits (no Number: too big). */
function recalledKey(m) {
  const found = /\d+/.exec(typeof m.content === 'string' ? m.content : String(m.content ?? ''));
  return found ? found[0] : '';
}

const keyOf = (m) => String(m.msg_key_str || m.msg_key || '');

/** One line for a session's last message. */
function summary(m, meMid) {
  if (!m || !m.msg_type) return '';
  const prefix = String(m.sender_uid) === String(meMid) ? 'You: ' : '';
  if (Number(m.msg_status) === 1) return prefix + 'Message recalled';
  if (Number(m.msg_type) === 5) return prefix + 'Recalled a message';
  if (Number(m.msg_type) === 1) return prefix + textOf(m);
  return prefix + '[unsupported message]';
}

function sendError(e) {
  if (e.code === -404) return 'No such user: check the user id.';
  if (e.code === -400 && e.serverMessage === 'PM_TO_SELF') return 'You cannot send a message to yourself.';
  return e.message;
}

export async function render(container, { signal }) {
  document.title = 'Messages · Plaza';
  const me = session.currentUser();
  if (!me) {
    replace(container, h('h1', { text: 'Messages' }),
      h('p', {}, h('a', { href: '/' }, 'Log in'), ' to read and send private messages.'));
    return;
  }
  const meMid = String(me.mid);
  const listStatus = messageLine();
  const convStatus = messageLine();
  const live = h('p', { class: 'pm-live muted', 'aria-live': 'polite' });

  // Sessions
  const talkerInput = h('input', { id: 'pm-talker', name: 'talker', inputmode: 'numeric', pattern: '[0-9]+',
    autocomplete: 'off', placeholder: 'User id (mid)', required: true });
  const newForm = h('form', { class: 'pm-new', onSubmit: (ev) => {
    ev.preventDefault();
    const v = talkerInput.value.trim();
    if (!/^[1-9]\d{0,18}$/.test(v)) { listStatus.error('Enter a user id: a positive number.'); return; }
    listStatus.clear();
    talkerInput.value = '';
    open(v, { focusInput: true });
  } },
  h('label', { for: 'pm-talker' }, 'New conversation'),
  h('div', { class: 'pm-row' }, talkerInput, h('button', { type: 'submit', class: 'button small' }, 'Open')));
  const sessionList = h('ul', { class: 'pm-sessions', 'aria-label': 'Conversations' });
  const moreSessions = h('button', { type: 'button', class: 'button secondary small', hidden: true }, 'More conversations');
  const sessions = new Map(); // talker mid -> {s, li, button}
  let sessionsEndTs = 0;

  // Conversation
  const title = h('h2', { id: 'pm-title', text: 'Choose a conversation' });
  const blockBtn = h('button', { type: 'button', class: 'button small secondary pm-block', hidden: true });
  let blocked = false;
  const older = h('button', { type: 'button', class: 'button secondary small', hidden: true }, 'Load older messages');
  const messages = h('ol', { class: 'pm-messages', role: 'log', 'aria-labelledby': 'pm-title' });
  const input = h('textarea', { id: 'pm-input', name: 'content', rows: 2, maxlength: 1000, disabled: true,
    placeholder: 'Choose a conversation first' });
  const send = h('button', { type: 'submit', class: 'button', disabled: true }, 'Send');
  const sendForm = h('form', { class: 'pm-send', onSubmit: (ev) => { ev.preventDefault(); sendMessage(); } },
    h('label', { class: 'visually-hidden', for: 'pm-input' }, 'Message'), input, send,
    h('p', { class: 'hint', text: 'Enter sends, Shift+Enter starts a new line.' }));
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      if (!send.disabled) sendForm.requestSubmit();
    }
  });

  replace(container, h('h1', { text: 'Messages' }),
    h('div', { class: 'pm-layout' },
      h('aside', { class: 'pm-sidebar card', 'aria-label': 'Conversations' }, newForm, listStatus.el, sessionList, moreSessions, live),
      h('section', { class: 'pm-conversation card', 'aria-labelledby': 'pm-title' },
        h('div', { class: 'pm-head' }, title, blockBtn), older, messages, convStatus.el, sendForm)));

  // The open conversation's state.
  let talker = ''; // mid as a string
  let gen = 0; // bumped on every open, so late answers for an earlier talker are dropped
  let minSeqno = 0, maxSeqno = 0, ackedSeqno = 0;
  let seen = new Map(); // msg_key_str -> li

  function sessionItem(talkerId) {
    const name = h('span', { class: 'pm-name', text: 'User ' + talkerId });
    const face = h('span', { class: 'pm-face' }, avatar('', '', 'md'));
    const last = h('span', { class: 'pm-last muted' });
    const time = h('span', { class: 'pm-time muted' });
    const badge = h('span', { class: 'badge', hidden: true });
    const button = h('button', { type: 'button', class: 'pm-session', dataset: { talker: talkerId },
      onClick: () => open(talkerId, { focusInput: true }) },
    face, h('span', { class: 'pm-session-text' }, h('span', { class: 'pm-session-top' }, name, time), last), badge);
    profile(talkerId).then((p) => {
      name.textContent = displayName(p, talkerId);
      replace(face, avatar(p.face, p.name, 'md'));
    });
    const li = h('li', {}, button);
    return { li, button, name, last, time, badge, s: null };
  }

  function paintSession(entry) {
    const s = entry.s || {};
    const m = s.last_msg;
    entry.last.textContent = summary(m, meMid);
    const ts = (m && Number(m.timestamp)) || Math.floor((Number(s.session_ts) || 0) / 1e6);
    entry.time.textContent = ts ? fmtDate(ts) : '';
    const unread = Math.max(0, Number(s.unread_count) || 0);
    entry.badge.hidden = unread === 0;
    entry.badge.textContent = unread > 99 ? '99+' : String(unread);
    entry.badge.setAttribute('aria-label', unread + ' unread');
    entry.button.setAttribute('aria-label', `${entry.name.textContent}${unread ? `, ${unread} unread` : ''}`);
  }

  /** Creates or updates a talker's session; top: move it to the top of the list (a new message). */
  function upsertSession(talkerId, patch, { top = false } = {}) {
    const id = String(talkerId);
    let entry = sessions.get(id);
    if (!entry) {
      entry = sessionItem(id);
      entry.s = { talker_id: id, unread_count: 0 };
      sessions.set(id, entry);
      top = true;
    }
    entry.s = { ...entry.s, ...patch };
    paintSession(entry);
    if (top) sessionList.prepend(entry.li); else if (!entry.li.isConnected) sessionList.append(entry.li);
    entry.button.classList.toggle('active', id === talker);
    if (id === talker) entry.button.setAttribute('aria-current', 'true'); else entry.button.removeAttribute('aria-current');
    const empty = sessionList.querySelector('.pm-empty');
    if (empty) empty.remove();
    return entry;
  }

  async function loadSessions() {
    moreSessions.disabled = true;
    try {
      const data = await get('/session_svr/v1/session_svr/get_sessions', { session_type: 1, size: PAGE, end_ts: sessionsEndTs || '' });
      if (signal.aborted) return;
      const list = (data && Array.isArray(data.session_list)) ? data.session_list : [];
      for (const s of list) {
        if (!s || !s.talker_id) continue;
        const known = sessions.get(String(s.talker_id));
        // A live update may already be newer than this page: keep the newer last message.
        if (known && known.s.last_msg && s.last_msg && Number(known.s.last_msg.msg_seqno) > Number(s.last_msg.msg_seqno)) continue;
        upsertSession(s.talker_id, s);
        if (String(s.talker_id) === talker) clearBadgeIfRead();
      }
      if (list.length) sessionsEndTs = list[list.length - 1].session_ts || 0;
      moreSessions.hidden = !(data && data.has_more) || !sessionsEndTs;
      if (!sessionList.childElementCount) sessionList.append(h('li', { class: 'pm-empty muted', text: 'No conversations yet.' }));
    } catch (e) {
      if (!signal.aborted) listStatus.error(e);
    } finally { moreSessions.disabled = false; }
  }
  moreSessions.addEventListener('click', loadSessions);

  function clearBadgeIfRead() {
    const entry = sessions.get(talker);
    if (entry && ackedSeqno && Number(entry.s.max_seqno || 0) <= ackedSeqno) {
      entry.s.unread_count = 0;
      paintSession(entry);
    }
  }

  /** Marks the open conversation read up to its newest seqno and clears its badge. */
  async function ack() {
    if (!talker || maxSeqno <= ackedSeqno) {
      const entry = sessions.get(talker);
      if (entry && entry.s.unread_count) { entry.s.unread_count = 0; paintSession(entry); }
      return;
    }
    const upTo = maxSeqno, forTalker = talker;
    try {
      await post('/session_svr/v1/session_svr/update_ack', { talker_id: forTalker, session_type: 1, ack_seqno: upTo });
      if (signal.aborted || forTalker !== talker) return;
      ackedSeqno = Math.max(ackedSeqno, upTo);
      const entry = sessions.get(forTalker);
      if (entry) { entry.s.unread_count = 0; entry.s.ack_seqno = ackedSeqno; paintSession(entry); }
    } catch (e) {
      if (!signal.aborted) convStatus.error(e);
    }
  }

  function messageItem(m) {
    const mine = String(m.sender_uid) === meMid;
    const recalled = Number(m.msg_status) === 1;
    const type = Number(m.msg_type);
    const text = recalled ? 'This message was recalled.' : type === 1 ? textOf(m) : '[unsupported message]';
    const who = h('span', { class: 'pm-who', text: mine ? 'You' : 'User ' + m.sender_uid });
    if (!mine) profile(m.sender_uid).then((p) => { who.textContent = displayName(p, m.sender_uid); });
    const ts = Number(m.timestamp) || 0;
    const key = keyOf(m);
    const recallable = mine && type === 1 && !recalled && key && Date.now() - ts * 1000 < RECALL_WINDOW_MS;
    const recall = recallable ? h('button', { type: 'button', class: 'link-button pm-recall', onClick: () => recallMessage(key, li, recall) }, 'Recall') : null;
    const li = h('li', { class: 'pm-message' + (mine ? ' mine' : '') + (recalled ? ' recalled' : ''),
      dataset: { seqno: String(Number(m.msg_seqno) || 0), key } },
    h('p', { class: 'pm-meta muted' }, who, ts ? h('time', { datetime: new Date(ts * 1000).toISOString(), text: ' · ' + fmtDate(ts) }) : null,
      recall ? ' · ' : null, recall),
    h('p', { class: 'pm-text', text }));
    return li;
  }

  /** Recalls one of my texts (a msg_type 5 message naming it); the other side's page marks it from the push. */
  async function recallMessage(key, li, button) {
    button.disabled = true;
    convStatus.clear();
    try {
      await post('/web_im/v1/web_im/send_msg', { 'msg[sender_uid]': meMid, 'msg[receiver_id]': talker,
        'msg[receiver_type]': 1, 'msg[msg_type]': 5, 'msg[content]': key });
      markRecalled(li);
      button.remove();
    } catch (e) {
      convStatus.error(e);
      if (e.code === 21002 || e.code === 21003) button.remove(); else button.disabled = false;
    }
  }

  /** Shows whether I blocked the open conversation's user, and what that allows. */
  function paintBlock() {
    blockBtn.hidden = !talker;
    blockBtn.textContent = blocked ? 'Unblock' : 'Block';
    blockBtn.setAttribute('aria-pressed', String(blocked));
    input.disabled = blocked || !talker;
    send.disabled = blocked || !talker;
    input.placeholder = blocked ? 'You blocked this user: unblock to write.' : 'Write a message…';
  }

  blockBtn.addEventListener('click', async () => {
    const forTalker = talker;
    blockBtn.disabled = true;
    convStatus.clear();
    try {
      await post('/x/relation/modify', { fid: forTalker, act: blocked ? 6 : 5 });
      if (forTalker !== talker) return;
      blocked = !blocked;
      paintBlock();
      convStatus.ok(blocked ? 'Blocked: neither of you can message the other.' : 'Unblocked.');
    } catch (e) {
      convStatus.error(e);
    } finally { blockBtn.disabled = false; }
  });

  function markRecalled(li) {
    li.classList.add('recalled');
    const t = li.querySelector('.pm-text');
    if (t) t.textContent = 'This message was recalled.';
  }

  /** Puts a message of the open conversation in seqno order; a msg_key already shown is dropped (at least once). */
  function addMessage(m) {
    const key = keyOf(m);
    const seqno = Number(m.msg_seqno) || 0;
    if (seqno) { maxSeqno = Math.max(maxSeqno, seqno); minSeqno = minSeqno ? Math.min(minSeqno, seqno) : seqno; }
    if (key && seen.has(key)) return false;
    if (Number(m.msg_type) === 5) { // a recall notice: mark the original, show nothing of its own
      const target = seen.get(recalledKey(m));
      if (target) markRecalled(target);
      if (key) seen.set(key, null);
      return false;
    }
    const li = messageItem(m);
    if (key) seen.set(key, li);
    let before = null;
    for (const other of messages.children) {
      if (Number(other.dataset.seqno) > seqno && seqno) { before = other; break; }
    }
    messages.insertBefore(li, before);
    return true;
  }

  const atBottom = () => messages.scrollHeight - messages.scrollTop - messages.clientHeight < 40;
  const toBottom = () => { messages.scrollTop = messages.scrollHeight; };

  async function loadMessages(endSeqno, myGen) {
    older.disabled = true;
    try {
      const data = await get('/svr_sync/v1/svr_sync/fetch_session_msgs', { talker_id: talker, session_type: 1, size: PAGE,
        end_seqno: endSeqno || '' });
      if (signal.aborted || myGen !== gen) return;
      const list = (data && Array.isArray(data.messages)) ? data.messages : [];
      const oldHeight = messages.scrollHeight, oldTop = messages.scrollTop;
      // Newest first from the API; insert oldest first so notices find the messages they recall.
      for (const m of [...list].reverse()) addMessage(m);
      // Recall notices in an older page may point at messages shown already: mark those too.
      for (const m of list) if (Number(m.msg_type) === 5 && seen.get(recalledKey(m))) markRecalled(seen.get(recalledKey(m)));
      if (data && Number(data.min_seqno)) minSeqno = minSeqno ? Math.min(minSeqno, Number(data.min_seqno)) : Number(data.min_seqno);
      older.hidden = !(data && data.has_more) || minSeqno <= 1;
      if (endSeqno) messages.scrollTop = oldTop + (messages.scrollHeight - oldHeight);
      else toBottom();
      if (!messages.childElementCount && !endSeqno) messages.append(h('li', { class: 'pm-empty muted', text: 'No messages yet. Say hello!' }));
    } catch (e) {
      if (!signal.aborted && myGen === gen) convStatus.error(e);
    } finally { older.disabled = false; }
  }
  older.addEventListener('click', () => loadMessages(minSeqno, gen));

  async function open(talkerId, { focusInput = false } = {}) {
    const id = String(talkerId);
    if (id === meMid) { listStatus.error('That is you: choose someone else.'); return; }
    const myGen = ++gen;
    talker = id;
    minSeqno = 0; maxSeqno = 0; ackedSeqno = 0;
    seen = new Map();
    messages.replaceChildren();
    older.hidden = true;
    convStatus.clear();
    for (const [tid, entry] of sessions) {
      entry.button.classList.toggle('active', tid === id);
      if (tid === id) entry.button.setAttribute('aria-current', 'true'); else entry.button.removeAttribute('aria-current');
    }
    if (location.search !== '?talker=' + id) history.replaceState(null, '', '/messages?talker=' + encodeURIComponent(id));
    replace(title, 'User ' + id);
    input.disabled = true; send.disabled = true; blockBtn.hidden = true;
    const p = await profile(id);
    if (signal.aborted || myGen !== gen) return;
    if (p.missing) {
      replace(title, 'Choose a conversation');
      talker = '';
      listStatus.error('No such user: ' + id + '.');
      return;
    }
    replace(title, avatar(p.face, p.name, 'sm'), h('span', { text: displayName(p, id) }), h('span', { class: 'muted pm-mid', text: ' (' + id + ')' }));
    document.title = displayName(p, id) + ' · Messages · Plaza';
    blocked = false;
    try {
      const rel = await get('/x/relation', { fid: id });
      if (signal.aborted || myGen !== gen) return;
      blocked = ((Number(rel && rel.attribute) || 0) & ATTRIBUTE_BLOCKED) !== 0;
    } catch (e) {
      if (signal.aborted || myGen !== gen) return;
      convStatus.error(e);
    }
    paintBlock();
    if (focusInput && !blocked) input.focus();
    await loadMessages(0, myGen);
    if (signal.aborted || myGen !== gen) return;
    await ack();
  }

  let sending = false;
  async function sendMessage() {
    const text = input.value.trim();
    if (!text || !talker || sending) return;
    const to = talker, myGen = gen;
    sending = true; send.disabled = true;
    convStatus.clear();
    try {
      const data = await post('/web_im/v1/web_im/send_msg', {
        'msg[sender_uid]': meMid, 'msg[receiver_id]': to, 'msg[receiver_type]': 1, 'msg[msg_type]': 1,
        'msg[content]': JSON.stringify({ content: text }),
      });
      if (signal.aborted) return;
      const m = { sender_uid: meMid, receiver_type: 1, receiver_id: to, msg_type: 1, msg_status: 0,
        content: (data && data.msg_content) || JSON.stringify({ content: text }),
        msg_seqno: data && data.msg_seqno, msg_key: data && data.msg_key, msg_key_str: data && data.msg_key_str,
        timestamp: Math.floor(Date.now() / 1000) };
      if (myGen === gen && to === talker) {
        const empty = messages.querySelector('.pm-empty');
        if (empty) empty.remove();
        input.value = '';
        addMessage(m);
        toBottom();
      }
      upsertSession(to, { last_msg: m, max_seqno: Math.max(Number(m.msg_seqno) || 0, Number((sessions.get(to) || {}).s?.max_seqno) || 0) }, { top: true });
    } catch (e) {
      if (!signal.aborted) convStatus.error(sendError(e));
    } finally {
      sending = false;
      if (talker) send.disabled = blocked;
      input.focus();
    }
  }

  /** A PM_MSG push: for the open conversation append (and ack); otherwise update that talker's session. */
  function onPush(m) {
    if (!m || typeof m !== 'object') return;
    const mine = String(m.sender_uid) === meMid;
    const other = String(mine ? m.receiver_id : m.sender_uid);
    if (!other || other === '0') return;
    const entry = sessions.get(other);
    const key = keyOf(m);
    const seqno = Number(m.msg_seqno) || 0;
    const isNew = !(entry && Number(entry.s.max_seqno) >= seqno && seqno);
    if (other === talker) {
      const stick = atBottom();
      const empty = messages.querySelector('.pm-empty');
      if (empty && Number(m.msg_type) === 1) empty.remove();
      if (key && seen.has(key)) return;
      addMessage(m);
      if (stick || mine) toBottom();
      upsertSession(other, { last_msg: m, max_seqno: Math.max(seqno, Number(entry && entry.s.max_seqno) || 0) }, { top: true });
      if (!mine && document.visibilityState === 'visible') ack();
      return;
    }
    if (!isNew) return; // a redelivery of something the session already counts
    const unread = Math.max(0, Number(entry && entry.s.unread_count) || 0) + (!mine && Number(m.msg_type) === 1 ? 1 : 0);
    upsertSession(other, { last_msg: m, max_seqno: seqno || (entry && entry.s.max_seqno), unread_count: unread }, { top: true });
  }

  const onVisible = () => { if (document.visibilityState === 'visible' && talker) ack(); };
  document.addEventListener('visibilitychange', onVisible);
  signal.addEventListener('abort', () => document.removeEventListener('visibilitychange', onVisible));

  // Room 0: no live room, only the pushes addressed to this user (docs/im.md, Auth: roomid 0 joins no room).
  const socket = new RoomSocket({
    roomid: 0, uid: me.mid,
    onMessage: (cmd, json) => { if (cmd === 'PM_MSG' && json) onPush(json.data); },
    onState: (s) => {
      live.textContent = { connecting: 'Connecting for new messages…', offline: 'Offline, reconnecting…', live: 'New messages arrive live.',
        'live-readonly': 'Live updates unavailable: please log in again.' }[s] || '';
    },
  });
  signal.addEventListener('abort', () => socket.close());

  const wanted = new URLSearchParams(location.search).get('talker');
  const first = loadSessions();
  if (wanted && /^[1-9]\d{0,18}$/.test(wanted)) open(wanted);
  await first;
}
