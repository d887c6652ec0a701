"""Pieces the evaluation pages share: the organisation, member and year a page is about (404 outside the caller's
scope, 403 for those who see but may not manage), and a posted form's round trip."""
from __future__ import annotations

from datetime import date

from flask import abort, request

from handbook.caller import current_access, organisation_in_scope
from handbook.core import forms
from handbook.core.forms import Form, Submitted
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import local_today, parse_day
from handbook.core.web import require
from handbook.evaluation import people, rounds
from handbook.evaluation.errors import EvaluationError
from handbook.extensions import db
from handbook.members.models import Member
from handbook.org.access import can_view_evaluations
from handbook.org.models import Organisation


def year_arg(today: date | None = None) -> int:
    """`?year=` (the review year of today when empty): 400 with a message when it is not a year we keep."""
    today = today or local_today()
    raw = (request.args.get("year") or request.form.get("year") or "").strip()
    if not raw:
        return rounds.review_year(today)
    if not (raw.isascii() and raw.isdigit()) or not 2000 <= int(raw) <= today.year:
        abort(400, _("Năm không hợp lệ; hãy chọn một năm từ 2000 đến %(year)d.", year=today.year))
    return int(raw)


def managed_org(org_id: int) -> Organisation:
    return organisation_in_scope(org_id, manage=True)


def reviewed_member(org: Organisation, member_id: int) -> Member:
    """A member reviewed at `org` (404 otherwise)."""
    member = db.session.get(Member, member_id)
    require(member is not None and people.is_reviewed_at(member, org))
    return member


def visible_member(member_id: int) -> Member:
    member = db.session.get(Member, member_id)
    require(member is not None and can_view_evaluations(current_access(), member))
    return member


def form_day(form: Form, name: str) -> date | None:
    text = (getattr(form, name).data or "").strip()
    if not text:
        return None
    day = parse_day(text)
    if day is None:
        raise EvaluationError(_("Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm, ví dụ 20/12/2026."), name)
    return day


def submit(form: Form, action) -> Submitted:
    """core.forms.submit with the evaluation's refusals shown under their field (400)."""
    submitted = forms.submit(form, action, EvaluationError)
    if submitted.status == 400:
        db.session.rollback()  # nothing of a refused write stays in the session the page then reads
    return submitted
