"""What the meetings feature tells people: reminder rules and the change receiver (plugged into handbook.notify)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy import exists, select

from handbook.core.i18n import gettext as _
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import as_utc, to_local, utcnow, weekday_name
from handbook.extensions import db
from handbook.meetings.attendance import EXPECTED, invitees
from handbook.meetings.events import meeting_changed, series_created
from handbook.meetings.models import (
    Meeting,
    MeetingDocument,
    MeetingFormat,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
)
from handbook.meetings.queries import missing_records, month_bounds
from handbook.members.service import still_in_cell_clause
from handbook.notify.kinds import register_kind
from handbook.notify.models import Urgency
from handbook.notify.outbox import NotificationSpec, enqueue, topic_for
from handbook.notify.rules import reminder_rule
from handbook.org.models import CELL_KINDS, Organisation, Position, Role

LEADER_ROLES = (Role.BI_THU, Role.PHO_BI_THU, Role.CAP_UY_VIEN)


def is_leader(user_id: int) -> bool:
    """Holds a committee position somewhere: the leaders' reminders go to them only."""
    return db.session.scalar(select(Position.id).where(
        Position.user_id == user_id, Position.role.in_(LEADER_ROLES)).limit(1)) is not None


REMINDER = register_kind("meeting_reminder", _l("Nhắc lịch sinh hoạt"))
CHANGE = register_kind("meeting_change", _l("Lịch họp mới, đổi hoặc hủy"))
LEADER = register_kind("leader_task", _l("Việc cần làm của cấp ủy"), audience=is_leader)
DAY = 86400


def when_where(meeting: Meeting) -> str:
    """'19:30 Thứ Năm, 03/12/2026 tại Nhà văn hóa khu dân cư số 3'."""
    local = to_local(meeting.starts_at)
    text = f"{local.strftime('%H:%M')} {weekday_name(local)}, {local.strftime('%d/%m/%Y')}"
    if meeting.place:
        text += " " + _("tại %(place)s", place=meeting.place)
    if meeting.format is MeetingFormat.TRUC_TUYEN:
        text += " " + _("(trực tuyến)")
    elif meeting.format is MeetingFormat.KET_HOP:
        text += " " + _("(có thể tham gia trực tuyến)")
    return text


def _seconds_until(meeting: Meeting, now: datetime, cap: int) -> int:
    return max(60, min(cap, int((as_utc(meeting.starts_at) - now).total_seconds())))


def _member_users(meeting: Meeting, expected_only: bool) -> list[int]:
    """The invitees' accounts (`invitees`: never a member who left; for a chi ủy meeting, its committee only)."""
    return sorted({m.user_id for m in invitees(meeting)
                   if m.user_id and (m.status in EXPECTED or not expected_only)})


def leader_users(org_id: int) -> list[int]:
    """Who holds a leading position in the organisation — not a member who left and still holds one."""
    return sorted(set(db.session.scalars(select(Position.user_id).where(
        Position.organisation_id == org_id, Position.role.in_(LEADER_ROLES),
        still_in_cell_clause(Position.user_id)))))


def _specs(meeting: Meeting, users: list[int], kind: str, event: str, title: str, body: str, *,
           urgency: Urgency = Urgency.NORMAL, ttl: int = DAY, family: str = "meeting") -> Iterator[NotificationSpec]:
    for user_id in users:
        yield NotificationSpec(
            user_id=user_id, kind=kind, title=title, body=body, url=f"/meetings/{meeting.id}",
            dedupe_key=f"meeting:{meeting.id}:{event}:u{user_id}", tag=f"{family}-{meeting.id}",
            urgency=urgency, ttl_seconds=ttl, topic=topic_for(family, meeting.id),
        )


def _upcoming(now: datetime, start: timedelta, end: timedelta):
    return db.session.scalars(select(Meeting).where(
        Meeting.status == MeetingStatus.SCHEDULED,
        Meeting.starts_at > now + start, Meeting.starts_at <= now + end,
    ).order_by(Meeting.starts_at))


