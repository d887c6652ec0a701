"""The push requests' HTTP: libcurl (pycurl) driven by the dispatcher's asyncio loop.

One `CurlMulti` per dispatcher run keeps the connections to each push service (keep-alive on HTTP/1.1,
multiplexed streams on HTTP/2 when the service offers it over TLS); TLS is verified against certifi's CA
bundle. libcurl tells us which sockets it waits on and when its next timeout falls (`M_SOCKETFUNCTION`,
`M_TIMERFUNCTION`); the loop watches them and hands events back through `socket_action` — the same pattern as
Tornado's curl client. Easy handles are reused between requests, so a push costs a few `setopt` calls
in Python and the HTTP work itself happens in C.

Only http(s), no redirects, no proxies from the environment. Network trouble surfaces as TimeoutError or
OSError (`ProtocolError` for broken HTTP); a header value HTTP cannot carry (CR/LF) as ValueError, before
anything is sent."""
from __future__ import annotations

import asyncio
import re
from typing import NamedTuple

import certifi
import pycurl

MAX_BODY = 2048         # bytes of an error body kept (error texts are cut to 200 characters anyway)
USER_AGENT = "so-tay-dang-vien-push/1"
_VALUE = re.compile(r"[\x21-\x7e]+(?: [\x21-\x7e]+)*")  # printable ASCII, no CR/LF: no header injection
# libcurl's errors that mean "could not reach or keep a connection" (name, refused, TLS, reset): retried
_CONNECTION = {pycurl.E_COULDNT_RESOLVE_HOST, pycurl.E_COULDNT_CONNECT, pycurl.E_SSL_CONNECT_ERROR,
               pycurl.E_PEER_FAILED_VERIFICATION, pycurl.E_SEND_ERROR, pycurl.E_RECV_ERROR, pycurl.E_GOT_NOTHING}


class ProtocolError(OSError):
    """The push service broke HTTP or the connection before answering."""


class Answer(NamedTuple):
    status: int
    retry_after: str | None
    body: bytes


class _Reply:
    """What is kept of a response while libcurl reads it: `Retry-After` as sent, the start of the body."""

    __slots__ = ("data", "retry_after")

    def __init__(self):
        self.data = bytearray()
        self.retry_after: str | None = None

    def header(self, line: bytes) -> None:
        if line[:12].lower() == b"retry-after:":
            self.retry_after = line[12:].decode("latin-1").strip() or None

    def write(self, chunk: bytes) -> None:
        if len(self.data) < MAX_BODY:
            self.data += chunk[:MAX_BODY - len(self.data)]


