"""The moves as a cell or committee handles them: members leaving (the letter, an outside destination's receipt, a
cancellation), members coming (the receipt), a request recorded for a member without a phone."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import login_required

from handbook.caller import current_access, current_actor, organisation_in_scope
from handbook.core.forms import EmptyForm
from handbook.core.i18n import gettext as _
from handbook.core.web import require
from handbook.extensions import db
from handbook.members import moves, service
from handbook.members.blueprints import manage_bp
from handbook.members.move_forms import LetterForm, OutsideReceiptForm, ReceiveForm
from handbook.members.move_models import MemberTransfer
from handbook.members.move_pages import labels, read_day, request_round_trip
from handbook.org.access import can_receive_move, can_send_move
from handbook.org.models import Organisation


def _page(org: Organisation, status: int = 200, error: str | None = None):
    access = current_access()
    outgoing, incoming = moves.org_moves(org, access)
    known: dict = {}  # a committee's cells, read once for all the moves coming to it
    return render_template(
        "members/moves_org.html", org=org, outgoing=outgoing, incoming=incoming,
        closed=moves.recent_closed(org, access), error=error, action_form=EmptyForm(formdata=None),
        letter_form=LetterForm(formdata=None), receive_form=ReceiveForm(formdata=None),
        outside_form=OutsideReceiptForm(formdata=None), cells_for=lambda m: moves.receiving_cells(m, access, known),
        members=service.cell_directory(org, active_only=True) if org.is_cell else [], **labels()), status


@manage_bp.get("/org/<int:org_id>/moves")
@login_required
def org_moves(org_id: int):
    return _page(organisation_in_scope(org_id, manage=True))


@manage_bp.route("/org/<int:org_id>/moves/new/<int:member_id>", methods=["GET", "POST"])
@login_required
def record_move(org_id: int, member_id: int):
    """A leader records the request of a member of the cell (one without a phone, say)."""
    org = organisation_in_scope(org_id, manage=True)
    member = service.get_member(member_id)
    if member is None or member.cell_id != org.id:
        abort(404)
    result = request_round_trip(member, action_url=url_for(".record_move", org_id=org.id, member_id=member.id),
                                back_url=url_for(".org_moves", org_id=org.id))
    if isinstance(result, MemberTransfer):
        flash(_("Đã ghi yêu cầu chuyển sinh hoạt đảng của đồng chí %(name)s.", name=member.full_name), "success")
        return redirect(url_for(".org_moves", org_id=org.id))
    return result


def _move(move_id: int) -> MemberTransfer:
    try:
        return moves.visible_move(move_id, current_access())
    except LookupError:
        abort(404)


def _act(move: MemberTransfer, org: Organisation, action, done: str):
    """Run a step posted from `org`'s page: back to it, or the page again with the refusal (400)."""
    try:
        action()
    except LookupError:
        abort(403)  # a side of the move, but not the one that takes this step
    except moves.MoveError as exc:
        db.session.rollback()
        return _page(org, 400, str(exc))
    flash(done, "success")
    return redirect(url_for(".org_moves", org_id=org.id))


@manage_bp.post("/moves/<int:move_id>/letter")
@login_required
def issue_letter(move_id: int):
    move = _move(move_id)
    require(can_send_move(current_access(), move.from_cell), 403)  # before any page of the other side is drawn
    form = LetterForm()
    if not form.validate_on_submit():
        return _page(move.from_cell, 400, _("Hãy kiểm tra lại số và ngày ký giấy giới thiệu."))

    def action():
        moves.issue_letter(move, form.number.data, read_day(form.day.data, _("Ngày ký")), actor=current_actor(),
                           access=current_access())
    return _act(move, move.from_cell, action, _("Đã ghi giấy giới thiệu; đảng viên và nơi đến đã được thông báo."))


@manage_bp.post("/moves/<int:move_id>/receive")
@login_required
def receive_move(move_id: int):
    move = _move(move_id)
    require(move.to_org is not None)
    require(can_receive_move(current_access(), move.to_org), 403)
    form = ReceiveForm()
    if not form.validate_on_submit():
        return _page(move.to_org, 400, _("Hãy chọn chi bộ và ngày tiếp nhận."))
    raw = form.cell.data or ""
    cell = db.session.get(Organisation, int(raw)) if raw.isdigit() and len(raw) < 10 else None

    def action():
        moves.receive(move, cell, read_day(form.day.data, _("Ngày tiếp nhận")), actor=current_actor(),
                      access=current_access())
    return _act(move, move.to_org, action, _("Đã tiếp nhận đảng viên; từ nay đồng chí ấy thuộc chi bộ."))


@manage_bp.post("/moves/<int:move_id>/outside")
@login_required
def outside_receipt(move_id: int):
    move = _move(move_id)
    require(can_send_move(current_access(), move.from_cell), 403)
    form = OutsideReceiptForm()
    if not form.validate_on_submit():
        return _page(move.from_cell, 400, _("Hãy nhập ngày nơi đến tiếp nhận."))

    def action():
        moves.record_outside_receipt(move, read_day(form.day.data, _("Ngày tiếp nhận")), actor=current_actor(),
                                     access=current_access())
    return _act(move, move.from_cell, action, _("Đã ghi nơi đến tiếp nhận; đảng viên chuyển đi."))


@manage_bp.post("/moves/<int:move_id>/cancel")
@login_required
def cancel_move(move_id: int):
    move = _move(move_id)
    require(can_send_move(current_access(), move.from_cell), 403)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return _act(move, move.from_cell, lambda: moves.cancel(move, actor=current_actor(), access=current_access()),
                _("Đã hủy yêu cầu chuyển sinh hoạt đảng."))
