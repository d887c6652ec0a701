/* Sổ tay đảng viên — the one script: service worker, update prompt, offline actions, install, offline list.
   Pages work without it; every user-visible text comes from the page (translated on the server). */
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var meta = function (name) { var m = document.querySelector('meta[name="' + name + '"]'); return m ? m.content : ''; };
  var sw = navigator.serviceWorker;
  var userKey = meta('user-key');

  /* Running installed: said once per browser session (the committee counts members who have the app); nothing else. */
  if (userKey && !sessionStorage.getItem('seen-installed') &&
      (matchMedia('(display-mode: standalone)').matches || navigator.standalone)) {
    fetch('/pwa/seen-installed', {method: 'POST', credentials: 'same-origin', headers: {'X-CSRFToken': meta('csrf-token')}})
      .then(function (r) { if (r.ok) sessionStorage.setItem('seen-installed', '1'); }, function () {});
  }

  /* Service worker and the update prompt: a new version waits until the member chooses to reload. */
  if (sw) {
    var reloading = false;
    sw.addEventListener('controllerchange', function () { if (reloading) location.reload(); });
    // Registered after the page has loaded, so installing the worker never competes with the first paint.
    var register = function () { return sw.register('/sw.js'); };
    (document.readyState === 'complete' ? register() : new Promise(function (ok) {
      addEventListener('load', function () { ok(register()); });
    })).then(function (reg) {
      var offer = function (worker) {
        if (!sw.controller) return;  // the first install needs no prompt
        $('update').hidden = false;
        $('update-btn').onclick = function () { reloading = true; worker.postMessage({type: 'SKIP_WAITING'}); };
      };
      if (reg.waiting) offer(reg.waiting);
      reg.addEventListener('updatefound', function () {
        var w = reg.installing;
        w.addEventListener('statechange', function () { if (w.state === 'installed') offer(w); });
      });
    });
    sw.addEventListener('message', function (e) { if (e.data && e.data.type) outboxChanged(e.data); });
    var post = function (msg) { if (sw.controller) sw.controller.postMessage(msg); };
    // Leaving: the worker drops this account's pages (it also does so when it sees the login page).
    document.querySelectorAll('form.logout').forEach(function (f) {
      f.addEventListener('submit', function () { post({type: 'LOGOUT'}); });
    });
    var flush = function () { if (userKey) post({type: 'FLUSH', user: userKey, csrf: meta('csrf-token')}); };
    sw.ready.then(flush);
    addEventListener('online', flush);
    // The worker's network can come back a moment after the page's 'online' event: while something is
    // still waiting, ask again every few seconds (the client_id keeps a repeat to one record).
    setInterval(function () { var b = $('outbox'); if (navigator.onLine && b && !b.hidden) flush(); }, 3000);
  }

  /* Offline actions: kept in IndexedDB, sent by the worker when the phone is online again. */
  function store(mode, fn) {
    return new Promise(function (resolve, reject) {
      var r = indexedDB.open('handbook', 1);
      r.onupgradeneeded = function () { r.result.createObjectStore('outbox', {keyPath: 'client_id'}); };
      r.onerror = function () { reject(r.error); };
      r.onsuccess = function () {
        var t = r.result.transaction('outbox', mode), q = fn(t.objectStore('outbox'));
        t.oncomplete = function () { resolve(q.result); };
        t.onerror = function () { reject(t.error); };
      };
    });
  }
  var box = $('outbox');

  function markPending(form, text) {
    var p = document.createElement('p');
    p.className = 'tag pending';
    p.setAttribute('role', 'status');
    p.textContent = text;
    form.hidden = true;
    form.parentNode.insertBefore(p, form);
  }

  function outboxChanged(msg) {
    if (msg.type === 'SENT' && msg.page === location.pathname) {
      document.querySelectorAll('.pending').forEach(function (p) {
        p.textContent = msg.ok ? box.dataset.sent : box.dataset.refused + ': ' + msg.message;
      });
    }
    refresh();
  }

  function refresh() {
    if (!window.indexedDB || !userKey) return;
    store('readonly', function (s) { return s.getAll(); }).then(function (items) {
      items = items.filter(function (i) { return i.user === userKey; });
      box.hidden = !items.length;
      items.forEach(function (i) {
        var form = i.page === location.pathname && document.querySelector('form[action="' + i.form + '"]');
        if (form && !form.hidden) markPending(form, i.label + ' — ' + box.dataset.one);
      });
    });
  }

  document.querySelectorAll('form.offline-action').forEach(function (form) {
    var cid = form.querySelector('input[name="client_id"]');
    if (cid && !cid.value && window.crypto && crypto.randomUUID) cid.value = crypto.randomUUID();
    form.addEventListener('submit', function (e) {
      if (navigator.onLine || !sw || !sw.controller || !window.indexedDB || !cid || !cid.value) return;
      e.preventDefault();
      // Forms are novalidate (the server's Vietnamese messages speak); offline nobody would answer an empty
      // required field until much later, so say it now, in the page's words.
      var bad = form.querySelector(':invalid');
      if (bad) {
        bad.setCustomValidity(box.dataset.required);
        bad.addEventListener('input', function () { bad.setCustomValidity(''); }, {once: true});
        bad.reportValidity();
        return;
      }
      var body = {};
      new FormData(form).forEach(function (v, k) { if (k !== 'csrf_token' && v !== '') body[k] = v; });
      var label = form.querySelector('button[type="submit"]').textContent.trim();
      var item = {client_id: cid.value, api: '/api/v1' + form.getAttribute('action'), form: form.getAttribute('action'),
        body: body, csrf: meta('csrf-token'), page: location.pathname, label: label, user: userKey, at: Date.now()};
      store('readwrite', function (s) { return s.put(item); }).then(function () {
        markPending(form, label + ' — ' + box.dataset.one);
        box.hidden = false;
        return sw.ready;
      }).then(function (reg) {
        if (reg.sync) return reg.sync.register('outbox');
      }).catch(function () {});
    });
  });
  refresh();

  /* Install: Android's prompt in the header and once on the home page; the steps on iPhone. */
  var deferred = null, panel = $('install');
  var ios = /iphone|ipad|ipod/i.test(navigator.userAgent) && !navigator.standalone;
  var showPanel = function () {
    panel.hidden = false;
    $('install-android').hidden = !deferred;
    $('install-ios').hidden = !ios;
  };
  var onHome = document.querySelector('main[data-install-card]') && !localStorage.getItem('install-dismissed');
  addEventListener('beforeinstallprompt', function (e) {
    e.preventDefault();
    deferred = e;
    $('install-btn').hidden = false;
    if (onHome) showPanel();
  });
  if (ios && userKey) { $('install-btn').hidden = false; if (onHome) showPanel(); }
  $('install-btn').onclick = function () { if (deferred) install(); else showPanel(); };
  $('install-go').onclick = install;
  $('install-close').onclick = function () { localStorage.setItem('install-dismissed', '1'); panel.hidden = true; };
  function install() {
    if (!deferred) return;
    deferred.prompt();
    deferred.userChoice.then(function () { deferred = null; panel.hidden = true; $('install-btn').hidden = true; });
  }
  addEventListener('appinstalled', function () { panel.hidden = true; $('install-btn').hidden = true; });

  /* The offline page lists what this account can open without a network. */
  var list = $('offline-list');
  if (list && window.caches) {
    caches.open('pwa-meta').then(function (c) { return c.match('/__pwa/user'); })
      .then(function (r) { return r ? r.text() : ''; })
      .then(function (key) {
        var names = key ? ['pages-' + key] : [];
        return Promise.all(names.map(function (n) {
          return caches.open(n).then(function (c) {
            return c.keys().then(function (reqs) {
              return Promise.all(reqs.map(function (req) {
                return c.match(req).then(function (res) { return res.text(); }).then(function (html) {
                  var t = /<title>([^<]*)<\/title>/.exec(html);
                  return {url: new URL(req.url).pathname, title: t ? t[1].split(' · ')[0] : req.url};
                });
              }));
            });
          });
        }));
      }).then(function (groups) {
        var pages = [].concat.apply([], groups);
        if (!pages.length) { list.innerHTML = '<li></li>'; list.firstChild.textContent = list.dataset.empty; }
        pages.forEach(function (p) {
          var li = document.createElement('li'), a = document.createElement('a');
          a.href = p.url;
          a.innerHTML = p.title;  // the title came from our own page, already HTML-escaped
          li.appendChild(a);
          list.appendChild(li);
        });
      });
  }

  /* A page served from the offline cache says so, and from when (dd/mm/yyyy hh:mm). */
  var cachedAt = meta('cached-at');
  if (cachedAt) {
    var d = new Date(cachedAt), two = function (n) { return (n < 10 ? '0' : '') + n; };
    var when = isNaN(d) ? '' : two(d.getDate()) + '/' + two(d.getMonth() + 1) + '/' + d.getFullYear() + ' ' +
      two(d.getHours()) + ':' + two(d.getMinutes());
    document.querySelectorAll('[data-offline-stamp]').forEach(function (el) {
      el.textContent = el.getAttribute('data-template').replace('{when}', when);
      el.hidden = false;
    });
  }

  /* Copy buttons: the field stays selectable without JavaScript; the button copies it in one tap and says so. */
  document.querySelectorAll('[data-copy]').forEach(function (btn) {
    var field = $(btn.getAttribute('data-copy')), status = $(btn.getAttribute('data-copy') + '-status');
    if (!field) return;
    btn.hidden = false;
    var say = function (text) { if (status) status.textContent = text; };
    btn.addEventListener('click', function () {
      field.focus();
      field.setSelectionRange(0, field.value.length);
      var done = function () { say(btn.dataset.copied); };
      var fallback = function () {
        try { if (document.execCommand('copy')) { done(); return; } } catch (e) { /* not allowed here */ }
        say(btn.dataset.failed);
      };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(field.value).then(done, fallback);
      else fallback();
    });
  });
  document.querySelectorAll('input.copy-source').forEach(function (f) {
    f.addEventListener('focus', function () { f.setSelectionRange(0, f.value.length); });
  });

  /* Print buttons (no inline handlers: the Content-Security-Policy allows no inline script). */
  document.querySelectorAll('[data-print]').forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener('click', function () { window.print(); });
  });
})();
