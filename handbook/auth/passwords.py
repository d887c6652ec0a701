"""Password rules (ASVS 6.2): length, not a common password, not the member's own login."""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from handbook.core.i18n import gettext as _

MIN_PASSWORD = 8
MAX_PASSWORD = 128
COMMON_FILE = Path(__file__).parent / "data" / "common-passwords.txt"


class PasswordRejected(ValueError):
    """The new password breaks a rule; the message says which, in words the member can act on."""


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The bundled list, read once per process (≈ 11,700 entries)."""
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip().lower()


def _own_identifiers(user) -> set[str]:
    """The login in the forms a member might reuse: the e-mail, its name part, the phone number."""
    names: set[str] = set()
    if user is None:
        return names
    if user.email:
        names.update({user.email.lower(), user.email.split("@", 1)[0].lower()})
    if user.phone:
        digits = user.phone.lstrip("+")
        names.update({user.phone, digits, "0" + digits[2:] if digits.startswith("84") else digits})
    return {n for n in names if n}


def check_password(password: str, user=None) -> None:
    """Raise PasswordRejected unless `password` may be used by `user` (None while the account is unknown)."""
    if len(password or "") < MIN_PASSWORD:
        raise PasswordRejected(_("Mật khẩu phải có ít nhất %(n)d ký tự.", n=MIN_PASSWORD))
    if len(password) > MAX_PASSWORD:
        raise PasswordRejected(_("Mật khẩu dài quá %(n)d ký tự.", n=MAX_PASSWORD))
    folded = _fold(password)
    if folded in common_passwords():
        raise PasswordRejected(_("Mật khẩu này quá phổ biến, dễ bị đoán ra. Vui lòng chọn mật khẩu khác."))
    if folded in _own_identifiers(user):
        raise PasswordRejected(_("Mật khẩu không được trùng với e-mail hoặc số điện thoại đăng nhập."))
