"""Secrets the server must read back (authenticator seeds) are stored sealed: Fernet (AES-128-CBC +
HMAC-SHA256, from `cryptography`) under a key derived from SECRET_KEY, so a copy of the database or of a
backup alone does not reveal them. Changing SECRET_KEY makes sealed values unreadable (they read as None):
staff then sign in with a recovery code and set up their authenticator again."""
from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

_cache: dict[str, Fernet] = {}


def _fernet() -> Fernet:
    secret = current_app.config["SECRET_KEY"]
    fernet = _cache.get(secret)
    if fernet is None:
        key = HKDF(hashes.SHA256(), 32, salt=None, info=b"so-tay sealed columns v1").derive(secret.encode())
        fernet = _cache[secret] = Fernet(base64.urlsafe_b64encode(key))
    return fernet


def seal(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode("ascii")


def unseal(token: str) -> str | None:
    """The value, or None when it was sealed under another SECRET_KEY (or tampered with)."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        return None


class Sealed(TypeDecorator):
    """A string column stored sealed (see the module's docstring); reads None when it cannot be opened."""

    impl = String(255)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else seal(value)

    def process_result_value(self, value, dialect):
        return None if value is None else unseal(value)
