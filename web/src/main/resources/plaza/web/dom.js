// Tiny element builder. User-provided text only ever becomes text nodes / textContent:
// h('p', {}, comment.message) shows "<img src=x onerror=...>" as those characters.

export const DEFAULT_FACE = '/static/face/default.svg';

// Properties set as DOM properties rather than attributes.
const PROPS = new Set(['value', 'checked', 'disabled', 'selected']);

/** Only same-origin paths and http(s) URLs; anything else (javascript:, data:...) becomes the fallback. */
export function safeUrl(url, fallback = '') {
  if (typeof url !== 'string' || url === '') return fallback;
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  try {
    const u = new URL(url, location.origin);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : fallback;
  } catch {
    return fallback;
  }
}

/**
 * h(tag, props, ...children). props: class, text, dataset, on<Event>: function, href/src (checked by safeUrl),
 * value/checked/disabled (properties), anything else as an attribute. Children: strings, numbers, nodes, arrays.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k.startsWith('on') || k === 'style' || k === 'innerHTML') throw new Error('h: refused property ' + k);
    else if (k === 'href' || k === 'src') el.setAttribute(k, safeUrl(v, k === 'href' ? '#' : ''));
    else if (PROPS.has(k)) el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces all children of el. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** An avatar image; a missing or unsafe face falls back to the default silhouette. */
export function avatar(face, name, size = 'md') {
  const img = h('img', { class: 'avatar avatar-' + size, src: safeUrl(face, DEFAULT_FACE) || DEFAULT_FACE,
    alt: name ? name + "'s avatar" : '', width: 40, height: 40, loading: 'lazy', decoding: 'async' });
  img.addEventListener('error', () => { if (!img.src.endsWith(DEFAULT_FACE)) img.src = DEFAULT_FACE; }, { once: true });
  return img;
}

/** 75 -> "1:15", 3725 -> "1:02:05". */
export function fmtDuration(sec) {
  sec = Math.max(0, Math.floor(Number(sec) || 0));
  const hh = Math.floor(sec / 3600), mm = Math.floor((sec % 3600) / 60), ss = sec % 60;
  const pad = (n) => String(n).padStart(2, '0');
  return hh > 0 ? `${hh}:${pad(mm)}:${pad(ss)}` : `${mm}:${pad(ss)}`;
}

/** Unix seconds -> local date and time. */
export function fmtDate(unixSeconds) {
  const n = Number(unixSeconds);
  if (!n) return '';
  return new Date(n * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A status line (role=status) or an error line (role=alert) to reuse for messages. */
export function messageLine() {
  const el = h('p', { class: 'message', role: 'status', 'aria-live': 'polite' });
  el.hidden = true;
  return {
    el,
    ok(text) { el.className = 'message ok'; el.textContent = text; el.hidden = !text; },
    error(errOrText) {
      el.className = 'message error';
      el.textContent = typeof errOrText === 'string' ? errOrText : errOrText.message;
      el.hidden = false;
    },
    clear() { el.textContent = ''; el.hidden = true; },
  };
}
