// /admin: comment moderation for admins (docs/api.md "Admin: /x/admin/reply/*"): a live dashboard read from /metrics,
// the review queue (state 3, oldest first) and a search over every comment, with hide/restore/approve/delete/pin.
import { get, post, getText } from '../api.js';
import { h, replace, fmtDate, messageLine } from '../dom.js';
import * as session from '../session.js';

const PS = 20;
const POLL_MS = 2000;
const TYPE = 1; // comments on videos
const STATE_WORDS = ['Normal', 'Hidden', 'Deleted', 'Pending review'];
const ATTR_PINNED = 1 << 1;

const stateWord = (s) => STATE_WORDS[Number(s)] || 'State ' + s;

export async function render(container, { signal }) {
  document.title = 'Admin · Plaza';
  const me = session.currentUser();
  if (!me) {
    replace(container, h('h1', { text: 'Admin' }),
      h('p', {}, h('a', { href: '/' }, 'Log in'), ' with an administrator account to moderate comments.'));
    return;
  }
  if (!me.is_admin) {
    replace(container, h('h1', { text: 'Admin' }),
      h('p', { class: 'message error', role: 'alert', text: 'This page is for administrators only: your account does not have the admin role.' }),
      h('p', {}, h('a', { href: '/' }, 'Back to the videos')));
    return;
  }
  const dash = dashboard(signal);
  const queue = resultsBlock(signal, {
    id: 'admin-queue', caption: 'Comments held for review, oldest first',
    empty: 'Nothing waiting for review.',
    load: (pn) => get('/x/admin/reply/queue', { type: TYPE, pn, ps: PS }),
  });
  const search = searchBlock(signal);
  replace(container, h('h1', { text: 'Admin' }), dash.el,
    h('section', { class: 'admin-section', 'aria-labelledby': 'admin-queue-title' },
      h('div', { class: 'admin-section-head' },
        h('h2', { id: 'admin-queue-title', text: 'Moderation queue' }),
        h('button', { type: 'button', class: 'button small secondary', onClick: () => queue.load(1) }, 'Reload')),
      queue.el),
    search.el);
  dash.start();
  await queue.load(1);
}

// ---- Search ---------------------------------------------------------------------------------------------------

function searchBlock(signal) {
  const keyword = h('input', { id: 'admin-keyword', name: 'keyword', type: 'search', maxlength: 100, autocomplete: 'off' });
  const mid = h('input', { id: 'admin-mid', name: 'mid', inputmode: 'numeric', pattern: '[0-9]*', autocomplete: 'off' });
  const oid = h('input', { id: 'admin-oid', name: 'oid', inputmode: 'numeric', pattern: '[0-9]*', autocomplete: 'off' });
  const state = h('select', { id: 'admin-state', name: 'state' },
    h('option', { value: '' }, 'Any'),
    STATE_WORDS.map((w, i) => h('option', { value: String(i) }, `${w} (${i})`)));
  const from = h('input', { id: 'admin-from', name: 'from', type: 'date' });
  const to = h('input', { id: 'admin-to', name: 'to', type: 'date' });
  const submit = h('button', { type: 'submit', class: 'button' }, 'Search');
  const formStatus = messageLine();
  let filters = null;

  const results = resultsBlock(signal, {
    id: 'admin-results', caption: 'Search results, newest first', empty: 'No comment matches.',
    load: (pn) => get('/x/admin/reply/search', { ...filters, pn, ps: PS }),
  });
  results.el.hidden = true;

  const field = (label, input, hint) => h('div', { class: 'admin-field' },
    h('label', { for: input.id, text: label }), input, hint ? h('p', { class: 'hint', text: hint }) : null);

  const form = h('form', { class: 'admin-search card', novalidate: true, onSubmit: async (ev) => {
    ev.preventDefault();
    formStatus.clear();
    const next = {};
    const kw = keyword.value.trim();
    if (kw) next.keyword = kw;
    for (const [name, input] of [['mid', mid], ['oid', oid]]) {
      const v = input.value.trim();
      if (!v) continue;
      if (!/^[0-9]+$/.test(v) || /^0+$/.test(v)) { formStatus.error(`${name} must be a whole number, 1 or more.`); input.focus(); return; }
      next[name] = v;
    }
    if (state.value !== '') next.state = state.value;
    const f = dayStart(from.value), t = dayStart(to.value);
    if (f != null) next.from = f;
    if (t != null) next.to = t + 86399; // the whole "to" day
    if (f != null && t != null && f > t) { formStatus.error('"From" must not be after "to".'); from.focus(); return; }
    filters = next;
    results.el.hidden = false;
    submit.disabled = true;
    try { await results.load(1); } finally { submit.disabled = false; }
  } },
  h('div', { class: 'admin-fields' },
    field('Keyword', keyword),
    field('Author (mid)', mid),
    field('Video (oid)', oid),
    field('State', state),
    field('From', from),
    field('To', to, 'Dates are local days, inclusive.')),
  h('div', {}, submit), formStatus.el);

  const el = h('section', { class: 'admin-section', 'aria-labelledby': 'admin-search-title' },
    h('h2', { id: 'admin-search-title', text: 'Search comments' }), form, results.el);
  return { el };
}

