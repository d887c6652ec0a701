"""The organisation tree (materialised path) and positions held in it."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from handbook.core.fold import fold
from handbook.core.timeutil import utcnow
from handbook.extensions import db, enum_type


def name_key(name: str) -> str:
    """What Organisation.name_key holds for `name`: its folded words, single-spaced."""
    return " ".join(fold(name).split())


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


class UnitType(enum.StrEnum):
    """Where an organisation's members work or live (loại hình): a residential cell is where retired members are
    expected to attend."""

    DAN_CU = "dan_cu"              # khu dân cư, tổ dân phố, thôn, bản
    CO_QUAN = "co_quan"            # cơ quan đảng, nhà nước, đoàn thể
    SU_NGHIEP = "su_nghiep"        # đơn vị sự nghiệp: trường học, bệnh viện, trạm y tế…
    DOANH_NGHIEP = "doanh_nghiep"
    QUAN_DOI = "quan_doi"
    CONG_AN = "cong_an"
    KHAC = "khac"


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
    #: the name folded for search (no diacritics, lower case, single spaces: "phuong hai chau"), kept by `name`'s
    #: validator below; searched with LIKE '%…%', which reads every name in the database instead of in Python
    #: (benchmarks/tree_pages.py, 9,060 organisations: see benchmarks/README.md for the figures)
    name_key: Mapped[str] = mapped_column(String(200), default="", server_default="")
    kind: Mapped[OrgKind] = mapped_column(enum_type(OrgKind, 20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # "/1/7/42/": ids from the root down to this node; a subtree is a range of this column.
    path: Mapped[str] = mapped_column(String(255), index=True, default="")
    depth: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: the organisation's own code ("Mã" in a committee's lists and the Excel import); optional, unique
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    #: the day it ceased to exist (dissolved, or merged into another); its history, meetings and votes stay
    dissolved_on: Mapped[date | None] = mapped_column(Date)
    #: loại hình: residential or a workplace (None: not stated; the periodic review of retired members reads it)
    unit_type: Mapped[UnitType | None] = mapped_column(enum_type(UnitType, 12))

    parent: Mapped[Organisation | None] = relationship(remote_side=[id])

    @validates("name")
    def _fold_name(self, _key: str, name: str) -> str:
        self.name_key = name_key(name)
        return name

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


class OrgChangeKind(enum.StrEnum):
    CREATE = "create"
    RENAME = "rename"
    MOVE = "move"          # a new parent
    MERGE = "merge"        # on the organisation that received the others (details: merged ids)
    SPLIT = "split"        # on the organisation that was split (details: new ids)
    DISSOLVE = "dissolve"  # also each organisation merged into another (details: into)


class OrgChange(db.Model):
    """One dated change of the tree, by a decision (quyết định) with its number and signer."""

    __tablename__ = "org_changes"
    __table_args__ = (Index("ix_org_changes_org_on", "organisation_id", "on_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[OrgChangeKind] = mapped_column(enum_type(OrgChangeKind, 10))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    #: the day the change takes effect (the decision's effective date, not the day it was recorded)
    on: Mapped[date] = mapped_column("on_date", Date)
    decision_number: Mapped[str | None] = mapped_column(String(60))  # "125-QĐ/ĐU"
    signer: Mapped[str | None] = mapped_column(String(120))  # who signed the decision, as written on it
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: what changed: old/new name, old/new parent id, merged or new organisation ids, member counts
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    organisation: Mapped[Organisation] = relationship()


class OrgVersion(db.Model):
    """The organisation's name, kind and parent from `valid_from` (inclusive) to `valid_to` (exclusive; NULL: still
    so). "As it was on day D" is one indexed lookup: valid_from <= D < valid_to."""

    __tablename__ = "org_versions"
    __table_args__ = (Index("ix_org_versions_org_from", "organisation_id", "valid_from"),
                      Index("ix_org_versions_parent_from", "parent_id", "valid_from"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrgKind] = mapped_column(enum_type(OrgKind, 20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
