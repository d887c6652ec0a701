"""Candidates (quần chúng ưu tú) and their admission files in the JSON API, scoped like the pages: the cell's
leaders and the committees above it, and a probationary member's sponsor (who reads only)."""
from __future__ import annotations

import math

from flask_login import login_required
from flask_smorest import Blueprint
from marshmallow import fields, validate

from handbook.admission import candidates as service
from handbook.admission import steps
from handbook.admission.errors import AdmissionError
from handbook.admission.labels import (
    CANDIDATE_STATUS_LABELS,
    GENERAL_EDUCATION_LABELS,
    OCCUPATION_GROUP_LABELS,
    PROFESSIONAL_LEVEL_LABELS,
    SOURCE_LABELS,
    STEP_STATUS_LABELS,
)
from handbook.admission.models import GeneralEducation, OccupationGroup, ProfessionalLevel, Source, StepStatus
from handbook.admission.progress import progress
from handbook.admission.queries import candidate_in_scope, visible_candidates
from handbook.api.fields import FIELD_ERRORS, ID_RANGE, InputSchema, OutputSchema, page_field, per_page_field, text
from handbook.caller import current_access, current_actor
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import local_today
from handbook.core.web import json_error, require
from handbook.extensions import db
from handbook.members.labels import GENDER_LABELS
from handbook.members.records import TooManyRefusals
from handbook.org.access import can_manage_candidates, can_see_org
from handbook.org.models import Organisation

blp = Blueprint("api_candidates", __name__, url_prefix="/api/v1", description="Phát triển đảng viên")
SECURITY = [{"bearerAuth": []}, {"sessionCookie": []}]
ONE_OF = _l("Phải là một trong: {choices}.")


def _one_of(values) -> validate.OneOf:
    return validate.OneOf([getattr(v, "value", v) for v in values], error=ONE_OF)


class StepOut(OutputSchema):
    code = fields.String()
    label = fields.String()
    form = fields.String(allow_none=True, metadata={"description": "mẫu của Hướng dẫn, ví dụ 6-KNĐ"})
    phase = fields.String(metadata={"description": "admission (đến lễ kết nạp) hoặc recognition (công nhận)"})
    optional = fields.Boolean()
    status = fields.String()
    status_label = fields.String()
    done_on = fields.Date(allow_none=True)
    number = fields.String(allow_none=True)
    responsible = fields.String(allow_none=True)
    has_file = fields.Boolean()


class DeadlineOut(OutputSchema):
    code = fields.String()
    label = fields.String()
    due_on = fields.Date()
    overdue = fields.Boolean()
    soon = fields.Boolean()


class IntroducerOut(OutputSchema):
    id = fields.Integer()
    member_id = fields.Integer()
    full_name = fields.String()
    known_since = fields.Date()
    signed_on = fields.Date()


class ProgressOut(OutputSchema):
    stage = fields.String()
    next_steps = fields.List(fields.String(), metadata={"description": "mã các bước tiếp theo"})
    deadlines = fields.List(fields.Nested(DeadlineOut))
    warnings = fields.List(fields.String())


class CandidateOut(OutputSchema):
    id = fields.Integer()
    cell_id = fields.Integer()
    full_name = fields.String()
    birth_date = fields.Date()
    age_months = fields.Integer(metadata={"description": "tuổi tính theo tháng tròn, hôm nay"})
    gender = fields.String()
    gender_label = fields.String()
    ethnicity = fields.String()
    religion = fields.String(allow_none=True)
    cccd = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    residence = fields.String(allow_none=True)
    hometown = fields.String(allow_none=True)
    general_education = fields.String()
    general_education_label = fields.String()
    education_exception = fields.String(allow_none=True)
    professional_level = fields.String()
    professional_level_label = fields.String()
    qualification = fields.String(allow_none=True)
    occupation = fields.String(allow_none=True)
    occupation_group = fields.String()
    occupation_group_label = fields.String()
    youth_union = fields.Boolean()
    source = fields.String()
    source_label = fields.String()
    status = fields.String()
    status_label = fields.String()
    status_reason = fields.String(allow_none=True)
    decision_extended = fields.Boolean()
    member_id = fields.Integer(allow_none=True)
    sponsor_id = fields.Integer(allow_none=True)
    admitted_on = fields.Date(allow_none=True)
    official_on = fields.Date(allow_none=True)
    stage = fields.String()