class PushClient:
    """`await client.post(origin, target, headers, body)` → Answer; `await client.close()` at the end.
    Must be used from one event loop (the one running when the first request is made)."""

    def __init__(self, timeout: float, connect_timeout: float | None = None, ca_file: str | None = None):
        self._timeout_ms = int(timeout * 1000)
        self._connect_ms = int((connect_timeout or timeout) * 1000)
        self._ca_file = ca_file or certifi.where()
        self._multi: pycurl.CurlMulti | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | asyncio.Handle | None = None
        self._watched: dict[int, int] = {}      # socket → the pycurl.POLL_* libcurl asked for
        self._free: list[pycurl.Curl] = []     # finished handles, ready for the next request
        self._pending: dict[pycurl.Curl, asyncio.Future] = {}

    # ------------------------------------------------------------------ libcurl ⇄ event loop
    def _multi_now(self) -> pycurl.CurlMulti:
        if self._multi is None:
            self._loop = asyncio.get_running_loop()
            multi = self._multi = pycurl.CurlMulti()
            multi.setopt(pycurl.M_SOCKETFUNCTION, self._on_socket)
            multi.setopt(pycurl.M_TIMERFUNCTION, self._on_timer)
            multi.setopt(pycurl.M_PIPELINING, pycurl.PIPE_MULTIPLEX)
        return self._multi

    def _on_socket(self, what: int, fd: int, _multi, _data) -> None:
        loop, before = self._loop, self._watched.get(fd, 0)
        if before in (pycurl.POLL_IN, pycurl.POLL_INOUT) and what not in (pycurl.POLL_IN, pycurl.POLL_INOUT):
            loop.remove_reader(fd)
        if before in (pycurl.POLL_OUT, pycurl.POLL_INOUT) and what not in (pycurl.POLL_OUT, pycurl.POLL_INOUT):
            loop.remove_writer(fd)
        if what == pycurl.POLL_REMOVE:
            self._watched.pop(fd, None)
            return
        if what in (pycurl.POLL_IN, pycurl.POLL_INOUT) and before not in (pycurl.POLL_IN, pycurl.POLL_INOUT):
            loop.add_reader(fd, self._act, fd, pycurl.CSELECT_IN)
        if what in (pycurl.POLL_OUT, pycurl.POLL_INOUT) and before not in (pycurl.POLL_OUT, pycurl.POLL_INOUT):
            loop.add_writer(fd, self._act, fd, pycurl.CSELECT_OUT)
        self._watched[fd] = what

    def _on_timer(self, ms: int) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if ms == 0:  # never re-enter libcurl from its own callback: on the next turn of the loop
            self._timer = self._loop.call_soon(self._act, pycurl.SOCKET_TIMEOUT, 0)
        elif ms > 0:
            self._timer = self._loop.call_later(ms / 1000, self._act, pycurl.SOCKET_TIMEOUT, 0)

    def _act(self, fd: int, event: int) -> None:
        multi = self._multi
        if multi is None:
            return
        while multi.socket_action(fd, event)[0] == pycurl.E_CALL_MULTI_PERFORM:
            pass
        while True:
            queued, done, failed = multi.info_read()
            for handle in done:
                self._finish(handle, None)
            for handle, code, message in failed:
                self._finish(handle, (code, message))
            if not queued:
                return

    def _finish(self, handle: pycurl.Curl, error: tuple[int, str] | None) -> None:
        self._multi.remove_handle(handle)
        future = self._pending.pop(handle)
        if error is None:
            status, reply = handle.getinfo(pycurl.RESPONSE_CODE), handle.reply
            result = Answer(status, reply.retry_after, bytes(reply.data) if status >= 300 else b"")
        elif error[0] == pycurl.E_OPERATION_TIMEDOUT:
            result = TimeoutError(f"push service did not answer in time: {error[1]}")
        elif error[0] in _CONNECTION:
            result = ConnectionError(f"curl error {error[0]}: {error[1]}")
        else:
            result = ProtocolError(f"curl error {error[0]}: {error[1]}")
        handle.reply = None
        self._free.append(handle)
        if not future.done():
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)

    # ------------------------------------------------------------------ requests
    def _handle(self) -> pycurl.Curl:
        if self._free:
            return self._free.pop()
        handle = pycurl.Curl()
        for option, value in ((pycurl.NOSIGNAL, 1), (pycurl.PROXY, ""), (pycurl.FOLLOWLOCATION, 0),
                              (pycurl.PROTOCOLS, pycurl.PROTO_HTTP | pycurl.PROTO_HTTPS),
                              (pycurl.CAINFO, self._ca_file), (pycurl.SSL_VERIFYPEER, 1), (pycurl.SSL_VERIFYHOST, 2),
                              (pycurl.TIMEOUT_MS, self._timeout_ms), (pycurl.CONNECTTIMEOUT_MS, self._connect_ms),
                              (pycurl.PIPEWAIT, 1), (pycurl.USERAGENT, USER_AGENT), (pycurl.POST, 1)):
            handle.setopt(option, value)
        return handle

    async def post(self, origin: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        lines = []
        for name, value in headers.items():
            if not _VALUE.fullmatch(value):
                raise ValueError(f"illegal {name} header value")
            lines.append(f"{name}: {value}")
        lines.append("Expect:")  # no 100-continue round trip
        multi = self._multi_now()
        handle = self._handle()
        handle.reply = reply = _Reply()
        handle.setopt(pycurl.URL, origin + target)
        handle.setopt(pycurl.HTTPHEADER, lines)
        handle.setopt(pycurl.POSTFIELDS, body)
        handle.setopt(pycurl.HEADERFUNCTION, reply.header)
        handle.setopt(pycurl.WRITEFUNCTION, reply.write)
        future = self._loop.create_future()
        self._pending[handle] = future
        multi.add_handle(handle)
        return await future

    async def close(self) -> None:
        if self._multi is None:
            return
        for handle, future in list(self._pending.items()):
            self._multi.remove_handle(handle)
            future.cancel()
        self._pending.clear()
        for fd, what in self._watched.items():
            if what in (pycurl.POLL_IN, pycurl.POLL_INOUT):
                self._loop.remove_reader(fd)
            if what in (pycurl.POLL_OUT, pycurl.POLL_INOUT):
                self._loop.remove_writer(fd)
        self._watched.clear()
        if self._timer is not None:
            self._timer.cancel()
        for handle in self._free:
            handle.close()
        self._free.clear()
        self._multi.close()
        self._multi = None
