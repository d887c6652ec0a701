"""Meeting compliance of a month, as JSON: the share of cells that held the regular meeting with minutes and
attendance, the counts, the organisations directly below, the cells that did not (`reports.compliance`)."""
from __future__ import annotations

from flask_login import login_required
from flask_smorest import Blueprint
from marshmallow import fields

from handbook.api.fields import InputSchema, OutputSchema
from handbook.api.scope import report_organisation
from handbook.caller import current_access
from handbook.core.timeutil import local_today
from handbook.reports.compliance import Line, Report, compliance_report
from handbook.reports.periods import month_arg

blp = Blueprint("api_meeting_reports", __name__, url_prefix="/api/v1", description="Báo cáo sinh hoạt chi bộ")


class MeetingsReportArgs(InputSchema):
    organisation_id = fields.String(metadata={"description": "mặc định: tổ chức cao nhất người gọi phụ trách"})
    month = fields.String(metadata={"description": "tháng, dạng YYYY-MM, không sau tháng này; mặc định: tháng này"})


class ComplianceLineOut(OutputSchema):
    id = fields.Integer()
    name = fields.String()
    cells = fields.Integer(metadata={"description": "số chi bộ đang hoạt động trong tháng"})
    held = fields.Integer(metadata={"description": "chi bộ đã sinh hoạt thường kỳ, có biên bản và điểm danh"})
    held_incomplete = fields.Integer(metadata={"description": "đã họp nhưng thiếu biên bản hoặc điểm danh"})
    scheduled = fields.Integer(metadata={"description": "có lịch nhưng chưa họp"})
    missing = fields.Integer(metadata={"description": "chưa có lịch sinh hoạt thường kỳ trong tháng"})
    share = fields.Float(allow_none=True, metadata={"description": "% chi bộ đạt (held / cells), 1 chữ số thập phân"})
    thematic = fields.Integer(metadata={"description": "chi bộ có sinh hoạt chuyên đề đã họp trong quý"})
    thematic_share = fields.Float(allow_none=True)
    meetings = fields.Integer(metadata={"description": "số buổi sinh hoạt đã họp trong tháng"})
    average_score = fields.Float(allow_none=True, metadata={"description": "điểm chất lượng trung bình (trên 5)"})


class CellOut(OutputSchema):
    id = fields.Integer()
    name = fields.String()
    under = fields.String(metadata={"description": "tổ chức trực thuộc trực tiếp mà chi bộ nằm dưới"})
    status = fields.String(metadata={"description": "missing | scheduled | held_incomplete"})


class MeetingsReportOut(ComplianceLineOut):
    month = fields.String()
    children = fields.List(fields.Nested(ComplianceLineOut))
    not_held = fields.List(fields.Nested(CellOut), metadata={"description": "chi bộ chưa sinh hoạt thường kỳ đủ "
                                                                           "biên bản và điểm danh"})


def _line(line: Line) -> dict:
    return {"id": line.org_id, "name": line.name, "cells": line.cells, "held": line.held,
            "held_incomplete": line.counts["held_incomplete"], "scheduled": line.counts["scheduled"],
            "missing": line.counts["missing"], "share": line.share, "thematic": line.thematic,
            "thematic_share": line.thematic_share, "meetings": line.meetings, "average_score": line.average_score}


def report_json(report: Report) -> dict:
    return {**_line(report.total), "name": report.org.name, "month": report.month.iso,
            "children": [_line(line) for line in report.children],
            "not_held": [{"id": n.id, "name": n.name, "under": n.under, "status": n.status} for n in report.not_held]}


@blp.route("/reports/meetings")
@login_required  # before the query is read: 401, not 422, for the anonymous
@blp.arguments(MeetingsReportArgs, location="query")
@blp.response(200, MeetingsReportOut)
@blp.alt_response(400, description="Tháng hoặc mã tổ chức không hợp lệ")
@blp.alt_response(403, description="Người gọi không phụ trách tổ chức nào")
@blp.alt_response(404, description="Không có, hoặc ngoài phạm vi quản lý của người gọi")
@blp.doc(security=[{"bearerAuth": []}, {"sessionCookie": []}])
def meetings(args):
    """Sinh hoạt chi bộ của một tháng: tỷ lệ chi bộ sinh hoạt thường kỳ có biên bản và điểm danh, số chi bộ theo
    tình trạng, sinh hoạt chuyên đề trong quý, điểm chất lượng, từng tổ chức trực thuộc và danh sách chi bộ chưa
    đạt; cho cấp ủy và chi ủy trong phạm vi phụ trách."""
    org = report_organisation(current_access(), args.get("organisation_id"))
    month = month_arg(args.get("month"), local_today())
    return report_json(compliance_report(org, month))
