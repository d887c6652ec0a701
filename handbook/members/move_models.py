"""Chuyển sinh hoạt đảng: a member's moves, permanent or temporary, and the directory of receiving organisations
(docs/domain.md: Transfers)."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from handbook.core.timeutil import utcnow
from handbook.extensions import db, enum_type
from handbook.members.models import Member
from handbook.org.models import Organisation


class MoveKind(enum.StrEnum):
    PERMANENT = "chinh_thuc"  # chuyển sinh hoạt đảng chính thức: the member's record moves
    TEMPORARY = "tam_thoi"    # sinh hoạt tạm thời: attends another cell for a while, record stays


class MoveReason(enum.StrEnum):
    """The change that calls for the move."""

    CONG_TAC = "cong_tac"  # new job, work elsewhere (both kinds)
    NGHI_HUU = "nghi_huu"  # retirement, leaving the job (permanent)
    CU_TRU = "cu_tru"      # a long-term change of residence (permanent)
    HOC_TAP = "hoc_tap"    # study (temporary)


class MoveState(enum.StrEnum):
    REQUESTED = "requested"  # the member (or a leader for them) asked; the sending cell has not issued the letter
    LETTER = "letter"        # the letter (giấy giới thiệu) is issued; the member presents it at the destination
    RECEIVED = "received"    # the destination received the member: the move is done
    CANCELLED = "cancelled"  # withdrawn before it was done
    LAPSED = "lapsed"        # the letter was not presented within its deadline


OPEN_STATES = (MoveState.REQUESTED, MoveState.LETTER)


class ReceivingOrganisation(db.Model):
    """An entry of the directory of organisations members move to — of this deployment (`organisation_id`) or not —
    kept by a committee (`owner_id`) for those choosing where to move."""

    __tablename__ = "receiving_organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the committee whose staff maintain the entry
    owner_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(30))
    #: the same organisation in this deployment's tree, when it is one: a move there is received in the app
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    hours: Mapped[str | None] = mapped_column(String(200))  # when it receives members, as free text
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    owner: Mapped[Organisation] = relationship(foreign_keys=[owner_id])
    organisation: Mapped[Organisation | None] = relationship(foreign_keys=[organisation_id])


class MemberTransfer(db.Model):
    """One move of a member, from the request to its end. Permanent: the letter must be presented within 30 working
    days (`present_by`); received inside this deployment, the member's placement moves to the receiving cell; sent
    outside, the member's status becomes chuyển đi. Temporary: the member attends `to_org` until `until`."""

    __tablename__ = "member_transfers"
    __table_args__ = (Index("ix_member_transfers_state_present_by", "state", "present_by"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MoveKind] = mapped_column(enum_type(MoveKind, 10))
    reason: Mapped[MoveReason] = mapped_column(enum_type(MoveReason, 10))
    state: Mapped[MoveState] = mapped_column(enum_type(MoveState, 10), default=MoveState.REQUESTED, index=True)
    #: the cell the member leaves (their cell when the request was made)
    from_cell_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: where the member goes in this deployment (a cell, or a committee that places them in one of its cells)
    to_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    destination_id: Mapped[int | None] = mapped_column(ForeignKey("receiving_organisations.id", ondelete="SET NULL"))
    #: the destination's name as it stood when chosen (the directory entry may change or go)
    destination_name: Mapped[str] = mapped_column(String(200))
    #: the day of the change (the decision's effect, the retirement, the move of residence)
    change_day: Mapped[date] = mapped_column(Date)
    #: the last day to obtain the letter: 60 working days after the change (permanent)
    request_by: Mapped[date | None] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)  # a temporary move's last day
    note: Mapped[str | None] = mapped_column(String(255))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    letter_number: Mapped[str | None] = mapped_column(String(60))
    letter_day: Mapped[date | None] = mapped_column(Date)
    letter_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the last day to present the letter at the destination: 30 working days after it (permanent)
    present_by: Mapped[date | None] = mapped_column(Date)
    received_day: Mapped[date | None] = mapped_column(Date)
    #: the cell the member was received into (inside this deployment)
    received_cell_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # received, cancelled or lapsed

    member: Mapped[Member] = relationship()
    from_cell: Mapped[Organisation] = relationship(foreign_keys=[from_cell_id])
    to_org: Mapped[Organisation | None] = relationship(foreign_keys=[to_org_id])
    received_cell: Mapped[Organisation | None] = relationship(foreign_keys=[received_cell_id])
    destination: Mapped[ReceivingOrganisation | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def inside(self) -> bool:
        """Received in the app (a destination of this deployment), rather than outside it."""
        return self.to_org_id is not None
