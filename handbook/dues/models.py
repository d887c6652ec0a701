"""Party dues (đảng phí): where each organisation's members attend for the regional minimum wage, each member's
dues profile over time, exemptions and reductions with their decisions, and the months paid — one row per member
and month (docs/domain.md: Dues). The handbook records what the cell collected; it takes no money."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from handbook.core.timeutil import utcnow
from handbook.extensions import db, enum_type
from handbook.members.models import Member
from handbook.org.models import Organisation


class Category(enum.StrEnum):
    """What a member's monthly dues are computed from."""

    WAGE = "wage"          # tiền lương tháng làm căn cứ đóng bảo hiểm xã hội: 1 %
    BENEFIT = "benefit"    # trợ cấp ốm đau, thai sản while on that leave: 1 %
    PENSION = "pension"    # lương hưu: 0.5 %
    STUDENT = "student"    # học sinh, sinh viên: a flat amount
    OTHER = "other"        # neither social insurance nor a pension: a share of the regional minimum wage


#: categories whose amount is a share of the member's own base amount
BASED = (Category.WAGE, Category.BENEFIT, Category.PENSION)


class Method(enum.StrEnum):
    CASH = "cash"      # tiền mặt, to the cell's collector
    PORTAL = "portal"  # Cổng Dịch vụ công quốc gia, with its transaction reference


class ReliefKind(enum.StrEnum):
    """Why a member pays less or nothing for a period (the 50-year exemption is not recorded: it is computed)."""

    POOR = "poor"                      # hộ nghèo, hộ cận nghèo: exempt
    ILLNESS = "illness"                # ốm đau hiểm nghèo: exempt
    SOCIAL_PENSION = "social_pension"  # hưởng trợ cấp hưu trí xã hội: exempt
    REDUCTION = "reduction"            # giảm 30, 50 or 70 % for at most 12 months


class DuesRegion(db.Model):
    """The region (vùng I–IV of the minimum-wage decree) a committee set on an organisation; everything below it
    inherits the nearest ancestor's setting."""

    __tablename__ = "dues_regions"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                 primary_key=True)
    region: Mapped[int] = mapped_column(SmallInteger)  #: 1 to 4
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DuesProfile(db.Model):
    """A member's category and base amount from a month on; the latest row at or before a month applies to it."""

    __tablename__ = "dues_profiles"
    __table_args__ = (UniqueConstraint("member_id", "from_month", name="uq_dues_profiles_member_month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    from_month: Mapped[date] = mapped_column(Date)  #: the first day of the first month it applies to
    category: Mapped[Category] = mapped_column(enum_type(Category, 10))
    base_amount: Mapped[int | None] = mapped_column(Integer)  #: đồng a month (wage, benefit, pension); else None
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DuesRelief(db.Model):
    """An exemption or a reduction decided for a member, for the months from `from_month` to `to_month`."""

    __tablename__ = "dues_reliefs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ReliefKind] = mapped_column(enum_type(ReliefKind, 16))
    percent: Mapped[int] = mapped_column(SmallInteger)  #: how much less: 30, 50, 70, or 100 for an exemption
    from_month: Mapped[date] = mapped_column(Date)
    to_month: Mapped[date | None] = mapped_column(Date)  #: the last month (first day); None: until revoked
    decision_number: Mapped[str] = mapped_column(String(60))
    decision_date: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DuesPayment(db.Model):
    """What a member paid for one month, as the cell's collector recorded it."""

    __tablename__ = "dues_payments"
    __table_args__ = (
        UniqueConstraint("member_id", "month", name="uq_dues_payments_member_month"),
        Index("ix_dues_payments_cell_month", "cell_id", "month"),
        Index("ix_dues_payments_month_cell", "month", "cell_id", "amount"),  # a month's totals over a subtree
        Index("ix_dues_payments_paid_on_cell", "paid_on", "cell_id", "amount"),  # the month's remittance
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    cell_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))  #: the cell that collected it
    month: Mapped[date] = mapped_column(Date)  #: the first day of the month paid for
    amount: Mapped[int] = mapped_column(Integer)  #: đồng
    expected: Mapped[int | None] = mapped_column(Integer)  #: the expected amount when it was recorded
    method: Mapped[Method] = mapped_column(enum_type(Method, 8))
    reference: Mapped[str | None] = mapped_column(String(60))  #: the portal's transaction reference
    paid_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    member: Mapped[Member] = relationship()
    cell: Mapped[Organisation] = relationship()
