"""The meeting compliance and attendance reports (page, Excel, printable page), for committees and cells' leaders
over what they manage."""
from __future__ import annotations

import io
from dataclasses import replace
from types import SimpleNamespace

from flask import render_template, request, send_file
from flask_login import login_required

from handbook.caller import current_access
from handbook.core.charts import data_url
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import format_date, format_datetime, local_today
from handbook.core.workbooks import XLSX
from handbook.meetings import quality
from handbook.org.access import can_manage_org, can_view_member_lists
from handbook.reports import attendance, compliance, meeting_charts, meeting_tables
from handbook.reports.blueprints import reports_bp
from handbook.reports.kept import kept
from handbook.reports.pages import parent_crumb, report_org
from handbook.reports.periods import month_arg, period_args

# --- compliance ----------------------------------------------------------------------------------------------

def _compliance():
    access = current_access()
    org = report_org(access)
    month = month_arg(request.args.get("month"), local_today())
    return kept("compliance", (org.id, month.iso), lambda: compliance.compliance_report(org, month), org=org), access


def _compliance_context(report, access) -> dict:
    return {
        "report": report,
        "tables": meeting_tables.compliance_tables(report),
        "charts": [(data_url(meeting_charts.compliance_chart(report)), _("Biểu đồ: tỷ lệ chi bộ sinh hoạt đủ hồ sơ")),
                   (data_url(meeting_charts.trend_chart(report)), _("Biểu đồ: tỷ lệ đạt các tháng gần nhất"))],
        "criteria": quality.CRITERIA,
        "month_label": meeting_tables.month_label(report.month),
        "percent": meeting_tables.percent,
        "score": meeting_tables.score,
        "up": parent_crumb(access, report.org),
    }


@reports_bp.get("/reports/meetings")
@login_required
def meetings():
    report, access = _compliance()
    return render_template("reports/meetings.html", **_compliance_context(report, access))


@reports_bp.get("/reports/meetings.xlsx")
@login_required
def meetings_xlsx():
    report, _access = _compliance()
    return send_file(io.BytesIO(meeting_tables.compliance_workbook(report)), mimetype=XLSX, as_attachment=True,
                     download_name=f"sinh-hoat-{report.org.id}-{report.month.iso}.xlsx")


@reports_bp.get("/reports/meetings/print")
@login_required
def meetings_print():
    report, access = _compliance()
    return render_template("reports/meetings_print.html", **_compliance_context(report, access))


# --- attendance ----------------------------------------------------------------------------------------------

def _attendance():
    access = current_access()
    org = report_org(access)
    start, end = period_args(request.args.get("from"), request.args.get("to"), local_today())
    report = kept("attendance", (org.id, start, end), lambda: attendance.attendance_report(org, start, end), org=org)
    if not can_view_member_lists(access, org):  # a position on `org` alone: the figures, not the members' names
        report = replace(report, members=[], flagged=[], names_hidden=True)
    return report, access


def _attendance_context(report, access) -> dict:
    def review_link(flagged) -> bool:
        return can_manage_org(access, SimpleNamespace(id=flagged.cell_id, path=flagged.cell_path))

    return {
        "report": report,
        "tables": meeting_tables.attendance_tables(report),
        "charts": [(data_url(meeting_charts.attendance_chart(report)), _("Biểu đồ: tỷ lệ có mặt khi sinh hoạt"))],
        "period": meeting_tables.period_label(report),
        "percent": meeting_tables.percent,
        "review_link": review_link,
        "up": parent_crumb(access, report.org),
        "start": format_date(report.start),
        "end": format_date(report.end),
        "format_datetime": format_datetime,
    }


@reports_bp.get("/reports/attendance", endpoint="attendance")
@login_required
def attendance_page():
    report, access = _attendance()
    return render_template("reports/attendance.html", **_attendance_context(report, access))


@reports_bp.get("/reports/attendance.xlsx")
@login_required
def attendance_xlsx():
    report, _access = _attendance()
    return send_file(io.BytesIO(meeting_tables.attendance_workbook(report)), mimetype=XLSX, as_attachment=True,
                     download_name=f"du-sinh-hoat-{report.org.id}-{report.start.isoformat()}-{report.end.isoformat()}"
                                   ".xlsx")


@reports_bp.get("/reports/attendance/print")
@login_required
def attendance_print():
    report, access = _attendance()
    return render_template("reports/attendance_print.html", **_attendance_context(report, access))
