"""A small HTTP/1.1 client for push services: keep-alive connections pooled per origin, one request at a time
per connection, h11 (sans-IO) for the protocol and an asyncio Protocol for the bytes.

It does only what the dispatcher needs — POST a body, get back the status, `Retry-After` and the start of an
error body — so a request costs a fraction of a general-purpose client's. TLS through the `ssl` module with
certificate and host-name checks (the default context); plain http only when PUSH_ALLOW_HTTP let such an
endpoint in. Network trouble surfaces as OSError / TimeoutError / `ProtocolError` (an OSError)."""
from __future__ import annotations

import asyncio
import ssl
import time
from typing import NamedTuple
from urllib.parse import urlsplit

import h11

KEEP_IDLE = 15.0        # seconds an idle connection is kept; push services close theirs after longer
MAX_BODY = 2048         # bytes of a response body kept (error texts are cut to 200 characters anyway)
USER_AGENT = b"so-tay-dang-vien-push/1"


class ProtocolError(OSError):
    """The push service broke HTTP/1.1 or closed the connection before answering."""


class Answer(NamedTuple):
    status: int
    retry_after: str | None
    body: bytes


class Origin(NamedTuple):
    host: str
    port: int
    tls: bool
    host_header: bytes

    @classmethod
    def parse(cls, origin: str) -> Origin:
        parts = urlsplit(origin)
        tls = parts.scheme == "https"
        port = parts.port or (443 if tls else 80)
        return cls(parts.hostname, port, tls, parts.netloc.encode("ascii"))


class _Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.h11 = h11.Connection(h11.CLIENT)
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future | None = None
        self.closed = False
        self.idle_since = 0.0
        self._status = 0
        self._retry_after: str | None = None
        self._body = b""

    # ------------------------------------------------------------------ asyncio callbacks
    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        try:
            self.h11.receive_data(data)
            self._events()
        except h11.ProtocolError as exc:
            self._fail(ProtocolError(f"bad HTTP from the push service: {exc}"))

    def eof_received(self) -> None:
        self.closed = True
        try:
            self.h11.receive_data(b"")
            self._events()
        except h11.ProtocolError as exc:
            self._fail(ProtocolError(f"bad HTTP from the push service: {exc}"))
        self._fail(ProtocolError("the push service closed the connection"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._fail(ProtocolError(f"connection lost: {exc}" if exc else "connection closed"))

    # ------------------------------------------------------------------ ours
    def request(self, target: bytes, headers: list[tuple[bytes, bytes]], body: bytes) -> asyncio.Future:
        self.waiter = asyncio.get_running_loop().create_future()
        self._status, self._retry_after, self._body = 0, None, b""
        h = self.h11
        self.transport.write(h.send(h11.Request(method=b"POST", target=target, headers=headers))
                             + h.send(h11.Data(data=body)) + h.send(h11.EndOfMessage()))
        return self.waiter

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def reusable(self) -> bool:
        return not self.closed and self.h11.our_state is h11.IDLE and not self.transport.is_closing()

    def _events(self) -> None:
        h = self.h11
        while True:
            event = h.next_event()
            kind = type(event)
            if event is h11.NEED_DATA or event is h11.PAUSED:
                return
            if kind is h11.Response:
                self._status = event.status_code
                for name, value in event.headers:
                    if name == b"retry-after":
                        self._retry_after = value.decode("latin-1")
            elif kind is h11.Data:
                if len(self._body) < MAX_BODY:
                    self._body += event.data[:MAX_BODY - len(self._body)]
            elif kind is h11.EndOfMessage:
                if h.our_state is h11.DONE and h.their_state is h11.DONE:
                    h.start_next_cycle()  # keep-alive
                else:
                    self.close()
                waiter, self.waiter = self.waiter, None
                if waiter is not None and not waiter.done():
                    waiter.set_result(Answer(self._status, self._retry_after, self._body))
                return
            elif kind is h11.ConnectionClosed:
                self._fail(ProtocolError("the push service closed the connection"))
                return

    def _fail(self, exc: Exception) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)
        self.close()


class PushClient:
    """`await client.post(origin, target, headers, body)` → Answer. Connections are per origin and reused;
    at most one request is on a connection at a time, so the callers' number bounds the connections."""

    def __init__(self, timeout: float, connect_timeout: float | None = None, ssl_context=None):
        self.timeout = timeout
        self.connect_timeout = connect_timeout or timeout
        self._ssl = ssl_context
        self._idle: dict[Origin, list[_Connection]] = {}
        self._origins: dict[str, Origin] = {}

    def origin(self, origin: str) -> Origin:
        found = self._origins.get(origin)
        if found is None:
            found = self._origins[origin] = Origin.parse(origin)
        return found

    async def post(self, origin: Origin, target: str, headers: list[tuple[bytes, bytes]], body: bytes) -> Answer:
        headers = [(b"host", origin.host_header), (b"user-agent", USER_AGENT),
                   (b"content-length", b"%d" % len(body)), *headers]
        conn = None
        try:
            async with asyncio.timeout(self.timeout):
                conn = self._reuse(origin) or await self._connect(origin)
                answer = await conn.request(target.encode("ascii"), headers, body)
        except BaseException:
            if conn is not None:
                conn.close()  # mid-request: the connection's state is unknown
            raise
        if conn.reusable():
            conn.idle_since = time.monotonic()
            self._idle.setdefault(origin, []).append(conn)
        else:
            conn.close()
        return answer

    def _reuse(self, origin: Origin) -> _Connection | None:
        idle = self._idle.get(origin)
        now = time.monotonic()
        while idle:
            conn = idle.pop()
            if conn.reusable() and now - conn.idle_since < KEEP_IDLE:
                return conn
            conn.close()
        return None

    async def _connect(self, origin: Origin) -> _Connection:
        ctx = None
        if origin.tls:
            if self._ssl is None:
                self._ssl = ssl.create_default_context()
            ctx = self._ssl
        async with asyncio.timeout(self.connect_timeout):
            _transport, conn = await asyncio.get_running_loop().create_connection(
                _Connection, origin.host, origin.port, ssl=ctx, server_hostname=origin.host if ctx else None)
        return conn

    def close(self) -> None:
        for conns in self._idle.values():
            for conn in conns:
                conn.close()
        self._idle.clear()
