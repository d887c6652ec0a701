"""The yearly review: members absent from regular meetings without reason — in 3 months of a year they are
considered for removal (xóa tên, docs/domain.md). The software only flags; the cell considers and decides."""
from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from handbook.core.timeutil import as_utc, local_zone
from handbook.extensions import db
from handbook.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingKind, MeetingStatus
from handbook.meetings.scheduling import local_datetime
from handbook.members.models import Member

REVIEW_MONTHS = 3  # unexcused absence in 3 months of a year → considered for removal


def unexcused_months(member_ids: list[int], year: int) -> dict[int, list[int]]:
    """Per member, the months of `year` (local) with an unexcused absence from a regular meeting."""
    start, end = local_datetime(date(year, 1, 1), time(0)), local_datetime(date(year + 1, 1, 1), time(0))
    rows = db.session.execute(
        select(Attendance.member_id, Meeting.starts_at).join(Meeting, Meeting.id == Attendance.meeting_id).where(
            Attendance.member_id.in_(member_ids), Attendance.status == AttendanceStatus.VANG_KHONG_LY_DO,
            Meeting.kind == MeetingKind.THUONG_KY, Meeting.starts_at >= start, Meeting.starts_at < end)
    ).all()
    months: dict[int, set[int]] = {}
    for member_id, starts_at in rows:
        months.setdefault(member_id, set()).add(as_utc(starts_at).astimezone(local_zone()).month)
    return {member_id: sorted(found) for member_id, found in months.items()}


def absence_overview(cell_id: int, year: int) -> list[tuple[Member, list[int]]]:
    """Members of the cell with at least one month of unexcused absence this year, most months first."""
    members = list(db.session.scalars(select(Member).where(Member.cell_id == cell_id)))
    months = unexcused_months([m.id for m in members], year)
    rows = [(m, months[m.id]) for m in members if m.id in months]
    return sorted(rows, key=lambda row: (-len(row[1]), row[0].full_name))


def held_regular_months(cell_id: int, year: int) -> int:
    """How many months of `year` the cell held its regular meeting (a held meeting, or one with records)."""
    start, end = local_datetime(date(year, 1, 1), time(0)), local_datetime(date(year + 1, 1, 1), time(0))
    starts = db.session.scalars(select(Meeting.starts_at).where(
        Meeting.organisation_id == cell_id, Meeting.kind == MeetingKind.THUONG_KY,
        Meeting.status == MeetingStatus.HELD, Meeting.starts_at >= start, Meeting.starts_at < end))
    return len({as_utc(s).astimezone(local_zone()).month for s in starts})


def review_year(cell_id: int, today: date) -> int:
    """The year the review list opens on: this year once the cell has met in enough months of it to flag anyone,
    before that (January to March) last year, which is the list the cell still has to consider."""
    if held_regular_months(cell_id, today.year) >= REVIEW_MONTHS:
        return today.year
    return today.year - 1


def needs_review(cell_id: int, year: int) -> list[tuple[Member, list[int]]]:
    """Members of the cell with unexcused absences in 3 or more months of the year ("cần xem xét")."""
    return [row for row in absence_overview(cell_id, year) if len(row[1]) >= REVIEW_MONTHS]