/** "YYYY-MM-DD" -> Unix seconds at local midnight, or null. */
function dayStart(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || '');
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(d.getTime()) ? null : Math.floor(d.getTime() / 1000);
}

// ---- Results table (search and queue) --------------------------------------------------------------------------

const COLUMNS = ['rpid', 'Video', 'Author', 'State', 'Likes', 'Time', 'Message', 'Actions'];

function resultsBlock(signal, { id, caption, empty, load }) {
  const status = messageLine();
  const tbody = h('tbody');
  const table = h('table', { class: 'admin-table', id },
    h('caption', { class: 'visually-hidden', text: caption }),
    h('thead', {}, h('tr', {}, COLUMNS.map((c) => h('th', { scope: 'col', text: c })))),
    tbody);
  const info = h('span', { class: 'muted', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'button small secondary', disabled: true }, 'Previous');
  const next = h('button', { type: 'button', class: 'button small secondary', disabled: true }, 'Next');
  let pn = 1;
  let gen = 0;
  const el = h('div', { class: 'admin-results' }, status.el,
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': caption }, table),
    h('div', { class: 'pager' }, prev, info, next));

  async function go(page) {
    const myGen = ++gen;
    prev.disabled = next.disabled = true;
    status.clear();
    info.textContent = 'Loading…';
    try {
      const data = await load(page);
      if (signal.aborted || myGen !== gen) return;
      const replies = (data && data.replies) || [];
      const total = Number(data && data.page && data.page.total) || 0;
      pn = page;
      tbody.replaceChildren(...replies.map((r) => row(r, status)));
      if (!replies.length) tbody.append(h('tr', {}, h('td', { colspan: 8, class: 'muted', text: empty })));
      const pages = Math.max(1, Math.ceil(total / PS));
      info.textContent = `Page ${pn} of ${pages} · ${total} comment${total === 1 ? '' : 's'}`;
      prev.disabled = pn <= 1;
      next.disabled = pn >= pages || pn * PS >= 10000;
    } catch (e) {
      if (signal.aborted || myGen !== gen) return;
      info.textContent = '';
      status.error(e);
      prev.disabled = pn <= 1;
    }
  }
  prev.addEventListener('click', () => go(pn - 1));
  next.addEventListener('click', () => go(pn + 1));
  return { el, load: go };
}

