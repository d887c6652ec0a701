"""Suspected duplicate records within a committee's scope, merging them, or marking them as different people.

Same CCCD and same card number cannot happen (unique constraints); what is left to find is the same name and
birth date, the same phone, and names that differ only by case, spacing or Unicode form.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from sqlalchemy import Text, and_, cast, delete, select, update

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.auth.models import User
from handbook.auth.sessions import end_other_access
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import as_utc
from handbook.extensions import db
from handbook.meetings.models import Attendance, AttendanceStatus, Vote
from handbook.members.models import LEFT_STATUSES, DuplicateDismissal, Member, MemberChange, MemberPlacement
from handbook.members.records import align_login_phone, end_access, refresh_status
from handbook.members.validation import RECORD_FIELDS, name_key
from handbook.org.access import managed_org_ids
from handbook.org.models import Organisation, Position

MAX_GROUP = 20  # a name shared by more records than this is a common name, not a duplicate


@dataclass
class Suspect:
    a: Member
    b: Member
    reasons: list[str] = field(default_factory=list)


def _members_in(org: Organisation, scope=None) -> list[Member]:
    """Records of the cells under `org` — only those `scope` (the caller's `Access`) manages: a position over
    the organisation alone (Scope.UNIT) does not show the records of the cells below it."""
    subtree = select(Organisation.id).where(and_(Organisation.path >= org.path,
                                                 Organisation.path < org.path[:-1] + "0"))
    query = select(Member).where(Member.cell_id.in_(subtree))
    if scope is not None:

        query = query.where(Member.cell_id.in_(managed_org_ids(scope)))
    return list(db.session.scalars(query))


def find_suspects(org: Organisation, limit: int = 200, *, scope=None) -> list[Suspect]:
    members = _members_in(org, scope)
    dismissed = set(db.session.execute(select(DuplicateDismissal.member_a_id, DuplicateDismissal.member_b_id)).all())
    pairs: dict[tuple[int, int], Suspect] = {}
    by_id = {m.id: m for m in members}

    def add(group: list[Member], reason_for) -> None:
        if len(group) < 2 or len(group) > MAX_GROUP:
            return
        for a, b in combinations(sorted(group, key=lambda m: m.id), 2):
            reason = reason_for(a, b)
            if reason is None or (a.id, b.id) in dismissed:
                continue
            pairs.setdefault((a.id, b.id), Suspect(by_id[a.id], by_id[b.id])).reasons.append(str(reason))

    by_name: dict[str, list[Member]] = defaultdict(list)
    by_phone: dict[str, list[Member]] = defaultdict(list)
    for member in members:
        by_name[name_key(member.full_name)].append(member)
        if member.phone:
            by_phone[member.phone].append(member)

    def name_reason(a: Member, b: Member):
        same_birth = a.birth_date is not None and a.birth_date == b.birth_date
        if a.full_name == b.full_name:
            return _l("Cùng họ tên và ngày sinh") if same_birth else None
        if same_birth or a.birth_date is None or b.birth_date is None:
            return _l("Họ tên gần như trùng (chỉ khác chữ hoa, khoảng trắng hoặc dạng mã Unicode)")
        return None

    for group in by_name.values():
        add(group, name_reason)
    for group in by_phone.values():
        add(group, lambda a, b: _l("Cùng số điện thoại"))
    return sorted(pairs.values(), key=lambda s: (s.a.id, s.b.id))[:limit]


def _change(member_id: int, name: str, old, new, actor: Actor) -> None:
    db.session.add(MemberChange(member_id=member_id, field=name, old_value=old, new_value=new,
                                changed_by_id=actor.user_id))


# Columns of the record itself carried over when the kept record has none (beside the record's fields).
PLACEMENT_FIELDS = ("group_id", "temporary_cell_id", "temporary_until", "photo_file")
_MORE_INFORMATIVE = {AttendanceStatus.CO_MAT: 3, AttendanceStatus.VANG_CO_LY_DO: 2,
                     AttendanceStatus.VANG_KHONG_LY_DO: 1, AttendanceStatus.MIEN: 0}


def _carry_attendance(keep_id: int, drop_id: int) -> None:
    """Both records at one meeting: keep the more informative row (present > excused > absent > exempt, then the
    later one); the other row goes. A client id both used is dropped from the moved row (unique per member)."""
    rows = db.session.scalars(select(Attendance).where(Attendance.member_id.in_((keep_id, drop_id)))).all()
    kept = {row.meeting_id: row for row in rows if row.member_id == keep_id}
    refs = {row.client_ref for row in kept.values() if row.client_ref}
    for row in (r for r in rows if r.member_id == drop_id):
        other = kept.get(row.meeting_id)
        if other is not None:
            rank = (_MORE_INFORMATIVE.get(row.status, 0), bool(row.reason), as_utc(row.updated_at))
            if rank <= (_MORE_INFORMATIVE.get(other.status, 0), bool(other.reason), as_utc(other.updated_at)):
                db.session.delete(row)
                continue
            db.session.delete(other)
            db.session.flush()
        if row.client_ref in refs:
            row.client_ref = None
        row.member_id = keep_id
    db.session.flush()


def _carry_dismissals(keep_id: int, drop_id: int) -> None:
    """'Not the same person as X' said of the dropped record now holds for the kept one (X ≠ kept)."""
    pairs = DuplicateDismissal.__table__.c
    rows = db.session.scalars(select(DuplicateDismissal).where(
        (DuplicateDismissal.member_a_id == drop_id) | (DuplicateDismissal.member_b_id == drop_id))).all()
    existing = set(db.session.execute(select(pairs.member_a_id, pairs.member_b_id).where(
        (pairs.member_a_id == keep_id) | (pairs.member_b_id == keep_id))).all())
    for row in rows:
        other = row.member_b_id if row.member_a_id == drop_id else row.member_a_id
        pair = tuple(sorted((keep_id, other)))
        if other == keep_id or pair in existing:
            db.session.delete(row)
        else:
            row.member_a_id, row.member_b_id = pair
            existing.add(pair)
    db.session.flush()


def _carry_votes(keep_id: int, drop_id: int) -> None:
    """Votes list who was entitled by member id (JSON, no foreign key): the dropped id becomes the kept one."""
    like = cast(Vote.entitled_member_ids, Text).like(f"%{drop_id}%")  # a coarse filter; the exact check follows
    for vote in db.session.scalars(select(Vote).where(like)):
        ids = list(vote.entitled_member_ids or [])
        if drop_id in ids:
            vote.entitled_member_ids = [i for i in dict.fromkeys(keep_id if i == drop_id else i for i in ids)]


def _drop_placements(keep_id: int, drop_id: int) -> None:
    """The kept record's cells over time stay as they are; the dropped record's go with it (carried over, two
    placements on one day would count the person twice in the counts as of a date)."""
    db.session.execute(delete(MemberPlacement).where(MemberPlacement.member_id == drop_id))


# Every column referencing members.id, and how a merge carries it; any other is moved as it is (a test compares
# this with the schema, so a new table is a decision, not an accident).
CARRIED_SPECIALLY = {
    ("member_placements", "member_id"): _drop_placements,
    ("meeting_attendance", "member_id"): _carry_attendance,
    ("member_duplicate_dismissals", "member_a_id"): _carry_dismissals,
    ("member_duplicate_dismissals", "member_b_id"): _carry_dismissals,
}
MOVED_AS_THEY_ARE = {("member_status_history", "member_id"), ("member_changes", "member_id"),
                     ("calendar_tokens", "member_id"), ("member_temporary_arrivals", "member_id")}


def carry_reference(table_name: str, column_name: str, carry=None) -> None:
    """A feature above members says how a merge carries its column referring to members.id: moved as it is
    (`carry` None), or by `carry(keep_id, drop_id)` — called once however many columns share it."""
    if carry is None:
        MOVED_AS_THEY_ARE.add((table_name, column_name))
    else:
        CARRIED_SPECIALLY[(table_name, column_name)] = carry


def member_references() -> set[tuple[str, str]]:
    """(table, column) of every foreign key to members.id in the schema."""
    return {(table.name, fk.parent.name) for table in db.metadata.sorted_tables for fk in table.foreign_keys
            if fk.column.table.name == Member.__tablename__ and table.name != Member.__tablename__}


def _carry_references(keep_id: int, drop_id: int) -> None:
    done = set()
    for table_name, column_name in sorted(member_references()):
        special = CARRIED_SPECIALLY.get((table_name, column_name))
        if special is not None:
            if special not in done:
                special(keep_id, drop_id)
                done.add(special)
            continue
        table = db.metadata.tables[table_name]
        db.session.execute(update(table).where(table.c[column_name] == drop_id).values({column_name: keep_id}))
    _carry_votes(keep_id, drop_id)


def merge(keep: Member, drop: Member, actor: Actor) -> list[str]:
    """Keep one record: fill its empty fields from the other, take over its account, its history and everything
    that refers to it (attendance, absence notices, calendar feeds, votes' lists…), delete it. One transaction."""
    if keep.id == drop.id:
        raise ValueError(str(_l("Không thể gộp một hồ sơ với chính nó.")))
    filled = []
    drop_values = {name: getattr(drop, name) for name in RECORD_FIELDS}
    placement = {name: getattr(drop, name) for name in PLACEMENT_FIELDS}
    if drop.cell_id != keep.cell_id:  # a tổ đảng belongs to its own chi bộ
        placement["group_id"] = None
    if placement["temporary_cell_id"] in (None, keep.cell_id) or keep.temporary_cell_id is not None:
        placement["temporary_cell_id"] = placement["temporary_until"] = None
    drop_user, drop_id = drop.user_id, drop.id
    _carry_references(keep.id, drop_id)
    db.session.delete(drop)
    db.session.flush()  # frees the unique CCCD, card number and account before they move
    for name, value in {**drop_values, **placement}.items():
        if value is not None and getattr(keep, name) in (None, ""):
            setattr(keep, name, value)
            filled.append(name)
            _change(keep.id, name, None, str(getattr(value, "value", value)), actor)
    if keep.user_id is None and drop_user is not None:
        keep.user_id = drop_user
        filled.append("user_id")
    elif drop_user is not None and drop_user != keep.user_id:
        _close_account(drop_user, actor)  # one person, one account: the kept record's
    phone = keep.phone
    align_login_phone(keep, actor)  # the kept record's phone and its account's login are one number
    if keep.phone != phone:
        filled.append("phone")
        _change(keep.id, "phone", None, keep.phone, actor)
    refresh_status(keep)  # the status history now holds both records' rows
    if keep.status in LEFT_STATUSES:
        end_access(keep, actor)
    _change(keep.id, "merge", f"#{drop_id}", f"#{keep.id}", actor)
    audit.record("members.merge", actor, target_type="member", target_id=keep.id, kept_id=keep.id,
                 merged_id=drop_id, fields=filled)
    db.session.commit()
    return filled


def _close_account(user_id: int, actor: Actor) -> None:
    """The dropped record's own account, when the kept record has another: it no longer signs in — sessions and
    API tokens end, its positions go (they were the dropped record's; the kept account keeps its own), its phone
    no longer logs in. Audited, in the merge's transaction."""
    account = db.session.get(User, user_id)
    end_other_access(user_id, actor=actor, reason="merge")
    positions = db.session.execute(delete(Position).where(Position.user_id == user_id)).rowcount
    account.is_active_account, account.phone = False, None
    audit.record("auth.account_closed", actor, target_type="user", target_id=user_id, count=positions,
                 reason="merge")


def dismiss(a: Member, b: Member, actor: Actor) -> None:
    """Record that two records are different people; they are not suggested again."""
    low, high = sorted((a.id, b.id))
    exists = db.session.scalar(select(DuplicateDismissal.id).where(
        DuplicateDismissal.member_a_id == low, DuplicateDismissal.member_b_id == high))
    if exists is None:
        db.session.add(DuplicateDismissal(member_a_id=low, member_b_id=high, dismissed_by_id=actor.user_id))
    _change(low, "not_duplicate", None, f"#{high}", actor)
    _change(high, "not_duplicate", None, f"#{low}", actor)
    audit.record("members.not_duplicate", actor, target_type="member", target_id=low, member_id=low, other_id=high)
    db.session.commit()
