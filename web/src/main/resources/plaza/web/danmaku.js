// Danmaku: the live room of a video (its aid) over WebSocket in the Bilibili-live dialect (docs/im.md),
// comments flying over the player, the recent ones, and a send box.
import { get, post } from './api.js';
import { h, replace, messageLine } from './dom.js';
import * as session from './session.js';

const HEADER = 16;
export const OP = { HEARTBEAT: 2, HEARTBEAT_REPLY: 3, MESSAGE: 5, AUTH: 7, AUTH_REPLY: 8 };
const HEARTBEAT_MS = 30000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One packet: u32 length, u16 header length 16, u16 version, u32 operation, u32 sequence, body; big-endian. */
export function encodePacket(op, body = '', seq = 1, version = 1) {
  const bytes = typeof body === 'string' ? encoder.encode(body) : body;
  const buf = new ArrayBuffer(HEADER + bytes.length);
  const v = new DataView(buf);
  v.setUint32(0, HEADER + bytes.length);
  v.setUint16(4, HEADER);
  v.setUint16(6, version);
  v.setUint32(8, op);
  v.setUint32(12, seq);
  new Uint8Array(buf, HEADER).set(bytes);
  return buf;
}

/** Every whole packet of a frame: [{op, version, seq, body: Uint8Array}]. Stops at a malformed one. */
export function decodePackets(buffer) {
  const out = [];
  const v = new DataView(buffer);
  let off = 0;
  while (off + HEADER <= buffer.byteLength) {
    const len = v.getUint32(off), hlen = v.getUint16(off + 4);
    if (len < hlen || hlen < HEADER || off + len > buffer.byteLength) break;
    out.push({ version: v.getUint16(off + 6), op: v.getUint32(off + 8), seq: v.getUint32(off + 12),
      body: new Uint8Array(buffer, off + hlen, len - hlen) });
    off += len;
  }
  return out;
}

/**
 * A room connection that reconnects with backoff. A logged-in user (uid) authenticates with the session cookie the
 * browser sends on the WebSocket handshake (the auth's key stays empty: the page never holds the token, docs/im.md);
 * refused, it falls back to an anonymous viewer. roomid 0 joins no room (only pushes to the user, e.g. PM_MSG).
 * onDanmaku gets DANMU_MSG; onMessage(cmd, json) gets every other pushed command.
 */
export class RoomSocket {
  constructor({ roomid, uid, onDanmaku, onMessage, onOnline, onState }) {
    const noop = () => {};
    Object.assign(this, { roomid, uid: Number(uid) || 0, onDanmaku: onDanmaku || noop, onMessage: onMessage || noop,
      onOnline: onOnline || noop, onState: onState || noop });
    this.closed = false;
    this.backoff = 1000;
    this.seq = 1;
    this.connect();
  }

  get open() {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN && this.authed;
  }

