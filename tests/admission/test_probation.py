"""Probation to official membership, as services: the ceremony creates the member record from the file, the
sponsor, recognition from the end of the 12 months whatever the decision's date, or not, and a file for an
imported probationary member. Every refusal writes nothing."""
from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from sqlalchemy import select

from handbook.admission import probation as svc
from handbook.admission.errors import AdmissionError
from handbook.admission.models import Candidate, CandidateStatus, SponsorNote, StepStatus
from handbook.audit.models import AuditEvent
from handbook.audit.service import Actor
from handbook.auth import sessions
from handbook.auth.models import UserSession
from handbook.extensions import db
from handbook.members.models import Gender, MemberPlacement, MemberStatus, MemberStatusHistory
from handbook.members.placements import placements_of
from handbook.members.records import status_history
from tests.admission.probation_scene import (  # noqa: F401 - the fixture
    CEREMONY_DUE,
    DECISION_ON,
    _probation_scene,
    add_step,
    counts,
)

HELD_ON = date(2027, 3, 10)


def _hold(p, held_on=HELD_ON, sponsor=None, today=date(2027, 3, 20)):
    return svc.hold_ceremony(p.candidate, held_on=held_on, sponsor=sponsor or p.sponsor, actor=p.actor,
                                   today=today)


def test_the_ceremony_creates_the_probationary_member_from_the_file(app, probation):
    member = _hold(probation)
    c = probation.candidate
    # nothing typed twice: every field of the record comes from the candidate's file
    assert (member.full_name, member.birth_date, member.gender, member.ethnicity, member.religion, member.cccd,
            member.phone, member.residence, member.hometown, member.education, member.qualification,
            member.occupation) == (
        "Hoàng Thị Hoa", date(2000, 4, 30), Gender.NU, "Tày", "Phật giáo", "001300012345", "+84905123456",
        "12 Âu Cơ, Hòa Khánh", "Cao Bằng", "12/12", "Cử nhân Kế toán", "Kế toán viên")
    assert (member.cell_id, member.admission_date, member.official_date, member.status) == (
        probation.cell.id, HELD_ON, None, MemberStatus.DU_BI)
    assert [(h.status, h.from_date) for h in status_history(member.id)] == [(MemberStatus.DU_BI, HELD_ON)]
    assert [(p.cell_id, p.valid_from, p.valid_to) for p in placements_of(member.id)] == [
        (probation.cell.id, HELD_ON, None)]
    assert (c.status, c.member_id, c.admitted_on, c.sponsor_id) == (
        CandidateStatus.DU_BI, member.id, HELD_ON, probation.sponsor.id)
    step = probation_step(c, "ceremony")
    assert (step.status, step.done_on) == (StepStatus.XONG, HELD_ON)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "admission.ceremony")).all()
    assert [(e.target_type, e.target_id, e.details) for e in events] == [("candidate", c.id, {"member_id": member.id})]


def probation_step(candidate, code):
    db.session.expire(candidate, ["steps"])
    return candidate.step(code)


def test_the_ceremony_within_30_working_days_skips_tet(app, probation):
    """Decision 25/01/2027: 30 working days, the Tết break 04–10/02/2027 not counted, end on 15/03/2027."""
    before = counts()
    with pytest.raises(AdmissionError, match="quá 30 ngày làm việc kể từ ngày quyết định kết nạp: hạn cuối là "
                                             "15/03/2027"):
        _hold(probation, held_on=date(2027, 3, 16))
    assert counts() == before and probation.candidate.status is CandidateStatus.DANG_XET
    assert _hold(probation, held_on=CEREMONY_DUE).admission_date == CEREMONY_DUE


def _refusal_cases(p):
    return {
        "before the decision": (dict(held_on=date(2027, 1, 24)), "trước ngày quyết định kết nạp (25/01/2027)"),
        "in the future": (dict(held_on=date(2027, 3, 10), today=date(2027, 3, 9)), "tương lai"),
        "a probationary sponsor": (dict(sponsor=p.du_bi), "đảng viên chính thức của chi bộ"),
        "a sponsor of another cell": (dict(sponsor=p.outsider), "đảng viên chính thức của chi bộ"),
    }


@pytest.mark.parametrize("case", ["before the decision", "in the future", "a probationary sponsor",
                                  "a sponsor of another cell"])
def test_the_ceremony_refuses_and_writes_nothing(app, probation, case):
    kwargs, message = _refusal_cases(probation)[case]
    before = counts()
    with pytest.raises(AdmissionError, match=re.escape(message)):
        _hold(probation, **kwargs)
    db.session.rollback()
    assert counts() == before and db.session.get(Candidate, probation.candidate.id).status is CandidateStatus.DANG_XET


def test_no_ceremony_without_the_decision_or_twice(app, factory, probation):
    other = factory.candidate(probation.cell)
    factory.commit()
    before = counts()
    with pytest.raises(AdmissionError, match="Chưa có quyết định kết nạp"):
        svc.hold_ceremony(other, held_on=HELD_ON, sponsor=probation.sponsor, actor=probation.actor,
                                today=date(2027, 3, 20))
    assert counts() == before
    _hold(probation)
    with pytest.raises(AdmissionError, match="đang trong danh sách"):
        _hold(probation)


