"""Web Push message encryption (RFC 8291 with the aes128gcm content coding of RFC 8188), from `cryptography`
primitives: ECDH on P-256, HKDF-SHA-256 (HMAC), AES-128-GCM.

Every message gets a fresh ephemeral key pair and a random salt (RFC 8291 §3.4); only the parsing of the
subscriber's public key is reused (`KeyCache`). Checked against RFC 8291 Appendix A in
tests/notify/push/test_crypto.py, and every body the tests send is decrypted by `http_ece` in the fake push service.

Why not `http_ece.encrypt(..., version="aes128gcm")` itself: it costs more than the 10 % of fan-out throughput
we would give for one dependency fewer. Measured on 6 December 2026 with the code of 8036ba4, four sessions of
`python benchmarks/push_fanout.py -n 10000 --encoder both --delays 0 --no-baseline --repeat 9` (7, 9, 11, 9
runs), the two encoders alternating run by run, each with a fresh key pair and salt per message and the
subscriber's key parsed once; SQLite, push service answering at once, 2 shared cores at load average 5.5–9.3.
Medians of 36 runs per cell:

| dispatcher processes | pushes/s, ours | pushes/s, http_ece | throughput | CPU ms/push, ours → http_ece |
| ---: | ---: | ---: | ---: | ---: |
| 1 | 1,854 | 1,628 | −12.2 % | 0.484 → 0.525 (+8.5 %) |
| 2 | 1,948 | 1,694 | −13.0 % | 0.471 → 0.581 (+23.4 %) |

Run against run (sessions 2–4: each http_ece run with the run of ours beside it) the median throughput ratio is
0.96 with one process and 0.81 with two (20 of 29 pairs below 0.9). Encryption alone, timed over 2,000
subscribers in alternating rounds, costs 190 µs a message here and 243 µs with http_ece, which builds HKDF and
cipher objects per message where this module makes one-shot HMAC and AES-GCM calls."""
from __future__ import annotations

import hmac
import os
import struct
import threading

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_der_public_key

from handbook.notify.subscriptions import b64decode

RECORD_SIZE = 4096          # one record holds any payload we send (outbox.MAX_PAYLOAD is 3000 bytes)
_CURVE = ec.SECP256R1()
_ECDH = ec.ECDH()
_CEK_INFO = b"Content-Encoding: aes128gcm\x00\x01"    # RFC 8188 §2.2, the one HKDF block we need
_NONCE_INFO = b"Content-Encoding: nonce\x00\x01"      # RFC 8188 §2.3
# SubjectPublicKeyInfo for an uncompressed P-256 point, up to the point itself: loading a key this way gives
# OpenSSL its native form at once (the point is still checked to be on the curve), so the first ECDH with it
# is cheaper than after `from_encoded_point`
_SPKI_P256 = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200")


def _hmac(key: bytes, msg: bytes) -> bytes:
    return hmac.digest(key, msg, "sha256")


class Subscriber:
    """A browser's keys, parsed once: its P-256 public key and 16-byte auth secret."""

    __slots__ = ("public_key", "public_bytes", "auth")

    def __init__(self, p256dh: str | bytes, auth: str | bytes):
        self.public_bytes = b64decode(p256dh) if isinstance(p256dh, str) else p256dh
        if len(self.public_bytes) != 65 or self.public_bytes[0] != 4:
            raise ValueError("not an uncompressed P-256 point")
        self.public_key = load_der_public_key(_SPKI_P256 + self.public_bytes)
        self.auth = b64decode(auth) if isinstance(auth, str) else auth


def encrypt(plaintext: bytes, to: Subscriber, *, salt: bytes | None = None,
            private_key: ec.EllipticCurvePrivateKey | None = None) -> bytes:
    """The aes128gcm body for one push message. `salt` and `private_key` exist for the RFC's test vector;
    in use both are left out and made fresh here for each message."""
    if len(plaintext) + 17 > RECORD_SIZE:  # + the padding delimiter and the GCM tag
        raise ValueError("payload too large for one record")
    salt = salt or salt_pool.take()
    private_key = private_key or ec.generate_private_key(_CURVE)
    as_public = private_key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    shared = private_key.exchange(_ECDH, to.public_key)
    # RFC 8291 §3.4: IKM = HKDF(salt=auth, ikm=ECDH, info="WebPush: info" 0x00 ua_public as_public, L=32)
    ikm = _hmac(_hmac(to.auth, shared), b"WebPush: info\x00" + to.public_bytes + as_public + b"\x01")
    prk = _hmac(salt, ikm)   # RFC 8188 §2.2: HKDF-Extract with the message's salt
    cek = _hmac(prk, _CEK_INFO)[:16]
    nonce = _hmac(prk, _NONCE_INFO)[:12]
    # one record, so it is the last: its padding delimiter is 0x02 (RFC 8188 §2)
    body = AESGCM(cek).encrypt(nonce, plaintext + b"\x02", None)
    return salt + struct.pack("!IB", RECORD_SIZE, len(as_public)) + as_public + body


class _Salts:
    """Fresh random salts, read from the OS in blocks (one `getrandom` call per 256 messages, not per message).
    Each salt is handed out once: under a lock across threads, and a forked child drops what it inherited."""

    def __init__(self, block: int = 256):
        self._block, self._pool, self._at = block, b"", 0
        self._lock = threading.Lock()
        os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        self._pool, self._at = b"", 0
        self._lock = threading.Lock()

    def take(self) -> bytes:
        with self._lock:
            if self._at >= len(self._pool):
                self._pool, self._at = os.urandom(16 * self._block), 0
            self._at += 16
            return self._pool[self._at - 16:self._at]


salt_pool = _Salts()


class KeyCache:
    """Parsed subscriber keys by (p256dh, auth): a subscription met again in the batch is not parsed again."""

    def __init__(self, size: int = 4096):
        self._size = size
        self._keys: dict[tuple[str, str], Subscriber] = {}

    def get(self, p256dh: str, auth: str) -> Subscriber:
        found = self._keys.get((p256dh, auth))
        if found is None:
            if len(self._keys) >= self._size:
                self._keys.clear()
            found = self._keys[(p256dh, auth)] = Subscriber(p256dh, auth)
        return found
