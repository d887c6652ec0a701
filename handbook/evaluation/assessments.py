"""A member's self-assessment: on the form of their kind (the leaders may choose another), saved as a draft,
submitted once while the round is open — then read-only unless the organisation reopens it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import gettext as _
from handbook.core.inputs import strip_controls
from handbook.core.timeutil import local_today, utcnow
from handbook.evaluation import people, rounds, rules
from handbook.evaluation.errors import EvaluationError
from handbook.evaluation.labels import SECTION_LABELS
from handbook.evaluation.models import AssessmentStatus, FormKind, Level, SelfAssessment
from handbook.extensions import db
from handbook.members.models import Member
from handbook.org.models import Organisation


def find(member_id: int, org_id: int, year: int) -> SelfAssessment | None:
    return db.session.scalar(select(SelfAssessment).where(
        SelfAssessment.member_id == member_id, SelfAssessment.organisation_id == org_id, SelfAssessment.year == year))


def form_of(member: Member, org: Organisation, year: int, row: SelfAssessment | None = None) -> FormKind:
    """The form the member writes at `org`: as chosen by the leaders or already started, else from their posts and
    occupation (rules.form_for)."""
    row = row if row is not None else find(member.id, org.id, year)
    if row is not None:
        return row.form
    return rules.form_for(people.holds_post(member), member.occupation_group)


def _check_can_write(member: Member, org: Organisation, year: int, now: datetime) -> None:
    if rules.not_rated(member.status):
        raise EvaluationError(_("Đảng viên được miễn công tác và sinh hoạt đảng không phải tự kiểm điểm, đánh giá."))
    if not people.is_reviewed_at(member, org):
        raise EvaluationError(_("Đồng chí không kiểm điểm tại tổ chức này."))
    if not rounds.state(org, year).takes_self_assessments(local_today(now)):
        raise EvaluationError(_("Đợt đánh giá năm %(year)d của %(org)s chưa mở hoặc đã đóng.", year=year,
                                org=org.name))


def _answers(form: FormKind, raw: dict) -> dict:
    answers = {}
    for code in rules.SECTIONS[form]:
        text = strip_controls(str(raw.get(code) or "")).strip()
        if len(text) > rules.ANSWER_MAX:
            raise EvaluationError(_("Mục “%(section)s” dài quá %(max)d ký tự.", section=SECTION_LABELS[code],
                                    max=rules.ANSWER_MAX), code)
        answers[code] = text
    return answers


def save(member: Member, org: Organisation, year: int, raw: dict, proposed: Level | None, *, submit: bool,
         actor: Actor, now: datetime | None = None) -> SelfAssessment:
    """Save the member's draft; with `submit`, every section must be written and the draft becomes final. One
    commit; nothing written when refused."""
    now = now or utcnow()
    _check_can_write(member, org, year, now)
    row = find(member.id, org.id, year)
    if row is not None and row.status is AssessmentStatus.SUBMITTED:
        raise EvaluationError(_("Bản tự kiểm điểm đã nộp; chỉ sửa được khi chi bộ cho sửa lại."))
    form = form_of(member, org, year, row)
    answers = _answers(form, raw)
    if submit:
        for code in rules.SECTIONS[form]:
            if not answers[code]:
                raise EvaluationError(_("Hãy viết mục “%(section)s” trước khi nộp.", section=SECTION_LABELS[code]),
                                      code)
        if proposed is None:
            raise EvaluationError(_("Hãy chọn mức tự xếp loại trước khi nộp."), "proposed_level")
    if row is None:
        row = SelfAssessment(member_id=member.id, organisation_id=org.id, year=year, form=form, form_fixed=False)
        db.session.add(row)
    rounds.materialise(rounds.state(org, year))
    row.answers, row.proposed_level = answers, proposed
    if submit:
        row.status, row.submitted_at = AssessmentStatus.SUBMITTED, now
        audit.record("evaluation.submit", actor, target_type="member", target_id=member.id, organisation_id=org.id)
    db.session.commit()
    return row


def reopen(row: SelfAssessment, actor: Actor, now: datetime | None = None) -> SelfAssessment:
    """The organisation lets the member change a submitted self-assessment (a draft again). One commit."""
    if row.status is not AssessmentStatus.SUBMITTED:
        raise EvaluationError(_("Bản tự kiểm điểm chưa nộp nên không cần mở lại."))
    row.status, row.reopened_at = AssessmentStatus.DRAFT, now or utcnow()
    audit.record("evaluation.reopen", actor, target_type="member", target_id=row.member_id,
                 organisation_id=row.organisation_id)
    db.session.commit()
    return row


def choose_form(member: Member, org: Organisation, year: int, form: FormKind, actor: Actor) -> SelfAssessment:
    """The leaders choose the form the member writes (before it is submitted). One commit."""
    if not people.is_reviewed_at(member, org):
        raise EvaluationError(_("Đồng chí không kiểm điểm tại tổ chức này."))
    row = find(member.id, org.id, year)
    if row is not None and row.status is AssessmentStatus.SUBMITTED:
        raise EvaluationError(_("Bản tự kiểm điểm đã nộp; hãy mở lại trước khi đổi mẫu."), "form")
    if row is None:
        row = SelfAssessment(member_id=member.id, organisation_id=org.id, year=year, answers={})
        db.session.add(row)
    row.form, row.form_fixed = form, True
    audit.record("evaluation.form", actor, target_type="member", target_id=member.id, organisation_id=org.id)
    db.session.commit()
    return row
