"""Guessing a meeting's check-in code is worthless.

The code has 6 digits and rotates every minute; without a limit, an invited member could try thousands of
codes a minute. Misses are counted in the login throttle's shared storage (handbook/auth/throttle.py: the
database by default, so every web process sees the same counts):

- per member and meeting: after CHECKIN_LIMIT_MEMBER misses (5) the member cannot check in with a code at that
  meeting any more — not even with the right one — and is told to ask the leader, who marks attendance on the
  sheet (the sheet does not pass through here);
- per meeting: more than CHECKIN_LIMIT_MEETING misses (20 a minute, from all members together) refuse every
  code for the rest of that minute.

Both are audited when they start. Online check-in (no code) is not affected.
"""
from __future__ import annotations

from flask import current_app
from limits import RateLimitItem, parse

from handbook.audit.service import Actor, record
from handbook.auth.throttle import limiter
from handbook.core.i18n import gettext as _
from handbook.extensions import db
from handbook.meetings.models import Meeting
from handbook.meetings.validation import MeetingError


def _limits() -> tuple[RateLimitItem, RateLimitItem]:
    config = current_app.config
    return parse(config["CHECKIN_LIMIT_MEMBER"]), parse(config["CHECKIN_LIMIT_MEETING"])


def _keys(meeting_id: int, member_id: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return ("checkin-member", str(meeting_id), str(member_id)), ("checkin-meeting", str(meeting_id))


def locked_message() -> str:
    return _("Đồng chí đã nhập sai mã điểm danh quá nhiều lần nên không thể tự điểm danh ở buổi họp này nữa. "
             "Hãy báo bí thư chi bộ (hoặc người chủ trì) ghi có mặt trên bảng điểm danh.")


def busy_message() -> str:
    return _("Có quá nhiều lần nhập sai mã điểm danh ở buổi họp này. Vui lòng chờ một phút rồi quét mã mới; "
             "nếu vẫn không được, hãy báo bí thư chi bộ ghi có mặt trên bảng điểm danh.")


def refuse_if_blocked(meeting: Meeting, member_id: int) -> None:
    """Before a code is even looked at: MeetingError if this member, or this meeting, has missed too often."""
    per_member, per_meeting = _limits()
    member_key, meeting_key = _keys(meeting.id, member_id)
    if not limiter.limiter.test(per_member, *member_key):
        raise MeetingError(locked_message())
    if not limiter.limiter.test(per_meeting, *meeting_key):
        raise MeetingError(busy_message())


def _hit(item: RateLimitItem, key: tuple[str, ...]) -> int:
    """Count one miss in the item's window; the count so far (the window starts at the first miss)."""
    return limiter.storage.incr(item.key_for(*key), item.get_expiry())


def count_miss(meeting: Meeting, member_id: int, actor: Actor) -> str | None:
    """Count a wrong (or expired) code. When this miss starts a lockout, audit it and return its message."""
    per_member, per_meeting = _limits()
    member_key, meeting_key = _keys(meeting.id, member_id)
    mine, everyone = _hit(per_member, member_key), _hit(per_meeting, meeting_key)
    message = None
    if mine == per_member.amount:
        record("meeting.checkin_locked", actor, target_type="meeting", target_id=meeting.id, member_id=member_id,
               count=mine)
        message = locked_message()
    if everyone == per_meeting.amount:
        record("meeting.checkin_throttled", actor, target_type="meeting", target_id=meeting.id, count=everyone)
    db.session.commit()
    return message
