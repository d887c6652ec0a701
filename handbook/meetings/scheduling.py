"""Scheduling meetings and the yearly monthly series — plain functions, one transaction each."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pyotp
from dateutil.rrule import MONTHLY, rrule
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import as_utc, local_today, local_zone, utcnow
from handbook.extensions import db
from handbook.meetings import validation
from handbook.meetings.events import announce, announce_series
from handbook.meetings.models import (
    AgendaItem,
    Meeting,
    MeetingFormat,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
)
from handbook.meetings.validation import MeetingError
from handbook.org.models import CELL_KINDS, Organisation, OrgKind

KIND_TITLES = {
    MeetingKind.THUONG_KY: "Sinh hoạt chi bộ thường kỳ tháng %(month)s",
    MeetingKind.CHUYEN_DE: "Sinh hoạt chuyên đề tháng %(month)s",
    MeetingKind.BAT_THUONG: "Sinh hoạt chi bộ bất thường",
    MeetingKind.CHI_UY: "Họp chi ủy tháng %(month)s",
}


@dataclass
class MeetingInput:
    """What a leader fills in; times are aware datetimes."""

    kind: MeetingKind
    starts_at: datetime
    ends_at: datetime
    format: MeetingFormat = MeetingFormat.TRUC_TIEP
    title: str | None = None
    place: str | None = None
    online_url: str | None = None
    combined_thematic: bool = False
    recording_held: bool = False  # recording a meeting that already took place
    agenda: list[str] = field(default_factory=list)


def local_datetime(day: date, at: time) -> datetime:
    """A local wall-clock time as an aware UTC datetime."""
    try:
        return datetime.combine(day, at, tzinfo=local_zone()).astimezone(UTC)
    except OverflowError as exc:  # 01/01/0001 from a form was a 500
        raise MeetingError(validation.bad_date_message()) from exc


def default_title(kind: MeetingKind, starts_at: datetime) -> str:
    local = as_utc(starts_at).astimezone(local_zone())
    return _(KIND_TITLES[kind], month=local.strftime("%m/%Y"))


def _normalise(data: MeetingInput) -> None:
    """Store UTC: SQLite drops the offset, so a +07:00 time (e.g. from the API) would be kept as wall time."""
    data.starts_at, data.ends_at = as_utc(data.starts_at), as_utc(data.ends_at)


def _check(org: Organisation, data: MeetingInput, now: datetime) -> int:
    _normalise(data)
    if org.kind not in (*CELL_KINDS, OrgKind.TO_DANG):
        raise MeetingError(_("Chỉ chi bộ hoặc tổ đảng mới tổ chức sinh hoạt."))
    data.online_url = validation.check_link(data.online_url)
    validation.check_place(data.format, data.place, data.online_url)
    validation.check_not_past(data.starts_at, now, data.recording_held)
    return validation.check_times(data.kind, data.combined_thematic, data.starts_at, data.ends_at)


def _actor(by_user_id: int | None, actor: Actor | None) -> Actor:
    """Who acts, for the audit log: the view's actor (with the address), else the user id alone (the command line)."""
    return actor if actor is not None else Actor(user_id=by_user_id)


def create_meeting(
    org: Organisation, data: MeetingInput, by_user_id: int | None, now: datetime | None = None, *,
    actor: Actor | None = None,
) -> Meeting:
    now = now or utcnow()
    minutes = _check(org, data, now)
    agenda = _agenda_items(data.agenda)
    meeting = Meeting(
        organisation_id=org.id,
        kind=data.kind,
        format=data.format,
        title=(data.title or "").strip() or default_title(data.kind, data.starts_at),
        starts_at=data.starts_at,
        duration_minutes=minutes,
        combined_thematic=data.combined_thematic,
        place=(data.place or "").strip() or None,
        online_url=data.online_url,
        status=MeetingStatus.HELD if data.recording_held and data.starts_at < now else MeetingStatus.SCHEDULED,
        checkin_secret=pyotp.random_base32(),
        created_by_id=by_user_id,
    )
    meeting.agenda = agenda
    db.session.add(meeting)
    db.session.flush()
    if meeting.status is MeetingStatus.SCHEDULED:
        announce(meeting, "created")
    audit.record("meeting.create", _actor(by_user_id, actor), target_type="meeting", target_id=meeting.id,
                 organisation_id=org.id)
    db.session.commit()
    return meeting


