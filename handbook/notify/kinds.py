"""Kinds of notification, registered by the features that send them (for the preferences page)."""
from __future__ import annotations

#: kind → label, for the preferences page ("test" pushes, asked for by the user, are always sent)
KINDS: dict[str, object] = {}


def register_kind(kind: str, label) -> str:
    KINDS[kind] = label
    return kind
