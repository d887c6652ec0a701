"""The push requests' HTTP: one aiohttp session per dispatcher run (keep-alive connections pooled per push
service, TLS with certificate and host-name checks), trimmed to what the dispatcher needs — POST a body, get
back the status, `Retry-After` and the start of an error body. No cookie jar, no automatic headers or
decompression, URLs parsed once per origin: that halves aiohttp's cost per request.

Network trouble surfaces as OSError (`ProtocolError` for aiohttp's own errors) or TimeoutError; a header
value HTTP cannot carry (CR/LF) as ValueError, before anything is sent."""
from __future__ import annotations

import re
from typing import NamedTuple

import aiohttp
from yarl import URL

MAX_BODY = 2048         # bytes of an error body kept (error texts are cut to 200 characters anyway)
USER_AGENT = "so-tay-dang-vien-push/1"
_VALUE = re.compile(r"[\x21-\x7e]+(?: [\x21-\x7e]+)*")  # printable ASCII, no CR/LF: no header injection


class ProtocolError(OSError):
    """The push service broke HTTP or the connection before answering."""


class Answer(NamedTuple):
    status: int
    retry_after: str | None
    body: bytes


class PushClient:
    """`await client.post(origin, target, headers, body)` → Answer; `await client.close()` at the end."""

    def __init__(self, timeout: float, connect_timeout: float | None = None, ssl_context=None):
        self.timeout = aiohttp.ClientTimeout(total=timeout, connect=connect_timeout)
        self._ssl = ssl_context if ssl_context is not None else True  # True: the default verifying context
        self._session: aiohttp.ClientSession | None = None
        self._origins: dict[str, URL] = {}

    def origin(self, origin: str) -> URL:
        found = self._origins.get(origin)
        if found is None:
            found = self._origins[origin] = URL(origin)
        return found

    def _session_now(self) -> aiohttp.ClientSession:
        if self._session is None:  # made inside the running loop, on first use
            connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=300, ssl=self._ssl)
            self._session = aiohttp.ClientSession(
                connector=connector, cookie_jar=aiohttp.DummyCookieJar(), trust_env=False,
                auto_decompress=False, skip_auto_headers=("Accept", "Accept-Encoding", "Content-Type"),
                headers={"User-Agent": USER_AGENT}, timeout=self.timeout)
        return self._session

    async def post(self, origin: URL, target: str, headers: dict[str, str], body: bytes) -> Answer:
        for name, value in headers.items():
            if not _VALUE.fullmatch(value):
                raise ValueError(f"illegal {name} header value")
        url = origin.with_path(target, encoded=True) if "?" not in target else URL(str(origin) + target,
                                                                                      encoded=True)
        try:
            async with self._session_now().post(url, data=body, headers=headers) as resp:
                error = b"" if resp.status < 300 else await resp.content.read(MAX_BODY)
                return Answer(resp.status, resp.headers.get("Retry-After"), error)
        except aiohttp.ClientError as exc:
            if isinstance(exc, OSError):
                raise
            raise ProtocolError(f"{exc.__class__.__name__}: {exc}") from exc

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
