"""Signals a meeting sends when it changes; the notification outbox listens (the one call site for reminders).

Receivers run inside the caller's transaction, so what they write commits (or rolls back) with the change.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: sent with `meeting=` and `change=` one of "created", "moved", "updated", "cancelled"
meeting_changed = _signals.signal("meeting-changed")
#: sent with `series=` and `meetings=` (the meetings it created) when a year's regular meetings are created at once
series_created = _signals.signal("series-created")


def announce(meeting, change: str) -> None:
    meeting_changed.send(meeting, meeting=meeting, change=change)


def announce_series(series, meetings: list) -> None:
    series_created.send(series, series=series, meetings=meetings)