function row(r, status) {
  // rpids are past 2^53: use the string forms, as JSON numbers they are rounded
  r = { ...r, rpid: r.rpid_str || String(r.rpid), root: r.root_str || String(r.root) };
  const item = { ...r, state: Number(r.state), attr: Number(r.attr) || 0 };
  const tr = h('tr', { class: 'admin-row', dataset: { rpid: String(r.rpid), state: String(item.state) } });
  // each cell names its column, so that a phone can show a row as a card (style.css)
  const cell = (column, props, ...children) => h('td', { ...props, dataset: { label: COLUMNS[column] } }, ...children);
  const stateCell = cell(3, { class: 'admin-state' });
  const actions = cell(7, { class: 'admin-actions' });
  const oid = String(r.oid ?? '');
  const isRoot = !Number(r.root);

  function draw() {
    tr.dataset.state = String(item.state);
    const pinned = (item.attr & ATTR_PINNED) !== 0;
    replace(stateCell, stateWord(item.state), pinned ? [' ', h('span', { class: 'tag', text: 'Pinned' })] : null);
    const btns = [];
    const btn = (cls, label, path, extra, danger) => btns.push(h('button', {
      type: 'button', class: 'link-button ' + cls + (danger ? ' danger' : ''),
      'aria-label': `${label} comment ${r.rpid}`, onClick: (ev) => act(ev.currentTarget, path, extra),
    }, label));
    if (item.state === 3) btn('admin-approve', 'Approve', 'approve');
    if (item.state === 0 || item.state === 3) btn('admin-hide', 'Hide', 'hide');
    if (item.state === 1) btn('admin-restore', 'Restore', 'restore');
    if (item.state === 0 && isRoot) btn('admin-pin', pinned ? 'Unpin' : 'Pin', 'top', { action: pinned ? 0 : 1 });
    if (item.state !== 2) btn('admin-delete', 'Delete', 'del', null, true);
    replace(actions, btns.length ? btns : h('span', { class: 'muted', text: '—' }));
  }

  async function act(button, path, extra) {
    if (path === 'del' && !confirm(`Delete comment ${r.rpid}?`)) return;
    for (const b of actions.querySelectorAll('button')) b.disabled = true;
    try {
      const data = await post('/x/admin/reply/' + path, { type: r.type || TYPE, oid, rpid: r.rpid, ...extra });
      const target = data && data.target != null ? Number(data.target) : item.state;
      if (path === 'top') {
        item.attr = extra.action ? item.attr | ATTR_PINNED : item.attr & ~ATTR_PINNED;
        status.ok(data && data.published === false
          ? `Comment ${r.rpid} was already ${extra.action ? 'pinned' : 'not pinned'}: nothing to change.`
          : `Comment ${r.rpid}: ${extra.action ? 'pinned' : 'unpinned'}, applied moments later.`);
      } else {
        status.ok(data && data.published === false
          ? `Comment ${r.rpid} is already ${stateWord(target).toLowerCase()}: nothing to change.`
          : `Comment ${r.rpid}: ${stateWord(item.state).toLowerCase()} → ${stateWord(target).toLowerCase()}, applied moments later.`);
      }
      item.state = target;
      draw();
    } catch (e) {
      if (e.code === 12022) { item.state = 2; draw(); } else {
        for (const b of actions.querySelectorAll('button')) b.disabled = false;
      }
      status.error(e);
      if (button.isConnected) button.focus();
    }
  }

  append(tr,
    cell(0, { class: 'num', text: String(r.rpid) }),
    cell(1, { class: 'num' }, oid ? h('a', { href: '/video/' + encodeURIComponent(oid), text: oid }) : ''),
    cell(2, { class: 'num', text: String(r.mid ?? '') }),
    stateCell,
    cell(4, { class: 'num', text: String(r.like ?? 0) }),
    cell(5, { class: 'admin-time', text: fmtDate(r.ctime) }),
    cell(6, { class: 'admin-message', text: (r.content && r.content.message) || '' }),
    actions);
  draw();
  return tr;
}

function append(el, ...cells) {
  for (const c of cells) el.append(c);
}

// ---- Live dashboard -------------------------------------------------------------------------------------------

function dashboard(signal) {
  const value = (id) => h('dd', { id, class: 'dash-value', text: '…' });
  const rps = value('dash-rps');
  const errors = value('dash-errors');
  const latency = value('dash-latency');
  const shed = value('dash-shed');
  const latencyLabel = h('dt', { text: 'Latency p99' });
  const note = h('p', { class: 'hint', 'aria-live': 'polite', text: 'Reading /metrics every 2 seconds…' });
  const stat = (label, dd) => h('div', { class: 'dash-stat card' }, label instanceof Node ? label : h('dt', { text: label }), dd);
  const el = h('section', { class: 'admin-section', 'aria-labelledby': 'admin-dash-title' },
    h('h2', { id: 'admin-dash-title', text: 'Live dashboard' }),
    h('dl', { class: 'dash' }, stat('Requests/s', rps), stat('Errors/s', errors), stat(latencyLabel, latency),
      stat('Limiter rejections/s', shed)),
    note);

  let prev = null;
  let timer = 0;
  signal.addEventListener('abort', () => clearTimeout(timer));

  async function tick() {
    try {
      const text = await getText('/metrics', { signal });
      if (signal.aborted) return;
      const snap = snapshot(parseMetrics(text));
      if (prev) show(prev, snap);
      else note.textContent = 'Waiting for a second reading…';
      prev = snap;
    } catch (e) {
      if (signal.aborted) return;
      note.textContent = 'Metrics unavailable: ' + e.message;
      prev = null;
    }
    if (!signal.aborted) timer = setTimeout(tick, POLL_MS);
  }

  function show(a, b) {
    const dt = (b.t - a.t) / 1000;
    if (dt <= 0) return;
    const rate = (x, y) => (y >= x ? (y - x) / dt : null); // a counter going down: the server restarted
    const fmt = (v) => (v == null ? '—' : v < 10 ? v.toFixed(2) : v.toFixed(1));
    rps.textContent = fmt(rate(a.count, b.count));
    errors.textContent = fmt(rate(a.errors, b.errors));
    shed.textContent = fmt(b.hasDropped ? rate(a.dropped, b.dropped) : rate(a.shedRoute, b.shedRoute));
    const lat = latencyBetween(a, b);
    latencyLabel.textContent = lat.label;
    latency.textContent = lat.text;
    note.textContent = `Updated ${new Date(b.t).toLocaleTimeString()} (rates over the last ${dt.toFixed(1)} s).`;
  }

  return { el, start: tick };
}