@reminder_rule("meeting_day_before")
def day_before(now: datetime) -> Iterator[NotificationSpec]:
    """A meeting starting within the next 24 hours (but not within 2): the day-before reminder is due."""
    for meeting in _upcoming(now, timedelta(hours=2), timedelta(hours=24)):
        stamp = as_utc(meeting.starts_at).isoformat()
        yield from _specs(
            meeting, _member_users(meeting, True), REMINDER, f"day_before:{stamp}",
            _("Nhắc lịch: %(title)s", title=meeting.title),
            _("%(when)s. Nếu vắng mặt, đồng chí vui lòng báo vắng trong ứng dụng.", when=when_where(meeting)),
            ttl=_seconds_until(meeting, now, DAY),
        )


@reminder_rule("meeting_two_hours")
def two_hours(now: datetime) -> Iterator[NotificationSpec]:
    """Two hours before: urgent (not held by quiet hours), useless once the meeting has started."""
    for meeting in _upcoming(now, timedelta(0), timedelta(hours=2)):
        stamp = as_utc(meeting.starts_at).isoformat()
        yield from _specs(
            meeting, _member_users(meeting, True), REMINDER, f"two_hours:{stamp}",
            _("Sắp đến giờ sinh hoạt: %(title)s", title=meeting.title),
            _("Bắt đầu lúc %(when)s.", when=when_where(meeting)),
            urgency=Urgency.HIGH, ttl=_seconds_until(meeting, now, 2 * 3600),
        )


@reminder_rule("meeting_documents_missing")
def documents_missing(now: datetime) -> Iterator[NotificationSpec]:
    """To the cell's leaders: a meeting within 24 hours has no documents yet."""
    has_docs = exists().where(MeetingDocument.meeting_id == Meeting.id)
    for meeting in db.session.scalars(select(Meeting).where(
        Meeting.status == MeetingStatus.SCHEDULED, Meeting.kind != MeetingKind.CHI_UY,
        Meeting.starts_at > now, Meeting.starts_at <= now + timedelta(hours=24), ~has_docs,
    )):
        stamp = as_utc(meeting.starts_at).isoformat()
        yield from _specs(
            meeting, leader_users(meeting.organisation_id), LEADER, f"documents_missing:{stamp}",
            _("Chưa có tài liệu: %(title)s", title=meeting.title),
            _("Buổi họp %(when)s chưa có tài liệu nào. Đồng chí hãy tải lên để đảng viên đọc trước.",
              when=when_where(meeting)),
            ttl=_seconds_until(meeting, now, DAY), family="leader",
        )


@reminder_rule("meeting_records_missing")
def records_missing(now: datetime) -> Iterator[NotificationSpec]:
    """To the cell's leaders: 2 days after a meeting, the minutes or the attendance are still missing."""
    for meeting in missing_records(now):
        local = to_local(meeting.starts_at)
        yield from _specs(
            meeting, leader_users(meeting.organisation_id), LEADER, "records_missing",
            _("Chưa ghi biên bản hoặc điểm danh: %(title)s", title=meeting.title),
            _("Buổi họp ngày %(date)s còn thiếu biên bản hoặc danh sách dự họp. Đồng chí vui lòng cập nhật.",
              date=local.strftime("%d/%m/%Y")),
            ttl=3 * DAY, family="leader",
        )


