"""The member's own page: their state (exempt or not, the days left), their request form and history, and taking
a request back before the cell decides."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import login_required

from handbook.caller import current_actor
from handbook.core.forms import EmptyForm
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import local_today
from handbook.core.web import require
from handbook.exemptions import service
from handbook.exemptions.blueprints import exemptions_bp
from handbook.exemptions.forms import RequestForm
from handbook.exemptions.models import ExemptionKind, ExemptionReason, ExemptionStatus
from handbook.exemptions.pages import form_day, own_exemption, own_member, submit
from handbook.exemptions.rules import KIND_LABELS, REASON_LABELS, STATUS_LABELS, max_months


def labels() -> dict:
    return {"kind_labels": KIND_LABELS, "reason_labels": REASON_LABELS, "status_labels": STATUS_LABELS}


def request_values(form: RequestForm) -> dict:
    """The request's values from a validated form (its days read; ExemptionError on a day not readable)."""
    return {"kind": ExemptionKind(form.kind.data), "reason": ExemptionReason(form.reason.data),
            "detail": form.detail.data, "starts_on": form_day(form, "starts_on"), "until": form_day(form, "until")}


@exemptions_bp.route("/me/exemptions", methods=["GET", "POST"])
@login_required
def mine():
    member = own_member()
    today = local_today()
    form = RequestForm()
    result = submit(form, lambda: service.request_exemption(member, actor=current_actor(), today=today,
                                                            **request_values(form)))
    if result.done:
        flash(_("Đã gửi đơn. Chi bộ sẽ xem xét và trả lời đồng chí."), "success")
        return redirect(url_for("exemptions.mine"))
    current = service.current_for(member.id, today)
    return render_template(
        "exemptions/mine.html", member=member, form=form, current=current, today=today,
        days_left=service.days_left(current, today) if current else None, history=service.history_for(member.id),
        action_form=EmptyForm(formdata=None), max_months=max_months(), **labels()), result.status


@exemptions_bp.route("/me/exemptions/<int:exemption_id>/withdraw", methods=["POST"])
@login_required
def withdraw(exemption_id: int):
    exemption = own_exemption(exemption_id)
    require(EmptyForm().validate_on_submit(), 400)
    if exemption.status is ExemptionStatus.PENDING:
        service.withdraw(exemption, current_actor())
        flash(_("Đã rút đơn."), "success")
    else:
        flash(_("Đơn này đã được chi bộ xem xét; không rút được nữa."), "error")
    return redirect(url_for("exemptions.mine"))
