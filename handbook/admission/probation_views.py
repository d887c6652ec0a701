"""Probation to official membership, for the cells' leaders, the committees above and the sponsors: the ceremony,
the sponsor and their notes, recognition, the sponsor's own list, a file for an imported probationary member, and
the overdue and soon-due lists (a cell's, and everything in the caller's scope grouped by cell)."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from handbook.admission import probation, steps
from handbook.admission.blueprints import admission_bp
from handbook.admission.deadlines import by_cell, due_items
from handbook.admission.errors import AdmissionError
from handbook.admission.models import Candidate, CandidateStatus
from handbook.admission.probation_forms import (
    RECOGNISE,
    CeremonyForm,
    NoteForm,
    RecognitionForm,
    SponsorForm,
)
from handbook.caller import current_access, current_actor
from handbook.core.forms import EmptyForm, submit
from handbook.core.i18n import gettext as _
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import local_today, parse_day
from handbook.core.web import require
from handbook.extensions import db
from handbook.members.collation import name_sort_key
from handbook.members.models import Member, MemberStatus
from handbook.org.access import can_manage_candidates, can_see_org, can_view_candidate, can_view_member, is_sponsor
from handbook.org.models import CELL_KINDS, Organisation

BAD_DATE = _l("Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm, ví dụ 19/05/2026.")


# --- guards --------------------------------------------------------------------------------------------------

def _file(candidate_id: int, *, manage: bool = False) -> Candidate:
    """A candidate's or probationary member's file: 404 outside what the caller may see (the cell's leaders, the
    committees above, the sponsor), 403 when they see it but `manage` is asked (a sponsor)."""
    candidate = db.session.scalar(select(Candidate).options(joinedload(Candidate.cell))
                                  .where(Candidate.id == candidate_id))
    access = current_access()
    require(candidate is not None and can_view_candidate(access, candidate.cell, candidate.sponsor_id))
    if manage:
        require(can_manage_candidates(access, candidate.cell), 403)
    return candidate


def _cell(cell_id: int) -> Organisation:
    cell = db.session.get(Organisation, cell_id)
    access = current_access()
    require(cell is not None and cell.kind in CELL_KINDS and can_see_org(access, cell))
    require(can_manage_candidates(access, cell), 403)
    return cell


def file_url(candidate: Candidate) -> str:
    """The candidate's file page (the dossier's), or this package's notes page where that page is not served."""
    if "admission.candidate" in current_app.view_functions:
        return url_for("admission.candidate", candidate_id=candidate.id)
    return url_for("admission.notes", candidate_id=candidate.id)


def item_url(item) -> str:
    """Where a due item leads: a probationary member's notes page for recognition, else the candidate's file (or,
    for a cell's list review, the cell's list of what is due)."""
    if item.candidate_id is None:
        return url_for("admission.cell_due", cell_id=item.cell_id)
    if item.code == "recognition" or "admission.candidate" not in current_app.view_functions:
        return url_for("admission.notes", candidate_id=item.candidate_id)
    return url_for("admission.candidate", candidate_id=item.candidate_id)


def _day(raw: str | None, field: str):
    day = parse_day(raw)
    if day is None:
        raise AdmissionError(BAD_DATE, field)
    return day


def _attach(form, exc_or_none) -> None:
    """Move a domain error that names a field from the form's top to under that field."""
    if isinstance(exc_or_none, AdmissionError) and exc_or_none.field and hasattr(form, exc_or_none.field):
        message = str(exc_or_none)
        if message in form.form_errors:
            form.form_errors.remove(message)
        getattr(form, exc_or_none.field).errors = list(getattr(form, exc_or_none.field).errors) + [message]


def _submit(form, action):
    """`core.forms.submit` for AdmissionError, its message shown under the field it names."""
    caught = {}

    def run():
        try:
            return action()
        except AdmissionError as exc:
            caught["exc"] = exc
            raise

    result = submit(form, run, AdmissionError)
    _attach(form, caught.get("exc"))
    return result


def _sponsor_choices(form_field, candidate: Candidate) -> dict[int, Member]:
    members = probation.sponsor_choices(candidate.cell_id)
    form_field.choices = [SelectChoice(0, "—")] + [SelectChoice(m.id, m.full_name) for m in members]
    return {m.id: m for m in members}


