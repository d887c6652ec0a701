"""The annual evaluation (đánh giá, xếp loại chất lượng đảng viên): a year's round per organisation, each member's
self-assessment on the form of their kind, and the rating the organisation records — one per (member, year,
organisation), so a member with several posts is reviewed at each (docs/domain.md: Annual evaluation)."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from handbook.core.timeutil import utcnow
from handbook.extensions import db, enum_type
from handbook.members.models import Member
from handbook.org.models import Organisation


class Level(enum.StrEnum):
    """The four levels of Quy định 366-QĐ/TW, best first."""

    XUAT_SAC = "xuat_sac"                  # hoàn thành xuất sắc nhiệm vụ
    TOT = "tot"                            # hoàn thành tốt nhiệm vụ
    HOAN_THANH = "hoan_thanh"              # hoàn thành nhiệm vụ
    KHONG_HOAN_THANH = "khong_hoan_thanh"  # không hoàn thành nhiệm vụ


class FormKind(enum.StrEnum):
    """The self-assessment forms of Hướng dẫn 43-HD/BTCTW (evaluation/rules.py says who uses which)."""

    A = "2A"  # holds a leadership or management post
    B = "2B"  # works in the political system without such a post
    C = "2C"  # does not work in the political system (retired, private sector, farmers, students…)


class AssessmentStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class EvaluationRound(db.Model):
    """An organisation's review of one year: opened by its leaders (or by itself from the configured day), with the
    day self-assessments are due; closed when the organisation has voted."""

    __tablename__ = "evaluation_rounds"
    __table_args__ = (UniqueConstraint("organisation_id", "year", name="uq_evaluation_rounds_org_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    opened_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)  #: the last day to submit a self-assessment
    closed_on: Mapped[date | None] = mapped_column(Date)  #: no more self-assessments after this day
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisation: Mapped[Organisation] = relationship()


class SelfAssessment(db.Model):
    """A member's self-assessment of a year at one organisation: saved as a draft, submitted once (read-only
    afterwards unless the organisation reopens it)."""

    __tablename__ = "evaluation_self_assessments"
    __table_args__ = (
        UniqueConstraint("member_id", "year", "organisation_id", name="uq_evaluation_self_member_year_org"),
        Index("ix_evaluation_self_org_year", "organisation_id", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    form: Mapped[FormKind] = mapped_column(enum_type(FormKind, 2))
    #: the leaders chose the form (it no longer follows the member's positions)
    form_fixed: Mapped[bool] = mapped_column(Boolean, default=False)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  #: section code → the member's text
    proposed_level: Mapped[Level | None] = mapped_column(enum_type(Level, 20))  #: the member's own proposal
    status: Mapped[AssessmentStatus] = mapped_column(enum_type(AssessmentStatus, 10), default=AssessmentStatus.DRAFT)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reopened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    member: Mapped[Member] = relationship()
    organisation: Mapped[Organisation] = relationship()


class Rating(db.Model):
    """The level an organisation decided for a member for a year, with the score on 100 points."""

    __tablename__ = "evaluation_ratings"
    __table_args__ = (
        UniqueConstraint("member_id", "year", "organisation_id", name="uq_evaluation_ratings_member_year_org"),
        Index("ix_evaluation_ratings_org_year", "organisation_id", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    score_tenths: Mapped[int] = mapped_column(Integer)  #: the score × 10 (0–1000): one decimal, no float rounding
    level: Mapped[Level] = mapped_column(enum_type(Level, 20))
    all_tasks_done: Mapped[bool] = mapped_column(Boolean, default=False)  #: every assigned task done, on time
    exceeding_share: Mapped[int | None] = mapped_column(Integer)  #: % of tasks done beyond what was asked
    note: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    member: Mapped[Member] = relationship()
    organisation: Mapped[Organisation] = relationship()

    @property
    def score(self) -> Decimal:
        return Decimal(self.score_tenths) / 10
