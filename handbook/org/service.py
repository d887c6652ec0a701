"""Building and reading the organisation tree."""
from __future__ import annotations

from sqlalchemy import String, func, select, union_all

from handbook.core.i18n import lazy_gettext as _l
from handbook.extensions import db
from handbook.org.models import CELL_KINDS, Organisation, OrgKind, Position, Role, Scope

KIND_LABELS = {
    OrgKind.DANG_BO_TINH: _l("Đảng bộ tỉnh/thành phố"),
    OrgKind.DANG_BO_HUYEN: _l("Đảng bộ huyện (trước 7/2025)"),
    OrgKind.DANG_BO_XA: _l("Đảng bộ xã/phường"),
    OrgKind.DANG_BO_CO_SO: _l("Đảng bộ cơ sở"),
    OrgKind.CHI_BO_CO_SO: _l("Chi bộ cơ sở"),
    OrgKind.DANG_BO_BO_PHAN: _l("Đảng bộ bộ phận"),
    OrgKind.CHI_BO: _l("Chi bộ"),
    OrgKind.TO_DANG: _l("Tổ đảng"),
}

ROLE_LABELS = {
    Role.BI_THU: _l("Bí thư"),
    Role.PHO_BI_THU: _l("Phó Bí thư"),
    Role.CAP_UY_VIEN: _l("Cấp ủy viên"),
    Role.CAN_BO: _l("Cán bộ cơ quan đảng"),
}


def create_organisation(name: str, kind: OrgKind, parent: Organisation | None = None) -> Organisation:
    """Add a node and set its materialised path (flushes to get the id)."""
    if kind is OrgKind.TO_DANG and (parent is None or parent.kind not in CELL_KINDS):
        raise ValueError("Tổ đảng phải thuộc một chi bộ.")
    org = Organisation(name=name, kind=kind, parent_id=parent.id if parent else None)
    db.session.add(org)
    db.session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    org.depth = (parent.depth + 1) if parent else 0
    return org


def grant_position(user_id: int, org: Organisation, role: Role, scope: Scope = Scope.SUBTREE) -> Position:
    position = Position(user_id=user_id, organisation_id=org.id, role=role, scope=scope)
    db.session.add(position)
    return position


def ancestors(org: Organisation) -> list[Organisation]:
    """Root first, in one query."""
    ids = org.ancestor_ids
    if not ids:
        return []
    found = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def children(org: Organisation) -> list[Organisation]:
    return list(
        db.session.scalars(select(Organisation).where(Organisation.parent_id == org.id).order_by(Organisation.name))
    )


def position_title(role: Role, org: Organisation) -> str:
    """'Bí thư Chi bộ Khu phố 3', 'Chi ủy viên', 'Cán bộ Đảng bộ phường …' (`org`: anything with its kind and name)."""
    if role is Role.CAP_UY_VIEN and org.kind in CELL_KINDS:
        return str(_l("Chi ủy viên"))
    label = str(ROLE_LABELS[role])
    if role is Role.CAN_BO:
        return f"{label} — {org.name}"
    return f"{label} {org.name}"


def positions_of(user_id: int) -> list[Position]:
    return list(db.session.scalars(select(Position).where(Position.user_id == user_id)))


def _range_end(path_column):
    """SQL for the upper bound of a subtree range, as in access._subtree."""
    return func.substr(path_column, 1, func.length(path_column) - 1, type_=String) + "0"


def count_members_by_org(org_ids: list[int]) -> dict[int, int]:
    """Members (any status) of each of org_ids, in one query: for a cell or a committee, those whose cell is it
    or below it; for a tổ đảng (no member has it as their cell), those whose group it is."""
    from handbook.members.models import Member

    if not org_ids:
        return {}
    parents = select(Organisation.id, Organisation.path).where(Organisation.id.in_(org_ids)).subquery()
    cells = Organisation.__table__.alias("cells")
    by_cell = (
        select(parents.c.id.label("org_id"), func.count(Member.id).label("n"))
        .select_from(parents)
        .join(cells, (cells.c.path >= parents.c.path) & (cells.c.path < _range_end(parents.c.path)))
        .join(Member, Member.cell_id == cells.c.id)
        .group_by(parents.c.id)
    )
    # group_id only ever names a tổ đảng, so this part finds nothing for the other kinds (and the first part
    # nothing for a tổ): each id gets its count from one of the two
    by_group = (select(Member.group_id.label("org_id"), func.count(Member.id).label("n"))
                .where(Member.group_id.in_(org_ids)).group_by(Member.group_id))
    counts: dict[int, int] = {}
    for org_id, count in db.session.execute(union_all(by_cell, by_group)):
        counts[org_id] = counts.get(org_id, 0) + count
    return counts
