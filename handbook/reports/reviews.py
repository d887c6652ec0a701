"""The periodic reviews a committee owes over its subtree, as lists made by the database:

- RETIRED_AT_WORKPLACE: members still on a workplace cell's roll (an organisation whose unit type is anything but
  residential) who have reached the normal retirement age today (`members.retirement`, turned into one birth-date
  cutoff per gender) or whose occupation group says they are retired — they are expected to move their activity
  to where they live, so the list shows their residence;
- NO_ATTENDANCE: members expected at meetings whose cell took attendance at one or more meetings in the last
  REPORTS_NO_ATTENDANCE_MONTHS months and who were present at none of them (bỏ sinh hoạt: the software only flags,
  the committee considers);
- UNPAID_DUES: members with 3 or more months of dues unpaid in the year (`dues.review`: the months that are over,
  due and unrecorded) — the committee considers them as the rules ask (xóa tên); it sits with the other lists the
  committee reviews and records, rather than on the dues page alone, so that one review page holds every list of
  members to consider.

Each list is one statement (paged with LIMIT/OFFSET; the workbook reads it in batches), the counts per organisation
directly below `org` one GROUP BY per cell path summed by path. Recording a review keeps who was on the list then,
so the next page marks who is new.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import and_, case, exists, func, or_, select

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.auth.models import User
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import as_utc, local_zone, utcnow
from handbook.dues.review import unpaid_conditions, unpaid_months
from handbook.dues.review import window as dues_window
from handbook.extensions import db
from handbook.meetings.attendance import EXPECTED
from handbook.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingKind, MeetingStatus
from handbook.meetings.scheduling import local_datetime
from handbook.members.models import ACTIVE_STATUSES, Gender, Member, MemberStatus, OccupationGroup
from handbook.members.retirement import birth_cutoff
from handbook.org.access import in_subtree
from handbook.org.models import CELL_KINDS, Organisation, UnitType
from handbook.org.scope import Below
from handbook.reports.models import PeriodicReview, PeriodicReviewMember, ReviewKind

PER_PAGE = 100
#: rows read at a time by the workbook
BATCH = 1000
NOTE_MAX = 1000
#: the meetings the whole cell is expected at (a chi ủy meeting is for its committee only)
WHOLE_CELL_KINDS = (MeetingKind.THUONG_KY, MeetingKind.CHUYEN_DE, MeetingKind.BAT_THUONG)
#: how many past reviews a page shows
RECENT_REVIEWS = 5


class ReviewError(ValueError):
    """A review that cannot be recorded: the message is for the user; `field` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def no_attendance_months() -> int:
    return max(1, int(current_app.config.get("REPORTS_NO_ATTENDANCE_MONTHS", 3)))


@dataclass
class Listed:
    """One member on a list, with what the committee needs to consider them."""

    member_id: int
    full_name: str
    birth_date: date | None
    gender: Gender | None
    status: MemberStatus
    cell_id: int
    cell_name: str
    under: str  #: the organisation directly below `org` the cell is in (`org`'s name for its own cell)
    residence: str | None
    age: int | None = None
    excused: int = 0    #: absences with a reason in the window (no-attendance list)
    unexcused: int = 0  #: absences without one
    unpaid: int = 0  #: months of dues unpaid in the year (unpaid-dues list)
    last_present: date | None = None  #: the local day of their latest presence at any meeting; None: never
    months_since: int | None = None   #: whole months since then
    is_new: bool = False  #: not on the last recorded review's list


@dataclass
class ChildCount:
    org_id: int
    name: str
    count: int = 0


@dataclass
class ReviewList:
    org: Organisation
    kind: ReviewKind
    today: date
    total: int
    children: list[ChildCount]
    rows: list[Listed]
    page: int
    per_page: int
    untyped_cells: int = 0  #: live cells of the subtree without a unit type (not in the retired list)
    window_start: date | None = None  #: the no-attendance list's first day
    months: int | None = None
    last_review: PeriodicReview | None = None
    reviews: list[PeriodicReview] = field(default_factory=list)
    reviewers: dict[int, str] = field(default_factory=dict)  #: user id → name, of `reviews`

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# --- the lists' conditions -------------------------------------------------------------------------------------

