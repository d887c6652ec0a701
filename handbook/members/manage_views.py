"""Managing a member's record (cell leaders and committee staff): every field, the status, an activation code."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from handbook.auth.service import AuthError
from handbook.caller import current_actor
from handbook.core.forms import EmptyForm
from handbook.core.i18n import gettext as _
from handbook.members import records, service
from handbook.members.blueprints import manage_bp
from handbook.members.forms import RecordForm, StatusForm
from handbook.members.models import MemberStatus
from handbook.members.pages import edit_record, managed_account_member, managed_member, record_values, render_record
from handbook.members.validation import FIELDS, parse_date


@manage_bp.post("/members/<int:member_id>/activation-code")
@login_required
def activation_code(member_id: int):
    member = managed_account_member(member_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if member.user_id is None:  # an account is made: its phone or e-mail is looked up among all accounts
            records.refuse_if_blocked(current_actor())
        code = service.issue_member_activation(member, current_user, current_actor())
    except records.TooManyRefusals as exc:
        return render_record(member, error=exc.message, status=429)
    except service.LoginTaken as exc:
        records.count_refusal(current_actor(), ["phone" if member.phone else "email"], target_id=member.id)
        return render_record(member, error=str(exc), status=400)
    except AuthError as exc:
        return render_record(member, error=str(exc), status=400)
    return render_record(member, code=code)


@manage_bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
@login_required
def edit(member_id: int):
    """Every field, for those who manage the member's cell."""
    member = managed_member(member_id)
    form = RecordForm(data=record_values(member) if request.method == "GET" else None)
    return edit_record(member, form, tuple(FIELDS), "members/edit.html")


@manage_bp.post("/members/<int:member_id>/status")
@login_required
def change_status(member_id: int):
    member = managed_account_member(member_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            from_date = parse_date(form.from_date.data)
        except ValueError:
            from_date = None
        if from_date is None:
            form.from_date.errors = [_("Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm, ví dụ 19/05/1990.")]
        else:
            try:
                records.record_status(member, MemberStatus(form.status.data), from_date, form.reason.data,
                                      current_actor())
            except records.RecordError as exc:
                form.from_date.errors = [p.message for p in exc.problems]
            else:
                flash(_("Đã ghi nhận trạng thái mới."), "success")
                return redirect(url_for("members.show", member_id=member.id))
    return render_record(member, status=400, status_form=form)
