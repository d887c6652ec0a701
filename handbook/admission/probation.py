"""Probation to official membership: the ceremony (the member record is created from the candidate's file), the
sponsor (đảng viên giúp đỡ) and their notes, recognition as official — from the day the 12 months end, however
late the decision — or not, and a file for a probationary member who was imported without one
(docs/domain.md: Admission).

Every write is one transaction: the change, its history rows and its audit event commit together; a refusal
(`AdmissionError`) writes nothing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from handbook.admission import steps
from handbook.admission.errors import AdmissionError
from handbook.admission.models import (
    Candidate,
    CandidateStatus,
    DossierStep,
    GeneralEducation,
    SponsorNote,
    StepStatus,
)
from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.auth.models import User
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import format_date, local_today
from handbook.extensions import db
from handbook.members.collation import name_sort_key
from handbook.members.models import Member, MemberChange, MemberStatus, MemberStatusHistory
from handbook.members.placements import open_placement
from handbook.members.records import RecordError, initial_statuses, record_status, refresh_status
from handbook.org.models import Organisation, OrgKind

NOTE_MAX = 5000
REASON_MAX = 200  # the status history keeps 255 characters: "Không công nhận đảng viên chính thức: " + this
NUMBER_MAX = 60

NOT_CANDIDATE = _l("Chỉ kết nạp người đang trong danh sách xem xét (chưa kết nạp, chưa dừng).")
NO_DECISION = _l("Chưa có quyết định kết nạp của cấp ủy có thẩm quyền: hãy ghi bước quyết định trước lễ kết nạp.")
BEFORE_DECISION = _l("Ngày kết nạp không được trước ngày quyết định kết nạp (%(day)s).")
CEREMONY_LATE = _l("Lễ kết nạp quá 30 ngày làm việc kể từ ngày quyết định kết nạp: hạn cuối là %(day)s.")
FUTURE = _l("Ngày không được ở tương lai.")
NO_SPONSOR = _l("Hãy chọn đảng viên được phân công giúp đỡ.")
BAD_SPONSOR = _l("Đảng viên giúp đỡ phải là đảng viên chính thức của chi bộ nơi người được kết nạp sinh hoạt.")
CCCD_TAKEN = _l("Số CCCD này đã có trong hồ sơ một đảng viên khác; hãy kiểm tra lại trước khi kết nạp.")
NOT_PROBATION = _l("Chỉ áp dụng cho đảng viên dự bị đang theo dõi.")
MEMBER_NOT_PROBATION = _l("Hồ sơ đảng viên không còn ở trạng thái dự bị.")
NOTE_EMPTY = _l("Hãy nhập nội dung nhận xét.")
NOTE_LONG = _l("Nội dung nhận xét dài quá %(n)d ký tự.", n=NOTE_MAX)
NO_RESOLUTION = _l("Chưa có nghị quyết đề nghị công nhận đảng viên chính thức của chi bộ (13-KNĐ).")
RESOLUTION_EARLY = _l("Nghị quyết của chi bộ (%(day)s) phải từ ngày hết 12 tháng dự bị (%(end)s) trở đi.")
BEFORE_RESOLUTION = _l("Ngày quyết định không được trước ngày nghị quyết của chi bộ (%(day)s).")
BEFORE_ADMISSION = _l("Ngày quyết định không được trước ngày kết nạp (%(day)s).")
NUMBER_LONG = _l("Số quyết định dài quá %(n)d ký tự.", n=NUMBER_MAX)
REASON_EMPTY = _l("Hãy nhập lý do không công nhận.")
REASON_LONG = _l("Lý do dài quá %(n)d ký tự.", n=REASON_MAX)
NOT_RECOGNISED = _l("Không công nhận đảng viên chính thức: %(reason)s")
RECOGNISED = _l("Quyết định công nhận đảng viên chính thức %(number)s")
NOT_DU_BI_MEMBER = _l("Chỉ lập hồ sơ theo dõi cho đảng viên đang dự bị.")
HAS_FILE = _l("Đảng viên này đã có hồ sơ theo dõi dự bị.")
NO_ADMISSION_DATE = _l("Hồ sơ đảng viên chưa có ngày vào Đảng: hãy bổ sung trước.")
MISSING_IDENTITY = _l("Hồ sơ đảng viên chưa có ngày sinh hoặc giới tính: hãy bổ sung trước.")
CCCD_ON_FILE = _l("Số CCCD của đảng viên đã có trong một hồ sơ quần chúng khác; hãy kiểm tra lại.")
FROM_RECORD = "Lập từ hồ sơ đảng viên"  # the ceremony step of a file opened from an imported record

#: the member record's "giáo dục phổ thông" text for each level (the form's "9/12", "12/12")
EDUCATION_TEXT = {GeneralEducation.TIEU_HOC: "5/12", GeneralEducation.THCS: "9/12", GeneralEducation.THPT: "12/12"}


# --- reading -------------------------------------------------------------------------------------------------

@dataclass
class NoteRow:
    note: SponsorNote
    author: str | None  # the author's display name (None: an account since removed)


def notes_of(candidate: Candidate) -> list[NoteRow]:
    """The sponsor's and leaders' notes on the probationary member, latest first (one query)."""
    rows = db.session.execute(
        select(SponsorNote, User.display_name).outerjoin(User, User.id == SponsorNote.author_id)
        .where(SponsorNote.candidate_id == candidate.id)
        .order_by(SponsorNote.written_on.desc(), SponsorNote.id.desc()))
    return [NoteRow(note, author) for note, author in rows]


def sponsor_choices(cell_id: int) -> list[Member]:
    """The official members of the cell, in Vietnamese name order: who may be a sponsor there."""
    members = db.session.scalars(select(Member).where(Member.cell_id == cell_id,
                                                      Member.status == MemberStatus.CHINH_THUC)).all()
    return sorted(members, key=lambda m: name_sort_key(m.full_name))


def sponsored_by(member_id: int) -> list[Candidate]:
    """The probationary members a member helps as sponsor, the probation ending soonest first."""
    return list(db.session.scalars(select(Candidate).where(
        Candidate.sponsor_id == member_id, Candidate.status == CandidateStatus.DU_BI)
        .order_by(Candidate.admitted_on, Candidate.id)))


def sponsors_anyone(member_id: int | None) -> bool:
    """Whether the member is the sponsor of a probationary member now (one small query)."""
    if member_id is None:
        return False
    return db.session.scalar(select(Candidate.id).where(
        Candidate.sponsor_id == member_id, Candidate.status == CandidateStatus.DU_BI).limit(1)) is not None


def file_of_member(member_id: int) -> Candidate | None:
    return db.session.scalar(select(Candidate).where(Candidate.member_id == member_id))


# --- checks --------------------------------------------------------------------------------------------------

def _check_sponsor(candidate: Candidate, sponsor: Member | None) -> Member:
    if sponsor is None:
        raise AdmissionError(NO_SPONSOR, "sponsor")
    if sponsor.status is not MemberStatus.CHINH_THUC or sponsor.cell_id != candidate.cell_id:
        raise AdmissionError(BAD_SPONSOR, "sponsor")
    return sponsor


def _not_future(day: date, today: date, field: str) -> None:
    if day > today:
        raise AdmissionError(FUTURE, field)


def _probation_file(candidate: Candidate) -> Member:
    if candidate.status is not CandidateStatus.DU_BI or candidate.member_id is None:
        raise AdmissionError(NOT_PROBATION)
    member = db.session.get(Member, candidate.member_id)
    if member is None or member.status is not MemberStatus.DU_BI:
        raise AdmissionError(MEMBER_NOT_PROBATION)
    return member


def _set_step(candidate: Candidate, code: str, status: StepStatus, day: date, actor: Actor, *,
              number: str | None = None, note: str | None = None) -> DossierStep:
    step = candidate.step(code)
    if step is None:
        step = DossierStep(step=code)
        candidate.steps.append(step)
    step.status, step.done_on, step.updated_by_id = status, day, actor.user_id
    if number is not None:
        step.number = number
    if note is not None:
        step.note = note
    return step


def _commit(message) -> None:
    """Commit; a unique value taken at the same moment (the CCCD) refuses the write."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AdmissionError(message, "cccd") from None