def _window(today: date, now: datetime, months: int) -> tuple[date, datetime, datetime]:
    first = today - relativedelta(months=months)
    return first, local_datetime(first, time(0)), now


def _conditions(org: Organisation, kind: ReviewKind, today: date, now: datetime) -> list:
    """WHERE conditions on Member joined with its cell (Organisation)."""
    conditions = [in_subtree(Organisation.path, org.path)]
    if kind == ReviewKind.RETIRED_AT_WORKPLACE:
        men, women = birth_cutoff(Gender.NAM, today), birth_cutoff(Gender.NU, today)
        conditions += [
            Organisation.unit_type.is_not(None), Organisation.unit_type != UnitType.DAN_CU,
            Member.status.in_(ACTIVE_STATUSES),
            or_(Member.occupation_group == OccupationGroup.HUU_TRI,
                and_(Member.gender == Gender.NAM, Member.birth_date <= men),
                and_(Member.gender == Gender.NU, Member.birth_date <= women)),
        ]
        return conditions
    if kind == ReviewKind.UNPAID_DUES:
        return conditions + unpaid_conditions(today)
    _first, start, end = _window(today, now, no_attendance_months())
    # the cells that took attendance: someone was marked present at one of their meetings for the whole cell in the
    # window — one set read from the subtree's organisations and their meetings, checked before anything is looked up
    # per member (it was correlated per member: on the 140k demo of benchmarks/committee_reports.py, a ward's count
    # took 1.2 s and now 55 ms, the city's 1.4 s and now 0.9 s, SQLite)
    marked = select(Attendance.id).where(Attendance.meeting_id == Meeting.id,
                                         Attendance.status == AttendanceStatus.CO_MAT)
    taken = (select(Meeting.organisation_id).join(Organisation, Organisation.id == Meeting.organisation_id)
             .where(in_subtree(Organisation.path, org.path), Meeting.kind.in_(WHOLE_CELL_KINDS),
                    Meeting.status != MeetingStatus.CANCELLED, Meeting.starts_at >= start, Meeting.starts_at < end,
                    exists(marked)))
    # present anywhere in the window (a member attending another cell for a while is present there)
    present = (select(Attendance.id).join(Meeting, Meeting.id == Attendance.meeting_id)
               .where(Attendance.member_id == Member.id, Attendance.status == AttendanceStatus.CO_MAT,
                      Meeting.status != MeetingStatus.CANCELLED, Meeting.starts_at >= start, Meeting.starts_at < end))
    conditions += [Member.cell_id.in_(taken), Member.status.in_(EXPECTED), ~exists(present)]
    return conditions


def _listing(org: Organisation, kind: ReviewKind, today: date, now: datetime):
    """The list's rows (members.cell_id's index, then the cell's path), ordered by cell then name."""
    return (select(Member.id, Member.full_name, Member.birth_date, Member.gender, Member.status, Member.cell_id,
                   Organisation.name, Organisation.path, Member.residence)
            .join(Organisation, Organisation.id == Member.cell_id)
            .where(*_conditions(org, kind, today, now))
            .order_by(Organisation.path, Member.full_name, Member.id))


def _counts(org: Organisation, kind: ReviewKind, today: date, now: datetime, below: Below | None,
            children: list[ChildCount]) -> int:
    """How many are listed, in all and per child (filled in `children`, the lines of `below`'s children): one GROUP
    BY per cell path."""
    lines = {child.org_id: child for child in children}
    total = 0
    for path, count in db.session.execute(
            select(Organisation.path, func.count(Member.id))
            .join(Organisation, Organisation.id == Member.cell_id)
            .where(*_conditions(org, kind, today, now)).group_by(Organisation.path)):
        total += count
        child = lines.get(below.child_id(path)) if below is not None else None
        if child is not None:
            child.count += count
    return total