AUDITED_FIELDS = ("kind", "format", "title", "starts_at", "duration_minutes", "combined_thematic", "place",
                  "online_url")


def _snapshot(meeting: Meeting) -> dict:
    values = {name: getattr(meeting, name) for name in AUDITED_FIELDS}
    values["starts_at"] = as_utc(values["starts_at"])
    values["agenda"] = [item.title for item in meeting.agenda]
    return values


def update_meeting(meeting: Meeting, data: MeetingInput, now: datetime | None = None, *,
                   actor: Actor | None = None) -> Meeting:
    """Edit one meeting (also one occurrence of a series); invitees hear of a move. Audited when something
    changed, with the names of the fields."""
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingError(_("Buổi họp đã bị hủy, không thể sửa."))
    _normalise(data)
    moved = as_utc(meeting.starts_at) != as_utc(data.starts_at)
    data.online_url = validation.check_link(data.online_url)
    validation.check_place(data.format, data.place, data.online_url)
    if moved and meeting.status is MeetingStatus.SCHEDULED:
        validation.check_not_past(data.starts_at, now or utcnow(), recording_held=False)
    minutes = validation.check_times(data.kind, data.combined_thematic, data.starts_at, data.ends_at)
    agenda = _agenda_items(data.agenda)  # checked before anything changes
    before = _snapshot(meeting)
    meeting.kind = data.kind
    meeting.format = data.format
    meeting.title = (data.title or "").strip() or default_title(data.kind, data.starts_at)
    meeting.starts_at = data.starts_at
    meeting.duration_minutes = minutes
    meeting.combined_thematic = data.combined_thematic
    meeting.place = (data.place or "").strip() or None
    meeting.online_url = data.online_url
    meeting.agenda = _merge_agenda(meeting.agenda, agenda)
    announce(meeting, "moved" if moved else "updated")
    after = _snapshot(meeting)
    changed = [name for name in after if after[name] != before[name]]
    if changed:
        audit.record("meeting.update", _actor(None, actor), target_type="meeting", target_id=meeting.id,
                     organisation_id=meeting.organisation_id, fields=changed)
    db.session.commit()
    return meeting


