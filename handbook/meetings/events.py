"""Signals a meeting sends when it changes; the notification outbox listens (the one call site for reminders).

Receivers run inside the caller's transaction, so what they write commits (or rolls back) with the change.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: sent with `meeting=` and `change=` one of "created", "moved", "updated", "cancelled"
meeting_changed = _signals.signal("meeting-changed")


def announce(meeting, change: str) -> None:
    meeting_changed.send(meeting, meeting=meeting, change=change)
