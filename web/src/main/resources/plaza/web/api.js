// The one fetch wrapper (JSON envelope calls, plus getText for /metrics). Nothing else in the app calls fetch.
import { describe } from './errors.js';

/** An API failure: code (the envelope's, or -1 for a network failure), message (for people), data, serverMessage. */
export class ApiError extends Error {
  constructor(code, serverMessage, data) {
    super(describe(code, serverMessage));
    this.name = 'ApiError';
    this.code = code;
    this.serverMessage = serverMessage || '';
    this.data = data;
  }
}

export function cookie(name) {
  for (const part of document.cookie.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try { return decodeURIComponent(part.slice(i + 1).trim()); } catch { return part.slice(i + 1).trim(); }
    }
  }
  return '';
}

function toParams(params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v != null && v !== '') qs.append(k, String(v));
  }
  return qs;
}

async function call(method, path, params) {
  const qs = toParams(params);
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  let url = path;
  if (method === 'GET') {
    const q = qs.toString();
    if (q) url += '?' + q;
  } else {
    const csrf = cookie('bili_jct');
    if (csrf && !qs.has('csrf')) qs.set('csrf', csrf);
    init.body = qs; // application/x-www-form-urlencoded;charset=UTF-8
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch {
    throw new ApiError(-1, '');
  }
  let body;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(res.status === 404 ? -404 : res.status >= 500 ? -500 : -1, res.statusText);
  }
  if (!body || typeof body.code !== 'number') throw new ApiError(-500, 'malformed answer');
  if (body.code !== 0) throw new ApiError(body.code, body.message, body.data);
  return body.data;
}

/** GET path?params; resolves to the envelope's data, rejects with an ApiError. */
export function get(path, params) {
  return call('GET', path, params);
}

/** POST a form body, with csrf taken from the bili_jct cookie. */
export function post(path, params) {
  return call('POST', path, params);
}

/** GET a same-origin plain-text resource (the Prometheus /metrics page); rejects with an ApiError on failure. */
export async function getText(path, { signal } = {}) {
  let res;
  try {
    res = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'text/plain' }, signal });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(-1, '');
  }
  if (!res.ok) throw new ApiError(res.status === 404 ? -404 : res.status === 403 ? -403 : res.status >= 500 ? -500 : -1, res.statusText);
  return res.text();
}
