"""The admissions report (page, Excel, printable page) and the yearly targets' form, for committees and for a
cell's leaders (their cell's figures)."""
from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import login_required
from sqlalchemy import select

from handbook.admission import charts, report_tables
from handbook.admission import report as reports
from handbook.admission.blueprints import admission_bp
from handbook.admission.errors import AdmissionError
from handbook.admission.report import FIRST_YEAR
from handbook.admission.targets import MAX_TARGET, set_targets, targets_of, year_allowed
from handbook.caller import current_access, current_actor
from handbook.core.forms import EmptyForm, submit
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import format_date, local_today
from handbook.core.web import require
from handbook.extensions import db
from handbook.org.access import Access, can_manage_org, can_set_target
from handbook.org.models import Organisation
from handbook.org.scope import managed_org

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def managed_from_args(access: Access) -> Organisation:
    """`?organisation_id=`, or the caller's highest organisation: 404 outside what the caller manages."""
    return managed_org(access, request.args.get("organisation_id"))


def year_from(raw: str | None, today) -> int:
    """`year` as given (this year when absent): 400 with the reason otherwise."""
    raw = (raw or "").strip()
    if not raw:
        return today.year
    if not raw.isascii() or not raw.isdigit() or not FIRST_YEAR <= int(raw) <= today.year + 1:
        abort(400, _("Năm phải là một số từ %(first)d đến %(last)d.", first=FIRST_YEAR, last=today.year + 1))
    return int(raw)


def _report():
    access = current_access()
    require(access.is_leader, 403)
    org = managed_from_args(access)
    today = local_today()
    year = year_from(request.args.get("year"), today)
    return reports.admissions_report(org, year, today=today), access


def _chart_images(report) -> list[tuple[str, str]]:
    return [(charts.data_url(charts.targets_chart(report)), _("Biểu đồ: kết nạp so với chỉ tiêu")),
            (charts.data_url(charts.groups_chart(report)), _("Biểu đồ: kết nạp theo đối tượng"))]


def _context(report, access) -> dict:
    return {
        "report": report,
        "tables": report_tables.tables(report),
        "groups": [(key, reports.GROUP_LABELS[key]) for key in reports.GROUPS],
        "headings": reports.GROUP_HEADINGS,
        "charts": _chart_images(report),
        "can_set_target": can_set_target(access, report.org),
        "up": report.org.parent if report.org.parent and can_manage_org(access, report.org.parent) else None,
        "children_ids": {line.org_id for line in report.children},
        "format_date": format_date,
    }


@admission_bp.get("/admission/report")
@login_required
def report_page():
    report, access = _report()
    return render_template("admission/report.html", **_context(report, access))


@admission_bp.get("/admission/report.xlsx")
@login_required
def report_xlsx():
    report, _access = _report()
    return send_file(io.BytesIO(report_tables.workbook(report)), mimetype=XLSX, as_attachment=True,
                     download_name=f"bao-cao-ket-nap-{report.org.id}-{report.year}.xlsx")


@admission_bp.get("/admission/report/print")
@login_required
def report_print():
    report, access = _report()
    return render_template("admission/report_print.html", **_context(report, access))


# --- targets --------------------------------------------------------------------------------------------------

@admission_bp.route("/admission/targets", methods=["GET", "POST"])
@login_required
def targets_page():
    access = current_access()
    require(access.is_leader, 403)
    org = managed_from_args(access)
    today = local_today()
    raw_year = (request.args.get("year") or "").strip() or str(today.year)
    year = int(raw_year) if raw_year.isascii() and raw_year.isdigit() and len(raw_year) == 4 else 0
    if not year_allowed(year, today):
        abort(400, _("Chỉ đặt được chỉ tiêu cho năm %(a)d, %(b)d hoặc %(c)d.", a=today.year - 1, b=today.year,
                     c=today.year + 1))
    children = list(db.session.scalars(
        select(Organisation).where(Organisation.parent_id == org.id, Organisation.dissolved_on.is_(None))
        .order_by(Organisation.name, Organisation.id)))
    settable = [o for o in [org, *children] if can_set_target(access, o)]
    require(bool(settable), 403)
    form = EmptyForm()
    failed: dict[str, str] = {}

    def save() -> int:
        values = {o.id: request.form.get(f"target_{o.id}", "") for o in settable}
        try:
            return set_targets(org, year, values, current_actor(), today=today)
        except AdmissionError as exc:
            failed[exc.field or ""] = str(exc)
            raise

    outcome = submit(form, save, AdmissionError)
    for name, message in failed.items():
        if name and message in form.form_errors:  # shown beside its field instead
            form.form_errors.remove(message)
    if outcome.done:
        flash(_("Đã lưu chỉ tiêu năm %(year)d.", year=year), "success")
        return redirect(url_for("admission.report_page", organisation_id=org.id, year=year))
    current = targets_of([o.id for o in settable], year)
    values = {o.id: request.form.get(f"target_{o.id}", "") if request.method == "POST"
              else ("" if current.get(o.id) is None else str(current[o.id])) for o in settable}
    return render_template("admission/targets.html", org=org, year=year, rows=settable, values=values, form=form,
                           failed=failed, years=[today.year - 1, today.year, today.year + 1],
                           max_target=MAX_TARGET), outcome.status
