// Who is logged in (from /x/web-interface/nav). The session itself is the HttpOnly SESSDATA cookie.
import { get, post } from './api.js';

// Earlier pages kept the session token in localStorage for the live connection; the comet now reads the session
// cookie instead, so no script can read the token. Drop a kept one.
localStorage.removeItem('plaza.token');

let user = null; // null: anonymous; else {mid, uname, face, sign, is_admin}
const listeners = new Set();

export function currentUser() {
  return user;
}

export function onSessionChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function set(next) {
  const changed = (user && user.mid) !== (next && next.mid);
  user = next;
  if (changed) for (const fn of listeners) fn(user);
}

/** Asks the server who we are. -101 means anonymous; other errors leave us anonymous too and are rethrown. */
export async function refresh() {
  try {
    const nav = await get('/x/web-interface/nav');
    if (nav && nav.isLogin) {
      set({ mid: nav.mid, uname: nav.uname || '', face: nav.face || '', sign: nav.sign || '', is_admin: !!nav.is_admin });
    } else {
      set(null);
    }
  } catch (e) {
    set(null);
    if (e.code !== -101) throw e;
  }
  return user;
}

export async function login(username, password) {
  await post('/x/passport/login', { username, password });
  return refresh();
}

export function register(username, password) {
  return post('/x/passport/register', { username, password });
}

export async function logout() {
  try {
    await post('/x/passport/logout');
  } finally {
    await refresh().catch(() => {});
  }
}
