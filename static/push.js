// "Bật nhắc lịch sinh hoạt": ask for permission only after the tap, subscribe, tell the server.
(function () {
  var btn = document.getElementById('push-on'), out = document.getElementById('push-status');
  if (!btn) return;
  function say(key) { out.textContent = out.dataset[key]; }
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    say('unsupported'); return;
  }
  btn.hidden = false;
  function b64(s) {
    s = s.replace(/-/g, '+').replace(/_/g, '/'); s += '='.repeat((4 - s.length % 4) % 4);
    return Uint8Array.from(atob(s), function (c) { return c.charCodeAt(0); });
  }
  btn.addEventListener('click', function () {
    btn.disabled = true;
    Notification.requestPermission().then(function (perm) {
      if (perm !== 'granted') { say('denied'); throw null; }
      return Promise.all([navigator.serviceWorker.ready,
        fetch(btn.dataset.keyUrl, {credentials: 'same-origin'}).then(function (r) { return r.json(); })]);
    }).then(function (r) {
      return r[0].pushManager.getSubscription().then(function (old) {
        return old || r[0].pushManager.subscribe({userVisibleOnly: true, applicationServerKey: b64(r[1].publicKey)});
      });
    }).then(function (sub) {
      return fetch(btn.dataset.subscribeUrl, {method: 'POST', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json', 'X-CSRFToken': btn.dataset.csrf}, body: JSON.stringify(sub.toJSON())});
    }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      say('done'); setTimeout(function () { location.reload(); }, 800);
    }).catch(function (e) { if (e !== null) say('failed'); btn.disabled = false; });
  });
})();
