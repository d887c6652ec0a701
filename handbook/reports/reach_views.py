"""Reach and usage (page, Excel, printable page): how far the app reaches the members of what the caller manages."""
from __future__ import annotations

import io

from flask import render_template, send_file
from flask_login import login_required

from handbook.caller import current_access
from handbook.core.charts import data_url
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import format_date, local_today
from handbook.core.workbooks import XLSX
from handbook.org.access import can_manage_org
from handbook.reports import reach_tables
from handbook.reports.blueprints import reports_bp
from handbook.reports.kept import kept
from handbook.reports.pages import parent_crumb, report_org
from handbook.reports.reach import reach_report

#: cells listed on the page (the workbook and the printable page have them all)
PAGE_CELLS = 100


def _report():
    access = current_access()
    org = report_org(access)
    return kept("reach", (org.id, local_today()), lambda: reach_report(org), org=org), access


def _context(report, access, limit: int) -> dict:
    table_list = reach_tables.tables(report, limit)
    cells = report.cells[:limit]
    # issuing a whole cell's codes (members_manage.issue_cell_codes) is for those who manage the cell: one tap
    # from its row when someone there has not activated an account yet
    codes = {cell.org_id for cell in cells if cell.without_activation and can_manage_org(access, cell)}
    return {
        "report": report,
        "tables": table_list,
        "cell_rows": list(zip(table_list[1][2], cells, strict=True)),
        "codes_for": codes,
        "limit": limit,
        "chart": (data_url(reach_tables.funnel_chart(report)), _("Biểu đồ: tỷ lệ đảng viên được ứng dụng tiếp cận")),
        "up": parent_crumb(access, report.org),
        "format_date": format_date,
        "percent": reach_tables.percent,
    }


@reports_bp.get("/reports/reach")
@login_required
def reach():
    report, access = _report()
    return render_template("reports/reach.html", **_context(report, access, PAGE_CELLS))


@reports_bp.get("/reports/reach.xlsx")
@login_required
def reach_xlsx():
    report, _access = _report()
    return send_file(io.BytesIO(reach_tables.workbook(report)), mimetype=XLSX, as_attachment=True,
                     download_name=f"bao-cao-tiep-can-{report.org.id}-{report.today.isoformat()}.xlsx")


@reports_bp.get("/reports/reach/print")
@login_required
def reach_print():
    report, access = _report()
    return render_template("reports/reach_print.html", **_context(report, access, len(report.cells)))
