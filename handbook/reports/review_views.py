"""The periodic reviews' pages: a list (page, Excel, printable page) and recording that it was reviewed."""
from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import login_required

from handbook.caller import current_access, current_actor
from handbook.core.forms import submit
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import format_date, local_today, parse_day, utcnow
from handbook.core.web import require
from handbook.core.workbooks import XLSX
from handbook.org.access import can_record_review, can_view_member_lists
from handbook.reports import review_tables
from handbook.reports import reviews as service
from handbook.reports.blueprints import reports_bp
from handbook.reports.models import ReviewKind
from handbook.reports.pages import parent_crumb, report_org
from handbook.reports.review_forms import RecordReviewForm


def kind_arg(raw: str | None) -> ReviewKind:
    raw = (raw or "").strip()
    if not raw:
        return ReviewKind.RETIRED_AT_WORKPLACE
    try:
        return ReviewKind(raw)
    except ValueError:
        abort(400, _("Không có danh sách xem xét này."))


def page_arg(raw: str | None) -> int:
    raw = (raw or "").strip()
    if not raw:
        return 1
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6 or int(raw) < 1:
        abort(400, _("Số trang phải là một số từ 1 trở lên."))
    return int(raw)


def _scope():
    access = current_access()
    org = report_org(access)
    require(can_view_member_lists(access, org), 403)  # the lists name members: not for a position on `org` alone
    return access, org, kind_arg(request.args.get("kind"))


def _context(access, result, form=None) -> dict:
    org = result.org
    return {
        "result": result,
        "kinds": [(kind, review_tables.KIND_SHORT[kind]) for kind in ReviewKind],
        "kind_label": review_tables.KIND_LABELS[result.kind],
        "headings": review_tables.headings(result.kind),
        "table": list(review_tables.rows(result.kind, result.rows, start=(result.page - 1) * result.per_page + 1)),
        "children_table": review_tables.children_table(result),
        "can_record": can_record_review(access, org),
        "form": form or RecordReviewForm(formdata=None, reviewed_on=format_date(result.today)),
        "up": parent_crumb(access, org),
        "format_date": format_date,
    }


@reports_bp.get("/reports/reviews")
@login_required
def reviews():
    access, org, kind = _scope()
    result = service.review_list(org, kind, today=local_today(), page=page_arg(request.args.get("page")))
    return render_template("reports/reviews.html", **_context(access, result))


@reports_bp.get("/reports/reviews.xlsx")
@login_required
def reviews_xlsx():
    _access, org, kind = _scope()
    today, now = local_today(), utcnow()
    result = service.review_list(org, kind, today=today, now=now, per_page=1)
    data = review_tables.workbook(result, service.all_rows(org, kind, today=today, now=now))
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True,
                     download_name=f"xem-xet-{kind.value.replace('_', '-')}-{org.id}-{today.isoformat()}.xlsx")


@reports_bp.get("/reports/reviews/print")
@login_required
def reviews_print():
    access, org, kind = _scope()
    today, now = local_today(), utcnow()
    result = service.review_list(org, kind, today=today, now=now, per_page=1)
    context = _context(access, result)
    context["table"] = review_tables.rows(kind, service.all_rows(org, kind, today=today, now=now))
    return render_template("reports/reviews_print.html", **context)


@reports_bp.post("/reports/reviews")
@login_required
def record_review():
    access, org, kind = _scope()
    require(can_record_review(access, org), 403)
    form = RecordReviewForm()
    today = local_today()

    def record():
        raw = (form.reviewed_on.data or "").strip()
        day = parse_day(raw) if raw else today
        if raw and day is None:
            raise service.ReviewError(_("Hãy nhập ngày xem xét theo dạng dd/mm/yyyy."), "reviewed_on")
        return service.record_review(org, kind, day, form.note.data, current_actor(), today=today)

    outcome = submit(form, record, service.ReviewError)
    if outcome.done:
        flash(_("Đã ghi nhận buổi xem xét ngày %(day)s (%(n)d đảng viên trong danh sách).",
                day=format_date(outcome.value.reviewed_on), n=outcome.value.listed), "success")
        return redirect(url_for("reports.reviews", organisation_id=org.id, kind=kind.value))
    result = service.review_list(org, kind, today=today)
    return render_template("reports/reviews.html", **_context(access, result, form)), max(outcome.status, 400)
