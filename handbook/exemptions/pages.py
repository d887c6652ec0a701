"""Pieces the exemption pages share: the guards (404 outside the caller's scope, 403 for those who see but may not
decide — the member themself), reading a form's days, and a posted form's round trip."""
from __future__ import annotations

from datetime import date

from flask import abort
from sqlalchemy.orm import joinedload

from handbook.caller import current_access
from handbook.core import forms
from handbook.core.forms import Form, Submitted
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import parse_day
from handbook.core.web import require
from handbook.exemptions.models import Exemption
from handbook.exemptions.rules import ExemptionError
from handbook.extensions import db
from handbook.members.models import Member
from handbook.org.access import can_decide_exemption, can_see_org, can_view_exemptions
from handbook.org.models import Organisation


def own_member() -> Member:
    """The caller's own member record, while they are in a cell (404 for an account without one, or who left)."""
    placement = current_access().member
    require(placement is not None)
    return db.session.get(Member, placement.id)


def managed_cell(cell_id: int) -> Organisation:
    """A cell whose exemptions the caller decides: 404 when not a cell or out of sight, 403 when only seen."""
    cell = db.session.get(Organisation, cell_id)
    access = current_access()
    require(cell is not None and cell.is_cell and can_see_org(access, cell))
    require(can_decide_exemption(access, cell), 403)
    return cell


def visible_member(member_id: int) -> Member:
    member = db.session.get(Member, member_id)
    require(member is not None and can_view_exemptions(current_access(), member))
    return member


def managed_exemption(exemption_id: int) -> Exemption:
    """A request or exemption the caller decides on: 404 unless they see the member's record, 403 for the member."""
    exemption = db.session.get(Exemption, exemption_id, options=[joinedload(Exemption.member)])
    access = current_access()
    require(exemption is not None and can_view_exemptions(access, exemption.member))
    require(can_decide_exemption(access, exemption.member.cell), 403)
    return exemption


def own_exemption(exemption_id: int) -> Exemption:
    exemption = db.session.get(Exemption, exemption_id)
    placement = current_access().member
    if exemption is None or placement is None or exemption.member_id != placement.id:
        abort(404)
    return exemption


def form_day(form: Form, name: str) -> date | None:
    """A day field read as dd/mm/yyyy (None when empty); ExemptionError on that field when it cannot be read."""
    text = (getattr(form, name).data or "").strip()
    if not text:
        return None
    day = parse_day(text)
    if day is None:
        raise ExemptionError(_("Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm, ví dụ 19/05/2026."), name)
    return day


def submit(form: Form, action) -> Submitted:
    """core.forms.submit with the refusal under its field (400)."""
    return forms.submit(form, action, ExemptionError)
