"""VAPID (RFC 8292) Authorization headers, one per push-service origin, re-signed well before they expire.

Each origin gets its own fresh claims dict: pywebpush's `webpush()` writes `aud`/`exp` into the dict it is
given, so a dict shared across push services sends one service's audience to another."""
from __future__ import annotations

import threading
from urllib.parse import urlsplit

from py_vapid import Vapid02

from handbook.core.timeutil import timestamp

LIFETIME = 12 * 3600      # RFC 8292 allows at most 24 h
REFRESH_BEFORE = 3600     # re-sign when less than this is left


def split_endpoint(endpoint: str) -> tuple[str, str]:
    """`https://host[:port]` and the request target (path and query) of a push endpoint."""
    parts = urlsplit(endpoint)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return f"{parts.scheme}://{parts.netloc}", target


def origin_of(endpoint: str) -> str:
    return split_endpoint(endpoint)[0]


class VapidSigner:
    def __init__(self, private_pem: str, subject: str, lifetime: int = LIFETIME, clock=timestamp):
        self._vapid = Vapid02.from_pem(private_pem.encode() if isinstance(private_pem, str) else private_pem)
        self._subject = subject
        self._lifetime = lifetime
        self._clock = clock
        self._cache: dict[str, tuple[int, str]] = {}
        self._lock = threading.Lock()

    def header(self, endpoint: str) -> str:
        """The `Authorization: vapid t=…,k=…` value for this endpoint's origin."""
        return self.for_origin(origin_of(endpoint))

    def for_origin(self, origin: str) -> str:
        """The same for an origin (`scheme://host[:port]`)."""
        now = int(self._clock())
        cached = self._cache.get(origin)
        if cached is not None and cached[0] - now > min(REFRESH_BEFORE, self._lifetime // 2):
            return cached[1]
        with self._lock:
            claims = {"aud": origin, "exp": now + self._lifetime, "sub": self._subject}  # a new dict every time
            value = self._vapid.sign(claims)["Authorization"]
            self._cache[origin] = (claims["exp"], value)
            return value
