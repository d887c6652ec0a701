/* Sổ tay đảng viên — service worker. Rendered by handbook/pwa/views.py; VERSION changes with the shell. */
'use strict';
const VERSION = {{ version | tojson }};
const SHELL = 'shell-' + VERSION;
const SHELL_FILES = {{ shell | tojson }};
const OFFLINE = {{ offline | tojson }};
// Every page is personal, regulations too (a committee's drafts, documents for one organisation, the saved list
// and reading history): one cache per account, and none outlives the account on this phone.
const PAGES = 'pages-';                 // + the account's user key
const META = 'pwa-meta';                // '/__pwa/user' → the signed-in account's key
const OLD = ['regulations-'];           // caches of earlier versions that were shared by every account
// never kept offline: sign-in pages, the page that shows a new calendar address (a credential) once, and the
// form for a new document
const NO_CACHE = ['/login', '/logout', '/activate', '/password', '/offline', '/calendar/tokens', '/regulations/new'];
const APP_NAME = {{ _('Sổ tay đảng viên') | tojson }};

self.addEventListener('install', (event) => {
  // Anonymous copies: the shell (and the offline page) must not carry anyone's session.
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(
    SHELL_FILES.map((u) => new Request(u, {credentials: 'omit', cache: 'reload'})))));
  // No skipWaiting here: a new version waits until the page asks (SKIP_WAITING), never breaking a page in use.
});

function stale(k) {
  return (k.startsWith('shell-') && k !== SHELL) || OLD.some((prefix) => k.startsWith(prefix));
}

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter(stale).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'SKIP_WAITING') self.skipWaiting();
  else if (data.type === 'LOGOUT') event.waitUntil(forgetUser());
  else if (data.type === 'FLUSH') event.waitUntil(flush(data.user, data.csrf));
});

function userKeyOf(html) {
  const m = /<meta name="user-key" content="([0-9a-f]*)">/.exec(html);
  return m ? m[1] : null;
}

async function currentUser() {
  const r = await (await caches.open(META)).match('/__pwa/user');
  return r ? r.text() : '';
}

async function setUser(key) {
  await (await caches.open(META)).put('/__pwa/user', new Response(key));
  // Another account on this phone (or none): every other account's pages go.
  const keys = await caches.keys();
  await Promise.all(keys.filter((k) => (k.startsWith(PAGES) && k !== PAGES + key) || OLD.some((p) => k.startsWith(p)))
    .map((k) => caches.delete(k)));
}

async function forgetUser() {
  await setUser('');
}

async function remember(url, response) {
  const html = await response.clone().text();
  const key = userKeyOf(html);
  const path = new URL(response.url || url).pathname;
  if (!key) {
    // Signed out (e.g. the login page after logout): nothing personal may stay.
    if (path === '/login' || (await currentUser())) await forgetUser();
    return;
  }
  if (key !== (await currentUser())) await setUser(key);
  if (!NO_CACHE.includes(path) && path === url.pathname && !url.search) {
    // Remember when the copy was made: the page says "Bản lưu ngoại tuyến từ …" when it is shown offline.
    const headers = new Headers(response.headers);
    headers.set('X-Cached-At', new Date().toISOString());
    const copy = new Response(html, {status: response.status, statusText: response.statusText, headers});
    await (await caches.open(PAGES + key)).put(url.pathname, copy);
  }
}

// A page the server no longer shows this account (a chi ủy meeting it is not invited to, the cell of a member
// who left): its saved copy must not outlive the access.
const GONE = [403, 404, 410];

async function forgetPage(path) {
  const key = await currentUser();
  if (key) await (await caches.open(PAGES + key)).delete(path);
}

async function navigate(event) {
  const url = new URL(event.request.url);
  try {
    const response = await fetch(event.request);
    if (response.ok && response.type === 'basic' && (response.headers.get('content-type') || '').includes('text/html')) {
      event.waitUntil(remember(url, response.clone()).catch(() => {}));
    } else if (GONE.includes(response.status) && response.type === 'basic') {
      event.waitUntil(forgetPage(url.pathname).catch(() => {}));
    }
    return response;
  } catch (err) {
    const key = await currentUser();
    const cached = key && (await (await caches.open(PAGES + key)).match(url.pathname));
    if (cached) return stamped(cached);
    return (await caches.match(OFFLINE, {cacheName: SHELL})) || Response.error();
  }
}

