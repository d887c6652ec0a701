"""The figures committees report, as JSON: admissions of a year against the target, by group and by organisation
directly below, the term against the previous term's same period (`admission.report`); the composition of the
membership as of a day (`reports.composition`)."""
from __future__ import annotations

from flask_login import login_required
from flask_smorest import Blueprint
from marshmallow import fields

from handbook.admission.report import FIRST_YEAR, GROUPS, Line, Report, admissions_report
from handbook.api.fields import InputSchema, OutputSchema
from handbook.api.scope import report_organisation
from handbook.caller import current_access
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import local_today
from handbook.core.web import json_error
from handbook.reports.composition import composition as composition_report
from handbook.reports.periods import as_of_arg

blp = Blueprint("api_reports", __name__, url_prefix="/api/v1", description="Báo cáo")

GroupsOut = OutputSchema.from_dict(
    {key: fields.Integer(metadata={"description": "số người kết nạp trong năm thuộc nhóm này"}) for key in GROUPS},
    name="AdmissionGroupsOut")


class ReportArgs(InputSchema):
    organisation_id = fields.String(metadata={"description": "mặc định: tổ chức cao nhất người gọi phụ trách"})
    year = fields.String(metadata={"description": f"năm, từ {FIRST_YEAR} đến năm sau; mặc định: năm nay"})


class AdmissionLineOut(OutputSchema):
    id = fields.Integer()
    name = fields.String()
    admitted = fields.Integer(metadata={"description": "số đảng viên kết nạp trong năm (theo hồ sơ kết nạp)"})
    target = fields.Integer(allow_none=True, metadata={"description": "chỉ tiêu của năm; null: chưa giao"})
    percent = fields.Float(allow_none=True, metadata={"description": "% đạt so với chỉ tiêu (1 chữ số thập phân)"})
    groups = fields.Nested(GroupsOut)
    university_or_more = fields.Integer()
    term_admitted = fields.Integer(metadata={"description": "kết nạp từ đầu nhiệm kỳ đến nay (cả hồ sơ nhập không "
                                                            "qua quy trình)"})
    previous_term_admitted = fields.Integer(metadata={"description": "cùng kỳ nhiệm kỳ trước"})


class AdmissionTermOut(OutputSchema):
    start = fields.Date()
    end = fields.Date()
    previous_start = fields.Date()
    previous_end = fields.Date()


class AdmissionsReportOut(AdmissionLineOut):
    year = fields.Integer()
    as_of = fields.Date()
    target_from_children = fields.Boolean(metadata={"description": "chỉ tiêu là tổng chỉ tiêu các tổ chức trực "
                                                                   "thuộc (tổ chức này chưa được giao)"})
    term = fields.Nested(AdmissionTermOut)
    children = fields.List(fields.Nested(AdmissionLineOut))
    cells = fields.Integer(metadata={"description": "số chi bộ đang hoạt động"})
    idle_years = fields.Integer()
    idle_cells = fields.Integer(metadata={"description": "số chi bộ không kết nạp được đảng viên nào trong "
                                                         "idle_years năm"})
    empty_cells = fields.Integer(metadata={"description": "số chi bộ không có đảng viên"})


def _line(line: Line) -> dict:
    return {"id": line.org_id, "name": line.name, "admitted": line.admitted, "target": line.target,
            "percent": line.percent, "groups": dict(line.groups), "university_or_more": line.university_or_more,
            "term_admitted": line.term, "previous_term_admitted": line.previous_term}


def report_json(report: Report) -> dict:
    return {
        **_line(report.total),
        "name": report.org.name,
        "year": report.year,
        "as_of": report.today,
        "target_from_children": report.target_from_children,
        "term": {"start": report.term_start, "end": report.today, "previous_start": report.previous_start,
                 "previous_end": report.previous_end},
        "children": [_line(line) for line in report.children],
        "cells": report.cells,
        "idle_years": report.idle_years,
        "idle_cells": len(report.idle_cells),
        "empty_cells": len(report.empty_cells),
    }


@blp.route("/reports/admissions")
@login_required  # before the query is read: 401, not 422, for the anonymous
@blp.arguments(ReportArgs, location="query")
@blp.response(200, AdmissionsReportOut)
@blp.alt_response(400, description="Năm hoặc mã tổ chức không hợp lệ")
@blp.alt_response(403, description="Người gọi không phụ trách tổ chức nào")
@blp.alt_response(404, description="Không có, hoặc ngoài phạm vi quản lý của người gọi")
@blp.doc(security=[{"bearerAuth": []}, {"sessionCookie": []}])
def admissions(args):
    """Kết nạp đảng viên của một tổ chức trong một năm: tổng số, chỉ tiêu, số theo từng nhóm (nữ, đoàn viên, dân
    tộc thiểu số, có đạo, tuổi 18–30, trình độ, nghề nghiệp), từng tổ chức trực thuộc, nhiệm kỳ này so với cùng kỳ
    nhiệm kỳ trước; cho cấp ủy và chi ủy trong phạm vi phụ trách."""
    access = current_access()
    today = local_today()
    raw_year = (args.get("year") or "").strip()
    year = today.year
    if raw_year:
        if not (raw_year.isascii() and raw_year.isdigit() and FIRST_YEAR <= int(raw_year) <= today.year + 1):
            return json_error(400, _("Năm phải là một số từ %(first)d đến %(last)d.", first=FIRST_YEAR,
                                     last=today.year + 1), code="invalid_year")
        year = int(raw_year)
    org = report_organisation(access, args.get("organisation_id"))
    return report_json(admissions_report(org, year, today=today))


