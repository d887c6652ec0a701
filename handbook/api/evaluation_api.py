"""The caller's own evaluations over JSON: every year, every post — the rating (score, level) and the
self-assessment's form and state."""
from __future__ import annotations

from flask_login import login_required
from flask_smorest import Blueprint
from marshmallow import fields

from handbook.api.fields import OutputSchema, UtcDateTime
from handbook.caller import current_access
from handbook.evaluation import history, rules
from handbook.evaluation.labels import FORM_LABELS, STATUS_LABELS

blp = Blueprint("api_evaluation", __name__, url_prefix="/api/v1", description="Đánh giá, xếp loại đảng viên")


class EvaluationOut(OutputSchema):
    year = fields.Integer()
    organisation_id = fields.Integer()
    organisation_name = fields.String()
    score = fields.String(allow_none=True, metadata={"description": "Tổng điểm thang 100, một chữ số thập phân"})
    level = fields.String(allow_none=True, metadata={"description": "xuat_sac, tot, hoan_thanh, khong_hoan_thanh"})
    level_label = fields.String(allow_none=True)
    decided_on = fields.Date(allow_none=True)
    note = fields.String(allow_none=True)
    form = fields.String(allow_none=True, metadata={"description": "Mẫu bản tự kiểm điểm: 2A, 2B hoặc 2C"})
    form_label = fields.String(allow_none=True)
    self_assessment = fields.String(allow_none=True, metadata={"description": "draft hoặc submitted"})
    self_assessment_label = fields.String(allow_none=True)
    submitted_at = UtcDateTime(allow_none=True)


class EvaluationList(OutputSchema):
    items = fields.List(fields.Nested(EvaluationOut))


def _item(entry: history.Entry) -> dict:
    rating, assessment = entry.rating, entry.assessment
    return {
        "year": entry.year, "organisation_id": entry.organisation.id, "organisation_name": entry.organisation.name,
        "score": f"{rating.score:.1f}" if rating else None, "level": rating.level.value if rating else None,
        "level_label": rules.level_label(rating.level) if rating else None,
        "decided_on": rating.decided_on if rating else None, "note": rating.note if rating else None,
        "form": assessment.form.value if assessment else None,
        "form_label": str(FORM_LABELS[assessment.form]) if assessment else None,
        "self_assessment": assessment.status.value if assessment else None,
        "self_assessment_label": str(STATUS_LABELS[assessment.status]) if assessment else None,
        "submitted_at": assessment.submitted_at if assessment else None,
    }


@blp.route("/me/evaluations")
@blp.response(200, EvaluationList)
@blp.doc(security=[{"bearerAuth": []}, {"sessionCookie": []}])
@login_required
def my_evaluations():
    """Kết quả đánh giá, xếp loại của người gọi: mỗi năm, mỗi nơi kiểm điểm (mới nhất trước); rỗng khi tài khoản
    không gắn với hồ sơ đảng viên."""
    access = current_access()
    if access.member_id is None:
        return {"items": []}
    return {"items": [_item(entry) for entry in history.history(access.member_id)]}
