"""A local stand-in for a Web Push service (the public ones are out of the tests' reach) that checks what it receives.

Every POST must carry a valid VAPID JWT for this origin and an aes128gcm body that decrypts with the
subscription's private key; the service records the decrypted payload with the TTL, Urgency and Topic."""
from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # several dispatchers open their connections at once (the default backlog is 5)

    def handle_error(self, request, client_address):
        pass  # a client killed mid-request (the crash test) is not news


class FakePushService:
    scheme = "http"

    def __init__(self, delay: float = 0.0):
        self.keys: dict[str, tuple[ec.EllipticCurvePrivateKey, bytes]] = {}
        self.received: list[dict] = []
        self.errors: list[str] = []
        self.verified: set[str] = set()  # VAPID headers whose signature verified
        self.plan: dict[str, list[tuple]] = {}  # path → answers to give next: (status, headers[, body])
        self.delay = delay
        self.lock = threading.Lock()
        self.port = self._listen()
        self.origin = f"{self.scheme}://127.0.0.1:{self.port}"
        self.host = f"127.0.0.1:{self.port}"

    def _listen(self) -> int:
        """Bind the server (HTTP/1.1 here; tests/notify/push/test_pushhttp_h2.py serves HTTP/2) and return its port."""
        self.server = _Server(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        return self.server.server_address[1]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def subscription(self) -> dict:
        """A new browser subscription (`PushSubscription.toJSON()`) with a real key pair made here."""
        private = ec.generate_private_key(ec.SECP256R1())
        auth = secrets.token_bytes(16)
        path = "/push/" + secrets.token_urlsafe(12)
        self.keys[path] = (private, auth)
        public = private.public_key().public_bytes(serialization.Encoding.X962,
                                                   serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": self.origin + path, "expirationTime": None,
                "keys": {"p256dh": b64(public), "auth": b64(auth)}}

    def answer(self, endpoint: str, *answers: tuple) -> None:
        self.plan.setdefault(endpoint.replace(self.origin, ""), []).extend(answers)

    def payloads(self, endpoint: str | None = None) -> list[dict]:
        path = endpoint.replace(self.origin, "") if endpoint else None
        return [r["payload"] for r in self.received if path is None or r["path"] == path]

    def counts(self, field: str = "tag") -> Counter:
        """How often each (subscription, payload field) arrived."""
        return Counter((r["path"], r["payload"][field]) for r in self.received)

    def _check(self, path: str, headers, body: bytes) -> dict:
        if path not in self.keys:
            raise AssertionError(f"unknown subscription {path}")
        if headers.get("Content-Encoding") != "aes128gcm":
            raise AssertionError("Content-Encoding must be aes128gcm")
        auth_header = headers.get("Authorization", "")
        if auth_header not in self.verified:  # dispatchers reuse a signed header per origin: verify each once
            if not Vapid02.verify(auth_header):
                raise AssertionError("VAPID signature does not verify")
            self.verified.add(auth_header)
        token = dict(part.split("=", 1) for part in auth_header.split(" ", 1)[1].split(","))["t"]
        claims = json.loads(unb64(token.split(".")[1]))
        now = time.time()
        if claims.get("aud") != self.origin:
            raise AssertionError(f"VAPID aud {claims.get('aud')!r} is not {self.origin}")
        if not (now < claims["exp"] <= now + 24 * 3600 + 60):
            raise AssertionError("VAPID exp out of range")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            raise AssertionError("VAPID sub missing")
        private, auth = self.keys[path]
        plain = http_ece.decrypt(body, private_key=private, auth_secret=auth, version="aes128gcm")
        ttl = headers.get("TTL")
        if ttl is None or not ttl.isdigit():
            raise AssertionError("TTL header missing")
        return {"path": path, "payload": json.loads(plain), "ttl": int(ttl), "urgency": headers.get("Urgency"),
                "topic": headers.get("Topic"), "aud": claims["aud"], "exp": claims["exp"], "size": len(plain)}

    def respond(self, path: str, headers, body: bytes) -> tuple[int, dict, bytes]:
        """The answer to a POST (whichever server received it): the next planned one for this path, else 201
        if `_check` passes — 400 and an entry in `errors` if it does not."""
        with self.lock:
            planned = self.plan.get(path)
            status, extra, *content = planned.pop(0) if planned else (201, {})
        if status == 201:
            try:
                record = self._check(path, headers, body)
            except Exception as exc:  # noqa: BLE001 - the test asserts there were none
                with self.lock:
                    self.errors.append(f"{path}: {exc}")
                return 400, {}, b""
            with self.lock:
                self.received.append(record)
        return status, extra, content[0] if content else b""

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if service.delay:
                    time.sleep(service.delay)
                status, extra, content = service.respond(self.path, self.headers, body)
                self.send_response(status)
                for key, value in {**extra, "Content-Length": str(len(content))}.items():
                    self.send_header(key, value)
                self.end_headers()
                if content:
                    self.wfile.write(content)

        return Handler