# --- composition ----------------------------------------------------------------------------------------------

class CompositionArgs(InputSchema):
    organisation_id = fields.String(metadata={"description": "mặc định: tổ chức cao nhất người gọi phụ trách"})
    as_of = fields.String(metadata={"description": "ngày tính số liệu, YYYY-MM-DD hoặc dd/mm/yyyy; mặc định: hôm nay"})


class CompositionRowOut(OutputSchema):
    key = fields.String(metadata={"description": "mã nhóm (với các trường chữ: giá trị đã chuẩn hóa, \"\" = không "
                                                 "ghi)"})
    label = fields.String()
    count = fields.Integer()
    share = fields.Float(allow_none=True, metadata={"description": "% trên tổng số (1 chữ số thập phân)"})


class CompositionDimensionOut(OutputSchema):
    key = fields.String(metadata={"description": "status, gender, age, ethnic_group, religion_group, occupation, "
                                                 "years, ethnicity, religion, education, political_theory"})
    title = fields.String()
    rows = fields.List(fields.Nested(CompositionRowOut))


class CompositionChangeOut(OutputSchema):
    key = fields.String()
    label = fields.String()
    values = fields.List(fields.Integer(), metadata={"description": "giá trị tại từng ngày của quarter_days"})
    change = fields.Integer(metadata={"description": "so với cuối quý thứ tư trước"})


class CompositionChildOut(OutputSchema):
    id = fields.Integer()
    name = fields.String()
    total = fields.Integer()


class CompositionReportOut(OutputSchema):
    id = fields.Integer()
    name = fields.String()
    as_of = fields.Date()
    total = fields.Integer(metadata={"description": "số đảng viên (dự bị, chính thức, miễn, tạm miễn sinh hoạt)"})
    dimensions = fields.List(fields.Nested(CompositionDimensionOut))
    milestones = fields.List(fields.Nested(CompositionRowOut), metadata={
        "description": "số đảng viên đủ 30, 40, 45, … 80 năm tuổi Đảng trong năm của ngày tính"})
    quarter_days = fields.List(fields.Date(), metadata={"description": "cuối bốn quý trước, rồi ngày tính"})
    changes = fields.List(fields.Nested(CompositionChangeOut))
    children = fields.List(fields.Nested(CompositionChildOut))


def _rows(rows) -> list[dict]:
    return [{"key": row.key, "label": row.label, "count": row.count, "share": row.share} for row in rows]


def composition_json(report) -> dict:
    return {
        "id": report.org.id, "name": report.org.name, "as_of": report.day, "total": report.total,
        "dimensions": [{"key": d.key, "title": d.title, "rows": _rows(d.rows)}
                       for d in [*report.dimensions, *report.texts]],
        "milestones": _rows(report.milestones),
        "quarter_days": report.quarter_days,
        "changes": [{"key": c.key, "label": c.label, "values": c.values, "change": c.change}
                    for c in report.changes],
        "children": [{"id": c.id, "name": c.name, "total": c.total} for c in report.children],
    }


@blp.route("/reports/composition")
@login_required  # before the query is read: 401, not 422, for the anonymous
@blp.arguments(CompositionArgs, location="query")
@blp.response(200, CompositionReportOut)
@blp.alt_response(400, description="Ngày hoặc mã tổ chức không hợp lệ")
@blp.alt_response(403, description="Người gọi không phụ trách tổ chức nào")
@blp.alt_response(404, description="Không có, hoặc ngoài phạm vi quản lý của người gọi")
@blp.doc(security=[{"bearerAuth": []}, {"sessionCookie": []}])
def composition(args):
    """Cơ cấu đảng viên của một tổ chức (cả các tổ chức trực thuộc) tại một ngày: theo tình trạng, giới tính, độ
    tuổi, dân tộc, tôn giáo, trình độ giáo dục phổ thông, lý luận chính trị, nhóm nghề nghiệp, tuổi Đảng; số đảng
    viên đủ tuổi Đảng nhận huy hiệu trong năm; thay đổi qua bốn quý; từng tổ chức trực thuộc."""
    access = current_access()
    today = local_today()
    org = report_organisation(access, args.get("organisation_id"))
    day = as_of_arg(args.get("as_of"), today)
    return composition_json(composition_report(org, day, today=today))
