"""Who is reviewed where: a member at their cell, and also at every organisation where they hold a leadership post
(bí thư, phó bí thư, cấp ủy viên) — "someone with several posts is reviewed at each"."""
from __future__ import annotations

from sqlalchemy import or_, select

from handbook.extensions import db
from handbook.members.collation import name_sort_key
from handbook.members.models import LEFT_STATUSES, Member
from handbook.org.models import Organisation, Position, Role

#: the positions that are posts of leadership in the Party (committee staff are not reviewed for their post)
POST_ROLES = (Role.BI_THU, Role.PHO_BI_THU, Role.CAP_UY_VIEN)


def reviewed_at(org: Organisation) -> list[Member]:
    """The members reviewed at `org`: those placed in it (a cell) and those holding a post on it, not one who left;
    in name order."""
    posts = select(Position.user_id).where(Position.organisation_id == org.id, Position.role.in_(POST_ROLES))
    where = [Member.user_id.in_(posts)]
    if org.is_cell:
        where.append(Member.cell_id == org.id)
    members = db.session.scalars(select(Member).where(or_(*where), Member.status.not_in(LEFT_STATUSES)))
    return sorted(members, key=lambda m: name_sort_key(m.full_name))


def posts_of(member: Member) -> list[Organisation]:
    """Where `member` is reviewed: their cell first, then the organisations where they hold a post."""
    found = [member.cell]
    if member.user_id is not None:
        for org in db.session.scalars(select(Organisation).join(Position, Position.organisation_id == Organisation.id)
                                      .where(Position.user_id == member.user_id, Position.role.in_(POST_ROLES))
                                      .order_by(Organisation.depth, Organisation.id)):
            if org.id not in {o.id for o in found}:
                found.append(org)
    return found


def holds_post(member: Member) -> bool:
    return member.user_id is not None and db.session.scalar(select(Position.id).where(
        Position.user_id == member.user_id, Position.role.in_(POST_ROLES)).limit(1)) is not None


def is_reviewed_at(member: Member, org: Organisation) -> bool:
    return member.status not in LEFT_STATUSES and any(o.id == org.id for o in posts_of(member))


CHUNK = 900  # ids per IN list


def reviewed_at_many(orgs: list[Organisation]) -> dict[int, dict[int, tuple[int | None, object]]]:
    """`reviewed_at` for many organisations at once (the daily reminders): organisation id → member id → (account,
    status); two queries per CHUNK organisations."""
    found: dict[int, dict[int, tuple[int | None, object]]] = {org.id: {} for org in orgs}
    ids = [org.id for org in orgs]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        cells = [org.id for org in orgs[start:start + CHUNK] if org.is_cell]
        rows = list(db.session.execute(select(Member.cell_id, Member.id, Member.user_id, Member.status).where(
            Member.cell_id.in_(cells), Member.status.not_in(LEFT_STATUSES)))) if cells else []
        rows += list(db.session.execute(
            select(Position.organisation_id, Member.id, Member.user_id, Member.status)
            .join(Member, Member.user_id == Position.user_id)
            .where(Position.organisation_id.in_(chunk), Position.role.in_(POST_ROLES),
                   Member.status.not_in(LEFT_STATUSES))))
        for org_id, member_id, user_id, status in rows:
            found[org_id][member_id] = (user_id, status)
    return found