@reminder_rule("meeting_unscheduled")
def next_month_unscheduled(now: datetime) -> Iterator[NotificationSpec]:
    """From the 25th: to leaders of cells whose regular meeting for next month is not on the calendar."""
    local = to_local(now)
    if local.day < 25:
        return
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    start, end = month_bounds(year, month)
    planned = exists().where(
        Meeting.organisation_id == Organisation.id, Meeting.kind == MeetingKind.THUONG_KY,
        Meeting.status != MeetingStatus.CANCELLED, Meeting.starts_at >= start, Meeting.starts_at < end,
    )
    rows = db.session.execute(
        select(Position.user_id, Organisation.id).join(Organisation, Organisation.id == Position.organisation_id)
        .where(Organisation.kind.in_(CELL_KINDS), Position.role.in_(LEADER_ROLES), ~planned,
               still_in_cell_clause(Position.user_id)).distinct()
    )
    label = f"{month:02d}/{year}"
    for user_id, org_id in rows:
        yield NotificationSpec(
            user_id=user_id, kind=LEADER, url="/meetings/new", tag=f"unscheduled-{org_id}",
            dedupe_key=f"org:{org_id}:unscheduled:{year}-{month:02d}:u{user_id}",
            title=_("Chưa lên lịch sinh hoạt tháng %(month)s", month=label),
            body=_("Chi bộ chưa có lịch sinh hoạt thường kỳ tháng %(month)s. Đồng chí hãy lên lịch để đảng viên "
                   "được nhắc kịp thời.", month=label),
            ttl_seconds=3 * DAY, topic=topic_for("unscheduled", org_id),
        )


def on_meeting_changed(sender, meeting: Meeting, change: str, **_kw) -> None:
    """Created, moved or cancelled: tell the invitees at once, in the same transaction as the change."""
    stamp = as_utc(meeting.starts_at).isoformat()
    until_start = max(3600, _seconds_until(meeting, utcnow(), 3 * DAY))
    if change == "created":
        title, body = _("Lịch sinh hoạt mới: %(title)s", title=meeting.title), when_where(meeting) + "."
        event = "created"
    elif change == "moved":
        title = _("Đổi lịch: %(title)s", title=meeting.title)
        body, event = _("Chuyển sang %(when)s.", when=when_where(meeting)), f"moved:{stamp}"
    elif change == "cancelled":
        title = _("Hủy buổi sinh hoạt: %(title)s", title=meeting.title)
        body = _("Buổi họp %(when)s đã hủy.", when=when_where(meeting))
        if meeting.cancel_reason:
            body += " " + _("Lý do: %(reason)s", reason=meeting.cancel_reason)
        event = "cancelled"
    else:
        return
    enqueue(list(_specs(meeting, _member_users(meeting, False), CHANGE, event, title, body, ttl=until_start)))


def series_notice(series: MeetingSeries, meetings: list[Meeting]) -> tuple[str, str]:
    """(title, body) of the one notice for a year's regular meetings: when, where, how many, the moved months."""
    local = [to_local(m.starts_at) for m in meetings]
    body = _("%(n)d buổi sinh hoạt thường kỳ, ngày %(day)d hằng tháng lúc %(time)s, từ %(first)s đến %(last)s.",
             n=len(meetings), day=series.day_of_month, time=series.local_time,
             first=local[0].strftime("%d/%m/%Y"), last=local[-1].strftime("%d/%m/%Y"))
    places = {m.place for m in meetings if m.place}
    if len(places) == 1:
        body += " " + _("Địa điểm: %(place)s.", place=places.pop())
    moved = [d.strftime("%d/%m") for d in local if d.day != series.day_of_month]
    if moved:
        body += " " + _("Các buổi dời ngày: %(days)s.", days=", ".join(moved))
    return _("Lịch sinh hoạt thường kỳ năm %(year)d", year=series.year), body


def on_series_created(sender, series: MeetingSeries, meetings: list[Meeting], **_kw) -> None:
    """A year's regular meetings at once: one notice per invitee naming the series, not one per meeting."""
    if not meetings:
        return
    meetings = sorted(meetings, key=lambda m: as_utc(m.starts_at))
    title, body = series_notice(series, meetings)
    ttl = max(3600, _seconds_until(meetings[0], utcnow(), 3 * DAY))
    enqueue([NotificationSpec(
        user_id=user_id, kind=CHANGE, title=title, body=body, url="/meetings",
        dedupe_key=f"series:{series.id}:created:u{user_id}", tag=f"series-{series.id}", ttl_seconds=ttl,
        topic=topic_for("series", series.id),
    ) for user_id in _member_users(meetings[0], False)])


def connect() -> None:
    """Receive the meetings' changes (called by the feature's init_app; connecting again changes nothing)."""
    meeting_changed.connect(on_meeting_changed)
    series_created.connect(on_series_created)
