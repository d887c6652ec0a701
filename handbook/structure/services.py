"""Restructuring that moves members: merging organisations (N → 1) and splitting a cell (1 → N).

These sit above org (the tree and its history) and members (placements), and call their functions: every step
uses `commit=False`, and the operation commits once — or rolls back everything on the first refusal. Meetings,
minutes and votes of a merged cell stay attached to it (they show its name as it was on their day); its positions
end (audited); its members move to the target with the decision (their placement history says so).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from handbook.audit.service import Actor, record
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import local_today
from handbook.extensions import db
from handbook.members.models import LEFT_STATUSES, Member
from handbook.members.placements import MoveError, clean_move_fields, move_member, redirect_temporary
from handbook.org.access import Access, can_restructure
from handbook.org.changes import (
    OrgError,
    clean_decision,
    create_organisation,
    dissolve_organisation,
    move_organisation,
    not_before_history,
)
from handbook.org.history import Decision, add_change
from handbook.org.kinds import MEMBER_KINDS
from handbook.org.models import Organisation, OrgChangeKind

MERGE_REASON = "Hợp nhất chi bộ"
SPLIT_REASON = "Chia tách chi bộ"

NOTHING_TO_MERGE = _l("Chọn ít nhất một tổ chức để hợp nhất vào tổ chức nhận.")
MERGE_INTO_ITSELF = _l("Không thể hợp nhất một tổ chức vào chính nó.")
ACROSS_KINDS = _l("Chỉ hợp nhất các tổ chức cùng loại (ví dụ chi bộ với chi bộ).")
ONLY_CELLS_SPLIT = _l("Chỉ chia tách được chi bộ hoặc chi bộ cơ sở.")
NO_PARTS = _l("Cần ít nhất một chi bộ mới khi chia tách.")
NOT_IN_SOURCE = _l("Có đảng viên được chọn không thuộc chi bộ đang chia tách.")
CHOSEN_TWICE = _l("Một đảng viên chỉ được chọn cho một chi bộ mới.")
OUTSIDE = _l("Tổ chức này nằm ngoài phạm vi đồng chí được quản lý.")


class StructureError(ValueError):
    """A merge or split that cannot go through; the message is Vietnamese."""


FUTURE = _l("Ngày hiệu lực không được ở tương lai.")


def _day(on: date | None, today: date | None) -> tuple[date, date]:
    today = today or local_today()
    on = on or today
    if on > today:
        raise StructureError(str(FUTURE))
    return on, today


def _members_of(cell: Organisation) -> list[Member]:
    """Those who move with their cell: everyone whose record is there, but those who left (their records keep the
    cell they left from)."""
    return list(db.session.scalars(select(Member).where(Member.cell_id == cell.id,
                                                        Member.status.not_in(LEFT_STATUSES)).order_by(Member.id)))


def _failing(operation):
    """Run `operation` as one transaction: a refusal from any step rolls everything back, re-raised as
    StructureError with the step's own message."""
    try:
        return operation()
    except (OrgError, MoveError, StructureError) as exc:
        db.session.rollback()
        raise StructureError(str(exc)) from exc


