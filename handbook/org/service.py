"""Reading the organisation tree (its changes: `org.changes`, re-exported here)."""
from __future__ import annotations

from sqlalchemy import select

from handbook.core.i18n import lazy_gettext as _l
from handbook.extensions import db
from handbook.org.models import CELL_KINDS, Organisation, OrgKind, Position, Role, Scope, UnitType

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

UNIT_TYPE_LABELS = {
    UnitType.DAN_CU: _l("Khu dân cư"),
    UnitType.CO_QUAN: _l("Cơ quan"),
    UnitType.SU_NGHIEP: _l("Đơn vị sự nghiệp"),
    UnitType.DOANH_NGHIEP: _l("Doanh nghiệp"),
    UnitType.QUAN_DOI: _l("Quân đội"),
    UnitType.CONG_AN: _l("Công an"),
    UnitType.KHAC: _l("Khác"),
}

ROLE_LABELS = {
    Role.BI_THU: _l("Bí thư"),
    Role.PHO_BI_THU: _l("Phó Bí thư"),
    Role.CAP_UY_VIEN: _l("Cấp ủy viên"),
    Role.CAN_BO: _l("Cán bộ cơ quan đảng"),
}


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


def children(org: Organisation, *, dissolved: bool = False) -> list[Organisation]:
    """The organisations directly under `org` by name (those dissolved only when asked)."""
    query = select(Organisation).where(Organisation.parent_id == org.id)
    if not dissolved:
        query = query.where(Organisation.dissolved_on.is_(None))
    return list(db.session.scalars(query.order_by(Organisation.name)))


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


# the tree's changes, where the callers of this module have always found create_organisation
from handbook.org.changes import (  # noqa: E402,F401
    OrgError,
    create_organisation,
    dissolve_organisation,
    move_organisation,
    rename_organisation,
)
from handbook.org.history import Decision, org_as_of  # noqa: E402,F401