async function stamped(cached) {
  // Tell the page it is a saved copy, and from when (a meta tag the page's script reads).
  const when = cached.headers.get('X-Cached-At') || '';
  const html = (await cached.text()).replace('</head>', `<meta name="cached-at" content="${when}"></head>`);
  return new Response(html, {status: cached.status, statusText: cached.statusText, headers: cached.headers});
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== location.origin || req.method !== 'GET') return;
  if (req.mode === 'navigate') {
    event.respondWith(navigate(event));
  } else if (url.pathname.startsWith('/static/') || url.pathname === '/manifest.webmanifest') {
    // Hashed static files never change under their URL: cache first.
    event.respondWith(caches.match(req, {cacheName: SHELL}).then((hit) => hit || fetch(req)));
  }
});

/* Offline actions (absence notice, check-in): the page puts them in IndexedDB, the worker sends them. */
const DB = 'handbook', STORE = 'outbox';

function openDb() {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE, {keyPath: 'client_id'});
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function tx(db, mode, fn) {
  return new Promise((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const out = fn(t.objectStore(STORE));
    t.oncomplete = () => resolve(out && out.result);
    t.onerror = () => reject(t.error);
  });
}

let flushing = null;
function flush(user, csrf) {
  flushing = flushing || sendAll(user, csrf).finally(() => { flushing = null; });
  return flushing;
}

// Only the signed-in account's actions go out (never one member's absence under another's session);
// a page's fresh CSRF token is preferred to the one stored with the action.
async function sendAll(user, csrf) {
  user = user || (await currentUser());
  if (!user) return;
  const db = await openDb();
  const items = (await tx(db, 'readonly', (s) => s.getAll())).filter((i) => i.user === user);
  let failed = false;
  for (const item of items) {
    let res;
    try {
      res = await fetch(item.api, {method: 'POST', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf || item.csrf}, body: JSON.stringify(item.body)});
    } catch (err) { failed = true; continue; }
    if (res.status >= 500 || res.status === 401 || res.status === 429) { failed = true; continue; }
    // 2xx: delivered (200 = it had arrived before; the client_id keeps it to one record). Other 4xx: refused,
    // except an expired CSRF token, which a page's fresh token fixes on the next try.
    let message = '';
    if (!res.ok) {
      let error = {};
      try { error = (await res.json()).error || {}; } catch (e) { /* not JSON */ }
      if (error.code === 'csrf_failed') { failed = true; continue; }
      message = error.message || String(res.status);
    }
    await tx(db, 'readwrite', (s) => s.delete(item.client_id));
    await tell({type: 'SENT', client_id: item.client_id, ok: res.ok, message, page: item.page});
  }
  await tell({type: 'OUTBOX'});
  if (failed) throw new Error('outbox: retry later');  // Background Sync tries again
}

async function tell(msg) {
  for (const c of await self.clients.matchAll({includeUncontrolled: true})) c.postMessage(msg);
}

self.addEventListener('sync', (event) => {
  if (event.tag === 'outbox') event.waitUntil(flush());
});

/* Push: payload {title, body, url, tag}; a click focuses or opens the url. */
self.addEventListener('push', (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {body: event.data && event.data.text()}; }
  event.waitUntil(self.registration.showNotification(data.title || APP_NAME, {
    body: data.body || '', tag: data.tag || undefined, data: {url: data.url || '/'},
    icon: SHELL_FILES[2], badge: SHELL_FILES[2], lang: 'vi'}));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || '/', location.origin);
  if (target.origin !== location.origin) return;
  event.waitUntil(self.clients.matchAll({type: 'window', includeUncontrolled: true}).then((list) => {
    for (const c of list) {
      if (new URL(c.url).pathname === target.pathname && 'focus' in c) return c.focus();
    }
    return self.clients.openWindow(target.href);
  }));
});