def merge_organisations(sources: Sequence[Organisation], target: Organisation, *, decision: Decision | None = None,
                        on: date | None = None, actor: Actor, access: Access | None = None,
                        today: date | None = None) -> int:
    """Merge `sources` into `target` from `on`: same kind only; members of merged cells move to the target (those
    attending one temporarily now attend the target), their tổ đảng are dissolved, the organisations under a
    merged committee move under the target; then each source is dissolved (its positions end). One transaction;
    returns how many members moved."""
    on, today = _day(on, today)
    decision = clean_decision(decision)

    def run() -> int:
        if not sources:
            raise StructureError(str(NOTHING_TO_MERGE))
        if any(source.id == target.id for source in sources):
            raise StructureError(str(MERGE_INTO_ITSELF))
        if any(source.kind is not target.kind for source in sources):
            raise StructureError(str(ACROSS_KINDS))
        if access is not None and not all(can_restructure(access, org) for org in (*sources, target)):
            raise StructureError(str(OUTSIDE))
        if target.dissolved_on is not None or any(s.dissolved_on is not None for s in sources):
            raise OrgError(str(_l("Tổ chức này đã giải thể.")))
        for org in (target, *sources):  # a merger dated before a change already recorded would rewrite it
            not_before_history(org, on)
        moved = 0
        for source in sources:
            moved += _empty_into(source, target, on, decision, actor, today)
            dissolve_organisation(source, decision=decision, on=on, actor=actor, today=today, commit=False,
                                  into=target)
        add_change(OrgChangeKind.MERGE, target, on, decision, actor.user_id, merged_ids=[s.id for s in sources],
                   merged_names=[s.name for s in sources], members=moved)
        record("org.merge", actor, target_type="organisation", target_id=target.id, ids=[s.id for s in sources],
               count=moved)
        db.session.commit()
        return moved

    return _failing(run)


def _empty_into(source: Organisation, target: Organisation, on: date, decision: Decision, actor: Actor,
                today: date) -> int:
    """Everything living in `source` goes to `target`; returns how many members moved."""
    moved = 0
    if source.kind in MEMBER_KINDS:
        for member in _members_of(source):
            move_member(member, target, on=on, decision_number=decision.number, reason=MERGE_REASON, actor=actor)
            moved += 1
        redirect_temporary(source, target)
    children = list(db.session.scalars(select(Organisation).where(Organisation.parent_id == source.id,
                                                                  Organisation.dissolved_on.is_(None))))
    db.session.flush()
    for child in children:
        if source.kind in MEMBER_KINDS:  # a tổ đảng belongs to its cell: its members were moved out of it
            dissolve_organisation(child, decision=decision, on=on, actor=actor, today=today, commit=False)
        else:
            move_organisation(child, target, decision=decision, on=on, actor=actor, today=today, commit=False)
    return moved


def split_organisation(source: Organisation, parts: Sequence[tuple[str, Sequence[Member]]], *,
                       decision: Decision | None = None, on: date | None = None, actor: Actor,
                       access: Access | None = None, today: date | None = None) -> list[Organisation]:
    """Split the cell `source` from `on`: each part (name, chosen members) becomes a new cell of the same kind under
    the same parent, its members moved there; the members not chosen stay in `source`. One transaction; returns
    the new cells."""
    on, today = _day(on, today)
    decision = clean_decision(decision)

    def run() -> list[Organisation]:
        if source.kind not in MEMBER_KINDS:
            raise StructureError(str(ONLY_CELLS_SPLIT))
        if not parts:
            raise StructureError(str(NO_PARTS))
        if access is not None and not can_restructure(access, source):
            raise StructureError(str(OUTSIDE))
        if source.dissolved_on is not None:
            raise OrgError(str(_l("Tổ chức này đã giải thể.")))
        not_before_history(source, on)
        seen: set[int] = set()
        for _name, members in parts:
            for member in members:
                if member.cell_id != source.id:
                    raise StructureError(str(NOT_IN_SOURCE))
                if member.id in seen:
                    raise StructureError(str(CHOSEN_TWICE))
                seen.add(member.id)
        number, _reason = clean_move_fields(decision.number, None)
        parent = source.parent
        created = []
        for name, members in parts:
            cell = create_organisation(name, source.kind, parent, decision=decision, on=on, actor=actor,
                                       access=access, today=today)
            for member in members:
                move_member(member, cell, on=on, decision_number=number, reason=SPLIT_REASON, actor=actor)
            created.append(cell)
        add_change(OrgChangeKind.SPLIT, source, on, decision, actor.user_id, new_ids=[c.id for c in created],
                   new_names=[c.name for c in created], members=len(seen))
        record("org.split", actor, target_type="organisation", target_id=source.id, ids=[c.id for c in created],
               count=len(seen))
        db.session.commit()
        return created

    return _failing(run)
