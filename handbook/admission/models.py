"""Growing the membership: candidates (quần chúng ưu tú), their admission dossier step by step, introducers, the
cell's reviews of its candidate list, sponsors' notes during probation, and committees' yearly targets
(docs/domain.md: Admission)."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from handbook.core.timeutil import utcnow
from handbook.extensions import db, enum_type
from handbook.members.models import Gender, Member, OccupationGroup  # noqa: F401 (re-exported)
from handbook.org.models import Organisation


class GeneralEducation(enum.StrEnum):
    """Giáo dục phổ thông: the highest school level finished."""

    TIEU_HOC = "tieu_hoc"  # primary: below what admission asks
    THCS = "thcs"          # lower secondary (9/12): the minimum
    THPT = "thpt"          # upper secondary (12/12)


class ProfessionalLevel(enum.StrEnum):
    """Trình độ chuyên môn: the highest qualification (committees report university, master, doctorate)."""

    KHONG = "khong"          # none
    SO_CAP = "so_cap"
    TRUNG_CAP = "trung_cap"
    CAO_DANG = "cao_dang"
    DAI_HOC = "dai_hoc"
    THAC_SI = "thac_si"
    TIEN_SI = "tien_si"


class Source(enum.StrEnum):
    """Where the cell found the candidate: the mass organisation that fostered and proposed them."""

    DOAN_THANH_NIEN = "doan_tn"
    HOI_PHU_NU = "hoi_phu_nu"
    CONG_DOAN = "cong_doan"
    HOI_NONG_DAN = "hoi_nong_dan"
    HOI_CUU_CHIEN_BINH = "hoi_ccb"
    HOI_SINH_VIEN = "hoi_sinh_vien"
    KHAC = "khac"


class CandidateStatus(enum.StrEnum):
    DANG_XET = "dang_xet"      # on the list: fostered, dossier under way
    DU_BI = "du_bi"            # admitted at the ceremony: a probationary member (`member_id`)
    CHINH_THUC = "chinh_thuc"  # recognised as official: the file is closed
    KHONG_CONG_NHAN = "khong_cong_nhan"  # not recognised at the end of probation
    DUNG = "dung"              # taken off the list (withdrew, moved away, failed verification…)


OPEN_STATUSES = (CandidateStatus.DANG_XET, CandidateStatus.DU_BI)


class StepStatus(enum.StrEnum):
    CHUA = "chua"          # not started
    DANG_LAM = "dang_lam"  # under way
    XONG = "xong"          # done, with its date
    KHONG_DAT = "khong_dat"  # done and failed (e.g. the verification found a problem)


class Candidate(db.Model):
    """One person's file from the candidate list to official membership: identity, the dossier's steps, and after
    the ceremony the member record it created and the sponsor assigned."""

    __tablename__ = "admission_candidates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)  # the chi bộ fostering them
    full_name: Mapped[str] = mapped_column(String(120))
    birth_date: Mapped[date] = mapped_column(Date)
    gender: Mapped[Gender] = mapped_column(enum_type(Gender, 5))
    ethnicity: Mapped[str] = mapped_column(String(40), default="Kinh")
    religion: Mapped[str | None] = mapped_column(String(40))  #: None: không (no religion)
    cccd: Mapped[str | None] = mapped_column(String(12), unique=True)  # citizen ID, 12 digits
    phone: Mapped[str | None] = mapped_column(String(16))  # E.164
    residence: Mapped[str | None] = mapped_column(String(200))
    hometown: Mapped[str | None] = mapped_column(String(200))
    general_education: Mapped[GeneralEducation] = mapped_column(enum_type(GeneralEducation, 10))
    #: why a candidate below lower secondary is considered (the exception for remote and ethnic-minority areas)
    education_exception: Mapped[str | None] = mapped_column(String(255))
    professional_level: Mapped[ProfessionalLevel] = mapped_column(enum_type(ProfessionalLevel, 10),
                                                                  default=ProfessionalLevel.KHONG)
    qualification: Mapped[str | None] = mapped_column(String(120))  # chuyên môn, e.g. "Cử nhân Kế toán"
    occupation: Mapped[str | None] = mapped_column(String(120))
    occupation_group: Mapped[OccupationGroup] = mapped_column(enum_type(OccupationGroup, 12),
                                                              default=OccupationGroup.KHAC)
    youth_union: Mapped[bool] = mapped_column(Boolean, default=False)  # đoàn viên Đoàn TNCS Hồ Chí Minh
    source: Mapped[Source] = mapped_column(enum_type(Source, 15), default=Source.KHAC)
    status: Mapped[CandidateStatus] = mapped_column(enum_type(CandidateStatus, 16), default=CandidateStatus.DANG_XET,
                                                    index=True)
    status_reason: Mapped[str | None] = mapped_column(String(255))  # why taken off the list / not recognised
    #: the competent committee granted the one extension of the decision's deadline (30 more working days)
    decision_extended: Mapped[bool] = mapped_column(Boolean, default=False)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), unique=True)
    #: đảng viên giúp đỡ: the official member who helps the probationary member (sees their file, writes notes)
    sponsor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    #: the day the ceremony admitted them (ngày vào Đảng): the start of the 12 months' probation
    admitted_on: Mapped[date | None] = mapped_column(Date, index=True)
    #: the day recognised as official (ngày chính thức): the end of the probation, whenever the decision came
    official_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    cell: Mapped[Organisation] = relationship()
    member: Mapped[Member | None] = relationship(foreign_keys=[member_id])
    sponsor: Mapped[Member | None] = relationship(foreign_keys=[sponsor_id])
    steps: Mapped[list[DossierStep]] = relationship(back_populates="candidate", cascade="all, delete-orphan",
                                                    order_by="DossierStep.id")
    introducers: Mapped[list[Introducer]] = relationship(back_populates="candidate", cascade="all, delete-orphan",
                                                         order_by="Introducer.id")

    def step(self, code: str) -> DossierStep | None:
        """The recorded step `code` of this file (None: not recorded)."""
        return next((row for row in self.steps if row.step == code), None)

    def done_on(self, code: str) -> date | None:
        """The date of step `code` when it is done and passed (XONG), else None."""
        row = self.step(code)
        return row.done_on if row is not None and row.status is StepStatus.XONG else None


class DossierStep(db.Model):
    """One step of the file (a form of the procedure, or an event such as the ceremony) with its date, number,
    responsible person, scanned attachment and status. Steps are created as they are recorded; the catalogue of
    steps and their order is `admission.steps`."""

    __tablename__ = "admission_steps"
    __table_args__ = (UniqueConstraint("candidate_id", "step", name="uq_admission_steps_candidate_step"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("admission_candidates.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(30))  #: a code of `admission.steps.STEPS`
    status: Mapped[StepStatus] = mapped_column(enum_type(StepStatus, 10), default=StepStatus.CHUA)
    done_on: Mapped[date | None] = mapped_column(Date)  # the date on the form (the day of the event)
    number: Mapped[str | None] = mapped_column(String(60))  # số nghị quyết / quyết định / giấy chứng nhận
    responsible: Mapped[str | None] = mapped_column(String(120))  # who carries the step
    note: Mapped[str | None] = mapped_column(String(500))
    file_key: Mapped[str | None] = mapped_column(String(64))  #: the scan's file name under instance/admission_files/
    file_name: Mapped[str | None] = mapped_column(String(200))  # as uploaded
    file_type: Mapped[str | None] = mapped_column(String(60))  # its checked media type
    file_size: Mapped[int | None] = mapped_column(Integer)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    candidate: Mapped[Candidate] = relationship(back_populates="steps")


class Introducer(db.Model):
    """An official member who introduces the candidate (3-KNĐ), having worked or lived with them since
    `known_since`."""

    __tablename__ = "admission_introducers"
    __table_args__ = (UniqueConstraint("candidate_id", "member_id", name="uq_admission_introducers_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("admission_candidates.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    known_since: Mapped[date] = mapped_column(Date)  # since when they worked, studied or lived together
    signed_on: Mapped[date] = mapped_column(Date)  # the date of the introducer's letter
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    candidate: Mapped[Candidate] = relationship(back_populates="introducers")
    member: Mapped[Member] = relationship()


class CandidateReview(db.Model):
    """The cell reviewed its candidate list (rà soát danh sách quần chúng ưu tú) on `reviewed_on`."""

    __tablename__ = "admission_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    reviewed_on: Mapped[date] = mapped_column(Date)
    candidates: Mapped[int] = mapped_column(Integer)  #: how many were on the list that day
    note: Mapped[str | None] = mapped_column(String(1000))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SponsorNote(db.Model):
    """A note of the sponsor (or a leader) on a probationary member's progress."""

    __tablename__ = "admission_sponsor_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("admission_candidates.id", ondelete="CASCADE"), index=True)
    written_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AdmissionTarget(db.Model):
    """A committee's yearly target (chỉ tiêu) of new members for an organisation."""

    __tablename__ = "admission_targets"
    __table_args__ = (UniqueConstraint("organisation_id", "year", name="uq_admission_targets_org_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    target: Mapped[int] = mapped_column(Integer)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


#: the members admitted since a day, per cell, for the admissions report's term comparison and idle cells
#: (`admission.report`): SQLite walks the subtree's cells and seeks each in the first, from the index alone;
#: PostgreSQL reads the range of days from the second (a bitmap scan of ~10 % of the rows instead of all of them)
Index("ix_members_cell_admission", Member.cell_id, Member.admission_date)
Index("ix_members_admission_cell", Member.admission_date, Member.cell_id)
