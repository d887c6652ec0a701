"""Building and reading the organisation tree."""
from __future__ import annotations

from sqlalchemy import select

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
