"""Pieces the move pages share: reading a typed day, the request form's round trip (for the member and for a
leader recording it for them), and the labels the templates need."""
from __future__ import annotations

from datetime import date

from flask import render_template, request

from handbook.caller import current_access, current_actor
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import local_today
from handbook.extensions import db
from handbook.members import directory, moves
from handbook.members.move_forms import MoveRequestForm
from handbook.members.move_models import MoveKind, MoveReason, ReceivingOrganisation
from handbook.members.validation import parse_date


def read_day(text: str | None, what: str) -> date | None:
    """A dd/mm/yyyy day typed in a form (None when empty); MoveError naming `what` when it cannot be read."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        raise moves.MoveError(_("%(what)s không hợp lệ; hãy nhập theo dạng ngày/tháng/năm, ví dụ 19/05/2026.",
                                what=what)) from None


def labels() -> dict:
    return {"kind_labels": moves.KIND_LABELS, "reason_labels": moves.REASON_LABELS,
            "state_labels": moves.STATE_LABELS, "today": local_today(), "state_on": moves.state_on,
            "countdown": moves.countdown}


def _chosen(form: MoveRequestForm) -> ReceivingOrganisation | None:
    raw = (form.destination.data or "").strip()
    if not raw:
        return None
    entry = db.session.get(ReceivingOrganisation, int(raw)) if raw.isdigit() and len(raw) < 10 else None
    if entry is None:
        raise moves.MoveError(_("Nơi chuyển đến đã chọn không còn trong danh bạ; hãy tìm và chọn lại."))
    return entry


def request_round_trip(member, *, action_url: str, back_url: str):
    """GET: the form (with the directory's matches for ?q=); POST: the request, or the form again with the refusal
    (400). Returns (response, status) or the new move when it was recorded."""
    form = MoveRequestForm()
    query = (request.values.get("q") or "").strip()[:100]
    status = 200
    if form.is_submitted():
        if not form.validate():
            status = 400
        else:
            try:
                entry = _chosen(form)
                move = moves.request_move(
                    member, kind=MoveKind(form.kind.data), reason=MoveReason(form.reason.data),
                    change_day=read_day(form.change_day.data, _("Ngày có sự thay đổi")),
                    until=read_day(form.until.data, _("Ngày kết thúc sinh hoạt tạm thời")),
                    destination=moves.Destination(entry=entry, name=form.destination_name.data or ""),
                    note=form.note.data, actor=current_actor(), access=current_access())
            except moves.MoveError as exc:
                form.form_errors.append(str(exc))
                status = 400
            else:
                return move
    chosen = None
    if (form.destination.data or "").isdigit() and len(form.destination.data) < 10:
        chosen = db.session.get(ReceivingOrganisation, int(form.destination.data))
    return render_template("members/move_request.html", form=form, member=member, query=query,
                           matches=directory.search(query) if query else [], chosen=chosen,
                           action_url=action_url, back_url=back_url, **labels()), status
