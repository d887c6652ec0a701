"""Kinds of notification, registered by the features that send them (for the preferences page)."""
from __future__ import annotations

from collections.abc import Callable

#: kind → label, for the preferences page ("test" pushes, asked for by the user, are always sent)
KINDS: dict[str, object] = {}
#: kind → who receives it at all (user id → bool); a kind without one is for everybody
AUDIENCES: dict[str, Callable[[int], bool]] = {}


def register_kind(kind: str, label, audience: Callable[[int], bool] | None = None) -> str:
    KINDS[kind] = label
    if audience is not None:
        AUDIENCES[kind] = audience
    return kind


def kinds_for(user_id: int) -> dict[str, object]:
    """The kinds this user can receive — the only ones the preferences page offers them (a member is not asked
    about the committee's reminders)."""
    return {kind: label for kind, label in KINDS.items() if kind not in AUDIENCES or AUDIENCES[kind](user_id)}