# --- the ceremony --------------------------------------------------------------------------------------------

def check_ceremony(candidate: Candidate, held_on: date, sponsor: Member | None, today: date) -> date:
    """Refuse what the ceremony cannot take; return the decision's date."""
    if candidate.status is not CandidateStatus.DANG_XET:
        raise AdmissionError(NOT_CANDIDATE)
    decided = candidate.done_on("decision")
    if decided is None:
        raise AdmissionError(NO_DECISION)
    if held_on < decided:
        raise AdmissionError(str(BEFORE_DECISION) % {"day": format_date(decided)}, "held_on")
    due = steps.ceremony_due(decided)
    if held_on > due:
        raise AdmissionError(str(CEREMONY_LATE) % {"day": format_date(due)}, "held_on")
    _not_future(held_on, today, "held_on")
    _check_sponsor(candidate, sponsor)
    if candidate.cccd and db.session.scalar(select(Member.id).where(Member.cccd == candidate.cccd).limit(1)):
        raise AdmissionError(CCCD_TAKEN, "cccd")
    return decided


def group_choices(cell_id: int) -> list[Organisation]:
    """The tổ đảng of a cell a new member may join."""
    return list(db.session.scalars(select(Organisation).where(
        Organisation.parent_id == cell_id, Organisation.kind == OrgKind.TO_DANG,
        Organisation.dissolved_on.is_(None)).order_by(Organisation.name)))


