"""Sinh hoạt tạm thời pages: the receiving cell asks and sees its requests and its temporary members; the member's
own cell (or a committee above it) confirms or refuses requests about its members."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from handbook.auth import throttle
from handbook.caller import current_access, current_actor, organisation_in_scope
from handbook.core.forms import EmptyForm, select_choices
from handbook.core.i18n import gettext as _
from handbook.members import transfers
from handbook.members.blueprints import manage_bp
from handbook.members.forms import TemporaryForm
from handbook.members.models import TemporaryReason
from handbook.members.validation import parse_date
from handbook.org.models import Organisation


def _managed(org_id: int) -> Organisation:
    return organisation_in_scope(org_id, manage=True)


def _form() -> TemporaryForm:
    form = TemporaryForm()
    form.reason.choices = select_choices((reason.value, str(label))
                                         for reason, label in transfers.REASON_LABELS.items())
    return form


def _page(org: Organisation, form: TemporaryForm | None = None, status: int = 200):
    access = current_access()
    return render_template(
        "members/temporary.html", org=org, form=form or _form(), action_form=EmptyForm(formdata=None),
        members=transfers.temporary_members(org) if org.is_cell else [],
        sent=transfers.sent_requests(org) if org.is_cell else [],
        pending=transfers.pending_for(org, access), reason_labels=transfers.REASON_LABELS,
    ), status


@manage_bp.route("/org/<int:org_id>/temporary", methods=["GET", "POST"])
@login_required
def temporary(org_id: int):
    org = _managed(org_id)
    if request.method == "GET":
        return _page(org)
    form = _form()
    if not form.validate_on_submit():
        return _page(org, form, 400)
    birth_date = None
    try:
        birth_date = parse_date(form.birth_date.data.strip()) if form.birth_date.data else None
    except ValueError:
        form.birth_date.errors = [*form.birth_date.errors, _("Ngày sinh không hợp lệ (ngày/tháng/năm).")]
        return _page(org, form, 400)
    values = {"birth_date": birth_date, "cccd": form.cccd.data, "reason": TemporaryReason(form.reason.data),
              "until": form.until.data}
    try:
        transfers.check_request(org, form.card_number.data, today=transfers.local_day(), **values)
    except transfers.TransferError as exc:  # a mistyped form: nothing looked up, not counted
        form.form_errors.append(str(exc))
        return _page(org, form, 400)
    per_day = current_app.config["TEMPORARY_REQUESTS_PER_DAY"]
    blocked_until = throttle.hit(f"{per_day} per day", "temporary-request", str(current_access().user_id))
    if blocked_until is not None:
        transfers.record_throttled(org, current_actor())
        form.form_errors.append(_("Đồng chí đã gửi quá %(n)d đề nghị tiếp nhận trong một ngày. Vui lòng thử lại sau "
                                  "%(when)s.", n=per_day, when=throttle.local_time(blocked_until)))
        return _page(org, form, 429)
    try:
        transfers.request_arrival(org, form.card_number.data, actor=current_actor(), **values)
    except transfers.TransferError as exc:
        form.form_errors.append(str(exc))
        return _page(org, form, 400)
    flash(transfers.recorded_message(), "success")  # the same answer whoever the number names, or nobody
    return redirect(url_for(".temporary", org_id=org.id))


def _current(raw: str | None) -> int | None:
    """The temporary cell the confirming page showed ("0": none)."""
    if raw is None or not raw.isdigit():
        abort(400)
    return int(raw) or None


@manage_bp.post("/org/<int:org_id>/temporary/requests/<int:arrival_id>/confirm")
@login_required
def confirm_arrival(org_id: int, arrival_id: int):
    org = _managed(org_id)
    try:
        transfers.decidable(org, current_access(), arrival_id)
    except LookupError:
        abort(404)
    except transfers.TransferError:
        pass  # lapsed: said below, once the form is checked
    if not EmptyForm().validate_on_submit():
        abort(400)
    shown = _current(request.form.get("current"))
    try:
        transfers.confirm_arrival(org, arrival_id, shown, current_access(), current_actor())
    except LookupError:
        abort(404)
    except transfers.TransferError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Đã xác nhận cho đảng viên sinh hoạt tạm thời; chi bộ nơi tiếp nhận đã được thông báo."), "success")
    return redirect(url_for(".temporary", org_id=org.id))


@manage_bp.post("/org/<int:org_id>/temporary/requests/<int:arrival_id>/refuse")
@login_required
def refuse_arrival(org_id: int, arrival_id: int):
    org = _managed(org_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        transfers.refuse_arrival(org, arrival_id, current_access(), current_actor())
    except LookupError:
        abort(404)
    except transfers.TransferError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Đã từ chối đề nghị."), "success")
    return redirect(url_for(".temporary", org_id=org.id))


@manage_bp.post("/org/<int:org_id>/temporary/<int:member_id>/end")
@login_required
def end_temporary(org_id: int, member_id: int):
    org = _managed(org_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        transfers.end_temporary(org, member_id, current_actor())
    except transfers.TransferError:
        abort(404)
    flash(_("Đã kết thúc sinh hoạt tạm thời."), "success")
    return redirect(url_for(".temporary", org_id=org.id))