  /** The comet's WebSocket address from the room's danmaku info (Bilibili's getDanmuInfo), asked once. */
  async url() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    if (!this.wsPort) {
      try {
        // Every comet serves every room; the endpoint wants a positive id, so room 0 asks about room 1.
        const info = await get('/xlive/web-room/v1/index/getDanmuInfo', { id: Number(this.roomid) || 1 });
        const host = (info && info.host_list || []).find((c) => Number(c.ws_port) > 0);
        this.wsPort = host ? Number(host.ws_port) : 0;
      } catch {
        this.wsPort = 0;
      }
    }
    return this.wsPort ? `${scheme}//${location.hostname}:${this.wsPort}/sub` : null;
  }

  connect() {
    this.authed = false;
    this.onState('connecting');
    this.url().then((url) => {
      if (this.closed) return;
      if (!url) { this.retry(); return; }
      this.dial(url);
    });
  }

  dial(url) {
    let ws;
    try {
      ws = new WebSocket(url);
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    ws.binaryType = 'arraybuffer';
    ws.addEventListener('open', () => {
      const auth = { uid: this.uid, roomid: Number(this.roomid), protover: 1, platform: 'web', type: 2, key: '' };
      ws.send(encodePacket(OP.AUTH, JSON.stringify(auth), this.seq++));
    });
    ws.addEventListener('message', (ev) => {
      if (!(ev.data instanceof ArrayBuffer)) return;
      for (const p of decodePackets(ev.data)) this.handle(p);
    });
    ws.addEventListener('close', () => {
      clearInterval(this.heartbeat);
      if (this.closed) return;
      if (!this.authed && this.uid) this.uid = 0; // refused session: come back read-only
      this.onState('offline');
      this.retry();
    });
  }

  retry() {
    if (this.closed) return;
    this.timer = setTimeout(() => this.connect(), this.backoff);
    this.backoff = Math.min(this.backoff * 2, 30000);
  }

  handle(p) {
    if (p.op === OP.AUTH_REPLY) {
      this.authed = true;
      this.backoff = 1000;
      this.onState(this.uid ? 'live' : 'live-readonly');
      this.beat();
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    } else if (p.op === OP.HEARTBEAT_REPLY && p.body.length >= 4) {
      this.onOnline(new DataView(p.body.buffer, p.body.byteOffset, 4).getInt32(0));
    } else if (p.op === OP.MESSAGE && p.version === 0) {
      let msg;
      try { msg = JSON.parse(decoder.decode(p.body)); } catch { return; }
      if (msg && msg.cmd === 'DANMU_MSG' && Array.isArray(msg.info)) {
        const info = msg.info, display = Array.isArray(info[0]) ? info[0] : [], sender = Array.isArray(info[2]) ? info[2] : [];
        this.onDanmaku({ text: String(info[1] ?? ''), mode: Number(display[1]) || 1, color: Number(display[3]),
          uid: sender[0], nickname: String(sender[1] ?? '') });
      } else if (msg && typeof msg.cmd === 'string' && msg.cmd !== 'DANMU_MSG') {
        this.onMessage(msg.cmd, msg);
      }
    }
    // protover 1 asks for uncompressed pushes, so versions 2/3 (zlib/brotli batches) are not expected.
  }

  beat() {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(encodePacket(OP.HEARTBEAT, '', this.seq++));
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.heartbeat);
    if (this.ws) this.ws.close();
  }
}

/** Danmaku flying right to left over the player (DOM elements in lanes). */
export class Overlay {
  constructor(layer) {
    this.layer = layer;
    this.lanes = [];
    this.enabled = true;
    this.reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
  }

  show({ text, mode = 1, color, mine = false }) {
    if (!this.enabled || !text || this.layer.childElementCount > 80) return;
    const el = h('span', { class: 'danmaku' + (mine ? ' mine' : ''), text });
    if (Number.isInteger(color) && color >= 0 && color <= 0xffffff && color !== 0xffffff) {
      el.style.color = '#' + color.toString(16).padStart(6, '0');
    }
    this.layer.append(el);
    const width = this.layer.clientWidth, lineH = 30;
    const laneCount = Math.max(1, Math.floor((this.layer.clientHeight * 0.75) / lineH));
    const now = performance.now();
    let lane = 0;
    for (let i = 0; i < laneCount; i++) {
      if ((this.lanes[i] || 0) <= now) { lane = i; break; }
      if ((this.lanes[i] || 0) < (this.lanes[lane] || 0)) lane = i;
    }
    if (mode === 4 || mode === 5 || this.reduced) {
      // bottom (4) / top (5) / reduced motion: centred, still, for 4 s.
      el.classList.add('fixed');
      el.style.top = mode === 4 ? '' : lane * lineH + 'px';
      if (mode === 4) el.style.bottom = '8px';
      setTimeout(() => el.remove(), 4000);
      return;
    }
    const w = el.offsetWidth, speed = 130; // px per second
    el.style.top = lane * lineH + 'px';
    this.lanes[lane] = now + ((w + 24) / speed) * 1000;
    const anim = el.animate([{ transform: `translateX(${width}px)` }, { transform: `translateX(${-w}px)` }],
      { duration: ((width + w) / speed) * 1000, easing: 'linear' });
    anim.onfinish = () => el.remove();
  }

