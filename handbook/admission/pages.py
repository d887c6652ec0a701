"""Pieces the admission pages share: loading a cell or a candidate the caller may see or manage (404 outside the
caller's scope, 403 for those who see but may not manage — a sponsor), and a posted form's round trip."""
from __future__ import annotations

from datetime import date

from flask import abort

from handbook.admission.errors import AdmissionError
from handbook.admission.models import Candidate
from handbook.caller import current_access
from handbook.core.forms import Form, Submitted, attach
from handbook.core.i18n import gettext as _
from handbook.core.storage import StorageError
from handbook.core.web import require
from handbook.extensions import db
from handbook.members.records import TooManyRefusals
from handbook.members.validation import parse_date
from handbook.org.access import can_manage_candidates, can_see_org, can_view_candidate
from handbook.org.models import Organisation


def managed_cell(cell_id: int) -> Organisation:
    """A cell whose candidates the caller manages: 404 when it is not a cell or out of sight, 403 when seen only."""
    cell = db.session.get(Organisation, cell_id)
    if cell is None or not cell.is_cell:
        abort(404)
    access = current_access()
    if not can_manage_candidates(access, cell):
        require(can_see_org(access, cell))
        abort(403)
    return cell


def visible_candidate(candidate_id: int) -> Candidate:
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None or not can_view_candidate(current_access(), candidate.cell, candidate.sponsor_id):
        abort(404)
    return candidate


def managed_candidate(candidate_id: int) -> Candidate:
    """A file the caller may change: its cell's leaders and the committees above; a sponsor gets 403."""
    candidate = visible_candidate(candidate_id)
    require(can_manage_candidates(current_access(), candidate.cell), 403)
    return candidate


def form_date(form: Form, name: str) -> date | None:
    """A date field of `form` read as dd/mm/yyyy; AdmissionError on that field when it cannot be read."""
    text = (getattr(form, name).data or "").strip()
    try:
        return parse_date(text)
    except ValueError:
        raise AdmissionError(_("Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm, ví dụ 19/05/1990."),
                             name) from None


def submit(form: Form, action) -> Submitted:
    """core.forms.submit with the admission refusals: under their field (400); too many refused CCCDs → 429;
    the disk full → its status (507/503)."""
    if not form.validate_on_submit():
        return Submitted(False, None, 400 if form.is_submitted() else 200)
    try:
        return Submitted(True, action(), 200)
    except AdmissionError as exc:
        attach(form, exc)
        return Submitted(False, None, 400)
    except TooManyRefusals as exc:
        form.form_errors.append(exc.message)
        return Submitted(False, None, 429)
    except StorageError as exc:
        form.form_errors.append(str(exc))
        return Submitted(False, None, exc.status)