# --- the ceremony --------------------------------------------------------------------------------------------

@admission_bp.route("/admission/candidates/<int:candidate_id>/ceremony", methods=["GET", "POST"])
@login_required
def ceremony(candidate_id: int):
    candidate = _file(candidate_id, manage=True)
    if candidate.status is not CandidateStatus.DANG_XET:
        flash(_("Người này đã được kết nạp hoặc không còn trong danh sách xem xét."), "info")
        return redirect(file_url(candidate))
    form = CeremonyForm()
    sponsors = _sponsor_choices(form.sponsor, candidate)
    groups = probation.group_choices(candidate.cell_id)
    form.group.choices = [SelectChoice(0, "—")] + [SelectChoice(g.id, g.name) for g in groups]
    decided = candidate.done_on("decision")

    def action():
        return probation.hold_ceremony(candidate, held_on=_day(form.held_on.data, "held_on"),
                                       sponsor=sponsors.get(form.sponsor.data), actor=current_actor(),
                                       today=local_today(), group_id=form.group.data or None)

    result = _submit(form, action)
    if result.done:
        flash(_("Đã ghi nhận lễ kết nạp. %(name)s là đảng viên dự bị từ ngày %(day)s.", name=candidate.full_name,
                day=candidate.admitted_on.strftime("%d/%m/%Y")), "success")
        return redirect(file_url(candidate))
    return render_template("admission/ceremony.html", candidate=candidate, form=form, decided=decided,
                           due=steps.ceremony_due(decided) if decided else None, file_url=file_url(candidate),
                           no_sponsor=not sponsors, has_groups=bool(groups)), result.status


# --- during probation: the sponsor and the notes -------------------------------------------------------------

def _notes_page(candidate: Candidate, form: NoteForm, sponsor_form: SponsorForm | None, status: int = 200):
    access = current_access()
    manage = can_manage_candidates(access, candidate.cell)
    if manage and sponsor_form is None and candidate.status is CandidateStatus.DU_BI:
        sponsor_form = SponsorForm()
        _sponsor_choices(sponsor_form.sponsor, candidate)
        sponsor_form.sponsor.data = candidate.sponsor_id or 0
    end = probation.official_day(candidate)
    return render_template(
        "admission/notes.html", candidate=candidate, form=form, sponsor_form=sponsor_form if manage else None,
        notes=probation.notes_of(candidate), manage=manage, probation_end=end,
        recognition_due=steps.recognition_due(candidate.admitted_on) if candidate.admitted_on else None,
        sponsor=db.session.get(Member, candidate.sponsor_id) if candidate.sponsor_id else None,
        file_url=file_url(candidate), open=candidate.status is CandidateStatus.DU_BI,
        is_sponsor=is_sponsor(access, candidate.sponsor_id),
    ), status


@admission_bp.route("/admission/candidates/<int:candidate_id>/notes", methods=["GET", "POST"])
@login_required
def notes(candidate_id: int):
    """The sponsor's and leaders' notes on a probationary member, with the dates of the probation."""
    candidate = _file(candidate_id)
    form = NoteForm()

    def action():
        return probation.write_note(candidate, form.text.data, current_actor(), today=local_today())

    result = _submit(form, action)
    if result.done:
        flash(_("Đã lưu nhận xét."), "success")
        return redirect(url_for("admission.notes", candidate_id=candidate.id))
    return _notes_page(candidate, form, None, result.status)


@admission_bp.post("/admission/candidates/<int:candidate_id>/sponsor")
@login_required
def sponsor(candidate_id: int):
    candidate = _file(candidate_id, manage=True)
    form = SponsorForm()
    sponsors = _sponsor_choices(form.sponsor, candidate)

    def action():
        probation.assign_sponsor(candidate, sponsors.get(form.sponsor.data), current_actor(), today=local_today())

    result = _submit(form, action)
    if result.done:
        flash(_("Đã phân công đảng viên giúp đỡ."), "success")
        return redirect(url_for("admission.notes", candidate_id=candidate.id))
    return _notes_page(candidate, NoteForm(formdata=None), form, result.status)


# --- recognition ---------------------------------------------------------------------------------------------

