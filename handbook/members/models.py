"""A party member's record (docs/domain.md: Member record)."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, and_, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from handbook.auth.models import User
from handbook.core.timeutil import utcnow
from handbook.extensions import db, enum_type
from handbook.org.models import Organisation


class MemberStatus(enum.StrEnum):
    DU_BI = "du_bi"                    # probationary
    CHINH_THUC = "chinh_thuc"          # official
    MIEN_SINH_HOAT = "mien_sinh_hoat"  # miễn công tác và sinh hoạt đảng (old age, illness)
    TAM_MIEN = "tam_mien"              # tạm miễn sinh hoạt (e.g. working far away)
    CHUYEN_DI = "chuyen_di"            # transferred out
    DA_MAT = "da_mat"
    RA_KHOI_DANG = "ra_khoi_dang"      # xóa tên, khai trừ, xin ra


ACTIVE_STATUSES = (MemberStatus.DU_BI, MemberStatus.CHINH_THUC, MemberStatus.MIEN_SINH_HOAT, MemberStatus.TAM_MIEN)
# no longer in the cell: they keep their own record and nothing of the cell (org.access decides what that means)
LEFT_STATUSES = (MemberStatus.CHUYEN_DI, MemberStatus.RA_KHOI_DANG, MemberStatus.DA_MAT)


class Gender(enum.StrEnum):
    NAM = "nam"
    NU = "nu"


class OccupationGroup(enum.StrEnum):
    """The occupation groups committees report members and new members by."""

    CONG_NHAN = "cong_nhan"
    NONG_DAN = "nong_dan"
    CONG_CHUC = "cong_chuc"            # cán bộ, công chức
    VIEN_CHUC = "vien_chuc"            # public-service staff
    DN_NHA_NUOC = "dn_nha_nuoc"        # state enterprise staff
    DN_TU_NHAN = "dn_tu_nhan"          # private enterprise staff
    DN_FDI = "dn_fdi"                  # foreign-invested enterprise staff
    HOC_SINH_SINH_VIEN = "hssv"        # pupils and students
    LUC_LUONG_VU_TRANG = "llvt"        # armed forces
    HUU_TRI = "huu_tri"                # retired (members only: committees count them)
    KHAC = "khac"


class Member(db.Model):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), unique=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)  # the chi bộ where they meet
    group_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)  # optional tổ đảng
    # sinh hoạt tạm thời: the cell the member attends for a while (cannot vote there, not counted there)
    temporary_cell_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    temporary_until: Mapped[date | None] = mapped_column(Date)
    full_name: Mapped[str] = mapped_column(String(120))
    birth_name: Mapped[str | None] = mapped_column(String(120))  # họ tên khai sinh, when different
    birth_date: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[Gender | None] = mapped_column(enum_type(Gender, 5))
    ethnicity: Mapped[str | None] = mapped_column(String(40))
    religion: Mapped[str | None] = mapped_column(String(40))
    hometown: Mapped[str | None] = mapped_column(String(200))
    residence: Mapped[str | None] = mapped_column(String(200))
    cccd: Mapped[str | None] = mapped_column(String(12), unique=True)  # citizen ID, 12 digits
    phone: Mapped[str | None] = mapped_column(String(16))  # E.164
    email: Mapped[str | None] = mapped_column(String(254))
    education: Mapped[str | None] = mapped_column(String(40))          # giáo dục phổ thông, e.g. "12/12"
    qualification: Mapped[str | None] = mapped_column(String(120))     # chuyên môn
    political_theory: Mapped[str | None] = mapped_column(String(40))   # lý luận chính trị
    foreign_language: Mapped[str | None] = mapped_column(String(60))
    occupation: Mapped[str | None] = mapped_column(String(120))
    #: the group committees count the member under (composition reports); None: not stated
    occupation_group: Mapped[OccupationGroup | None] = mapped_column(enum_type(OccupationGroup, 12))
    admission_date: Mapped[date | None] = mapped_column(Date)  # ngày vào Đảng (the ceremony)
    official_date: Mapped[date | None] = mapped_column(Date)   # ngày chính thức
    card_number: Mapped[str | None] = mapped_column(String(20), unique=True)  # số thẻ đảng viên
    dossier_number: Mapped[str | None] = mapped_column(String(20))  # số lý lịch
    photo_file: Mapped[str | None] = mapped_column(String(64))  # file name under instance/member_photos/
    # Denormalised current status: the latest row of member_status_history, kept by the service only.
    status: Mapped[MemberStatus] = mapped_column(
        enum_type(MemberStatus, 20), default=MemberStatus.CHINH_THUC, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_members_name_birth", "full_name", "birth_date"),)

    cell: Mapped[Organisation] = relationship(foreign_keys=[cell_id])
    group: Mapped[Organisation | None] = relationship(foreign_keys=[group_id])
    temporary_cell: Mapped[Organisation | None] = relationship(foreign_keys=[temporary_cell_id])

    @property
    def given_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else ""


# Sinh hoạt tạm thời ends with its `temporary_until` day: from the next day the member attends their own cell only,
# whether or not the worker's daily round (members.transfers.end_expired) has cleared the placement yet.

def temporary_cell_on(member, today: date) -> int | None:
    """The cell `member` (a record, or a row with its temporary columns) attends temporarily on `today`; None once
    its `temporary_until` has passed."""
    until = getattr(member, "temporary_until", None)
    if member.temporary_cell_id is None or (until is not None and until < today):
        return None
    return member.temporary_cell_id


def attends_temporarily(org_id, today: date) -> ColumnElement[bool]:
    """SQL on Member: attending `org_id` temporarily on `today`."""
    return and_(Member.temporary_cell_id == org_id,
                or_(Member.temporary_until.is_(None), Member.temporary_until >= today))


class MemberStatusHistory(db.Model):
    """A dated status: the member is `status` from `from_date` until the next row."""

    __tablename__ = "member_status_history"
    #: covers "the status on day D" (members.counts): the latest row on or before D read from the index alone
    __table_args__ = (Index("ix_member_status_history_member_day", "member_id", "from_date", "id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    status: Mapped[MemberStatus] = mapped_column(enum_type(MemberStatus, 20))
    from_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(255))  # lý do / số quyết định
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    recorded_by: Mapped[User | None] = relationship()


class MemberPlacement(db.Model):
    """The cell a member belonged to from `valid_from` (inclusive) to `valid_to` (exclusive; NULL: still there).
    `Member.cell_id` is the open row's cell, kept so by `members.placements` only."""

    __tablename__ = "member_placements"
    #: covers "the placements valid on day D in these cells" (members.counts) without reading the table
    __table_args__ = (Index("ix_member_placements_cell_day", "cell_id", "valid_from", "valid_to", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    decision_number: Mapped[str | None] = mapped_column(String(60))  # the decision that moved the member
    reason: Mapped[str | None] = mapped_column(String(255))  # "Hợp nhất chi bộ", "Dữ liệu ban đầu", …
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    cell: Mapped[Organisation] = relationship()


class MemberChange(db.Model):
    """One changed field of a record (or an event such as a merge), for the history leaders see."""

    __tablename__ = "member_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(40))  # a Member column, or "status", "merge", "not_duplicate"
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    changed_by: Mapped[User | None] = relationship()


class DuplicateDismissal(db.Model):
    """Two records a committee checked and declared not to be the same person (low id first)."""

    __tablename__ = "member_duplicate_dismissals"
    __table_args__ = (UniqueConstraint("member_a_id", "member_b_id", name="uq_member_duplicate_dismissals_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_a_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    member_b_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    dismissed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    dismissed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TemporaryReason(enum.StrEnum):
    """Why a member attends another cell for a while; it bounds how long (domain: 3 to under 12 months, study up to
    24)."""

    CONG_TAC = "cong_tac"  # công tác, lao động
    HOC_TAP = "hoc_tap"    # học tập


class ArrivalStatus(enum.StrEnum):
    PENDING = "pending"      # the receiving cell asked; the member's own cell has not answered
    CONFIRMED = "confirmed"  # the member's cell agreed: the placement changed
    REFUSED = "refused"      # the member's cell said no


class TemporaryArrival(db.Model):
    """A cell's request to receive a member for sinh hoạt tạm thời, answered by the member's own cell (or a committee
    above it). Every request is kept whether or not its card number and second factor matched an active member
    (`member_id` is None when they did not), so the receiving cell sees the same thing either way."""

    __tablename__ = "member_temporary_arrivals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)  # receiving
    card_number: Mapped[str] = mapped_column(String(20))  # as the receiving cell typed it, spaces removed
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    reason: Mapped[TemporaryReason] = mapped_column(enum_type(TemporaryReason, 10))
    until: Mapped[date] = mapped_column(Date)
    status: Mapped[ArrivalStatus] = mapped_column(enum_type(ArrivalStatus, 10), default=ArrivalStatus.PENDING,
                                                  index=True)
    # the cell the member attended temporarily before the confirmation replaced it (it was told)
    previous_cell_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    cell: Mapped[Organisation] = relationship(foreign_keys=[cell_id])
    member: Mapped[Member | None] = relationship()
    previous_cell: Mapped[Organisation | None] = relationship(foreign_keys=[previous_cell_id])


class ImportPreview(db.Model):
    """An uploaded member file shown for preview (the file itself waits in instance/imports/). Confirming it is
    once-only: the import claims the row (`confirmed_at`) with a conditional UPDATE in the same transaction as
    its inserts, so a double submit — or two web processes — cannot import the file twice; a failed import
    leaves it unclaimed for another try."""

    __tablename__ = "member_import_previews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the token in the preview's URL
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    file_digest: Mapped[str] = mapped_column(String(64))  # sha256 of the uploaded file
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CodeBatch(db.Model):
    """The activation codes a leader issued for a whole cell at once, kept sealed (core/sealing: a copy of the
    database alone does not reveal them) until they expire, so the slips and the SMS texts can be printed again
    by the leader who issued them. The codes themselves are activation_codes rows (only their hashes)."""

    __tablename__ = "activation_code_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the token in the pages' URLs
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)  # who issued them
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)  # when the codes expire
    #: JSON [[member id, code], …], sealed with core.sealing.seal
    entries: Mapped[str] = mapped_column(Text)


class CountsVersion(db.Model):
    """One row (id 1) naming the current state of everything members.counts and the composition reports
    read — placements, status history, the members' fields counted or grouped by, organisation versions: a fresh
    random token written in the same transaction as every change to them (members.counts.watch_writes does it for
    the session's flushes and DML statements), so figures cached under a token are never read once the data
    changed. A write that bypasses the session (raw SQL in a migration) must call members.counts.bump itself. No
    row: nothing is cached."""

    __tablename__ = "member_counts_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(32))  #: uuid4 hex; never reused, so no cache can match another DB
