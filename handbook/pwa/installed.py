"""The installed app reports itself: the only thing kept is when an account last ran the app in standalone display
mode (the committee's reach figures count the members who have it installed)."""
from __future__ import annotations

from datetime import datetime

from handbook.auth.models import User
from handbook.core.timeutil import utcnow
from handbook.extensions import db


def record_seen_installed(user: User, now: datetime | None = None) -> None:
    """`user` runs the installed app now: their `app_seen_at` moves to `now` (no device, address or log kept)."""
    user.app_seen_at = now or utcnow()
    db.session.commit()
