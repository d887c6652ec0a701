"""Accounts for a whole cell (cell leaders and the committee staff above them): the confirmation page (how many,
who, who not and why), issuing the codes, then the printable slips and the SMS texts of that batch."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import login_required

from handbook.audit import service as audit
from handbook.auth.identifiers import display_phone
from handbook.auth.service import format_code
from handbook.caller import current_access, current_actor, organisation_in_scope
from handbook.core.forms import EmptyForm
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import format_date
from handbook.core.web import require
from handbook.extensions import db
from handbook.members import activation
from handbook.members.blueprints import manage_bp
from handbook.org.models import Organisation

TOKEN_CHARS = set("0123456789abcdef")


def _cell(org_id: int) -> Organisation:
    """A cell the caller manages (404 outside their scope, 403 for a member who only sees it; 404 for a committee:
    codes are issued cell by cell)."""
    org = organisation_in_scope(org_id, manage=True)
    require(org.is_cell)
    return org


def _batch(cell: Organisation, token: str):
    """The batch of this token: only for the leader who issued it, while its codes last (404 otherwise)."""
    if len(token) != 32 or not set(token) <= TOKEN_CHARS:
        abort(404)
    found = activation.load_batch(token, current_access().user_id)
    require(found is not None and found[0].organisation_id == cell.id)
    return found


@manage_bp.get("/org/<int:org_id>/activation-codes")
@login_required
def cell_codes(org_id: int):
    cell = _cell(org_id)
    plan = activation.plan_for_cell(cell, current_access())
    return render_template("members/codes_confirm.html", cell=cell, plan=plan, form=EmptyForm())


@manage_bp.post("/org/<int:org_id>/activation-codes")
@login_required
def issue_cell_codes(org_id: int):
    cell = _cell(org_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        token, plan = activation.issue_for_cell(cell, current_access(), current_access().user_id, current_actor())
    except activation.NothingToIssue as exc:
        plan = activation.plan_for_cell(cell, current_access())
        return render_template("members/codes_confirm.html", cell=cell, plan=plan, form=form, error=str(exc)), 400
    flash(_("Đã cấp %(n)d mã kích hoạt. In phiếu hoặc gửi tin nhắn cho từng đồng chí.", n=len(plan.eligible)),
          "success")
    return redirect(url_for("members_manage.cell_code_slips", org_id=cell.id, token=token))


def _shown(cell: Organisation, token: str, template: str, fmt: str):
    batch, slips, gone = _batch(cell, token)
    audit.record("auth.activation_slips", current_actor(), target_type="organisation", target_id=cell.id,
                 count=len(slips), format=fmt)
    db.session.commit()
    activate_url = url_for("auth.activate", _external=True)
    return render_template(template, cell=cell, token=token, slips=slips, gone=gone,
                           expires=format_date(batch.expires_at),
                           activate_url=activate_url, code=format_code, login=_login)


def _login(value: str) -> str:
    return display_phone(value) if value.startswith("+") else value


@manage_bp.get("/org/<int:org_id>/activation-codes/<token>/slips")
@login_required
def cell_code_slips(org_id: int, token: str):
    return _shown(_cell(org_id), token, "members/codes_slips.html", "print")


@manage_bp.get("/org/<int:org_id>/activation-codes/<token>/sms")
@login_required
def cell_code_sms(org_id: int, token: str):
    return _shown(_cell(org_id), token, "members/codes_sms.html", "sms")
