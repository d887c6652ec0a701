"""Kinds of notification, registered by the features that send them (for the preferences page)."""
from __future__ import annotations

from handbook.core.i18n import lazy_gettext as _l

KINDS: dict[str, object] = {"test": _l("Thông báo thử")}


def register_kind(kind: str, label) -> str:
    KINDS[kind] = label
    return kind