def list_size(org: Organisation, kind: ReviewKind, *, today: date, now: datetime | None = None) -> int:
    """How many `kind`'s list holds over `org`'s subtree today (one statement: the reports' home page)."""
    return _counts(org, kind, today, now or utcnow(), None, [])


def untyped_cells(org: Organisation) -> int:
    """Live cells of the subtree whose unit type is not stated."""
    return db.session.scalar(select(func.count(Organisation.id)).where(
        in_subtree(Organisation.path, org.path), Organisation.kind.in_(CELL_KINDS),
        Organisation.dissolved_on.is_(None), Organisation.unit_type.is_(None))) or 0


def _age(birth: date | None, today: date) -> int | None:
    return None if birth is None else relativedelta(today, birth).years


def _local_day(value) -> date:
    if isinstance(value, str):  # SQLite's MAX over a datetime column
        value = datetime.fromisoformat(value)
    return as_utc(value).astimezone(local_zone()).date()


def _fill(kind: ReviewKind, rows: list[Listed], today: date, now: datetime, previous: PeriodicReview | None) -> None:
    """What each row needs beyond the list's statement, for these rows only: absences in the window, the latest
    presence, and whether they were on the last review's list."""
    ids = [row.member_id for row in rows]
    if not ids:
        return
    if previous is not None:
        before = set(db.session.scalars(select(PeriodicReviewMember.member_id).where(
            PeriodicReviewMember.review_id == previous.id, PeriodicReviewMember.member_id.in_(ids))))
        for row in rows:
            row.is_new = row.member_id not in before
    if kind == ReviewKind.UNPAID_DUES:
        counts = dict(db.session.execute(select(Member.id, unpaid_months(today)).where(Member.id.in_(ids))).all())
        for row in rows:
            row.unpaid = int(counts.get(row.member_id) or 0)
        return
    if kind != ReviewKind.NO_ATTENDANCE:
        return
    _first, start, end = _window(today, now, no_attendance_months())
    absences = {member_id: (excused, unexcused) for member_id, excused, unexcused in db.session.execute(
        select(Attendance.member_id,
               func.sum(case((Attendance.status == AttendanceStatus.VANG_CO_LY_DO, 1), else_=0)),
               func.sum(case((Attendance.status == AttendanceStatus.VANG_KHONG_LY_DO, 1), else_=0)))
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Attendance.member_id.in_(ids), Meeting.starts_at >= start, Meeting.starts_at < end,
               Meeting.status != MeetingStatus.CANCELLED, Meeting.kind.in_(WHOLE_CELL_KINDS))
        .group_by(Attendance.member_id))}
    last = dict(db.session.execute(
        select(Attendance.member_id, func.max(Meeting.starts_at)).join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Attendance.member_id.in_(ids), Attendance.status == AttendanceStatus.CO_MAT,
               Meeting.status != MeetingStatus.CANCELLED, Meeting.starts_at < end)
        .group_by(Attendance.member_id)).all())
    for row in rows:
        row.excused, row.unexcused = (int(v or 0) for v in absences.get(row.member_id, (0, 0)))
        if last.get(row.member_id) is not None:
            row.last_present = _local_day(last[row.member_id])
            gap = relativedelta(today, row.last_present)
            row.months_since = gap.years * 12 + gap.months


def _listed(row, today: date, under) -> Listed:
    member_id, name, birth, gender, status, cell_id, cell_name, path, residence = row
    return Listed(member_id, name, birth, gender, status, cell_id, cell_name, under(path), residence,
                  age=_age(birth, today))


def last_review(org: Organisation, kind: ReviewKind) -> PeriodicReview | None:
    return db.session.scalar(select(PeriodicReview).where(
        PeriodicReview.organisation_id == org.id, PeriodicReview.kind == kind)
        .order_by(PeriodicReview.reviewed_on.desc(), PeriodicReview.id.desc()).limit(1))


def recent_reviews(org: Organisation, kind: ReviewKind, limit: int = RECENT_REVIEWS) -> list[PeriodicReview]:
    return list(db.session.scalars(select(PeriodicReview).where(
        PeriodicReview.organisation_id == org.id, PeriodicReview.kind == kind)
        .order_by(PeriodicReview.reviewed_on.desc(), PeriodicReview.id.desc()).limit(limit)))