class CandidateDetailOut(CandidateOut):
    steps = fields.List(fields.Nested(StepOut))
    introducers = fields.List(fields.Nested(IntroducerOut))
    progress = fields.Nested(ProgressOut)
    warnings = fields.List(fields.String(), metadata={"description": "cảnh báo khi vừa thêm (tuổi, trình độ)"})


class CandidatePage(OutputSchema):
    items = fields.List(fields.Nested(CandidateOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


class CandidateArgs(InputSchema):
    page = page_field()
    per_page = per_page_field(50, 200)
    organisation_id = fields.Integer(validate=ID_RANGE, error_messages=FIELD_ERRORS,
                                     metadata={"description": "chỉ những người thuộc tổ chức này và cấp dưới"})


class CandidateIn(InputSchema):
    cell_id = fields.Integer(required=True, strict=True, validate=ID_RANGE, error_messages=FIELD_ERRORS)
    full_name = text(max_length=120)
    birth_date = fields.Date(required=True, error_messages=FIELD_ERRORS)
    gender = fields.String(required=True, validate=_one_of(("nam", "nu")), error_messages=FIELD_ERRORS)
    ethnicity = text(required=False, max_length=40, min_length=0, allow_none=True)
    religion = text(required=False, max_length=40, min_length=0, allow_none=True)
    cccd = text(required=False, max_length=16, min_length=0, allow_none=True)
    phone = text(required=False, max_length=20, min_length=0, allow_none=True)
    residence = text(required=False, max_length=200, min_length=0, allow_none=True)
    hometown = text(required=False, max_length=200, min_length=0, allow_none=True)
    general_education = fields.String(required=True, validate=_one_of(GeneralEducation), error_messages=FIELD_ERRORS)
    education_exception = text(required=False, max_length=255, min_length=0, allow_none=True)
    professional_level = fields.String(validate=_one_of(ProfessionalLevel), error_messages=FIELD_ERRORS)
    qualification = text(required=False, max_length=120, min_length=0, allow_none=True)
    occupation = text(required=False, max_length=120, min_length=0, allow_none=True)
    occupation_group = fields.String(validate=_one_of(OccupationGroup), error_messages=FIELD_ERRORS)
    youth_union = fields.Boolean(load_default=False, error_messages=FIELD_ERRORS)
    source = fields.String(validate=_one_of(Source), error_messages=FIELD_ERRORS)
    notes = text(required=False, max_length=2000, min_length=0, allow_none=True, multiline=True)


def candidate_json(candidate, today) -> dict:
    state = progress(candidate, today)
    return {
        "id": candidate.id, "cell_id": candidate.cell_id, "full_name": candidate.full_name,
        "birth_date": candidate.birth_date, "age_months": state.age_months,
        "gender": candidate.gender.value, "gender_label": str(GENDER_LABELS[candidate.gender]),
        "ethnicity": candidate.ethnicity, "religion": candidate.religion, "cccd": candidate.cccd,
        "phone": candidate.phone, "residence": candidate.residence, "hometown": candidate.hometown,
        "general_education": candidate.general_education.value,
        "general_education_label": str(GENERAL_EDUCATION_LABELS[candidate.general_education]),
        "education_exception": candidate.education_exception,
        "professional_level": candidate.professional_level.value,
        "professional_level_label": str(PROFESSIONAL_LEVEL_LABELS[candidate.professional_level]),
        "qualification": candidate.qualification, "occupation": candidate.occupation,
        "occupation_group": candidate.occupation_group.value,
        "occupation_group_label": str(OCCUPATION_GROUP_LABELS[candidate.occupation_group]),
        "youth_union": candidate.youth_union, "source": candidate.source.value,
        "source_label": str(SOURCE_LABELS[candidate.source]), "status": candidate.status.value,
        "status_label": str(CANDIDATE_STATUS_LABELS[candidate.status]), "status_reason": candidate.status_reason,
        "decision_extended": candidate.decision_extended, "member_id": candidate.member_id,
        "sponsor_id": candidate.sponsor_id, "admitted_on": candidate.admitted_on,
        "official_on": candidate.official_on, "stage": state.stage,
    }


def detail_json(candidate, today, warnings=()) -> dict:
    state = progress(candidate, today)
    rows = {row.step: row for row in candidate.steps}
    step_items = []
    for step in steps.STEPS:
        row = rows.get(step.code)
        status = row.status if row is not None else StepStatus.CHUA
        step_items.append({
            "code": step.code, "label": str(step.label), "form": step.form, "phase": step.phase,
            "optional": step.optional, "status": status.value, "status_label": str(STEP_STATUS_LABELS[status]),
            "done_on": row.done_on if row is not None else None, "number": row.number if row is not None else None,
            "responsible": row.responsible if row is not None else None,
            "has_file": bool(row is not None and row.file_key),
        })
    return {
        **candidate_json(candidate, today), "steps": step_items,
        "introducers": [{"id": i.id, "member_id": i.member_id, "full_name": i.member.full_name,
                         "known_since": i.known_since, "signed_on": i.signed_on} for i in candidate.introducers],
        "progress": {"stage": state.stage, "next_steps": [s.code for s in state.next_steps],
                     "deadlines": [{"code": d.code, "label": d.label, "due_on": d.due_on, "overdue": d.overdue,
                                    "soon": d.soon} for d in state.deadlines],
                     "warnings": list(state.warnings)},
        "warnings": [str(w) for w in warnings],
    }


@blp.route("/candidates")
@login_required  # before the query is read: 401, not 422, for the anonymous
@blp.arguments(CandidateArgs, location="query")
@blp.response(200, CandidatePage)
@blp.doc(security=SECURITY)
def list_candidates(args):
    """Quần chúng ưu tú và đảng viên dự bị trong phạm vi của người gọi, có phân trang."""
    page, per_page = args["page"], args["per_page"]
    items, total = visible_candidates(current_access(), page, per_page, args.get("organisation_id"))
    today = local_today()
    return {"items": [candidate_json(c, today) for c in items], "page": page, "per_page": per_page, "total": total,
            "pages": math.ceil(total / per_page) if total else 0}


@blp.route("/candidates/<int:candidate_id>")
@blp.response(200, CandidateDetailOut)
@blp.alt_response(404, description="Không có, hoặc ngoài phạm vi của người gọi")
@blp.doc(security=SECURITY)
@login_required
def get_candidate(candidate_id: int):
    """Một hồ sơ: thông tin, các bước của cả hai giai đoạn, người giới thiệu, tiến độ và thời hạn."""
    candidate = candidate_in_scope(candidate_id, current_access())
    require(candidate is not None)
    return detail_json(candidate, local_today())


@blp.route("/candidates", methods=["POST"])
@login_required  # before the body is read: 401, not 422, for the anonymous
@blp.arguments(CandidateIn)
@blp.response(201, CandidateDetailOut)
@blp.alt_response(400, description="Vi phạm quy định (chưa đủ 18 tuổi, trình độ, số CCCD đã có…); không ghi gì")
@blp.alt_response(403, description="Thấy chi bộ nhưng không quản lý danh sách quần chúng của chi bộ")
@blp.alt_response(404, description="Chi bộ không có, không phải chi bộ, hoặc ngoài phạm vi của người gọi")
@blp.doc(security=SECURITY)
def create_candidate(payload):
    """Thêm một quần chúng ưu tú vào danh sách của chi bộ (cấp ủy chi bộ và cấp trên)."""
    cell = db.session.get(Organisation, payload.pop("cell_id"))
    access = current_access()
    require(cell is not None and cell.is_cell and can_see_org(access, cell))
    require(can_manage_candidates(access, cell), 403)
    today = local_today()
    try:
        candidate, warnings = service.create_candidate(cell, payload, current_actor(), today=today)
    except AdmissionError as exc:
        return json_error(400, str(exc), code="invalid_candidate", fields={exc.field: [str(exc)]} if exc.field else {})
    except TooManyRefusals as exc:
        return json_error(429, exc.message, code="too_many_refusals")
    return detail_json(candidate, today, warnings), 201