def _group_of(candidate: Candidate, group_id: int | None, sponsor: Member) -> int | None:
    """The tổ đảng the new member joins: the one chosen (a tổ of the candidate's cell), else their sponsor's."""
    if not group_id:
        return sponsor.group_id
    group = db.session.get(Organisation, group_id)
    if group is None or group.kind is not OrgKind.TO_DANG or group.parent_id != candidate.cell_id:
        raise AdmissionError(_l("Tổ đảng này không thuộc chi bộ của quần chúng."), "group")
    return group.id


def hold_ceremony(candidate: Candidate, *, held_on: date, sponsor: Member | None, actor: Actor,
                  today: date | None = None, group_id: int | None = None) -> Member:
    """The ceremony admitted the candidate on `held_on`: their member record is created from the file (dự bị from
    that day, with its status history and its placement in the candidate's cell — in the tổ đảng `group_id`, or
    their sponsor's), the ceremony step is done, and the sponsor is assigned. One transaction, audited."""
    today = today or local_today()
    check_ceremony(candidate, held_on, sponsor, today)
    group = _group_of(candidate, group_id, sponsor)
    member = Member(
        cell_id=candidate.cell_id, full_name=candidate.full_name, birth_date=candidate.birth_date,
        gender=candidate.gender, ethnicity=candidate.ethnicity, religion=candidate.religion, cccd=candidate.cccd,
        phone=candidate.phone, residence=candidate.residence, hometown=candidate.hometown,
        education=EDUCATION_TEXT.get(candidate.general_education), qualification=candidate.qualification,
        occupation=candidate.occupation, occupation_group=candidate.occupation_group, admission_date=held_on,
        status=MemberStatus.DU_BI, group_id=group)
    db.session.add(member)
    db.session.flush()
    for row in initial_statuses({"admission_date": held_on}, actor.user_id):
        db.session.add(MemberStatusHistory(member_id=member.id, **row))
    open_placement(member, held_on, recorded_by_id=actor.user_id)
    db.session.add(MemberChange(member_id=member.id, field="created", old_value=None, new_value="admission",
                                changed_by_id=actor.user_id))
    db.session.flush()
    refresh_status(member)
    _set_step(candidate, "ceremony", StepStatus.XONG, held_on, actor)
    candidate.status, candidate.member_id = CandidateStatus.DU_BI, member.id
    candidate.admitted_on, candidate.sponsor_id = held_on, sponsor.id
    audit.record("admission.ceremony", actor, target_type="candidate", target_id=candidate.id, member_id=member.id)
    _commit(CCCD_TAKEN)
    return member


