// Web Push handlers for the service worker (/sw.js): merge into sw.js, which has scope "/".
// Payload (CONTRACT.md): {"title", "body", "url", "tag"}; `url` is a same-origin path.
self.addEventListener('push', function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {body: event.data && event.data.text()}; }
  var url = (typeof data.url === 'string' && data.url.charAt(0) === '/' && data.url.charAt(1) !== '/') ? data.url : '/notifications';
  event.waitUntil(self.registration.showNotification(data.title || 'Sổ tay đảng viên', {
    body: data.body || '',
    tag: data.tag || undefined,          // a newer message with the same tag replaces the shown one
    data: {url: url},
    lang: 'vi'
  }));
});

self.addEventListener('notificationclick', function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || '/notifications', self.location.origin);
  event.waitUntil(self.clients.matchAll({type: 'window', includeUncontrolled: true}).then(function (wins) {
    for (var i = 0; i < wins.length; i++) {
      var w = wins[i];
      if (new URL(w.url).origin === target.origin && 'focus' in w) {
        return (w.url === target.href ? Promise.resolve(w) : w.navigate(target.href)).then(function (c) { return (c || w).focus(); });
      }
    }
    return self.clients.openWindow(target.href);
  }));
});