@admission_bp.route("/admission/candidates/<int:candidate_id>/recognition", methods=["GET", "POST"])
@login_required
def recognition(candidate_id: int):
    """Recognised as official (from the end of the 12 months, whatever the decision's date) or not."""
    candidate = _file(candidate_id, manage=True)
    if candidate.status is not CandidateStatus.DU_BI:
        flash(_("Hồ sơ này không còn ở giai đoạn dự bị."), "info")
        return redirect(file_url(candidate))
    form = RecognitionForm()

    def action():
        decided_on = _day(form.decided_on.data, "decided_on")
        if form.outcome.data == RECOGNISE:
            return probation.recognise(candidate, decided_on=decided_on, number=form.number.data,
                                       actor=current_actor(), today=local_today())
        return probation.refuse_recognition(candidate, decided_on=decided_on, reason=form.reason.data,
                                            actor=current_actor(), today=local_today())

    result = _submit(form, action)
    if result.done:
        if candidate.status is CandidateStatus.CHINH_THUC:
            flash(_("Đã công nhận đảng viên chính thức từ ngày %(day)s.",
                    day=candidate.official_on.strftime("%d/%m/%Y")), "success")
        else:
            flash(_("Đã ghi nhận không công nhận đảng viên chính thức."), "success")
        return redirect(file_url(candidate))
    end = steps.probation_end(candidate.admitted_on)
    return render_template(
        "admission/recognition.html", candidate=candidate, form=form, probation_end=end,
        recognition_due=steps.recognition_due(candidate.admitted_on),
        resolution=probation.recognition_resolution(candidate), file_url=file_url(candidate),
    ), result.status


# --- the sponsor's list; a file for an imported probationary member ------------------------------------------

@admission_bp.get("/admission/sponsored")
@login_required
def sponsored():
    """The probationary members the caller helps as sponsor, with the end of their probation."""
    access = current_access()
    files = probation.sponsored_by(access.member_id) if access.member is not None else []
    return render_template("admission/sponsored.html", files=[
        (c, steps.probation_end(c.admitted_on) if c.admitted_on else None) for c in files])


@admission_bp.post("/admission/members/<int:member_id>/probation-file")
@login_required
def probation_file(member_id: int):
    member = db.session.scalar(select(Member).options(joinedload(Member.cell)).where(Member.id == member_id))
    access = current_access()
    require(member is not None and can_view_member(access, member))
    require(can_manage_candidates(access, member.cell), 403)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        candidate = probation.open_probation_file(member, current_actor(), today=local_today())
    except AdmissionError as exc:
        return _cell_page(member.cell, error=str(exc), status=400)
    flash(_("Đã lập hồ sơ theo dõi dự bị cho đồng chí %(name)s.", name=member.full_name), "success")
    return redirect(url_for("admission.notes", candidate_id=candidate.id))


# --- overdue and soon --------------------------------------------------------------------------------------------

def _without_file(cell_id: int) -> list[Member]:
    """The cell's probationary members with no file (imported): a file can be opened for each."""
    has_file = select(Candidate.id).where(Candidate.member_id == Member.id).exists()
    members = db.session.scalars(select(Member).where(Member.cell_id == cell_id, Member.status == MemberStatus.DU_BI,
                                                      ~has_file)).all()
    return sorted(members, key=lambda m: name_sort_key(m.full_name))


@admission_bp.get("/admission/cells/<int:cell_id>/due")
@login_required
def cell_due(cell_id: int):
    """A cell's overdue and soon-due files, and its probationary members without a file."""
    return _cell_page(_cell(cell_id))


def _cell_page(cell: Organisation, error: str | None = None, status: int = 200):
    today = local_today()
    return render_template("admission/due.html", cell=cell, groups=by_cell(due_items(cell, today)), today=today,
                           without_file=_without_file(cell.id), form=EmptyForm(), error=error,
                           item_url=item_url), status


@admission_bp.get("/admission/due")
@login_required
def due():
    """Everything overdue or soon in the caller's scope, grouped by cell with the counts (a committee's rollup)."""
    today = local_today()
    return render_template("admission/due.html", cell=None, groups=by_cell(due_items(current_access(), today)),
                           today=today, without_file=[], form=None, error=None, item_url=item_url)
