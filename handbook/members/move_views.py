"""A member's own moves: every move with its state, letter and deadline, the cells they belonged to, a request, and
withdrawing a request not yet answered."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from handbook.caller import current_access, current_actor
from handbook.core.forms import EmptyForm
from handbook.core.i18n import gettext as _
from handbook.core.web import require
from handbook.extensions import db
from handbook.members import moves, service
from handbook.members.blueprints import member_bp
from handbook.members.move_models import MemberTransfer
from handbook.members.move_pages import labels, request_round_trip
from handbook.members.placements import placements_of
from handbook.org.access import can_request_own_move


def _own_member():
    member = service.member_for_user(current_user.id)
    require(member is not None)
    return member


@member_bp.get("/me/moves")
@login_required
def my_moves():
    member = _own_member()
    access = current_access()
    return render_template(
        "members/moves_mine.html", member=member, moves=moves.moves_of(member.id),
        placements=placements_of(member.id), can_request=can_request_own_move(access, member.id),
        action_form=EmptyForm(formdata=None), **labels())


@member_bp.route("/me/moves/new", methods=["GET", "POST"])
@login_required
def request_my_move():
    member = _own_member()
    require(can_request_own_move(current_access(), member.id), 403)
    result = request_round_trip(member, action_url=url_for(".request_my_move"), back_url=url_for(".my_moves"))
    if isinstance(result, MemberTransfer):
        flash(_("Đã gửi yêu cầu. Chi bộ sẽ làm giấy giới thiệu; đồng chí theo dõi thời hạn tại đây."), "success")
        return redirect(url_for(".my_moves"))
    return result


@member_bp.post("/me/moves/<int:move_id>/cancel")
@login_required
def cancel_my_move(move_id: int):
    member = _own_member()
    move = db.session.get(MemberTransfer, move_id)
    if move is None or move.member_id != member.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        moves.cancel(move, actor=current_actor(), access=current_access())
    except LookupError:
        abort(404)
    except moves.MoveError as exc:
        flash(str(exc), "error")
        return render_template(
            "members/moves_mine.html", member=member, moves=moves.moves_of(member.id),
            placements=placements_of(member.id), can_request=can_request_own_move(current_access(), member.id),
            action_form=EmptyForm(formdata=None), **labels()), 400
    flash(_("Đã hủy yêu cầu chuyển sinh hoạt đảng."), "success")
    return redirect(url_for(".my_moves"))
