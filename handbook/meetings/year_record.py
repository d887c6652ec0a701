"""A member's year at meetings, for the annual evaluation's record: the meetings they were expected at and those
they attended (held meetings of the year with a recorded attendance; an exempt "miễn" line is not expected)."""
from __future__ import annotations

from datetime import date, time

from sqlalchemy import case, func, select

from handbook.extensions import db
from handbook.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingStatus
from handbook.meetings.scheduling import local_datetime

EXPECTED = (AttendanceStatus.CO_MAT, AttendanceStatus.VANG_CO_LY_DO, AttendanceStatus.VANG_KHONG_LY_DO)


def attendance_in_year(member_ids: list[int], year: int) -> dict[int, tuple[int, int]]:
    """Member id → (attended, expected) over the meetings held in `year` (Hà Nội's calendar), one query."""
    if not member_ids:
        return {}
    start, end = local_datetime(date(year, 1, 1), time(0)), local_datetime(date(year + 1, 1, 1), time(0))
    rows = db.session.execute(
        select(Attendance.member_id,
               func.sum(case((Attendance.status == AttendanceStatus.CO_MAT, 1), else_=0)),
               func.count(Attendance.id))
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Attendance.member_id.in_(member_ids), Attendance.status.in_(EXPECTED),
               Meeting.status == MeetingStatus.HELD, Meeting.starts_at >= start, Meeting.starts_at < end)
        .group_by(Attendance.member_id))
    return {member_id: (int(attended or 0), int(expected)) for member_id, attended, expected in rows}