# --- during probation ----------------------------------------------------------------------------------------

def assign_sponsor(candidate: Candidate, sponsor: Member | None, actor: Actor, *, today: date | None = None) -> None:
    """Another sponsor for a probationary member (an official member of their cell)."""
    _probation_file(candidate)
    _check_sponsor(candidate, sponsor)
    if candidate.sponsor_id == sponsor.id:
        return
    candidate.sponsor_id = sponsor.id
    audit.record("admission.sponsor", actor, target_type="candidate", target_id=candidate.id, member_id=sponsor.id)
    db.session.commit()


def write_note(candidate: Candidate, text: str | None, actor: Actor, *, today: date | None = None) -> SponsorNote:
    """A note on the probationary member's progress, dated today (by the sponsor or a leader: the view decides)."""
    today = today or local_today()
    if candidate.status is not CandidateStatus.DU_BI:
        raise AdmissionError(NOT_PROBATION)
    text = (text or "").strip()
    if not text:
        raise AdmissionError(NOTE_EMPTY, "text")
    if len(text) > NOTE_MAX:
        raise AdmissionError(NOTE_LONG, "text")
    note = SponsorNote(candidate_id=candidate.id, written_on=today, text=text, author_id=actor.user_id)
    db.session.add(note)
    db.session.flush()
    audit.record("admission.note", actor, target_type="candidate", target_id=candidate.id)
    db.session.commit()
    return note


# --- recognition ---------------------------------------------------------------------------------------------

def recognition_resolution(candidate: Candidate) -> date | None:
    return candidate.done_on("recog_cell_resolution")


def official_day(candidate: Candidate) -> date | None:
    """The day a recognised member is official from: the end of the 12 months (None before the ceremony)."""
    return steps.probation_end(candidate.admitted_on) if candidate.admitted_on else None


def check_recognition(candidate: Candidate, decided_on: date, today: date) -> tuple[Member, date]:
    """Refuse a recognition the file cannot take; return the member and the official day."""
    member = _probation_file(candidate)
    end = steps.probation_end(candidate.admitted_on)
    resolved = recognition_resolution(candidate)
    if resolved is None:
        raise AdmissionError(NO_RESOLUTION)
    if resolved < end:
        raise AdmissionError(str(RESOLUTION_EARLY) % {"day": format_date(resolved), "end": format_date(end)})
    if decided_on < resolved:
        raise AdmissionError(str(BEFORE_RESOLUTION) % {"day": format_date(resolved)}, "decided_on")
    _not_future(decided_on, today, "decided_on")
    return member, end


def recognise(candidate: Candidate, *, decided_on: date, number: str | None, actor: Actor,
              today: date | None = None) -> Member:
    """The competent committee recognised the probationary member as official: chính thức from the end of the
    12 months (`steps.probation_end`), never from the decision's date, however late it came. One transaction."""
    today = today or local_today()
    member, official = check_recognition(candidate, decided_on, today)
    number = (number or "").strip() or None
    if number and len(number) > NUMBER_MAX:
        raise AdmissionError(NUMBER_LONG, "number")
    if member.official_date != official:
        db.session.add(MemberChange(member_id=member.id, field="official_date",
                                    old_value=format_date(member.official_date) or None,
                                    new_value=format_date(official), changed_by_id=actor.user_id))
        member.official_date = official
    _set_step(candidate, "recog_decision", StepStatus.XONG, decided_on, actor, number=number)
    candidate.status, candidate.official_on = CandidateStatus.CHINH_THUC, official
    audit.record("admission.recognise", actor, target_type="candidate", target_id=candidate.id, member_id=member.id)
    reason = str(RECOGNISED) % {"number": number or ""}
    try:
        record_status(member, MemberStatus.CHINH_THUC, official, reason.strip(), actor, today=today)  # commits
    except RecordError as exc:
        db.session.rollback()
        raise AdmissionError(str(exc)) from None
    return member


