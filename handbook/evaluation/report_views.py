"""The committee's evaluation report (page, Excel, printable page) under /reports: the figures of every
organisation below the one asked about, for a year."""
from __future__ import annotations

import io

from flask import render_template, send_file
from flask_login import login_required

from handbook.caller import current_access
from handbook.core.timeutil import local_today
from handbook.core.workbooks import XLSX
from handbook.evaluation import report_tables, rules, summary
from handbook.evaluation.blueprints import evaluation_bp
from handbook.evaluation.models import Level
from handbook.evaluation.pages import year_arg
from handbook.reports.pages import parent_crumb, report_org


def _report():
    access = current_access()
    org = report_org(access)
    return summary.committee(org, year_arg()), access


def _context(report, access) -> dict:
    return {"report": report, "table": report_tables.table(report), "up": parent_crumb(access, report.org),
            "years": range(local_today().year, local_today().year - 5, -1), "cap": rules.EXCELLENT_CAP,
            "levels": list(Level), "percent": report_tables.percent}


@evaluation_bp.get("/reports/evaluation")
@login_required
def report():
    report, access = _report()
    return render_template("evaluation/report.html", **_context(report, access))


@evaluation_bp.get("/reports/evaluation.xlsx")
@login_required
def report_xlsx():
    report, _access = _report()
    return send_file(io.BytesIO(report_tables.workbook(report)), mimetype=XLSX, as_attachment=True,
                     download_name=f"danh-gia-xep-loai-{report.org.id}-{report.year}.xlsx")


@evaluation_bp.get("/reports/evaluation/print")
@login_required
def report_print():
    report, access = _report()
    return render_template("evaluation/report_print.html", **_context(report, access))