def test_a_cccd_already_on_a_member_record_refuses_the_ceremony(app, factory, probation):
    factory.member(probation.other_cell, cccd="001300012345")
    factory.commit()
    before = counts()
    with pytest.raises(AdmissionError, match="CCCD") as refused:
        _hold(probation)
    assert refused.value.field == "cccd" and counts() == before


def _admitted(p, held_on=HELD_ON):
    member = _hold(p, held_on=held_on, today=held_on)
    return member


def test_recognised_twelve_months_later_is_official_from_the_end_of_probation_even_when_decided_late(
        app, probation):
    member = _admitted(probation)
    end = date(2028, 3, 10)
    add_step(probation.candidate, "recog_cell_resolution", date(2028, 3, 14))
    db.session.commit()
    # the committee decides two months late; the clock moved there
    with time_machine.travel("2028-05-20 09:00 +07:00", tick=False):
        svc.recognise(probation.candidate, decided_on=date(2028, 5, 12), number="125-QĐ/ĐU", actor=probation.actor)
    db.session.expire_all()
    c = db.session.get(Candidate, probation.candidate.id)
    assert (member.status, member.official_date) == (MemberStatus.CHINH_THUC, end)
    assert (c.status, c.official_on) == (CandidateStatus.CHINH_THUC, end)
    assert [(h.status, h.from_date) for h in status_history(member.id)] == [
        (MemberStatus.CHINH_THUC, end), (MemberStatus.DU_BI, HELD_ON)]
    step = c.step("recog_decision")
    assert (step.status, step.done_on, step.number) == (StepStatus.XONG, date(2028, 5, 12), "125-QĐ/ĐU")


def test_admitted_on_29_february_is_official_on_28_february(app, factory, probation):
    candidate = probation.candidate
    db.session.query(type(candidate.step("decision"))).filter_by(
        candidate_id=candidate.id, step="decision").update({"done_on": date(2028, 2, 20)})
    db.session.commit()
    db.session.expire(candidate, ["steps"])
    member = _admitted(probation, held_on=date(2028, 2, 29))
    add_step(candidate, "recog_cell_resolution", date(2029, 3, 1))
    db.session.commit()
    with time_machine.travel("2029-03-05 10:00 +07:00", tick=False):
        svc.recognise(candidate, decided_on=date(2029, 3, 5), number=None, actor=probation.actor)
    assert member.official_date == date(2029, 2, 28) and candidate.official_on == date(2029, 2, 28)


@pytest.mark.parametrize("resolution, decided, message", [
    (None, date(2028, 4, 1), "Chưa có nghị quyết đề nghị công nhận"),
    (date(2028, 3, 9), date(2028, 4, 1), r"phải từ ngày hết 12 tháng dự bị \(10/03/2028\)"),
    (date(2028, 3, 20), date(2028, 3, 19), r"không được trước ngày nghị quyết của chi bộ \(20/03/2028\)"),
    (date(2028, 3, 20), date(2028, 4, 2), "tương lai"),
])
def test_recognition_refuses_and_writes_nothing(app, probation, resolution, decided, message):
    member = _admitted(probation)
    if resolution:
        add_step(probation.candidate, "recog_cell_resolution", resolution)
        db.session.commit()
    before = counts()
    with pytest.raises(AdmissionError, match=message):
        svc.recognise(probation.candidate, decided_on=decided, number="1", actor=probation.actor,
                            today=date(2028, 4, 1))
    db.session.rollback()
    assert counts() == before and member.status is MemberStatus.DU_BI and member.official_date is None


def test_not_recognised_records_the_status_with_its_reason_and_ends_the_sessions(app, factory, probation):
    member = _admitted(probation)
    user = factory.user("hoa@test.vn")
    member.user_id = user.id
    sessions.start(user, "127.0.0.1", "pytest")
    db.session.commit()
    before = counts()
    with pytest.raises(AdmissionError, match="lý do"):
        svc.refuse_recognition(probation.candidate, decided_on=date(2028, 3, 20), reason="  ",
                                     actor=probation.actor, today=date(2028, 4, 1))
    assert counts() == before
    svc.refuse_recognition(probation.candidate, decided_on=date(2028, 3, 20), reason="Vi phạm tư cách",
                                 actor=probation.actor, today=date(2028, 4, 1))
    db.session.expire_all()
    c = db.session.get(Candidate, probation.candidate.id)
    history = db.session.scalars(select(MemberStatusHistory).where(MemberStatusHistory.member_id == member.id)
                                 .order_by(MemberStatusHistory.from_date.desc())).all()
    assert (history[0].status, history[0].from_date, history[0].reason) == (
        MemberStatus.RA_KHOI_DANG, date(2028, 3, 20), "Không công nhận đảng viên chính thức: Vi phạm tư cách")
    assert member.status is MemberStatus.RA_KHOI_DANG and member.official_date is None
    assert (c.status, c.status_reason) == (CandidateStatus.KHONG_CONG_NHAN, "Vi phạm tư cách")
    assert c.step("recog_decision").status is StepStatus.KHONG_DAT
    assert db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one().revoked_at is not None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.access_ended")) is not None


