"""Demo activity of every cell but the demo cell over the last twelve months, for the committee's view.

Everything is relative to `now`: for each month of the last twelve and this one, most cells hold their regular
meeting (some skip a month; a few stopped two or three months ago), recorded with attendance for the members
expected (exempt members marked exempt), minutes for most, a vote for some, a link to a regulation for most —
put up a day or more before, or on the day — and lengths mostly 90–120 minutes; a thematic meeting in most
quarters; this month's meeting still scheduled when its day has not come. A few members miss meetings without
reason now and then (the yearly review), a few stopped coming three to five months ago (the "no attendance"
review); members with an activated account read the documents before some meetings.

Rows go to the database in bounded batches of plain INSERTs (ids of meetings assigned here, after the current
maximum), never one ORM object per row: 140,000 members make about two million attendance rows. The demo has
no push subscriptions beyond real ones: a generated subscription would send the worker to a push service for
nothing.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import pyotp
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, insert, select, text

from handbook.auth.models import User
from handbook.core.timeutil import local_today
from handbook.extensions import db
from handbook.meetings import scheduling
from handbook.meetings.attendance import EXEMPT, EXPECTED
from handbook.meetings.models import (
    Attendance,
    AttendanceStatus,
    DocumentRead,
    Meeting,
    MeetingDocument,
    MeetingFormat,
    MeetingKind,
    MeetingStatus,
    MinutesRevision,
    Vote,
)
from handbook.members.models import Member, MemberStatus
from handbook.org.models import CELL_KINDS, Organisation, Position, Role, UnitType

MONTHS = 12
BATCH = 20_000            # attendance rows (and the rest with them) per flush
STOPPED = 0.06            # cells that held nothing in their last 2–3 months
SKIPPY = 0.15             # cells that skip a month now and then
THEMATIC = 0.8            # quarters with a thematic meeting, for most cells
DRIFTING = 0.03           # members absent without reason every other month
QUIET = 0.02              # members not present at all in their last 3–5 months
EVENING, AFTERNOON = time(19, 30), time(16, 0)
MINUTES = ("Văn bản mẫu để trình diễn.\n\nChi bộ nghe thông tin thời sự; đánh giá kết quả thực hiện nhiệm vụ "
           "tháng; thống nhất phương hướng tháng tới.")
THEMATIC_MINUTES = ("Văn bản mẫu để trình diễn.\n\nChi bộ sinh hoạt chuyên đề học tập và làm theo tư tưởng, đạo "
                    "đức, phong cách Hồ Chí Minh; đảng viên liên hệ bản thân.")
VOTE_QUESTION = "Thông qua phương hướng nhiệm vụ tháng tới"
EXCUSES = ("Đi công tác xa", "Ốm, có giấy của cơ sở y tế", "Việc gia đình, đã báo bí thư")


@dataclass
class Person:
    id: int
    status: MemberStatus
    admitted: date
    reads: bool               # an activated account: may read the documents in the app
    drifting: bool = False
    quiet_from: date | None = None  # not present from this month on


@dataclass
class Cell:
    id: int
    path: str
    unit_type: UnitType | None
    author_id: int | None     # the bí thư's account: records attendance and minutes
    people: list[Person] = field(default_factory=list)


class Writer:
    """Rows per table, inserted in bounded batches, meetings first (the others refer to them)."""

    ORDER = (Meeting, Attendance, MinutesRevision, Vote, MeetingDocument, DocumentRead)

    def __init__(self) -> None:
        self.next_id = (db.session.scalar(select(func.max(Meeting.id))) or 0) + 1
        self.rows: dict[type, list[dict[str, Any]]] = {model: [] for model in self.ORDER}
        self.counts: dict[type, int] = dict.fromkeys(self.ORDER, 0)

    def meeting(self, row: dict[str, Any]) -> int:
        row["id"] = self.next_id
        self.next_id += 1
        self.add(Meeting, row)
        return row["id"]

    def add(self, model: type, row: dict[str, Any]) -> None:
        self.rows[model].append(row)

    def flush(self, force: bool = False) -> None:
        if not force and len(self.rows[Attendance]) < BATCH:
            return
        for model in self.ORDER:
            rows = self.rows[model]
            for start in range(0, len(rows), BATCH):
                db.session.execute(insert(model).execution_options(render_nulls=True), rows[start:start + BATCH])
            self.counts[model] += len(rows)
            rows.clear()


def seed_activity(now: datetime, skip_cell_id: int | None = None, seed: int = 2027) -> dict[str, int]:
    """Meetings and what was recorded about them for every cell but `skip_cell_id` (the demo cell, whose history
    is made through the services); returns the rows made per table."""
    rng = random.Random(seed)
    cells = _cells(skip_cell_id, rng)
    links = [f"/regulations/{doc_id}" for doc_id in db.session.scalars(
        text("SELECT id FROM regulation_documents ORDER BY id LIMIT 20"))] or ["/regulations"]
    today = local_today(now)
    this_month = today.replace(day=1)
    months = [this_month - relativedelta(months=k) for k in range(MONTHS, -1, -1)]
    writer = Writer()
    for cell in cells:
        _cell_year(cell, months, now, rng, writer, links)
        writer.flush()
    writer.flush(force=True)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('meetings', 'id'), max(id)) FROM meetings"))
    db.session.commit()
    return {model.__tablename__: count for model, count in writer.counts.items()}


def _cells(skip_cell_id: int | None, rng: random.Random) -> list[Cell]:
    """Every cell with its expected and exempt members (one pass over the members) and its secretary's account;
    some members drifting or quiet, at least one of each in the demo ward."""
    cells = {row.id: Cell(row.id, row.path, row.unit_type, None) for row in db.session.execute(
        select(Organisation.id, Organisation.path, Organisation.unit_type).where(
            Organisation.kind.in_(CELL_KINDS), Organisation.dissolved_on.is_(None)).order_by(Organisation.id))
        if row.id != skip_cell_id}
    for org_id, user_id in db.session.execute(select(Position.organisation_id, Position.user_id).where(
            Position.role == Role.BI_THU)):
        if org_id in cells:
            cells[org_id].author_id = user_id
    query = (select(Member.id, Member.cell_id, Member.status, Member.admission_date, User.password_hash)
             .outerjoin(User, User.id == Member.user_id)
             .where(Member.status.in_(EXPECTED + EXEMPT)).order_by(Member.cell_id, Member.id))
    for row in db.session.execute(query.execution_options(yield_per=5_000)):
        cell = cells.get(row.cell_id)
        if cell is not None:
            cell.people.append(Person(row.id, row.status, row.admission_date, row.password_hash is not None))
    ward_of_demo = _ward_prefix(skip_cell_id)
    for cell in cells.values():
        for person in cell.people:
            if person.status not in EXPECTED:
                continue
            roll = rng.random()
            person.drifting = roll < DRIFTING
            if DRIFTING <= roll < DRIFTING + QUIET:
                person.quiet_from = date.min  # the month is set per run below
    if ward_of_demo:
        _at_least_one_each(cells, ward_of_demo)
    return list(cells.values())


def _ward_prefix(cell_id: int | None) -> str | None:
    """'/city/ward/' of the demo cell."""
    if cell_id is None:
        return None
    path = db.session.scalar(select(Organisation.path).where(Organisation.id == cell_id))
    parts = path.strip("/").split("/") if path else []
    return f"/{parts[0]}/{parts[1]}/" if len(parts) >= 2 else None


def _at_least_one_each(cells: dict[int, Cell], prefix: str) -> None:
    """In the demo ward, a drifting and a quiet member at least (in cells that keep meeting, not among leaders)."""
    ward = [cell for cell in cells.values() if cell.path.startswith(prefix)]
    people = [p for cell in ward for p in cell.people[2:] if p.status is MemberStatus.CHINH_THUC]
    if not people:
        return
    if not any(p.drifting for p in people):
        people[0].drifting = True
    if not any(p.quiet_from for p in people) and len(people) > 1:
        people[-1].quiet_from, people[-1].drifting = date.min, False


def _cell_year(cell: Cell, months: list[date], now: datetime, rng: random.Random, writer: Writer,
               links: list[str]) -> None:
    """The cell's regular meetings of the window's months and its thematic meetings, with what was recorded."""
    residential = cell.unit_type is UnitType.DAN_CU
    at = EVENING if residential else AFTERNOON
    day = rng.choice((3, 3, 5, 5, 7, 10) if residential else (2, 4, 6, 8))
    stopped = rng.randint(2, 3) if rng.random() < STOPPED else 0
    skip = rng.uniform(0.1, 0.3) if rng.random() < SKIPPY else 0.0
    quality = rng.random()  # how carefully this cell keeps its records
    quiet_months = rng.randint(3, 5)  # whole months before this one, so "the last three months" holds on any day
    for person in cell.people:
        if person.quiet_from is not None:
            person.quiet_from = months[-(quiet_months + 1)]
    last = len(months) - 1
    for index, month in enumerate(months):
        if stopped and index > last - stopped:
            continue
        if index < last and rng.random() < skip:
            continue
        starts = scheduling.local_datetime(month.replace(day=day), at)
        _meeting(cell, MeetingKind.THUONG_KY, starts, month, now, rng, writer, links, quality, residential)
    quarters: dict[tuple[int, int], list[date]] = {}
    for month in months:
        quarters.setdefault((month.year, (month.month - 1) // 3), []).append(month)
    for quarter in quarters.values():
        if stopped or rng.random() >= THEMATIC:
            continue
        month = rng.choice(quarter)
        starts = scheduling.local_datetime(month.replace(day=rng.randint(12, 25)), at)
        if starts < now:  # only meetings that have happened: a future thematic date is the leader's to set
            _meeting(cell, MeetingKind.CHUYEN_DE, starts, month, now, rng, writer, links, quality, residential)


def _meeting(cell: Cell, kind: MeetingKind, starts: datetime, month: date, now: datetime, rng: random.Random,
             writer: Writer, links: list[str], quality: float, residential: bool) -> None:
    long = rng.random() < 0.78
    minutes_long = rng.choice((90, 100, 120, 120)) if long else rng.choice((45, 60, 75))
    held = starts + timedelta(minutes=minutes_long) <= now
    created = min(starts - timedelta(days=rng.randint(7, 30)), now)
    meeting_id = writer.meeting({
        "organisation_id": cell.id, "series_id": None, "kind": kind, "format": MeetingFormat.TRUC_TIEP,
        "title": scheduling.default_title(kind, starts), "starts_at": starts, "duration_minutes": minutes_long,
        "combined_thematic": False, "place": "Nhà văn hóa khu dân cư" if residential else "Hội trường cơ quan",
        "online_url": None, "status": MeetingStatus.HELD if held else MeetingStatus.SCHEDULED, "cancel_reason": None,
        "checkin_secret": pyotp.random_base32(), "created_by_id": cell.author_id, "created_at": created,
        "updated_at": min(starts + timedelta(minutes=minutes_long), now) if held else created,
    })
    document_at = None
    if rng.random() < 0.55 + 0.4 * quality:
        early = rng.random() < 0.8
        document_at = starts - (timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 12)) if early
                                else timedelta(hours=rng.randint(1, 8)))
        document_at = max(min(document_at, now), created)
        writer.add(MeetingDocument, {
            "meeting_id": meeting_id, "title": "Tài liệu sinh hoạt chi bộ", "stored_name": None, "filename": None,
            "content_type": None, "size_bytes": None, "link_url": rng.choice(links),
            "uploaded_by_id": cell.author_id, "created_at": document_at})
    if not held:
        return
    ends = starts + timedelta(minutes=minutes_long)
    present_voters = entitled = 0
    entitled_ids = []
    for person in cell.people:
        if person.admitted > month:
            continue
        status, reason = _presence(person, month, rng)
        if person.status is MemberStatus.CHINH_THUC and status is not AttendanceStatus.MIEN:
            entitled += 1
            entitled_ids.append(person.id)
            present_voters += status is AttendanceStatus.CO_MAT
        by_code = status is AttendanceStatus.CO_MAT and person.reads and rng.random() < 0.6
        writer.add(Attendance, {
            "meeting_id": meeting_id, "member_id": person.id, "status": status, "reason": reason,
            "source": "code" if by_code else "leader",
            "checked_in_at": starts - timedelta(minutes=rng.randint(0, 25)) if by_code else None,
            "checkin_step": None, "client_ref": None, "recorded_by_id": None if by_code else cell.author_id,
            "updated_at": ends})
        if document_at is not None and person.reads and status is AttendanceStatus.CO_MAT and rng.random() < 0.55:
            span = max(60, int((starts - document_at).total_seconds()) - 60)
            writer.add(DocumentRead, {"meeting_id": meeting_id, "member_id": person.id,
                                      "first_read_at": document_at + timedelta(seconds=rng.randrange(span))})
    if rng.random() < 0.7 + 0.3 * quality:
        writer.add(MinutesRevision, {
            "meeting_id": meeting_id, "body": THEMATIC_MINUTES if kind is MeetingKind.CHUYEN_DE else MINUTES,
            "author_id": cell.author_id, "created_at": min(ends + timedelta(hours=rng.randint(1, 72)), now)})
    if kind is MeetingKind.THUONG_KY and entitled and rng.random() < 0.35:
        quorum = present_voters * 3 >= entitled * 2
        writer.add(Vote, {
            "meeting_id": meeting_id, "agenda_item_id": None, "question": VOTE_QUESTION, "rule": "half",
            "for_count": present_voters, "against_count": 0, "abstain_count": 0, "entitled_count": entitled,
            "present_count": present_voters, "entitled_member_ids": entitled_ids, "quorum_met": quorum,
            "passed": quorum and present_voters * 2 > entitled, "recorded_by_id": cell.author_id,
            "created_at": ends})


def _presence(person: Person, month: date, rng: random.Random) -> tuple[AttendanceStatus, str | None]:
    if person.status in EXEMPT:
        return AttendanceStatus.MIEN, None
    if person.quiet_from is not None and month >= person.quiet_from:
        return AttendanceStatus.VANG_KHONG_LY_DO, None
    roll = rng.random()
    if person.drifting and month.month % 2:  # every odd month: three or more in any year's review
        return AttendanceStatus.VANG_KHONG_LY_DO, None
    if roll < 0.87:
        return AttendanceStatus.CO_MAT, None
    if roll < 0.97:
        return AttendanceStatus.VANG_CO_LY_DO, rng.choice(EXCUSES)
    return AttendanceStatus.VANG_KHONG_LY_DO, None

