"""Demo meetings: the demo cell's yearly series, one held meeting with records, and this month's
regular meeting in most other cells (so the committee view has something to show)."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import pyotp
from sqlalchemy import insert, select

from handbook.auth.models import User
from handbook.core.timeutil import local_zone
from handbook.extensions import db
from handbook.meetings import attendance, records, scheduling
from handbook.meetings.models import AttendanceStatus, Meeting, MeetingFormat, MeetingKind, MeetingStatus
from handbook.members.models import Member
from handbook.org.models import CELL_KINDS, Organisation

BATCH = 2_000
SHARE_MEETING = 0.8  # cells that have this month's regular meeting in the demo


def seed_demo_meetings(secretary_email: str, seed: int = 2026) -> int:
    """Create the demo meetings; returns how many meetings were made."""
    rng = random.Random(seed)
    today = datetime.now(local_zone()).date()
    secretary = db.session.scalar(select(User).where(User.email == secretary_email))
    if secretary is None:
        return 0
    cell = db.session.scalar(select(Organisation).join(Member, Member.cell_id == Organisation.id)
                             .where(Member.user_id == secretary.id))
    made = _held_meeting(cell, secretary, today, rng)
    for year in (today.year, today.year + 1):
        _series, meetings = scheduling.create_series(
            cell, year, secretary.id, place="Nhà văn hóa khu dân cư số 3", today=today)
        made += len(meetings)
    return made + _other_cells(cell.id, today, rng)


def _held_meeting(cell: Organisation, secretary: User, today: date, rng: random.Random) -> int:
    """Last month's regular meeting, recorded as held: attendance, minutes and a vote."""
    last = (today.replace(day=1) - timedelta(days=1)).replace(day=3)
    starts = scheduling.local_datetime(last, time(19, 30))
    meeting = scheduling.create_meeting(cell, scheduling.MeetingInput(
        kind=MeetingKind.THUONG_KY, starts_at=starts, ends_at=starts + timedelta(minutes=120),
        place="Nhà văn hóa khu dân cư số 3", recording_held=True,
        agenda=["Thông tin thời sự trong tháng", "Đánh giá công tác tháng, phương hướng tháng tới",
                "Xét đề nghị kết nạp quần chúng ưu tú"],
    ), secretary.id)
    entries = {}
    for member in attendance.invitees(meeting):
        roll = rng.random()
        if member.status.value in ("mien_sinh_hoat", "tam_mien"):
            continue
        if roll < 0.85:
            entries[member.id] = (AttendanceStatus.CO_MAT, None)
        elif roll < 0.95:
            entries[member.id] = (AttendanceStatus.VANG_CO_LY_DO, "Đi công tác xa")
        else:
            entries[member.id] = (AttendanceStatus.VANG_KHONG_LY_DO, None)
    attendance.record_sheet(meeting, entries, secretary.id)
    records.save_minutes(meeting, (
        "Văn bản mẫu để trình diễn.\n\nChi bộ nghe thông tin thời sự; đánh giá kết quả thực hiện nhiệm vụ tháng; "
        "thống nhất phương hướng tháng tới; thảo luận hồ sơ đề nghị kết nạp một quần chúng ưu tú."
    ), secretary.id)
    present = records.tally(meeting).present
    records.record_vote(meeting, "Thông qua phương hướng nhiệm vụ tháng tới", (present, 0, 0), "half", secretary.id)
    return 1


def _other_cells(demo_cell_id: int, today: date, rng: random.Random) -> int:
    """This month's regular meeting for most other cells, inserted in bounded batches."""
    day = today.replace(day=3)
    starts = scheduling.local_datetime(day, time(19, 30))
    status = MeetingStatus.HELD if day < today else MeetingStatus.SCHEDULED
    cell_ids = db.session.scalars(select(Organisation.id).where(
        Organisation.kind.in_(CELL_KINDS), Organisation.id != demo_cell_id).order_by(Organisation.id))
    title = scheduling.default_title(MeetingKind.THUONG_KY, starts)
    rows, made = [], 0
    for cell_id in cell_ids:
        if rng.random() >= SHARE_MEETING:
            continue
        rows.append({"organisation_id": cell_id, "kind": MeetingKind.THUONG_KY, "format": MeetingFormat.TRUC_TIEP,
                     "title": title, "starts_at": starts, "duration_minutes": 90, "status": status,
                     "combined_thematic": False, "checkin_secret": pyotp.random_base32(),
                     "created_at": starts, "updated_at": starts})
        if len(rows) >= BATCH:
            made += _flush(rows)
    made += _flush(rows)
    db.session.commit()
    return made


def _flush(rows: list[dict]) -> int:
    if rows:
        db.session.execute(insert(Meeting), rows)
    count = len(rows)
    rows.clear()
    return count
