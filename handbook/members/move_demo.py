"""Demo moves, useful on any day of the year: a member of the demo cell moving permanently to a cell of another ward
(the letter issued, a few working days left to present it — dated back from `now` in working days), one member who
arrived in the demo cell from that other ward last year (their history shows both cells), and the other ward's
directory of receiving organisations. Everything goes through the feature's services."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select

from handbook.audit.service import Actor
from handbook.auth.models import User
from handbook.caller import load_access
from handbook.core.timeutil import local_today, local_zone
from handbook.core.workdays import add_working_days, working_days_before
from handbook.extensions import db
from handbook.members import directory, moves
from handbook.members.models import Member, MemberStatus
from handbook.members.move_models import MoveKind, MoveReason
from handbook.org.models import CELL_KINDS, Organisation, OrgKind, Position

LEFT_TO_PRESENT = 6  # working days left today to present the letter of the move in progress


def _at(day: date) -> datetime:
    """9:00 in Hà Nội on `day`: when the demo's steps were taken."""
    return datetime.combine(day, time(9), tzinfo=local_zone())


def _other_cell(cell: Organisation) -> Organisation | None:
    """The first open cell of another ward of the same city."""
    ward = db.session.get(Organisation, cell.parent_id) if cell.parent_id else None
    if ward is None or ward.parent_id is None:
        return None
    city = db.session.get(Organisation, ward.parent_id)
    return db.session.scalar(select(Organisation).where(
        Organisation.path.startswith(city.path), ~Organisation.path.startswith(ward.path),
        Organisation.kind.in_(CELL_KINDS), Organisation.dissolved_on.is_(None)).order_by(Organisation.path).limit(1))


def _plain_member(cell_id: int, skip: set[int]) -> Member | None:
    """An official member of the cell who holds no position and is not one of the demo accounts."""
    holders = select(Position.user_id)
    return db.session.scalar(select(Member).where(
        Member.cell_id == cell_id, Member.status == MemberStatus.CHINH_THUC, Member.id.not_in(skip or {0}),
        Member.temporary_cell_id.is_(None), (Member.user_id.is_(None)) | Member.user_id.not_in(holders))
        .order_by(Member.id).limit(1))


def seed_demo_moves(secretary_email: str, member_email: str, now: datetime) -> int:
    """The demo's moves as seen at `now`; how many."""
    today = local_today(now)
    secretary = db.session.scalar(select(User).where(User.email == secretary_email))
    cell = db.session.scalar(select(Organisation).join(Member, Member.cell_id == Organisation.id)
                             .where(Member.user_id == secretary.id)) if secretary is not None else None
    other = _other_cell(cell) if cell is not None else None
    if other is None:
        return 0
    other_ward = db.session.get(Organisation, other.parent_id)
    keeper = db.session.scalar(select(User).join(Position, Position.user_id == User.id).where(
        Position.organisation_id.in_([other_ward.id, other.id])).order_by(Position.organisation_id).limit(1))
    ours = Actor(secretary.id)
    access = load_access(secretary)
    staff = Actor(keeper.id if keeper is not None else None)
    entry = directory.add(other_ward, {"name": other.name, "address": f"Trụ sở {other_ward.name}",
                                       "phone": "0236 3822 000", "hours": "Thứ Hai đến Thứ Sáu, 7:30–11:00",
                                       "code": other.code or ""}, staff)
    if entry.organisation_id is None:  # the cell has no code: link it all the same
        entry.organisation_id = other.id
        db.session.commit()
    directory.add(other_ward, {"name": f"Đảng ủy {other_ward.name.removeprefix('Đảng bộ ').strip()}",
                               "address": f"Trụ sở {other_ward.name}", "phone": "0236 3822 111",
                               "hours": "Sáng thứ Hai và thứ Năm"}, staff)
    directory.add(other_ward, {"name": "Đảng ủy Cảng Tiên Sa", "address": "Yết Kiêu, phường Thọ Quang",
                               "phone": "0236 3923 000"}, staff)
    skip = set(db.session.scalars(select(Member.id).join(User, User.id == Member.user_id)
                                  .where(User.email.in_((secretary_email, member_email)))))
    count = 0
    leaving = _plain_member(cell.id, skip)
    if leaving is not None:  # in progress: the letter issued, LEFT_TO_PRESENT working days left today
        letter_day = working_days_before(add_working_days(today, LEFT_TO_PRESENT - 1), moves.PRESENT_WORKING_DAYS)
        asked = working_days_before(letter_day, 3)
        move = moves.request_move(leaving, kind=MoveKind.PERMANENT, reason=MoveReason.CU_TRU,
                                  change_day=working_days_before(asked, 12), destination=moves.Destination(entry=entry),
                                  note="Chuyển về ở cùng gia đình con trai", actor=ours, access=access, now=_at(asked))
        moves.issue_letter(move, f"{letter_day.timetuple().tm_yday}-GGT/ĐU", letter_day, actor=ours,
                           access=access, now=_at(letter_day))
        count += 1
    arrived = _plain_member(other.id, set())
    if arrived is not None:  # completed last year: from the other ward into the demo cell
        year = today.year - 1
        leader = db.session.scalar(select(User).join(Position, Position.user_id == User.id)
                                   .where(Position.organisation_id == other.id).limit(1)) or keeper
        theirs = Actor(leader.id) if leader is not None else staff
        their_access = load_access(leader) if leader is not None else access
        asked = add_working_days(date(year, 9, 7), 1)
        letter = add_working_days(asked, 4)
        received = add_working_days(letter, 12)
        move = moves.request_move(arrived, kind=MoveKind.PERMANENT, reason=MoveReason.CONG_TAC,
                                  change_day=date(year, 9, 1), destination=moves.Destination(org=cell),
                                  actor=theirs, access=their_access, now=_at(asked))
        moves.issue_letter(move, f"87-GGT/ĐU/{year}", letter, actor=theirs, access=their_access, now=_at(letter))
        moves.receive(move, cell, received, actor=ours, access=access, now=_at(received))
        arrived.group_id = db.session.scalar(select(Organisation.id).where(  # the cell puts them in a tổ đảng
            Organisation.parent_id == cell.id, Organisation.kind == OrgKind.TO_DANG).order_by(Organisation.id).limit(1))
        db.session.commit()
        count += 1
    return count
