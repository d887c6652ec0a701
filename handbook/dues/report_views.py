"""The committee's dues totals (page, Excel, printable page) among the committee's reports, and a cell's month as
a workbook (its sheet and its remittance sheet)."""
from __future__ import annotations

import io

from flask import render_template, request, send_file
from flask_login import login_required

from handbook.caller import current_access
from handbook.core.timeutil import local_today
from handbook.core.workbooks import XLSX
from handbook.dues import rules, sheet, tables
from handbook.dues.blueprints import dues_bp
from handbook.dues.pages import collector_cell
from handbook.dues.totals import dues_totals
from handbook.dues.views import month_from_args
from handbook.reports.kept import kept
from handbook.reports.pages import parent_crumb, report_org


def _report():
    access = current_access()
    org = report_org(access)
    month = month_from_args(local_today())
    # `?ytd=1`: the year to date's expected amount and unpaid count too — the month's members' query for each month
    # of the year, seconds for a city (benchmarks/dues.py); kept a few minutes like the other reports
    full_year = request.args.get("ytd") == "1"
    return kept("dues", (org.id, month, full_year), lambda: dues_totals(org, month, full_year=full_year),
                org=org), access


def _context(report, access) -> dict:
    return {"report": report, "headings": tables.totals_headings(), "rows": list(tables.totals_rows(report)),
            "up": parent_crumb(access, report.org), "rules": rules,
            "remittance": tables.remittance_rows(report.total.month.collected),
            "month_arg": report.month.strftime("%Y-%m"), "ytd_arg": "1" if report.full_year else None}


@dues_bp.get("/reports/dues")
@login_required
def report():
    totals, access = _report()
    return render_template("dues/report.html", **_context(totals, access))


@dues_bp.get("/reports/dues.xlsx")
@login_required
def report_xlsx():
    totals, _access = _report()
    return send_file(io.BytesIO(tables.totals_workbook(totals)), mimetype=XLSX, as_attachment=True,
                     download_name=f"dang-phi-{totals.org.id}-{totals.month.strftime('%Y-%m')}.xlsx")


@dues_bp.get("/reports/dues/print")
@login_required
def report_print():
    totals, access = _report()
    return render_template("dues/report_print.html", **_context(totals, access))


@dues_bp.get("/dues/cells/<int:cell_id>.xlsx")
@login_required
def cell_xlsx(cell_id: int):
    cell = collector_cell(cell_id)
    today = local_today()
    month = month_from_args(today)
    current = sheet.cell_sheet(cell, month, today=today)
    payments = sheet.received(cell, month)
    data = tables.cell_workbook(current, sum(p.amount for p in payments), payments)
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True,
                     download_name=f"dang-phi-chi-bo-{cell.id}-{month.strftime('%Y-%m')}.xlsx")