def cancel_meeting(meeting: Meeting, reason: str, *, actor: Actor | None = None) -> Meeting:
    if meeting.status is not MeetingStatus.SCHEDULED:
        raise MeetingError(_("Chỉ hủy được buổi họp chưa diễn ra."))
    reason = (reason or "").strip()
    if not reason:
        raise MeetingError(_("Vui lòng ghi lý do hủy để thông báo cho đảng viên."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancel_reason = reason[:500]
    announce(meeting, "cancelled")
    audit.record("meeting.cancel", _actor(None, actor), target_type="meeting", target_id=meeting.id,
                 organisation_id=meeting.organisation_id)
    db.session.commit()
    return meeting


def mark_held(meeting: Meeting, now: datetime | None = None) -> None:
    """A scheduled meeting that has started is held once something is recorded for it (not before it starts)."""
    if meeting.status is MeetingStatus.SCHEDULED and as_utc(meeting.starts_at) <= (now or utcnow()):
        meeting.status = MeetingStatus.HELD


def _agenda_items(titles: list[str]) -> list[AgendaItem]:
    items = [t.strip() for t in titles if t and t.strip()]
    if any(len(t) > 300 for t in items):
        raise MeetingError(_("Mỗi nội dung chương trình tối đa 300 ký tự."))
    return [AgendaItem(position=i, title=t) for i, t in enumerate(items, 1)]


def _merge_agenda(current: list[AgendaItem], wanted: list[AgendaItem]) -> list[AgendaItem]:
    """Keep the rows of items whose title is unchanged, so votes linked to an agenda item stay linked."""
    by_title: dict[str, list[AgendaItem]] = {}
    for item in current:
        by_title.setdefault(item.title, []).append(item)
    merged = []
    for item in wanted:
        kept = by_title.get(item.title)
        if kept:
            old = kept.pop(0)
            old.position = item.position
            merged.append(old)
        else:
            merged.append(item)
    return merged


# --- the yearly series ------------------------------------------------------------------------

@dataclass
class PlannedDate:
    month: int
    day: date
    holiday: str | None
    weekend: bool

    @property
    def flagged(self) -> bool:
        return self.weekend or self.holiday is not None


def parse_local_time(text: str) -> time:
    try:
        hour, minute = (int(x) for x in text.strip().split(":"))
        return time(hour, minute)
    except (ValueError, AttributeError) as exc:
        raise MeetingError(_("Giờ họp phải có dạng HH:MM, ví dụ 19:30.")) from exc


def _as_of(today: date | None, now: datetime | None) -> tuple[date, datetime]:
    """(today, now) for planning: the real clock by default; `today` alone stands for its first minute."""
    if now is None:
        now = local_datetime(today, time(0, 0)) if today is not None else utcnow()
    return today or as_utc(now).astimezone(local_zone()).date(), now


def plan_series(year: int, day_of_month: int = 3, today: date | None = None, *, at: time | None = None,
                after: datetime | None = None) -> list[PlannedDate]:
    """The regular meeting dates of `year` still ahead, with weekends and public holidays flagged: from `today` on,
    or, given the meetings' local time `at`, those that start after the instant `after` (on the 3rd at 21:00, the
    3rd's 19:30 meeting is past)."""
    if not 1 <= day_of_month <= 28:
        raise MeetingError(_("Ngày họp hằng tháng phải từ 1 đến 28."))
    today = today or local_today()
    if year < today.year or year > today.year + 1:
        raise MeetingError(_("Chỉ lập lịch cho năm nay hoặc năm sau."))
    import holidays  # only when planning a year: web workers do not carry every country's calendar

    vn_holidays = holidays.country_holidays("VN", years=year, language="vi")
    days = rrule(MONTHLY, dtstart=datetime(year, 1, day_of_month), count=12, bymonthday=day_of_month)
    return [
        PlannedDate(month=d.month, day=d.date(), holiday=vn_holidays.get(d.date()), weekend=d.weekday() >= 5)
        for d in days
        if d.date() >= today and (at is None or after is None or local_datetime(d.date(), at) > after)
    ]


@dataclass
class SeriesPreview:
    """What creating the series of `year` would do — or why it would do nothing, and which year to plan instead."""

    year: int
    dates: list[PlannedDate]          # the meetings that would be created
    taken: list[int]                  # months left out: a regular meeting is already on the calendar
    blocked: str | None = None        # why there is nothing to create
    suggest_year: int | None = None   # a year that can still be planned, when this one cannot


def has_series(org_id: int, year: int) -> bool:
    return db.session.scalar(select(MeetingSeries.id).where(
        MeetingSeries.organisation_id == org_id, MeetingSeries.year == year)) is not None


def preview_series(org: Organisation, year: int, day_of_month: int = 3, today: date | None = None, *,
                   at: time | None = None, now: datetime | None = None) -> SeriesPreview:
    """The dates the series would get (at the local time `at`: those starting after `now`); refuses a bad day or
    year (MeetingError) like `plan_series`."""
    today, now = _as_of(today, now)
    plan = plan_series(year, day_of_month, today, at=at, after=now)
    taken = regular_months(org.id, year) if plan else set()
    preview = SeriesPreview(year, [p for p in plan if p.month not in taken], sorted(taken & {p.month for p in plan}))
    if has_series(org.id, year):
        preview.dates, preview.taken = [], []
        preview.blocked = _("Chi bộ đã có lịch sinh hoạt thường kỳ năm %(year)d.", year=year)
    elif not plan:
        preview.blocked = _("Năm %(year)d không còn ngày họp nào để lập lịch: ngày %(day)d của các tháng còn lại "
                            "đã qua.", year=year, day=day_of_month)
    elif not preview.dates:
        preview.blocked = _("Các tháng còn lại của năm %(year)d đều đã có buổi sinh hoạt thường kỳ.", year=year)
    if preview.blocked and year + 1 <= today.year + 1 and not has_series(org.id, year + 1):
        preview.suggest_year = year + 1
    return preview


def create_series(
    org: Organisation, year: int, by_user_id: int | None, *, day_of_month: int = 3, local_time: str = "19:30",
    place: str | None = None, shifts: dict[int, date] | None = None, today: date | None = None,
    now: datetime | None = None, actor: Actor | None = None,
) -> tuple[MeetingSeries, list[Meeting]]:
    """Create the year's regular meetings — those starting after `now` — and `shifts` moves chosen months to
    another day of that month, not a past one. Invitees get one notice naming the series (not one per meeting).
    A second series for the year is refused (MeetingError), even when two confirmations race."""
    if org.kind not in CELL_KINDS:
        raise MeetingError(_("Lịch sinh hoạt thường kỳ chỉ lập cho chi bộ."))
    at = parse_local_time(local_time)
    today, now = _as_of(today, now)
    preview = preview_series(org, year, day_of_month, today, at=at, now=now)
    if preview.blocked:
        raise MeetingError(preview.blocked)
    if not (place or "").strip():
        raise MeetingError(_("Vui lòng nhập địa điểm họp thường lệ của chi bộ."))
    days = []  # every shift is checked before anything is written: a refusal leaves nothing in the session
    for plan in preview.dates:
        day = (shifts or {}).get(plan.month, plan.day)
        if day.month != plan.month or day.year != year:
            raise MeetingError(_("Ngày dời của tháng %(m)d phải nằm trong tháng đó.", m=plan.month))
        if local_datetime(day, at) <= now:
            raise MeetingError(_("Ngày dời của tháng %(m)d (%(d)s lúc %(t)s) đã qua; hãy chọn một ngày sắp tới.",
                                 m=plan.month, d=day.strftime("%d/%m/%Y"), t=at.strftime("%H:%M")))
        days.append(day)
    series = MeetingSeries(organisation_id=org.id, year=year, day_of_month=day_of_month,
                           local_time=at.strftime("%H:%M"), created_by_id=by_user_id)
    db.session.add(series)
    try:
        db.session.flush()
    except IntegrityError:  # another confirmation made the year's series meanwhile (a double submit)
        db.session.rollback()
        raise MeetingError(_("Chi bộ đã có lịch sinh hoạt thường kỳ năm %(year)d.", year=year)) from None
    meetings = []
    for day in days:
        starts = local_datetime(day, at)
        meeting = Meeting(
            organisation_id=org.id, series_id=series.id, kind=MeetingKind.THUONG_KY,
            format=MeetingFormat.TRUC_TIEP, title=default_title(MeetingKind.THUONG_KY, starts),
            starts_at=starts, duration_minutes=validation.MIN_REGULAR_MINUTES, place=(place or "").strip() or None,
            checkin_secret=pyotp.random_base32(), created_by_id=by_user_id,
        )
        db.session.add(meeting)
        meetings.append(meeting)
    db.session.flush()
    announce_series(series, meetings)
    audit.record("meeting.series", _actor(by_user_id, actor), target_type="organisation", target_id=org.id,
                 series_id=series.id, count=len(meetings))
    db.session.commit()
    return series, meetings


def regular_months(org_id: int, year: int) -> set[int]:
    """Months of `year` (local time) in which the cell already has a regular meeting."""
    start = local_datetime(date(year, 1, 1), time(0, 0))
    end = local_datetime(date(year + 1, 1, 1), time(0, 0))
    starts = db.session.scalars(select(Meeting.starts_at).where(
        Meeting.organisation_id == org_id, Meeting.kind == MeetingKind.THUONG_KY,
        Meeting.status != MeetingStatus.CANCELLED, Meeting.starts_at >= start, Meeting.starts_at < end))
    return {as_utc(s).astimezone(local_zone()).month for s in starts}


def meeting_end(meeting: Meeting) -> datetime:
    return as_utc(meeting.starts_at) + timedelta(minutes=meeting.duration_minutes)
