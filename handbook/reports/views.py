"""The reports' home: one page answering "how are the organisations under us doing this month?"."""
from __future__ import annotations

from flask import render_template
from flask_login import login_required

from handbook.caller import current_access
from handbook.core.timeutil import format_date, local_today
from handbook.reports.blueprints import reports_bp
from handbook.reports.composition_tables import percent
from handbook.reports.kept import kept
from handbook.reports.overview import overview
from handbook.reports.pages import parent_crumb, report_org


def shown_percent(value: float | None) -> str:
    """A share as the page shows it ("85,0 %"), a dash where there is nothing to divide by."""
    return percent(value) or "—"


@reports_bp.get("/reports")
@login_required
def index():
    access = current_access()
    org = report_org(access)
    found = kept("overview", (org.id, local_today()), lambda: overview(org), org=org)
    return render_template("reports/index.html", o=found, format_date=format_date, percent=shown_percent,
                           up=parent_crumb(access, org))
