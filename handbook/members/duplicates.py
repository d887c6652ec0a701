"""Suspected duplicate records within a committee's scope, merging them, or marking them as different people.

Same CCCD and same card number cannot happen (unique constraints); what is left to find is the same name and
birth date, the same phone, and names that differ only by case, spacing or Unicode form.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from sqlalchemy import and_, select, update

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import lazy_gettext as _l
from handbook.extensions import db
from handbook.members.models import DuplicateDismissal, Member, MemberChange, MemberStatusHistory
from handbook.members.records import align_login_phone
from handbook.members.validation import RECORD_FIELDS, name_key
from handbook.org.models import Organisation

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
        from handbook.org import access as acl  # org's access rules read members' models, not the reverse

        query = query.where(Member.cell_id.in_(acl.managed_org_ids(scope)))
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


def merge(keep: Member, drop: Member, actor: Actor) -> list[str]:
    """Keep one record: fill its empty fields from the other, take over its account and history, delete it."""
    if keep.id == drop.id:
        raise ValueError(str(_l("Không thể gộp một hồ sơ với chính nó.")))
    filled = []
    drop_values = {name: getattr(drop, name) for name in RECORD_FIELDS}
    drop_user, drop_id = drop.user_id, drop.id
    db.session.execute(update(MemberStatusHistory).where(MemberStatusHistory.member_id == drop_id)
                       .values(member_id=keep.id))
    db.session.execute(update(MemberChange).where(MemberChange.member_id == drop_id).values(member_id=keep.id))
    db.session.delete(drop)
    db.session.flush()  # frees the unique CCCD, card number and account before they move
    for name, value in drop_values.items():
        if value is not None and getattr(keep, name) in (None, ""):
            setattr(keep, name, value)
            filled.append(name)
            _change(keep.id, name, None, str(getattr(value, "value", value)), actor)
    if keep.user_id is None and drop_user is not None:
        keep.user_id = drop_user
        filled.append("user_id")
    phone = keep.phone
    align_login_phone(keep, actor)  # the kept record's phone and its account's login are one number
    if keep.phone != phone:
        filled.append("phone")
        _change(keep.id, "phone", None, keep.phone, actor)
    _change(keep.id, "merge", f"#{drop_id}", f"#{keep.id}", actor)
    audit.record("members.merge", actor, target_type="member", target_id=keep.id, kept_id=keep.id,
                 merged_id=drop_id, fields=filled)
    db.session.commit()
    return filled


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
