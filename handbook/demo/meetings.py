"""Demo meetings, useful on any day of the year.

The demo cell gets: every regular meeting of the last twelve months that has ended, recorded as held (attendance,
minutes, a vote), with one member absent without reason throughout and one now and then, so the yearly review
has someone to show; the regular series for what is left of this year (none from the 4th of December) and for
next year. The other cells' year of meetings is demo/activity.py's.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from handbook.auth.models import User
from handbook.core.timeutil import local_today
from handbook.extensions import db
from handbook.meetings import attendance, minutes, scheduling
from handbook.meetings.models import AttendanceStatus, MeetingKind
from handbook.members.models import Member
from handbook.org.models import Organisation

HISTORY_MONTHS = 12
DAY, AT, LENGTH = 3, time(19, 30), timedelta(minutes=120)
PLACE = "Nhà văn hóa khu dân cư số 3"
AGENDA = ["Thông tin thời sự trong tháng", "Đánh giá công tác tháng, phương hướng tháng tới",
          "Xét đề nghị kết nạp quần chúng ưu tú"]
MINUTES = ("Văn bản mẫu để trình diễn.\n\nChi bộ nghe thông tin thời sự; đánh giá kết quả thực hiện nhiệm vụ "
           "tháng; thống nhất phương hướng tháng tới; thảo luận hồ sơ đề nghị kết nạp một quần chúng ưu tú.")


def seed_demo_meetings(secretary_email: str, now: datetime, seed: int = 2026) -> int:
    """Create the demo meetings as seen at `now`; returns how many meetings were made."""
    rng = random.Random(seed)
    secretary = db.session.scalar(select(User).where(User.email == secretary_email))
    if secretary is None:
        return 0
    cell = db.session.scalar(select(Organisation).join(Member, Member.cell_id == Organisation.id)
                             .where(Member.user_id == secretary.id))
    made = held_history(cell, secretary, now, rng)
    today = local_today(now)
    for year in (today.year, today.year + 1):
        if remaining_days(cell, year, today):
            _series, meetings = scheduling.create_series(cell, year, secretary.id, place=PLACE, today=today)
            made += len(meetings)
    return made


def regular_start(month: date) -> datetime:
    """The demo cell's regular meeting of `month`: the 3rd at 19:30 local time."""
    return scheduling.local_datetime(month.replace(day=DAY), AT)


def held_months(now: datetime) -> list[date]:
    """First days of the months whose regular meeting has ended by `now`, within the last twelve months."""
    this_month = local_today(now).replace(day=1)
    months = [this_month - relativedelta(months=k) for k in range(HISTORY_MONTHS, -1, -1)]
    return [m for m in months if regular_start(m) + LENGTH <= now][-HISTORY_MONTHS:]


def remaining_days(cell: Organisation, year: int, today: date) -> list[scheduling.PlannedDate]:
    """The regular meeting days of `year` from `today` on that the cell has not held or planned yet."""
    taken = scheduling.regular_months(cell.id, year)
    return [p for p in scheduling.plan_series(year, DAY, today) if p.month not in taken]


def held_history(cell: Organisation, secretary: User, now: datetime, rng: random.Random) -> int:
    """The last twelve months' regular meetings, recorded as held: attendance, minutes and a vote each."""
    # two members without an account (so no demo login, no position) miss meetings without reason
    members = list(db.session.scalars(select(Member.id).where(
        Member.cell_id == cell.id, Member.status.in_(attendance.EXPECTED), Member.user_id.is_(None),
    ).order_by(Member.id)))
    stopped, sometimes = (members[-1], members[-2]) if len(members) >= 2 else (None, None)
    months = held_months(now)
    for index, month in enumerate(months):
        starts = regular_start(month)
        meeting = scheduling.create_meeting(cell, scheduling.MeetingInput(
            kind=MeetingKind.THUONG_KY, starts_at=starts, ends_at=starts + LENGTH, place=PLACE,
            recording_held=True, agenda=list(AGENDA)), secretary.id, now=now)
        entries = {}
        for member in attendance.invitees(meeting):
            if member.status not in attendance.EXPECTED:
                continue  # exempt members are not expected
            roll = rng.random()
            if member.id == stopped or (member.id == sometimes and index % 5 == 2):
                entries[member.id] = (AttendanceStatus.VANG_KHONG_LY_DO, None)
            elif roll < 0.9:
                entries[member.id] = (AttendanceStatus.CO_MAT, None)
            else:
                entries[member.id] = (AttendanceStatus.VANG_CO_LY_DO, "Đi công tác xa")
        attendance.record_sheet(meeting, entries, secretary.id)
        minutes.save_minutes(meeting, MINUTES, secretary.id)
        present = minutes.tally(meeting).present
        minutes.record_vote(meeting, "Thông qua phương hướng nhiệm vụ tháng tới", (present, 0, 0), "half",
                            secretary.id)
    return len(months)

