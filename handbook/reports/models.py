"""The periodic reviews a committee records: which list it reviewed, on which day, with whom on it."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from handbook.core.timeutil import utcnow
from handbook.extensions import db, enum_type
from handbook.org.models import Organisation


class ReviewKind(enum.StrEnum):
    """The lists the rules ask committees to review and report on periodically."""

    RETIRED_AT_WORKPLACE = "retired_workplace"  # retired members still attending their former workplace's cell
    NO_ATTENDANCE = "no_attendance"             # members who stopped attending (bỏ sinh hoạt)
    UNPAID_DUES = "unpaid_dues"                 # 3 or more months of dues unpaid in the year


class PeriodicReview(db.Model):
    """An organisation reviewed one of its lists on a day; `members` are the people on the list then."""

    __tablename__ = "report_reviews"
    __table_args__ = (Index("ix_report_reviews_org_kind_day", "organisation_id", "kind", "reviewed_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    kind: Mapped[ReviewKind] = mapped_column(enum_type(ReviewKind, 20))
    reviewed_on: Mapped[date] = mapped_column(Date)
    #: how many were on the list when it was reviewed
    listed: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(String(1000))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisation: Mapped[Organisation] = relationship()


class PeriodicReviewMember(db.Model):
    """One member on a reviewed list."""

    __tablename__ = "report_review_members"
    __table_args__ = (UniqueConstraint("review_id", "member_id", name="uq_report_review_members_review_member"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("report_reviews.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
