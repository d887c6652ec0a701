"""The cell's pages, for its leaders and the committees above: the requests waiting, the exemptions under way with
their end days, a request recorded for a member, the decision, an early end; and a member's exemption history."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import login_required
from sqlalchemy import select

from handbook.caller import current_access, current_actor
from handbook.core.forms import EmptyForm, select_choices
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import local_today
from handbook.exemptions import service
from handbook.exemptions.blueprints import exemptions_bp
from handbook.exemptions.forms import APPROVE, DecisionForm, EndForm, RecordForm
from handbook.exemptions.member_views import labels, request_values
from handbook.exemptions.models import ExemptionStatus
from handbook.exemptions.pages import form_day, managed_cell, managed_exemption, submit, visible_member
from handbook.exemptions.rules import ExemptionError
from handbook.extensions import db
from handbook.members.collation import name_sort_key
from handbook.members.models import ACTIVE_STATUSES, Member
from handbook.org.access import can_decide_exemption


@exemptions_bp.route("/cells/<int:cell_id>/exemptions")
@login_required
def cell(cell_id: int):
    org = managed_cell(cell_id)
    today = local_today()
    return render_template(
        "exemptions/cell.html", cell=org, today=today, pending=service.cell_requests(org.id),
        current=service.cell_exemptions(org.id), past=service.cell_ended(org.id), days_left=service.days_left,
        **labels())


@exemptions_bp.route("/cells/<int:cell_id>/exemptions/new", methods=["GET", "POST"])
@login_required
def record(cell_id: int):
    org = managed_cell(cell_id)
    members = sorted(db.session.scalars(select(Member).where(Member.cell_id == org.id,
                                                             Member.status.in_(ACTIVE_STATUSES))),
                     key=lambda m: name_sort_key(m.full_name))
    form = RecordForm()
    form.member_id.choices = select_choices([("", "—")] + [(str(m.id), m.full_name) for m in members])
    by_id = {str(m.id): m for m in members}

    def action():
        member = by_id.get(form.member_id.data)
        if member is None:
            raise ExemptionError(_("Hãy chọn đảng viên."), "member_id")
        return service.request_exemption(member, actor=current_actor(), today=local_today(), **request_values(form))

    result = submit(form, action)
    if result.done:
        flash(_("Đã ghi nhận đơn của đồng chí %(name)s.", name=result.value.member.full_name), "success")
        return redirect(url_for("exemptions.decide", exemption_id=result.value.id))
    return render_template("exemptions/record.html", cell=org, form=form, **labels()), result.status


@exemptions_bp.route("/exemptions/<int:exemption_id>", methods=["GET", "POST"])
@login_required
def decide(exemption_id: int):
    exemption = managed_exemption(exemption_id)
    today = local_today()
    form = DecisionForm()
    if exemption.status is not ExemptionStatus.PENDING and form.is_submitted():
        form.form_errors.append(_("Đơn này đã được xem xét."))
        return _decision_page(exemption, form, today), 400

    def action():
        if form.outcome.data == APPROVE:
            return service.approve(exemption, form.number.data, form_day(form, "decided_on"), current_actor(),
                                   today=today)
        return service.refuse(exemption, form.reason.data, current_actor())

    result = submit(form, action)
    if result.done:
        flash(_("Đã ghi nhận quyết định của chi bộ."), "success")
        return redirect(url_for("exemptions.decide", exemption_id=exemption.id))
    return _decision_page(exemption, form, today), result.status


def _decision_page(exemption, form, today, end_form=None):
    return render_template("exemptions/decide.html", exemption=exemption, member=exemption.member, form=form,
                           end_form=end_form or EndForm(formdata=None), today=today,
                           days_left=service.days_left(exemption, today), **labels())


@exemptions_bp.route("/exemptions/<int:exemption_id>/end", methods=["POST"])
@login_required
def end(exemption_id: int):
    exemption = managed_exemption(exemption_id)
    today = local_today()
    form = EndForm()
    result = submit(form, lambda: service.end_early(exemption, form_day(form, "back_on"), form.reason.data,
                                                    current_actor(), today=today))
    if result.done:
        flash(_("Đã kết thúc thời gian miễn sinh hoạt."), "success")
        return redirect(url_for("exemptions.decide", exemption_id=exemption.id))
    return _decision_page(exemption, DecisionForm(formdata=None), today, form), result.status


@exemptions_bp.route("/members/<int:member_id>/exemptions")
@login_required
def member_history(member_id: int):
    member = visible_member(member_id)
    return render_template("exemptions/history.html", member=member, history=service.history_for(member.id),
                           manage=can_decide_exemption(current_access(), member.cell), today=local_today(),
                           action_form=EmptyForm(formdata=None), **labels())
