"""Normalising what people type as a login: an e-mail or a Vietnamese phone number."""
from __future__ import annotations

import re
import unicodedata

import phonenumbers

from handbook.core.i18n import lazy_gettext as _l

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class IdentifierError(ValueError):
    """The text is neither a valid e-mail nor a valid phone number."""


def normalise_phone(raw: str) -> str:
    """'0901 234 567', '+84 90 123 4567', '84901234567' → '+84901234567'."""
    text = re.sub(r"[\s.\-()]", "", unicodedata.normalize("NFC", raw or ""))
    if text.startswith("84") and not text.startswith("+"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException as exc:
        raise IdentifierError(str(_l("Số điện thoại không hợp lệ."))) from exc
    if not phonenumbers.is_valid_number(number):
        raise IdentifierError(str(_l("Số điện thoại không hợp lệ.")))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str) -> str:
    text = unicodedata.normalize("NFC", (raw or "").strip()).lower()
    if not EMAIL_RE.match(text) or len(text) > 254:
        raise IdentifierError(str(_l("Địa chỉ e-mail không hợp lệ.")))
    return text


def parse_login(raw: str) -> tuple[str, str]:
    """Return ('email', value) or ('phone', value); raise IdentifierError otherwise."""
    text = (raw or "").strip()
    if not text:
        raise IdentifierError(str(_l("Vui lòng nhập e-mail hoặc số điện thoại.")))
    if "@" in text:
        return "email", normalise_email(text)
    return "phone", normalise_phone(text)


def display_phone(e164: str | None) -> str:
    """'+84901234567' → '0901 234 567' for people to read."""
    if not e164:
        return ""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164, "VN"), phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        return e164
