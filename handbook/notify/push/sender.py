"""One push request: the allow-list again, the VAPID header of the origin, RFC 8291 encryption, the POST.

Kept apart from the dispatcher (claiming, recording) so each part stays small; this module knows nothing of
the database. `Sender.send(job)` never raises for network trouble: it returns (status, error, Retry-After)."""
from __future__ import annotations

from handbook.notify.push.ece import KeyCache, encrypt
from handbook.notify.push.pushhttp import PushClient
from handbook.notify.push.vapid import VapidSigner, split_endpoint
from handbook.notify.subscriptions import SubscriptionError, check_endpoint

TIMEOUT = 15  # seconds per request (connecting included)
_FIXED = {"Content-Encoding": "aes128gcm", "Content-Type": "application/octet-stream"}


class Sender:
    """Sends one job at a time per caller over `PushClient`'s pooled keep-alive connections."""

    def __init__(self, signer: VapidSigner, timeout: float = TIMEOUT):
        self.signer = signer
        self.client = PushClient(timeout)
        self.keys = KeyCache()
        self._allowed: dict[str, bool] = {}  # per origin, for this run

    def _allows(self, origin: str) -> bool:
        """The allow-list, checked again once per origin and run: config may have changed since subscribing."""
        if origin not in self._allowed:
            try:
                check_endpoint(origin + "/")
                self._allowed[origin] = True
            except SubscriptionError:
                self._allowed[origin] = False
        return self._allowed[origin]

    async def send(self, job) -> tuple[int | None, str | None, str | None]:
        """(HTTP status, error text, Retry-After); a refused or broken subscription is a 400 of our own."""
        origin, target = split_endpoint(job.endpoint)
        if not self._allows(origin):
            return 400, "push service not allowed", None
        try:
            body = encrypt(job.data, self.keys.get(job.p256dh, job.auth))
        except ValueError as exc:
            return 400, f"invalid subscription keys: {exc}"[:200], None
        headers = {**_FIXED, "TTL": str(job.ttl), "Urgency": job.urgency,
                   "Authorization": self.signer.for_origin(origin)}
        if job.topic:
            headers["Topic"] = job.topic
        try:
            answer = await self.client.post(origin, target, headers, body)
        except ValueError as exc:  # a header value HTTP cannot carry: sending again will not help
            return 400, f"{exc}"[:200], None
        except (TimeoutError, OSError) as exc:
            return None, f"{exc.__class__.__name__}: {exc}"[:200], None
        error = None if answer.status < 300 else answer.body.decode("utf-8", "replace")[:200]
        return answer.status, error, answer.retry_after

    async def close(self) -> None:
        await self.client.close()
