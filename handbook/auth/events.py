"""Signals auth sends; features listen (auth knows no feature, like meetings/events.py for meetings).

Receivers run inside the caller's transaction, so what they change commits (or rolls back) with the change.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: sent with `user_id=` by `sessions.end_other_access` after a change of the account's credentials, once its other
#: sessions and API tokens are ended: each feature ends the other credentials it keeps for the account (calendar
#: feed addresses, push devices) and returns how many, as audit details ({"feeds": 2}).
credentials_changed = _signals.signal("credentials-changed")


def ended_elsewhere(user_id: int) -> dict[str, int]:
    """Send `credentials_changed`; what the receivers ended, merged."""
    counts: dict[str, int] = {}
    for _receiver, ended in credentials_changed.send(user_id, user_id=user_id):
        counts.update(ended or {})
    return counts