def test_the_sponsor_is_an_official_member_of_the_cell_and_writes_notes(app, probation):
    _admitted(probation)
    c = probation.candidate
    before = counts()
    for wrong in (probation.du_bi, probation.outsider, None):
        with pytest.raises(AdmissionError):
            svc.assign_sponsor(c, wrong, probation.actor)
    assert counts() == before
    svc.assign_sponsor(c, probation.plain, probation.actor)
    assert c.sponsor_id == probation.plain.id
    for text in ("", " " * 3, "x" * 5001):
        with pytest.raises(AdmissionError):
            svc.write_note(c, text, Actor(probation.plain_user.id), today=date(2027, 4, 1))
    assert db.session.query(SponsorNote).count() == 0
    svc.write_note(c, "Tích cực tham gia sinh hoạt.", Actor(probation.plain_user.id), today=date(2027, 4, 1))
    svc.write_note(c, "x" * 5000, probation.actor, today=date(2027, 5, 1))
    assert [(r.note.written_on, r.author) for r in svc.notes_of(c)] == [
        (date(2027, 5, 1), "Nguyễn Thị Lan"), (date(2027, 4, 1), "Lê Văn Cường")]
    assert svc.sponsored_by(probation.plain.id) == [c] and svc.sponsors_anyone(probation.plain.id)
    assert not svc.sponsors_anyone(probation.sponsor.id)


def test_a_probationary_member_imported_without_a_file_gets_one_from_the_record(app, probation):
    member = probation.du_bi
    member.cccd, member.education, member.ethnicity = "079123456789", "9/12", None
    db.session.commit()
    before = counts()
    for wrong in (probation.plain,):  # an official member has nothing to track
        with pytest.raises(AdmissionError, match="đang dự bị"):
            svc.open_probation_file(wrong, probation.actor)
    assert counts() == before
    c = svc.open_probation_file(member, probation.actor)
    assert (c.full_name, c.birth_date, c.cccd, c.cell_id, c.status, c.member_id, c.admitted_on, c.ethnicity,
            c.general_education.value) == (member.full_name, member.birth_date, "079123456789", probation.cell.id,
                                           CandidateStatus.DU_BI, member.id, date(2026, 6, 1), "Kinh", "thcs")
    assert c.step("ceremony").done_on == date(2026, 6, 1)
    before = counts()
    with pytest.raises(AdmissionError, match="đã có hồ sơ"):
        svc.open_probation_file(member, probation.actor)
    assert counts() == before
    assert db.session.scalar(select(MemberPlacement.id).where(MemberPlacement.member_id == member.id)) is not None


def test_a_late_cell_resolution_is_allowed_and_stays_overdue_until_the_decision(app, probation):
    from handbook.admission.deadlines import due_items

    member = _admitted(probation)
    add_step(probation.candidate, "recog_cell_resolution", date(2028, 6, 2))  # the due day was 24/04/2028
    db.session.commit()
    late = [(i.code, i.due_on, i.overdue) for i in due_items(probation.cell, date(2028, 6, 3))
            if i.candidate_id == probation.candidate.id]
    assert late == [("recognition", date(2028, 4, 24), True)]
    svc.recognise(probation.candidate, decided_on=date(2028, 6, 20), number="9", actor=probation.actor,
                  today=date(2028, 6, 20))
    assert member.official_date == date(2028, 3, 10)
    assert [i for i in due_items(probation.cell, date(2028, 6, 21)) if i.candidate_id == probation.candidate.id] == []


def test_the_new_member_joins_the_chosen_tổ_or_the_sponsors(app, probation, factory):
    """A cell split into tổ đảng: the ceremony places the new member in the tổ chosen, by default the sponsor's;
    a tổ of another cell is refused and nothing is written."""
    from handbook.org.models import OrgKind

    first = factory.org("Tổ đảng số 1", OrgKind.TO_DANG, probation.cell)
    second = factory.org("Tổ đảng số 2", OrgKind.TO_DANG, probation.cell)
    elsewhere = factory.org("Tổ đảng số 1", OrgKind.TO_DANG, probation.outsider.cell)
    probation.sponsor.group_id = first.id
    factory.commit()
    before = counts()
    with pytest.raises(AdmissionError, match="không thuộc chi bộ"):
        svc.hold_ceremony(probation.candidate, held_on=HELD_ON, sponsor=probation.sponsor, actor=probation.actor,
                          today=date(2027, 3, 20), group_id=elsewhere.id)
    assert counts() == before
    assert _hold(probation).group_id == first.id
    assert svc.group_choices(probation.cell.id) == [first, second]
