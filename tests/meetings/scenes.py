"""Meetings made through the service at a fixed 'now' (the service tests); pages use the real clock."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from handbook.meetings import scheduling
from handbook.meetings.models import MeetingFormat, MeetingKind

# A fixed instant for the service tests (10:00 in Hà Nội); pages use the real clock.
NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def meeting_input(starts_at: datetime, minutes: int = 90, **fields) -> scheduling.MeetingInput:
    values = {"kind": MeetingKind.THUONG_KY, "format": MeetingFormat.TRUC_TIEP, "place": "Nhà văn hóa tổ 5"}
    values.update(fields)
    return scheduling.MeetingInput(starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes), **values)


def make_meeting(org, starts_at: datetime, by=None, now: datetime = NOW, minutes: int = 90, **fields):
    """A meeting created through the service; `recording_held` is set for a start before `now`."""
    fields.setdefault("recording_held", starts_at < now - timedelta(minutes=5))
    return scheduling.create_meeting(org, meeting_input(starts_at, minutes, **fields), getattr(by, "id", by), now=now)
