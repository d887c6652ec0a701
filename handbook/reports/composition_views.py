"""The composition page, its Excel workbook and its printable page (committees and cells' leaders, over what they
manage)."""
from __future__ import annotations

import io

from flask import render_template, request, send_file
from flask_login import login_required

from handbook.caller import current_access
from handbook.core.timeutil import format_date, local_today
from handbook.core.workbooks import XLSX
from handbook.reports import composition_charts, composition_tables
from handbook.reports.blueprints import reports_bp
from handbook.reports.composition import composition
from handbook.reports.kept import kept
from handbook.reports.pages import parent_crumb, report_org
from handbook.reports.periods import as_of_arg


def _report():
    access = current_access()
    org = report_org(access)
    today = local_today()
    day = as_of_arg(request.args.get("as_of"), today)
    # kept as the other reports are when slow (a province's first count after a change): see reports/kept.py
    return kept("composition", (org.id, day, today), lambda: composition(org, day, today=today), org=org), access


def _context(report, access) -> dict:
    return {"report": report, "tables": composition_tables.tables(report),
            "charts": composition_charts.images(report), "format_date": format_date,
            "percent": composition_tables.percent,
            "as_of": format_date(report.day) if report.day != report.today else None,
            "up": parent_crumb(access, report.org)}


@reports_bp.get("/reports/composition", endpoint="composition")
@login_required
def composition_page():
    report, access = _report()
    return render_template("reports/composition.html", **_context(report, access))


@reports_bp.get("/reports/composition.xlsx")
@login_required
def composition_xlsx():
    report, _access = _report()
    return send_file(io.BytesIO(composition_tables.workbook(report)), mimetype=XLSX, as_attachment=True,
                     download_name=f"co-cau-dang-vien-{report.org.id}-{report.day.isoformat()}.xlsx")


@reports_bp.get("/reports/composition/print")
@login_required
def composition_print():
    report, access = _report()
    return render_template("reports/composition_print.html", **_context(report, access))
