"""Pieces the dues pages share: a cell whose dues the caller records (404 out of sight, 403 for those who see it but
may not record: its members), a member of that cell, reading months and dates from a form, and a form's round
trip with the feature's refusals under their field."""
from __future__ import annotations

from datetime import date

from flask import abort

from handbook.caller import current_access
from handbook.core import forms
from handbook.core.forms import Form, Submitted
from handbook.core.i18n import gettext as _
from handbook.core.web import require
from handbook.dues import rules
from handbook.dues.errors import DuesError
from handbook.dues.models import DuesPayment
from handbook.extensions import db
from handbook.members.models import Member
from handbook.members.validation import parse_date
from handbook.org.access import can_record_dues, can_see_org
from handbook.org.models import Organisation


def collector_cell(cell_id: int) -> Organisation:
    cell = db.session.get(Organisation, cell_id)
    if cell is None or not cell.is_cell:
        abort(404)
    access = current_access()
    if not can_record_dues(access, cell):
        require(can_see_org(access, cell))
        abort(403)
    return cell


def cell_member(cell: Organisation, member_id: int) -> Member:
    """A member whose dues the cell records: placed in it, or with a payment it recorded (404 otherwise)."""
    member = db.session.get(Member, member_id)
    if member is None:
        abort(404)
    if member.cell_id != cell.id and not db.session.scalar(
            db.select(DuesPayment.id).where(DuesPayment.member_id == member.id, DuesPayment.cell_id == cell.id)
            .limit(1)):
        abort(404)
    return member


def form_month(form: Form, name: str, *, required: bool = True) -> date | None:
    text = (getattr(form, name).data or "").strip()
    if not text and not required:
        return None
    month = rules.parse_month(text)
    if month is None:
        raise DuesError(_("Tháng không hợp lệ; hãy nhập theo dạng tháng/năm, ví dụ 02/2026."), name)
    return month


def form_date(form: Form, name: str) -> date | None:
    text = (getattr(form, name).data or "").strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        raise DuesError(_("Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm, ví dụ 19/05/2026."),
                        name) from None


def submit(form: Form, action) -> Submitted:
    """core.forms.submit with the dues refusals under their field (400)."""
    return forms.submit(form, action, DuesError)
