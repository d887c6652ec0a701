"""The private ICS feed per member and the .ics of one meeting (icalendar)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import joinedload

from handbook.auth.models import User
from handbook.caller import access_of_member
from handbook.core.timeutil import as_utc, local_zone, utcnow
from handbook.extensions import db
from handbook.meetings.audience import audience_clause
from handbook.meetings.models import CalendarToken, Meeting, MeetingStatus
from handbook.members.models import Member
from handbook.org.access import Access, Placement

if TYPE_CHECKING:  # icalendar is imported where a calendar is built, not by every web worker at start-up
    from icalendar import Event, Timezone


FEED_PAST_DAYS = 31


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(member: Member | Placement) -> str:
    """A new feed address for the member (their other addresses keep working until revoked)."""
    token = secrets.token_urlsafe(32)
    db.session.add(CalendarToken(member_id=member.id, token_hash=_digest(token)))
    db.session.commit()
    return token


def tokens_of(member: Member) -> list[CalendarToken]:
    return list(db.session.scalars(select(CalendarToken).where(
        CalendarToken.member_id == member.id, CalendarToken.revoked_at.is_(None)).order_by(CalendarToken.id)))


def revoke_token(member: Member | Placement, token_id: int) -> bool:
    token = db.session.get(CalendarToken, token_id)
    if token is None or token.member_id != member.id or token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    db.session.commit()
    return True


def revoke_all_tokens(member_id: int) -> int:
    """End every feed address of a member (no commit: part of the caller's transaction); how many were live."""
    return db.session.execute(update(CalendarToken).where(
        CalendarToken.member_id == member_id, CalendarToken.revoked_at.is_(None)).values(revoked_at=utcnow())).rowcount


# the feed's owner, their cell (for their access) and whether their account is an admin: one statement, built once
# (benchmarks/ics_feed.py)
_TOKEN_OWNER = (select(Member, User.is_admin).options(joinedload(Member.cell))
                .join(CalendarToken, CalendarToken.member_id == Member.id)
                .outerjoin(User, User.id == Member.user_id)
                .where(CalendarToken.token_hash == bindparam("digest"), CalendarToken.revoked_at.is_(None)))


def end_feeds_of_account(_sender, *, user_id: int) -> dict[str, int]:
    """`auth.events.credentials_changed`: a feed address is a bearer credential of the account's member — it ends
    with the other sessions (in the caller's transaction)."""
    member_id = db.session.scalar(select(Member.id).where(Member.user_id == user_id))
    return {"feeds": revoke_all_tokens(member_id) if member_id is not None else 0}


def reader_for_token(token: str) -> tuple[Member, Access] | None:
    """The member a feed address stands for, and what they may see (two queries: the token with its member, their
    positions); None for an unknown or revoked address and for a member who left — the token is a credential,
    so it is checked against the member's status at every request, like a session."""
    row = db.session.execute(_TOKEN_OWNER, {"digest": _digest(token)}).first()
    if row is None:
        return None
    member, is_admin = row
    access = access_of_member(member, bool(is_admin))
    return (member, access) if access.member is not None else None


def _feed_filter(member: Member, access: Access, since):
    orgs = [i for i in (member.cell_id, member.group_id, access.temporary_cell_id) if i]
    return (Meeting.organisation_id.in_(orgs), Meeting.starts_at >= since, audience_clause(access))


def feed_meetings(member: Member, access: Access) -> list[Meeting]:
    """The member's cell and group meetings from a month ago on, those `access` may see; one query."""
    since = utcnow() - timedelta(days=FEED_PAST_DAYS)
    return list(db.session.scalars(select(Meeting).where(*_feed_filter(member, access, since))
                                   .order_by(Meeting.starts_at)))


def feed_version(member: Member, access: Access) -> str:
    """Changes whenever the feed's content would: which meetings, and their last edits (one small query)."""
    since = (utcnow() - timedelta(days=FEED_PAST_DAYS)).replace(hour=0, minute=0, second=0, microsecond=0)
    count, last, ids = db.session.execute(
        select(func.count(Meeting.id), func.max(Meeting.updated_at), func.sum(Meeting.id))
        .where(*_feed_filter(member, access, since))
    ).one()
    return hashlib.sha256(f"{member.id}:{member.cell_id}:{member.group_id}:{access.temporary_cell_id}:"
                          f"{since.date()}:{count}:{last}:{ids}"
                          .encode()).hexdigest()[:32]


rendered_feeds: dict[str, bytes] = {}
RENDER_CACHE_SIZE = 2048


def feed_body(member: Member, access: Access, host: str, base_url: str, name: str) -> tuple[bytes, str]:
    """The member's feed and its ETag; rebuilt only when `feed_version` changes (bounded per-process cache)."""
    etag = feed_version(member, access)
    key = f"{etag}:{host}"
    body = rendered_feeds.get(key)
    if body is None:
        body = build_calendar(feed_meetings(member, access), host, base_url, name)
        if len(rendered_feeds) >= RENDER_CACHE_SIZE:
            rendered_feeds.pop(next(iter(rendered_feeds)))
        rendered_feeds[key] = body
    return body, etag


def _event(meeting: Meeting, host: str, base_url: str) -> Event:
    from icalendar import Alarm, Event

    zone = local_zone()
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@{host}")  # stable across regenerations
    event.add("summary", meeting.title)
    start = as_utc(meeting.starts_at).astimezone(zone)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=meeting.duration_minutes))
    event.add("dtstamp", as_utc(meeting.updated_at or meeting.created_at))
    if meeting.place:
        event.add("location", meeting.place)
    url = f"{base_url}/meetings/{meeting.id}"
    description = [f"Chi tiết: {url}"]
    if meeting.online_url:
        description.insert(0, f"Họp trực tuyến: {meeting.online_url}")
    event.add("description", "\n".join(description))
    event.add("url", url)
    if meeting.status is MeetingStatus.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
        for before, text in ((timedelta(days=1), "Ngày mai"), (timedelta(hours=2), "2 giờ nữa")):
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"{text}: {meeting.title}")
            alarm.add("trigger", -before)
            event.add_component(alarm)
    return event


def build_calendar(meetings: list[Meeting], host: str, base_url: str, name: str) -> bytes:
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", "-//So tay dang vien dien tu//vi")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", str(local_zone()))
    cal.add_component(_vtimezone(str(local_zone())))
    for meeting in meetings:
        cal.add_component(_event(meeting, host, base_url))
    return cal.to_ical()


@lru_cache(maxsize=4)
def _vtimezone(tzid: str) -> Timezone:
    """The VTIMEZONE block, computed once per process (icalendar walks every transition to build it)."""
    from icalendar import Timezone

    return Timezone.from_tzid(tzid)
