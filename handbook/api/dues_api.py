"""A member's own dues over JSON: their months of a year with what they owed and what they paid."""
from __future__ import annotations

from flask_login import login_required
from flask_smorest import Blueprint
from marshmallow import fields, validate

from handbook.api.fields import FIELD_ERRORS, InputSchema, OutputSchema
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import local_today
from handbook.dues import labels, rules, sheet
from handbook.dues.my_views import FIRST_YEAR, own_member

blp = Blueprint("api_dues", __name__, url_prefix="/api/v1", description="Đảng phí")
SECURITY = [{"bearerAuth": []}, {"sessionCookie": []}]


class YearArgs(InputSchema):
    year = fields.Integer(load_default=None, error_messages=FIELD_ERRORS, validate=validate.Range(
        min=FIRST_YEAR, max=2100, error=_l("Phải từ {min} đến {max}.")),
        metadata={"description": "Năm dương lịch; mặc định năm nay"})


class MonthOut(OutputSchema):
    month = fields.String(metadata={"description": "YYYY-MM"})
    member = fields.Boolean(metadata={"description": "Đảng viên đã vào Đảng và chưa rời chi bộ trong tháng này"})
    expected = fields.Integer(allow_none=True, metadata={"description": "Số phải đóng (đồng); null: chưa tính được"})
    expected_status = fields.String(allow_none=True, metadata={
        "description": "due, before_rule, no_profile, no_region, exempt, fifty_years"})
    expected_label = fields.String(allow_none=True)
    reduction_percent = fields.Integer()
    paid = fields.Integer(allow_none=True, metadata={"description": "Số đã nộp (đồng); null: chưa ghi nhận"})
    paid_on = fields.Date(allow_none=True)
    method = fields.String(allow_none=True, metadata={"description": "cash hoặc portal"})
    method_label = fields.String(allow_none=True)
    reference = fields.String(allow_none=True)
    unpaid = fields.Boolean(metadata={"description": "Tháng đã qua, phải đóng mà chưa ghi nhận"})


class MyDuesOut(OutputSchema):
    member_id = fields.Integer()
    year = fields.Integer()
    paid_total = fields.Integer()
    unpaid_months = fields.Integer()
    months = fields.List(fields.Nested(MonthOut))


def _month(line) -> dict:
    owed, paid = line.expected, line.payment
    return {
        "month": line.month.strftime("%Y-%m"), "member": owed is not None,
        "expected": owed.amount if owed else None, "expected_status": owed.status if owed else None,
        "expected_label": str(labels.STATUS_LABELS[owed.status]) if owed and owed.status in labels.STATUS_LABELS
        else None,
        "reduction_percent": owed.percent if owed and owed.percent < rules.EXEMPT else 0,
        "paid": paid.amount if paid else None, "paid_on": paid.paid_on if paid else None,
        "method": paid.method.value if paid else None,
        "method_label": str(labels.METHOD_LABELS[paid.method]) if paid else None,
        "reference": paid.reference if paid else None, "unpaid": line.unpaid,
    }


@blp.route("/me/dues")
@login_required  # before the query is read: 401, not 422, for the anonymous
@blp.arguments(YearArgs, location="query")
@blp.response(200, MyDuesOut)
@blp.alt_response(404, description="Tài khoản không gắn với hồ sơ đảng viên")
@blp.doc(security=SECURITY)
def my_dues(args):
    """Đảng phí của người gọi trong một năm: từng tháng phải đóng, đã nộp, ngày và hình thức nộp."""
    member = own_member()
    today = local_today()
    year = args.get("year") or today.year
    months = sheet.member_year(member, year, today=today)
    return {"member_id": member.id, "year": year, "months": [_month(line) for line in months],
            "paid_total": sum(line.payment.amount for line in months if line.payment is not None),
            "unpaid_months": sum(1 for line in months if line.unpaid)}
