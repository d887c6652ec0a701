"""Where a member belonged, over time: the one place that moves a member between cells.

`Member.cell_id` is the cell of the member's open placement (`MemberPlacement` with valid_to NULL). Nothing else
sets it: a new record opens its first placement (`open_placement`, or `placement_rows` for bulk inserts), a move
closes the open one on its day and opens the next (`move_member`), whether one member moves, a list of them, or a
whole cell merged into another (`handbook.structure`).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import DateTime, func, insert, literal, select
from sqlalchemy.orm import joinedload

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import format_date, local_today, utcnow
from handbook.extensions import db
from handbook.members.models import LEFT_STATUSES, Member, MemberChange, MemberPlacement
from handbook.org.access import Access, can_manage_org
from handbook.org.history import day_of, valid_on
from handbook.org.models import CELL_KINDS, Organisation

INITIAL = "Dữ liệu ban đầu"  # the reason of a placement that was there before its history was kept

NOT_A_CELL = _l("Chỉ chuyển đảng viên đến một chi bộ hoặc chi bộ cơ sở.")
CELL_DISSOLVED = _l("Chi bộ nhận đã giải thể.")
SAME_CELL = _l("Đảng viên đã sinh hoạt ở chi bộ này.")
BEFORE_PLACEMENT = _l("Ngày chuyển không được trước ngày đảng viên đến chi bộ hiện tại (%(day)s).")
FUTURE = _l("Ngày chuyển không được ở tương lai.")
STILL_MEMBERS = _l("Tổ chức còn %(n)d đảng viên: hãy chuyển họ sang chi bộ khác trước khi giải thể.")
NOBODY = _l("Chưa chọn đảng viên nào.")
OUTSIDE = _l("Đảng viên hoặc chi bộ nhận nằm ngoài phạm vi đồng chí được quản lý.")
TOO_LONG = _l("Dài quá %(n)d ký tự.")


class MoveError(ValueError):
    """A move that cannot go through; the message is Vietnamese, for the form or the API."""


def open_placement(member: Member, valid_from: date | None = None, *, reason: str | None = None,
                   decision_number: str | None = None, recorded_by_id: int | None = None) -> MemberPlacement:
    """The first placement of a new record, in its cell (no flush)."""
    start = valid_from or member.admission_date or local_today()
    placement = MemberPlacement(member_id=member.id, cell_id=member.cell_id, valid_from=start, reason=reason,
                                decision_number=decision_number, recorded_by_id=recorded_by_id)
    db.session.add(placement)
    return placement


def placement_rows(members: Sequence[tuple[int, int, date | None]], today: date, now: datetime,
                   recorded_by_id: int | None = None) -> list[dict[str, Any]]:
    """Rows for a bulk INSERT of first placements: (member id, cell id, admission date) each."""
    return [{"member_id": member_id, "cell_id": cell_id, "valid_from": admitted or today, "valid_to": None,
             "decision_number": None, "reason": None, "recorded_by_id": recorded_by_id, "recorded_at": now}
            for member_id, cell_id, admitted in members]


def backfill_placements() -> int:
    """Give every member without a placement one open placement in their cell, from their admission date (or the
    day the record was created). For records written in bulk (the demo seed); one INSERT … SELECT, no commit."""
    table = MemberPlacement.__table__
    has_one = select(table.c.id).where(table.c.member_id == Member.id).exists()
    return db.session.execute(insert(table).from_select(
        ["member_id", "cell_id", "valid_from", "reason", "recorded_at"],
        select(Member.id, Member.cell_id, func.coalesce(Member.admission_date, day_of(Member.created_at)),
               literal(INITIAL), literal(utcnow(), DateTime(timezone=True))).where(~has_one))).rowcount


def current_placement(member_id: int) -> MemberPlacement | None:
    return db.session.scalar(select(MemberPlacement).where(MemberPlacement.member_id == member_id,
                                                           MemberPlacement.valid_to.is_(None))
                             .order_by(MemberPlacement.id.desc()).limit(1))


def check_target(cell: Organisation) -> None:
    if cell.kind not in CELL_KINDS:
        raise MoveError(str(NOT_A_CELL))
    if cell.dissolved_on is not None:
        raise MoveError(str(CELL_DISSOLVED))


def move_member(member: Member, cell: Organisation, *, on: date, decision_number: str | None = None,
                reason: str | None = None, actor: Actor) -> MemberPlacement:
    """Move `member` to `cell` from `on`: the open placement ends that day, the next opens, `Member.cell_id`
    follows, the tổ đảng of the old cell is dropped, a history row is written. Part of the caller's transaction
    (no commit, no audit: the operation that moves audits once)."""
    check_target(cell)
    if member.cell_id == cell.id:
        raise MoveError(str(SAME_CELL))
    current = current_placement(member.id)
    if current is not None and on < current.valid_from:
        raise MoveError(str(BEFORE_PLACEMENT) % {"day": format_date(current.valid_from)})
    if current is not None:
        current.valid_to = on
    placement = MemberPlacement(member_id=member.id, cell_id=cell.id, valid_from=on, decision_number=decision_number,
                                reason=reason, recorded_by_id=actor.user_id)
    db.session.add(placement)
    old_cell = member.cell
    db.session.add(MemberChange(member_id=member.id, field="cell_id", old_value=old_cell.name if old_cell else None,
                                new_value=f"{cell.name} ({format_date(on)})", changed_by_id=actor.user_id))
    member.cell_id, member.cell = cell.id, cell
    member.group_id = None  # a tổ đảng belongs to its own cell
    if member.temporary_cell_id == cell.id:  # attending one's own cell temporarily means nothing
        member.temporary_cell_id = member.temporary_until = None
    return placement


def redirect_temporary(source: Organisation, target: Organisation) -> int:
    """Members attending `source` temporarily attend `target` instead (it was merged into it); one whose own cell is
    the target simply attends their own cell. Part of the caller's transaction; returns how many."""
    members = db.session.scalars(select(Member).where(Member.temporary_cell_id == source.id)).all()
    for member in members:
        db.session.add(MemberChange(member_id=member.id, field="temporary_cell_id", old_value=source.name,
                                    new_value=target.name if member.cell_id != target.id else None))
        if member.cell_id == target.id:
            member.temporary_cell_id = member.temporary_until = None
        else:
            member.temporary_cell_id = target.id
    return len(members)