def review_list(org: Organisation, kind: ReviewKind, *, today: date, now: datetime | None = None, page: int = 1,
                per_page: int = PER_PAGE) -> ReviewList:
    """One page of `kind`'s list over `org`'s subtree as of `today`, with the counts per child and the reviews."""
    now = now or utcnow()
    below = Below(org)
    children = [ChildCount(child_id, name) for child_id, name in below.children]
    total = _counts(org, kind, today, now, below, children)
    under = below.under
    rows = [_listed(row, today, under) for row in db.session.execute(
        _listing(org, kind, today, now).limit(per_page).offset((page - 1) * per_page))]
    reviews = recent_reviews(org, kind)
    previous = reviews[0] if reviews else None
    _fill(kind, rows, today, now, previous)
    by = {review.reviewed_by_id for review in reviews if review.reviewed_by_id is not None}
    reviewers = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(by))).all()) if by else {}
    result = ReviewList(org=org, kind=kind, today=today, total=total, children=children, rows=rows, page=page,
                        per_page=per_page, last_review=previous, reviews=reviews, reviewers=reviewers)
    if kind == ReviewKind.RETIRED_AT_WORKPLACE:
        result.untyped_cells = untyped_cells(org)
    elif kind == ReviewKind.UNPAID_DUES:
        result.window_start = dues_window(today)[0]
    else:
        result.months = no_attendance_months()
        result.window_start = _window(today, now, result.months)[0]
    return result


def all_rows(org: Organisation, kind: ReviewKind, *, today: date, now: datetime | None = None) -> Iterator[Listed]:
    """Every row of the list, read BATCH at a time (the workbook's rows: memory stays flat)."""
    now = now or utcnow()
    under = Below(org).under
    previous = last_review(org, kind)
    result = db.session.execute(_listing(org, kind, today, now).execution_options(yield_per=BATCH))
    for batch in result.partitions():
        rows = [_listed(row, today, under) for row in batch]
        _fill(kind, rows, today, now, previous)
        yield from rows


def listed_ids(org: Organisation, kind: ReviewKind, today: date, now: datetime) -> list[int]:
    return list(db.session.scalars(
        select(Member.id).join(Organisation, Organisation.id == Member.cell_id)
        .where(*_conditions(org, kind, today, now)).order_by(Member.id)))


def record_review(org: Organisation, kind: ReviewKind, reviewed_on: date | None, note: str | None, actor: Actor, *,
                  today: date, now: datetime | None = None) -> PeriodicReview:
    """`org` reviewed `kind`'s list on `reviewed_on`: kept with everyone on the list now, in one transaction."""
    now = now or utcnow()
    if reviewed_on is None:
        raise ReviewError(_("Hãy nhập ngày xem xét theo dạng dd/mm/yyyy."), "reviewed_on")
    if reviewed_on > today:
        raise ReviewError(_("Ngày xem xét %(day)s ở tương lai.", day=reviewed_on.strftime("%d/%m/%Y")),
                          "reviewed_on")
    if reviewed_on < today - timedelta(days=366):
        raise ReviewError(_("Chỉ ghi nhận được buổi xem xét trong vòng một năm qua."), "reviewed_on")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ReviewError(_("Dài quá %(n)d ký tự.", n=NOTE_MAX), "note")
    ids = listed_ids(org, kind, today, now)
    review = PeriodicReview(organisation_id=org.id, kind=kind, reviewed_on=reviewed_on, listed=len(ids),
                            note=note or None, reviewed_by_id=actor.user_id, recorded_at=now)
    db.session.add(review)
    db.session.flush()
    if ids:
        db.session.execute(PeriodicReviewMember.__table__.insert(),
                           [{"review_id": review.id, "member_id": member_id} for member_id in ids])
    audit.record("reports.review_recorded", actor, target_type="organisation", target_id=org.id,
                 count=len(ids), mode=kind.value)
    db.session.commit()
    return review