def refuse_recognition(candidate: Candidate, *, decided_on: date, reason: str | None, actor: Actor,
                       today: date | None = None) -> Member:
    """Not recognised as official: the member's status becomes ra khỏi Đảng (xóa tên) from the decision with its
    reason — which ends their access (`members.records.record_status`); the file is closed. One transaction."""
    today = today or local_today()
    member = _probation_file(candidate)
    reason = " ".join((reason or "").split())
    if not reason:
        raise AdmissionError(REASON_EMPTY, "reason")
    if len(reason) > REASON_MAX:
        raise AdmissionError(REASON_LONG, "reason")
    if decided_on < candidate.admitted_on:
        raise AdmissionError(str(BEFORE_ADMISSION) % {"day": format_date(candidate.admitted_on)}, "decided_on")
    resolved = recognition_resolution(candidate)
    if resolved is not None and decided_on < resolved:
        raise AdmissionError(str(BEFORE_RESOLUTION) % {"day": format_date(resolved)}, "decided_on")
    _not_future(decided_on, today, "decided_on")
    _set_step(candidate, "recog_decision", StepStatus.KHONG_DAT, decided_on, actor, note=reason)
    candidate.status, candidate.status_reason = CandidateStatus.KHONG_CONG_NHAN, reason
    audit.record("admission.not_recognised", actor, target_type="candidate", target_id=candidate.id,
                 member_id=member.id)
    try:
        record_status(member, MemberStatus.RA_KHOI_DANG, decided_on, str(NOT_RECOGNISED) % {"reason": reason},
                      actor, today=today)  # commits, and ends the member's sessions, tokens, feeds and devices
    except RecordError as exc:
        db.session.rollback()
        raise AdmissionError(str(exc)) from None
    return member


# --- a probationary member imported without a file -----------------------------------------------------------

def _general_education(text: str | None) -> GeneralEducation:
    """The school level from the record's "9/12", "12/12" text. An admitted member met the minimum, so a record
    without a readable level counts as lower secondary."""
    head = (text or "").split("/")[0].strip()
    grade = int(head) if head.isdigit() else None
    if grade is None:
        return GeneralEducation.THCS
    return GeneralEducation.THPT if grade >= 12 else GeneralEducation.THCS if grade >= 9 else GeneralEducation.TIEU_HOC


def open_probation_file(member: Member, actor: Actor, *, today: date | None = None) -> Candidate:
    """A file for a dự bị member whose record came without one (imported): built from the record — nothing typed
    twice — admitted on the record's admission date, so recognition is tracked like the others'."""
    if member.status is not MemberStatus.DU_BI:
        raise AdmissionError(NOT_DU_BI_MEMBER)
    if member.admission_date is None:
        raise AdmissionError(NO_ADMISSION_DATE)
    if member.birth_date is None or member.gender is None:
        raise AdmissionError(MISSING_IDENTITY)
    if file_of_member(member.id) is not None:
        raise AdmissionError(HAS_FILE)
    if member.cccd and db.session.scalar(select(Candidate.id).where(Candidate.cccd == member.cccd).limit(1)):
        raise AdmissionError(CCCD_ON_FILE, "cccd")
    candidate = Candidate(
        cell_id=member.cell_id, full_name=member.full_name, birth_date=member.birth_date, gender=member.gender,
        ethnicity=member.ethnicity or "Kinh", religion=member.religion, cccd=member.cccd, phone=member.phone,
        residence=member.residence, hometown=member.hometown, general_education=_general_education(member.education),
        qualification=member.qualification, occupation=member.occupation, status=CandidateStatus.DU_BI,
        member_id=member.id, admitted_on=member.admission_date, created_by_id=actor.user_id)
    db.session.add(candidate)
    _set_step(candidate, "ceremony", StepStatus.XONG, member.admission_date, actor, note=FROM_RECORD)
    db.session.flush()
    audit.record("admission.probation_file", actor, target_type="candidate", target_id=candidate.id,
                 member_id=member.id)
    _commit(CCCD_ON_FILE)
    return candidate