def clean_move_fields(decision_number: str | None, reason: str | None) -> tuple[str | None, str | None]:
    number = (decision_number or "").strip() or None
    reason = " ".join((reason or "").split()) or None
    if number and len(number) > 60:
        raise MoveError(str(TOO_LONG) % {"n": 60})
    if reason and len(reason) > 255:
        raise MoveError(str(TOO_LONG) % {"n": 255})
    return number, reason


def move_members(members: Sequence[Member], cell: Organisation, *, on: date | None = None,
                 decision_number: str | None = None, reason: str | None = None, actor: Actor,
                 access: Access | None = None, today: date | None = None, commit: bool = True) -> int:
    """Move one member or a list of them to `cell` from `on` (default today, never in the future), by a decision:
    all or none (one transaction), audited once. With `access`, every member's cell and the target must be
    within what the caller manages. Returns how many moved."""
    today = today or local_today()
    on = on or today
    if on > today:
        raise MoveError(str(FUTURE))
    if not members:
        raise MoveError(str(NOBODY))
    number, reason = clean_move_fields(decision_number, reason)
    if access is not None and not (can_manage_org(access, cell)
                                   and all(can_manage_org(access, m.cell) for m in members)):
        raise MoveError(str(OUTSIDE))
    check_target(cell)
    try:
        for member in members:
            move_member(member, cell, on=on, decision_number=number, reason=reason, actor=actor)
    except MoveError:
        if commit:  # otherwise the operation that called us rolls back its own transaction
            db.session.rollback()
        raise
    audit.record("members.move", actor, target_type="organisation", target_id=cell.id, count=len(members),
                 reason="move")
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return len(members)


def placements_of(member_id: int) -> list[MemberPlacement]:
    """The member's cells over time, latest first (those that never held a whole day left out)."""
    rows = db.session.scalars(select(MemberPlacement).options(joinedload(MemberPlacement.cell))
                              .where(MemberPlacement.member_id == member_id)
                              .order_by(MemberPlacement.valid_from.desc(), MemberPlacement.id.desc()))
    return [row for row in rows if row.valid_to is None or row.valid_to > row.valid_from]


def cell_on(member_id: int, day: date) -> int | None:
    """The member's cell on `day` (None before their first placement)."""
    return db.session.scalar(select(MemberPlacement.cell_id).where(MemberPlacement.member_id == member_id,
                                                                   valid_on(MemberPlacement, day))
                             .order_by(MemberPlacement.valid_from.desc()).limit(1))


def occupancy(org: Organisation) -> str | None:
    """Why `org` cannot be dissolved as far as members go: members still in it (as their cell or tổ đảng), other
    than those who left (their records keep the dissolved cell). Registered with org (`history.register_occupancy`)."""
    count = db.session.scalar(select(func.count(Member.id)).where(
        (Member.cell_id == org.id) | (Member.group_id == org.id), Member.status.not_in(LEFT_STATUSES))) or 0
    return str(STILL_MEMBERS) % {"n": count} if count else None
