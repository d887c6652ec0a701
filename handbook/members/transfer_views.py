"""The receiving cell's page for members attending it temporarily (sinh hoạt tạm thời)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from handbook.auth.forms import EmptyForm
from handbook.core.i18n import gettext as _
from handbook.core.web import current_actor, organisation_in_scope
from handbook.members import transfers
from handbook.members.forms import TemporaryForm
from handbook.org.models import Organisation

bp = Blueprint("member_transfers", __name__, url_prefix="/org/<int:org_id>/temporary")


def _managed_cell(org_id: int) -> Organisation:
    return organisation_in_scope(org_id, manage=True)


def _page(org: Organisation, form: TemporaryForm, status: int = 200):
    return render_template("members/temporary.html", org=org, form=form, end_form=EmptyForm(formdata=None),
                           members=transfers.temporary_members(org)), status


@bp.route("", methods=["GET", "POST"])
@login_required
def index(org_id: int):
    org = _managed_cell(org_id)
    form = TemporaryForm()
    if request.method == "GET":
        return _page(org, form)
    if not form.validate_on_submit():
        return _page(org, form, 400)
    try:
        member = transfers.host_temporarily(org, form.card_number.data, form.until.data, current_actor())
    except transfers.TransferError as exc:
        form.form_errors.append(str(exc))
        return _page(org, form, 400)
    flash(_("Đã tiếp nhận đồng chí %(name)s sinh hoạt tạm thời.", name=member.full_name), "success")
    return redirect(url_for(".index", org_id=org.id))


@bp.post("/<int:member_id>/end")
@login_required
def end(org_id: int, member_id: int):
    org = _managed_cell(org_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        transfers.end_temporary(org, member_id, current_actor())
    except transfers.TransferError:
        abort(404)
    flash(_("Đã kết thúc sinh hoạt tạm thời."), "success")
    return redirect(url_for(".index", org_id=org.id))