/** Tolerant Prometheus text parser: `name{labels} value [timestamp]`; comments and odd lines are skipped. */
export function parseMetrics(text) {
  const out = [];
  for (const raw of String(text).split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z_:][\w:]*)\s*(\{.*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const value = parseValue(m[3]);
    if (Number.isNaN(value)) continue;
    out.push({ name: m[1], labels: m[2] ? parseLabels(m[2]) : {}, value });
  }
  return out;
}

function parseValue(s) {
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

function parseLabels(s) {
  const labels = {};
  const re = /([A-Za-z_]\w*)\s*=\s*"((?:[^"\\]|\\.)*)"/g;
  let m;
  while ((m = re.exec(s))) labels[m[1]] = m[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
  return labels;
}

const REQ = 'http_server_requests_seconds';

function snapshot(samples) {
  const s = { t: Date.now(), count: 0, errors: 0, sum: 0, dropped: 0, hasDropped: false, shedRoute: 0,
    buckets: new Map(), quantile: null };
  for (const { name, labels, value } of samples) {
    if (name === REQ + '_count') {
      s.count += value;
      if (labels.code != null && labels.code !== '0') s.errors += value;
      if (labels.route === '(shed)') s.shedRoute += value;
    } else if (name === REQ + '_sum') {
      s.sum += value;
    } else if (name === REQ + '_bucket' && labels.le != null) {
      const le = parseValue(labels.le);
      if (!Number.isNaN(le)) s.buckets.set(le, (s.buckets.get(le) || 0) + value);
    } else if (name === REQ && labels.quantile === '0.99' && Number.isFinite(value)) {
      s.quantile = Math.max(s.quantile ?? 0, value);
    } else if (name === 'plaza_limiter_dropped_total' || name === 'plaza_limiter_dropped') {
      s.dropped += value;
      s.hasDropped = true;
    }
  }
  return s;
}

const ms = (sec) => (sec * 1000 < 10 ? (sec * 1000).toFixed(2) : (sec * 1000).toFixed(0)) + ' ms';

/** p99 from the histogram buckets' increase between two readings; else a published quantile; else the mean. */
function latencyBetween(a, b) {
  const total = b.count - a.count;
  if (b.buckets.size) {
    if (total <= 0) return { label: 'Latency p99', text: 'no requests' };
    const les = [...b.buckets.keys()].sort((x, y) => x - y);
    let bound = null;
    for (const le of les) {
      const inc = b.buckets.get(le) - (a.buckets.get(le) || 0);
      if (inc >= total * 0.99) { bound = le; break; }
    }
    if (bound == null) return { label: 'Latency p99', text: '—' };
    if (bound === Infinity) {
      const finite = les.filter(Number.isFinite);
      return { label: 'Latency p99', text: finite.length ? '> ' + ms(finite[finite.length - 1]) : '—' };
    }
    return { label: 'Latency p99', text: '≤ ' + ms(bound) };
  }
  if (b.quantile != null) return { label: 'Latency p99 (slowest route)', text: ms(b.quantile) };
  if (total <= 0) return { label: 'Latency (mean)', text: 'no requests' };
  return { label: 'Latency (mean)', text: ms((b.sum - a.sum) / total) };
}
