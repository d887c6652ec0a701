"""The organisation tree (materialised path) and positions held in it."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from handbook.core.timeutil import utcnow
from handbook.extensions import db, enum_type


class OrgKind(enum.StrEnum):
    DANG_BO_TINH = "dang_bo_tinh"          # đảng bộ tỉnh / thành phố
    DANG_BO_HUYEN = "dang_bo_huyen"        # district level, only in data from before 7/2025
    DANG_BO_XA = "dang_bo_xa"              # đảng bộ xã / phường / đặc khu
    DANG_BO_CO_SO = "dang_bo_co_so"
    CHI_BO_CO_SO = "chi_bo_co_so"          # a grassroots organisation that is itself a cell
    DANG_BO_BO_PHAN = "dang_bo_bo_phan"
    CHI_BO = "chi_bo"
    TO_DANG = "to_dang"                    # a group inside a big cell


CELL_KINDS = (OrgKind.CHI_BO, OrgKind.CHI_BO_CO_SO)


class Role(enum.StrEnum):
    BI_THU = "bi_thu"
    PHO_BI_THU = "pho_bi_thu"
    CAP_UY_VIEN = "cap_uy_vien"   # chi ủy viên / cấp ủy viên
    CAN_BO = "can_bo"             # staff of a committee (ban tổ chức, văn phòng…)


class Scope(enum.StrEnum):
    UNIT = "unit"        # this organisation only
    SUBTREE = "subtree"  # this organisation and everything below it


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrgKind] = mapped_column(enum_type(OrgKind, 20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # "/1/7/42/": ids from the root down to this node; a subtree is a range of this column.
    path: Mapped[str] = mapped_column(String(255), index=True, default="")
    depth: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    parent: Mapped[Organisation | None] = relationship(remote_side=[id])

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]


class Position(db.Model):
    """A role a user holds in an organisation; it grants access per its scope."""

    __tablename__ = "positions"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", "role", name="uq_positions_user_org_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role, 20))
    scope: Mapped[Scope] = mapped_column(enum_type(Scope, 10), default=Scope.SUBTREE)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
