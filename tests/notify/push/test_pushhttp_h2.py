"""HTTP/2 to a push service: the checking fake push service (fake_push.py) served by hypercorn over TLS, h2 offered
by ALPN. Requests arrive as HTTP/2 and many at once share one connection; the dispatcher's whole sending path
(VAPID, RFC 8291 encryption, libcurl) works over it; error answers keep their status and Retry-After."""
from __future__ import annotations

import asyncio
import email.message
import ipaddress
import socket
import threading
from datetime import timedelta
from functools import partial

import pytest
from cryptography import x509
from hypercorn.asyncio import serve
from hypercorn.config import Config
from sqlalchemy import select

from handbook.core.timeutil import as_utc, utcnow
from handbook.extensions import db
from handbook.notify import subscriptions
from handbook.notify.models import Delivery, Urgency
from handbook.notify.outbox import NotificationSpec, enqueue, payload
from handbook.notify.push import deliveries, dispatch, sender
from handbook.notify.push.pushhttp import MAX_BODY, PushClient
from tests.notify.conftest import run_async
from tests.notify.fake_push import FakePushService
from tests.notify.push.test_pushhttp import _certificates


class H2PushService(FakePushService):
    """FakePushService's checks and plans, served by hypercorn on https://127.0.0.1 with a certificate from a CA
    of our own (`ca_file`). `seen` holds (HTTP version, client port) of each request."""

    scheme = "https"

    def __init__(self, tmp_path):
        names = [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        self.ca_file = _certificates(tmp_path, names)[0]  # which also writes leaf.pem and leaf.key to tmp_path
        self.config = Config()
        self.config.certfile, self.config.keyfile = str(tmp_path / "leaf.pem"), str(tmp_path / "leaf.key")
        self.config.loglevel, self.config.graceful_timeout = "WARNING", 1
        self.seen: list[tuple[str, int]] = []
        self.loop, self.stop = asyncio.new_event_loop(), asyncio.Event()
        super().__init__()

    def _listen(self) -> int:
        sock = socket.create_server(("127.0.0.1", 0))  # listening already: no waiting for the server to start
        port = sock.getsockname()[1]
        self.config.bind = [f"fd://{sock.detach()}"]  # hypercorn owns the socket from here on
        serving = serve(self._app, self.config, shutdown_trigger=self.stop.wait)
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(serving,), daemon=True)
        return port

    def __exit__(self, *exc):
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(5)
        self.loop.close()

    async def _app(self, scope, receive, send):
        if scope["type"] != "http":  # lifespan: nothing to start or stop
            return
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        headers = email.message.Message()  # case-insensitive, like http.server's
        for name, value in scope["headers"]:
            headers[name.decode("latin-1")] = value.decode("latin-1")
        self.seen.append((scope["http_version"], scope["client"][1]))
        status, extra, content = self.respond(scope["path"], headers, body)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(k.lower().encode(), v.encode()) for k, v in extra.items()]})
        await send({"type": "http.response.body", "body": content})


@pytest.fixture
def push(app, monkeypatch, tmp_path):
    """conftest's `push`, over HTTP/2: allowed (https only, as in production), its CA trusted by the Sender."""
    with H2PushService(tmp_path) as service:
        monkeypatch.setitem(app.config, "PUSH_ALLOWED_HOSTS", [service.host])
        monkeypatch.setattr(sender, "PushClient", partial(PushClient, ca_file=service.ca_file))
        yield service
        assert not service.errors, service.errors


def _job(push, i: int) -> deliveries.Job:
    sub = push.subscription()
    return deliveries.Job(i, i, 1, sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"],
                        payload("Nhắc lịch", f"Buổi {i}", "/meetings", f"t{i}"), 600, "normal", None)


# libcurl (PIPEWAIT + PIPE_MULTIPLEX) holds the requests back until the first connection has negotiated h2 by
# ALPN, then puts up to 100 streams on it (CURLMOPT_MAX_CONCURRENT_STREAMS, libcurl's own default, whatever the
# server allows) and opens another connection for the rest rather than queueing them. So 100 at once share one
# connection and the dispatcher's 128 (dispatch.CONCURRENCY) take two; without PIPEWAIT 100 would open 100.
@pytest.mark.parametrize(("at_once", "connections"), [(100, 1), (128, 2)])
def test_many_pushes_at_once_share_an_http2_connection(push, at_once, connections):
    jobs = [_job(push, i) for i in range(at_once)]
    sending = sender.Sender(dispatch.signer_from_config())

    async def go():
        try:
            return await asyncio.gather(*(sending.send(job) for job in jobs))
        finally:
            await sending.close()
    assert run_async(go()) == [(201, None, None)] * at_once
    assert [version for version, _port in push.seen] == ["2"] * at_once
    assert len({port for _version, port in push.seen}) == connections
    assert sorted(r["payload"]["body"] for r in push.received) == sorted(f"Buổi {i}" for i in range(at_once))


def test_dispatch_over_http2_sends_forgets_and_waits_as_told(push, factory):
    user = factory.user("nguoinhan@test.vn")
    factory.commit()
    ok, gone, busy = (push.subscription() for _ in range(3))
    for sub in (ok, gone, busy):
        subscriptions.save(user.id, sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"], None)
    push.answer(gone["endpoint"], (410, {}))
    push.answer(busy["endpoint"], (429, {"Retry-After": "120"}))
    enqueue([NotificationSpec(user_id=user.id, kind="test", title="Tiêu đề", body="Nội dung", url="/",
                              dedupe_key="k1", urgency=Urgency.HIGH, ttl_seconds=900, topic="abc")])
    db.session.commit()
    before = utcnow()
    stats = dispatch.dispatch(once=True)
    assert (stats.sent, stats.gone, stats.retried) == (1, 1, 1)
    (got,) = push.received  # decrypted, VAPID verified for the https origin
    assert got["payload"] == {"title": "Tiêu đề", "body": "Nội dung", "url": "/", "tag": "k1"}
    assert (got["aud"], got["urgency"], got["topic"]) == (push.origin, "high", "abc") and 890 <= got["ttl"] <= 900
    assert [s.endpoint for s in subscriptions.devices(user.id)] == [ok["endpoint"], busy["endpoint"]]
    waiting = db.session.scalars(select(Delivery).where(Delivery.status == "pending")).one()
    assert waiting.last_error == "HTTP 429"
    assert timedelta(seconds=115) < as_utc(waiting.next_attempt_at) - before < timedelta(seconds=130)
    assert push.seen == [("2", push.seen[0][1])] * 3  # HTTP/2, one connection


def test_error_answers_over_http2_keep_status_retry_after_and_the_start_of_the_body(push):
    push.answer("/busy", (429, {"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}, b"x" * (MAX_BODY * 3)))
    push.answer("/gone", (410, {}, b"push subscription has expired"))
    client = PushClient(5, ca_file=push.ca_file)

    async def go():
        try:
            return await asyncio.gather(*(client.post(push.origin, path, {"TTL": "60"}, b"ciphertext")
                                          for path in ("/busy", "/gone")))
        finally:
            await client.close()
    busy, gone = run_async(go())
    assert busy == (429, "Wed, 21 Oct 2099 07:28:00 GMT", b"x" * MAX_BODY)
    assert gone == (410, None, b"push subscription has expired")
    assert [version for version, _port in push.seen] == ["2", "2"]