  setEnabled(on) {
    this.enabled = on;
    if (!on) this.layer.replaceChildren();
  }
}

/** Everything danmaku for one video: overlay over the player's layer, the room connection, recent list, send box. */
export function mountDanmaku(container, { aid, layer, signal }) {
  const overlay = new Overlay(layer);
  const state = h('span', { class: 'muted', text: 'Connecting…' });
  const online = h('span', { class: 'muted' });
  const recent = h('ol', { class: 'danmaku-list', 'aria-label': 'Recent danmaku', 'aria-live': 'polite' });
  const msg = messageLine();
  const input = h('input', { id: 'danmaku-input', name: 'msg', maxlength: 100, autocomplete: 'off',
    placeholder: session.currentUser() ? 'Send a danmaku…' : 'Log in to send danmaku', disabled: !session.currentUser() });
  const send = h('button', { type: 'submit', class: 'button small', disabled: !session.currentUser() }, 'Send');
  const toggle = h('button', { type: 'button', class: 'button small secondary', 'aria-pressed': 'true', onClick: () => {
    const on = toggle.getAttribute('aria-pressed') !== 'true';
    toggle.setAttribute('aria-pressed', String(on));
    overlay.setEnabled(on);
  } }, 'Danmaku over the player');

  function addToList({ text, nickname }) {
    recent.append(h('li', {}, h('span', { class: 'dm-name', text: (nickname || 'someone') + ': ' }), h('span', { text })));
    while (recent.childElementCount > 100) recent.firstElementChild.remove();
    recent.scrollTop = recent.scrollHeight;
  }

  const me = session.currentUser();
  const socket = new RoomSocket({
    roomid: aid, uid: me ? me.mid : 0,
    onDanmaku: (d) => {
      overlay.show({ ...d, mine: !!me && String(d.uid) === String(me.mid) });
      addToList(d);
    },
    onOnline: (n) => { online.textContent = ` · ${n} watching`; },
    onState: (s) => {
      state.textContent = { connecting: 'Connecting…', offline: 'Offline, reconnecting…', live: 'Live',
        'live-readonly': 'Live (read-only)' }[s] || s;
    },
  });
  signal.addEventListener('abort', () => socket.close());

  const form = h('form', { class: 'danmaku-form', onSubmit: async (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    msg.clear();
    send.disabled = true;
    try {
      await post('/msg/send', { roomid: aid, msg: text, mode: 1, color: 16777215, fontsize: 25,
        rnd: Math.floor(Date.now() / 1000) });
      input.value = '';
      // Connected viewers get it back from the room; otherwise show it here.
      if (!socket.open) {
        overlay.show({ text, mine: true });
        addToList({ text, nickname: me ? me.uname : '' });
      }
    } catch (e) {
      msg.error(e);
    } finally {
      send.disabled = false;
      input.focus();
    }
  } },
  h('label', { class: 'visually-hidden', for: 'danmaku-input' }, 'Danmaku message'), input, send);

  replace(container,
    h('div', { class: 'danmaku-head' }, h('h2', { text: 'Danmaku' }), h('p', { class: 'danmaku-state' }, state, online), toggle),
    recent, form, msg.el);

  get('/xlive/web-room/v1/dM/gethistory', { roomid: aid }).then((data) => {
    if (signal.aborted) return;
    const items = (data && Array.isArray(data.room)) ? data.room : [];
    // Oldest first; put them above anything that already arrived live.
    const first = recent.firstChild;
    for (const d of items) {
      recent.insertBefore(h('li', { class: 'past' }, h('span', { class: 'dm-name', text: (d.nickname || 'someone') + ': ' }),
        h('span', { text: String(d.text ?? '') })), first);
    }
    recent.scrollTop = recent.scrollHeight;
  }).catch((e) => { if (!signal.aborted) msg.error(e); });
}
