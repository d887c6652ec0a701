"""A member's exemption from party work and meetings (miễn công tác và sinh hoạt đảng) or temporary exemption
(tạm miễn sinh hoạt): the request, the cell's decision and the period (docs/domain.md: Exemption)."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from handbook.auth.models import User
from handbook.core.timeutil import utcnow
from handbook.extensions import db, enum_type
from handbook.members.models import Member, MemberStatus


class ExemptionKind(enum.StrEnum):
    MIEN = "mien"          # miễn công tác và sinh hoạt đảng: no end day needed
    TAM_MIEN = "tam_mien"  # tạm miễn sinh hoạt: an end day, under EXEMPTION_MAX_MONTHS


class ExemptionReason(enum.StrEnum):
    TUOI_CAO = "tuoi_cao"            # old age (past working age)
    SUC_KHOE = "suc_khoe"            # ill health, long treatment
    LAM_AN_XA = "lam_an_xa"          # working far away, mobile work, no party organisation there
    NUOC_NGOAI = "nuoc_ngoai"        # abroad alone (work, treatment, family)
    THAI_SAN = "thai_san"            # maternity leave
    CHO_NGHI_HUU = "cho_nghi_huu"    # off work awaiting retirement
    KHAC = "khac"


class ExemptionStatus(enum.StrEnum):
    PENDING = "pending"      # asked; the cell has not decided
    APPROVED = "approved"    # decided; exempt from `starts_on` (once `started`) until `until`
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"  # the member (or the leader who recorded it) took the request back
    ENDED = "ended"          # the period ended, or the cell ended it early: back from `ended_on`
    CANCELLED = "cancelled"  # approved, then ended by the cell before it started


#: the statuses of a request or exemption that still holds its period (a new one may not overlap it)
OPEN_STATUSES = (ExemptionStatus.PENDING, ExemptionStatus.APPROVED)
#: the member's status while exempt, by kind
STATUS_OF_KIND = {ExemptionKind.MIEN: MemberStatus.MIEN_SINH_HOAT, ExemptionKind.TAM_MIEN: MemberStatus.TAM_MIEN}


class Exemption(db.Model):
    __tablename__ = "member_exemptions"
    #: "the open exemptions of these members" (overlap checks, the cell's list, the worker's round)
    __table_args__ = (Index("ix_member_exemptions_member_status", "member_id", "status"),
                      Index("ix_member_exemptions_status_start", "status", "starts_on"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    kind: Mapped[ExemptionKind] = mapped_column(enum_type(ExemptionKind, 10))
    reason: Mapped[ExemptionReason] = mapped_column(enum_type(ExemptionReason, 15))
    detail: Mapped[str | None] = mapped_column(String(500))  # the member's own words
    starts_on: Mapped[date] = mapped_column(Date)
    #: the last day exempt (inclusive); None: a miễn without an end day (it ends when the cell decides)
    until: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ExemptionStatus] = mapped_column(enum_type(ExemptionStatus, 10), default=ExemptionStatus.PENDING)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_number: Mapped[str | None] = mapped_column(String(60))  # the cell's resolution
    decision_date: Mapped[date | None] = mapped_column(Date)
    refusal_reason: Mapped[str | None] = mapped_column(String(500))
    #: the exempt status row was written (on the start day: by the decision, or the worker's round)
    started: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the status the member had before, given back at the end (chính thức or dự bị)
    previous_status: Mapped[MemberStatus | None] = mapped_column(enum_type(MemberStatus, 20))
    #: the first day back at meetings (the day after `until`, or the day the cell ended it early)
    ended_on: Mapped[date | None] = mapped_column(Date)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    end_reason: Mapped[str | None] = mapped_column(String(500))

    member: Mapped[Member] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def exempt_status(self) -> MemberStatus:
        return STATUS_OF_KIND[self.kind]

    def covers(self, day: date) -> bool:
        """Exempt on `day` by this record's dates (an approved or ended exemption)."""
        if self.status not in (ExemptionStatus.APPROVED, ExemptionStatus.ENDED) or day < self.starts_on:
            return False
        if self.ended_on is not None:
            return day < self.ended_on
        return self.until is None or day <= self.until
