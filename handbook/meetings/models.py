"""Meetings of a cell or a tổ đảng and everything recorded about them."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from handbook.core.timeutil import utcnow
from handbook.extensions import db, enum_type
from handbook.org.models import Organisation


class MeetingKind(enum.StrEnum):
    THUONG_KY = "thuong_ky"    # the regular monthly meeting
    CHUYEN_DE = "chuyen_de"    # thematic, at least once a quarter
    BAT_THUONG = "bat_thuong"  # extraordinary
    CHI_UY = "chi_uy"          # meeting of the cell committee only


class MeetingFormat(enum.StrEnum):
    TRUC_TIEP = "truc_tiep"
    TRUC_TUYEN = "truc_tuyen"
    KET_HOP = "ket_hop"        # hybrid


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class AttendanceStatus(enum.StrEnum):
    CO_MAT = "co_mat"
    VANG_CO_LY_DO = "vang_co_ly_do"
    VANG_KHONG_LY_DO = "vang_khong_ly_do"
    MIEN = "mien"              # exempt members: not expected


class MeetingSeries(db.Model):
    """The yearly set of regular meetings created in one action."""

    __tablename__ = "meeting_series"
    __table_args__ = (UniqueConstraint("organisation_id", "year", name="uq_meeting_series_org_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    day_of_month: Mapped[int] = mapped_column(Integer, default=3)
    local_time: Mapped[str] = mapped_column(String(5), default="19:30")  # "HH:MM" in APP_TIMEZONE
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_org_start", "organisation_id", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_series.id", ondelete="SET NULL"), index=True)
    kind: Mapped[MeetingKind] = mapped_column(enum_type(MeetingKind, 12))
    format: Mapped[MeetingFormat] = mapped_column(enum_type(MeetingFormat, 12), default=MeetingFormat.TRUC_TIEP)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    duration_minutes: Mapped[int] = mapped_column(Integer, default=90)
    combined_thematic: Mapped[bool] = mapped_column(Boolean, default=False)  # thematic topic inside a regular one
    place: Mapped[str | None] = mapped_column(String(255))
    online_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[MeetingStatus] = mapped_column(enum_type(MeetingStatus, 10), default=MeetingStatus.SCHEDULED)
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    checkin_secret: Mapped[str] = mapped_column(String(32))  # base32 TOTP secret for the rotating check-in code
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    agenda: Mapped[list[AgendaItem]] = relationship(
        order_by="AgendaItem.position", cascade="all, delete-orphan", back_populates="meeting"
    )
    documents: Mapped[list[MeetingDocument]] = relationship(
        order_by="MeetingDocument.id", cascade="all, delete-orphan", back_populates="meeting"
    )


class AgendaItem(db.Model):
    __tablename__ = "meeting_agenda_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")


class MeetingDocument(db.Model):
    """An uploaded file (stored under instance/uploads) or a link, e.g. to a regulation article."""

    __tablename__ = "meeting_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    stored_name: Mapped[str | None] = mapped_column(String(64))  # random file name on disk
    filename: Mapped[str | None] = mapped_column(String(255))    # the name it is downloaded as
    content_type: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    link_url: Mapped[str | None] = mapped_column(String(500))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="documents")


class DocumentRead(db.Model):
    """A member opened a document of a meeting: the first time only (the committee's reach figures ask whether the
    documents were read before the meeting, nothing more)."""

    __tablename__ = "meeting_document_reads"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id", name="uq_meeting_document_reads_meeting_member"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    first_read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Attendance(db.Model):
    """One member at one meeting: check-in, absence notice or the leader's record."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id", name="uq_meeting_attendance_meeting_member"),
        UniqueConstraint("member_id", "client_ref", name="uq_meeting_attendance_member_client_ref"),
        # the reports count a subtree's attendance by status and find the unexcused absences from this index alone
        Index("ix_meeting_attendance_meeting_status", "meeting_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(enum_type(AttendanceStatus, 20))
    reason: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(10))  # notice | code | online | leader
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checkin_step: Mapped[int | None] = mapped_column(Integer)  # TOTP time step of the code used (replay guard)
    client_ref: Mapped[str | None] = mapped_column(String(64))  # client-generated id: an offline retry is one record
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class MinutesRevision(db.Model):
    """Every save of the minutes (biên bản) is a new revision; the latest is current."""

    __tablename__ = "meeting_minutes_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Resolution(db.Model):
    __tablename__ = "meeting_resolutions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Vote(db.Model):
    """A show-of-hands result, with who was entitled to vote at that moment."""

    __tablename__ = "meeting_votes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_agenda_items.id", ondelete="SET NULL"))
    question: Mapped[str] = mapped_column(String(300))
    rule: Mapped[str] = mapped_column(String(12))  # "half" (more than half) | "two_thirds"
    for_count: Mapped[int] = mapped_column(Integer)
    against_count: Mapped[int] = mapped_column(Integer)
    abstain_count: Mapped[int] = mapped_column(Integer)
    entitled_count: Mapped[int] = mapped_column(Integer)   # voting members of the cell
    present_count: Mapped[int] = mapped_column(Integer)    # of them, present
    entitled_member_ids: Mapped[list] = mapped_column(JSON)
    quorum_met: Mapped[bool] = mapped_column(Boolean)
    passed: Mapped[bool] = mapped_column(Boolean)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CalendarToken(db.Model):
    """A private, revocable ICS feed address; only the token's hash is stored."""

    __tablename__ = "calendar_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
