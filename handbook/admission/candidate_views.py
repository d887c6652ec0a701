"""The cell leader's path through a candidate's file: the cell's list and its reviews, adding and editing a
candidate, the file with its checklist, each step's form and scan, introducers, the decision's extension."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import login_required

from handbook.admission import candidates as service
from handbook.admission import dossier, files, reviews, steps
from handbook.admission.blueprints import admission_bp
from handbook.admission.forms import CandidateForm, IntroducerForm, ReviewForm, StepForm, StopForm
from handbook.admission.labels import (
    CANDIDATE_STATUS_LABELS,
    GENERAL_EDUCATION_LABELS,
    OCCUPATION_GROUP_LABELS,
    PROFESSIONAL_LEVEL_LABELS,
    SOURCE_LABELS,
    STEP_STATUS_LABELS,
    choices,
)
from handbook.admission.models import CandidateStatus
from handbook.admission.pages import form_date, managed_candidate, managed_cell, submit, visible_candidate
from handbook.admission.progress import progress
from handbook.admission.queries import cell_candidates, official_members
from handbook.admission.validation import day
from handbook.audit import service as audit
from handbook.caller import current_access, current_actor
from handbook.core.forms import EmptyForm
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import local_today
from handbook.extensions import db
from handbook.members.labels import GENDER_LABELS
from handbook.members.models import Member
from handbook.org.access import can_manage_candidates
from handbook.org.service import ancestors

LABELS = {"status": CANDIDATE_STATUS_LABELS, "step_status": STEP_STATUS_LABELS, "gender": GENDER_LABELS,
          "general_education": GENERAL_EDUCATION_LABELS, "professional_level": PROFESSIONAL_LEVEL_LABELS,
          "occupation_group": OCCUPATION_GROUP_LABELS, "source": SOURCE_LABELS}


def _flash_warnings(warnings) -> None:
    for warning in warnings:
        flash(warning, "info")


def _render_list(cell, review_form=None, status=200):
    today = local_today()
    rows = [(c, progress(c, today)) for c in cell_candidates(cell.id)]
    return render_template("admission/candidates.html", cell=cell, path=ancestors(cell), rows=rows, today=today,
                           last_review=reviews.last_review(cell.id), review_due=reviews.next_review_due(cell.id, today),
                           review_form=review_form or ReviewForm(formdata=None, reviewed_on=day(today)),
                           labels=LABELS, open_statuses=(CandidateStatus.DANG_XET, CandidateStatus.DU_BI)), status


@admission_bp.get("/admission/cells/<int:cell_id>/candidates")
@login_required
def candidates(cell_id: int):
    """A cell's candidates: open files first, each with its age, stage, next step and flags; the list's reviews."""
    return _render_list(managed_cell(cell_id))


@admission_bp.post("/admission/cells/<int:cell_id>/reviews")
@login_required
def review(cell_id: int):
    cell = managed_cell(cell_id)
    form = ReviewForm()
    result = submit(form, lambda: reviews.record_review(cell, form_date(form, "reviewed_on"), form.note.data,
                                                        current_actor(), today=local_today()))
    if result.done:
        flash(_("Đã ghi nhận buổi rà soát danh sách (%(n)d quần chúng).", n=result.value.candidates), "success")
        return redirect(url_for("admission.candidates", cell_id=cell.id))
    return _render_list(cell, form, max(result.status, 400))


@admission_bp.route("/admission/cells/<int:cell_id>/candidates/new", methods=["GET", "POST"])
@login_required
def new_candidate(cell_id: int):
    cell = managed_cell(cell_id)
    form = CandidateForm(data={"ethnicity": "Kinh"} if request.method == "GET" else None)
    result = submit(form, lambda: service.create_candidate(cell, form.raw(), current_actor(), today=local_today()))
    if result.done:
        candidate, warnings = result.value
        flash(_("Đã thêm %(name)s vào danh sách quần chúng ưu tú.", name=candidate.full_name), "success")
        _flash_warnings(warnings)
        return redirect(url_for("admission.candidate", candidate_id=candidate.id))
    return render_template("admission/candidate_form.html", cell=cell, candidate=None, form=form), result.status


def _values(candidate) -> dict:
    values = {}
    for name in CandidateForm.FIELD_NAMES:
        value = getattr(candidate, name)
        if name == "birth_date":
            value = day(value)
        values[name] = getattr(value, "value", value) if value is not None else ("" if name != "youth_union" else
                                                                                 False)
    return values


@admission_bp.route("/admission/candidates/<int:candidate_id>/edit", methods=["GET", "POST"])
@login_required
def edit_candidate(candidate_id: int):
    candidate = managed_candidate(candidate_id)
    form = CandidateForm(data=_values(candidate) if request.method == "GET" else None)
    result = submit(form, lambda: service.update_candidate(candidate, form.raw(), current_actor(),
                                                           today=local_today()))
    if result.done:
        flash(_("Đã lưu."), "success")
        _flash_warnings(result.value)
        return redirect(url_for("admission.candidate", candidate_id=candidate.id))
    return render_template("admission/candidate_form.html", cell=candidate.cell, candidate=candidate,
                           form=form), result.status


def _probation_link(endpoint: str, candidate) -> str | None:
    """A page of admission.probation, when that part of the feature is installed."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, candidate_id=candidate.id)


def render_candidate(candidate, *, status=200, stop_form=None, introducer_form=None):
    access = current_access()
    today = local_today()
    manages = can_manage_candidates(access, candidate.cell)
    rows = {row.step: row for row in candidate.steps}
    state = progress(candidate, today)
    due = {d.code: d for d in state.deadlines}
    if introducer_form is None and manages:
        introducer_form = IntroducerForm(formdata=None)
    if introducer_form is not None:
        taken = {i.member_id for i in candidate.introducers}
        introducer_form.member_id.choices = choices({str(m.id): m.full_name for m in official_members(
            candidate.cell_id) if m.id not in taken}, blank=True)
    return render_template(
        "admission/candidate.html", candidate=candidate, path=ancestors(candidate.cell), manages=manages,
        phases=((_("Hồ sơ kết nạp"), steps.phase_steps(steps.ADMISSION)),
                (_("Công nhận đảng viên chính thức"), steps.phase_steps(steps.RECOGNITION))),
        rows=rows, state=state, due=due, labels=LABELS, today=today, form=EmptyForm(),
        stop_form=stop_form or StopForm(formdata=None), introducer_form=introducer_form,
        ceremony_url=_probation_link("admission.ceremony", candidate),
        recognition_url=_probation_link("admission.recognition", candidate),
        notes_url=_probation_link("admission.notes", candidate) if candidate.admitted_on is not None else None,
        can_extend=manages and candidate.status is CandidateStatus.DANG_XET and not candidate.decision_extended
        and "cell_resolution" in rows and rows["cell_resolution"].status.value == "xong"
        and ("decision" not in rows or rows["decision"].status.value not in ("xong", "khong_dat")),
    ), status


@admission_bp.get("/admission/candidates/<int:candidate_id>")
@login_required
def candidate(candidate_id: int):
    """The file: identity, the checklist of both phases with dates, deadlines and scans, introducers, warnings."""
    return render_candidate(visible_candidate(candidate_id))


@admission_bp.post("/admission/candidates/<int:candidate_id>/stop")
@login_required
def stop(candidate_id: int):
    candidate = managed_candidate(candidate_id)
    form = StopForm()
    result = submit(form, lambda: service.stop_candidate(candidate, form.reason.data, current_actor(),
                                                         today=local_today()))
    if result.done:
        flash(_("Đã dừng xem xét hồ sơ."), "success")
        return redirect(url_for("admission.candidate", candidate_id=candidate.id))
    return render_candidate(candidate, status=result.status, stop_form=form)


@admission_bp.post("/admission/candidates/<int:candidate_id>/reopen")
@login_required
def reopen(candidate_id: int):
    candidate = managed_candidate(candidate_id)
    form = EmptyForm()
    result = submit(form, lambda: service.reopen_candidate(candidate, current_actor(), today=local_today()))
    if result.done:
        flash(_("Đã đưa hồ sơ trở lại danh sách xem xét."), "success")
        return redirect(url_for("admission.candidate", candidate_id=candidate.id))
    flash(form.form_errors[0] if form.form_errors else _("Phiên làm việc đã hết hạn. Vui lòng gửi lại."), "error")
    return render_candidate(candidate, status=result.status)


def _step_values(row) -> dict:
    if row is None:
        return {"status": "chua"}
    return {"status": row.status.value, "done_on": day(row.done_on) if row.done_on else "", "number": row.number,
            "responsible": row.responsible, "note": row.note}


@admission_bp.route("/admission/candidates/<int:candidate_id>/steps/<code>", methods=["GET", "POST"])
@login_required
def step(candidate_id: int, code: str):
    """One step's form: status, date, number, who carries it, a note and the scan."""
    candidate = managed_candidate(candidate_id)
    if code not in steps.BY_CODE:
        abort(404)
    if code in dossier.ELSEWHERE:
        target = _probation_link("admission.ceremony" if code == "ceremony" else "admission.recognition", candidate)
        if target is None:
            abort(404)
        return redirect(target)
    row = candidate.step(code)
    form = StepForm(data=_step_values(row) if request.method == "GET" else None)

    def action():
        upload = form.upload.data
        scan = files.read_scan(getattr(upload, "filename", None), upload.stream) if upload else None
        return dossier.record_step(candidate, code, status=form.status.data, done_on=form_date(form, "done_on"),
                                   number=form.number.data, responsible=form.responsible.data, note=form.note.data,
                                   upload=scan, actor=current_actor(), today=local_today())

    result = submit(form, action)
    if result.done:
        flash(_("Đã ghi nhận bước “%(step)s”.", step=steps.BY_CODE[code].label), "success")
        _flash_warnings(result.value)
        return redirect(url_for("admission.candidate", candidate_id=candidate.id))
    return render_template("admission/step_form.html", candidate=candidate, step=steps.BY_CODE[code], row=row,
                           form=form, labels=LABELS), result.status


@admission_bp.get("/admission/candidates/<int:candidate_id>/steps/<code>/file")
@login_required
def step_file(candidate_id: int, code: str):
    """The scan of a step, for those who may view the file: always a download, never shown in the page."""
    candidate = visible_candidate(candidate_id)
    row = candidate.step(code)
    if row is None or not row.file_key:
        abort(404)
    try:
        path = files.path_of(row.file_key)
    except FileNotFoundError:
        abort(404)
    audit.record("candidate.file", current_actor(), target_type="candidate", target_id=candidate.id, step=code)
    db.session.commit()
    response = send_file(path, mimetype=row.file_type, as_attachment=True, download_name=row.file_name or "ban-chup")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@admission_bp.post("/admission/candidates/<int:candidate_id>/introducers")
@login_required
def add_introducer(candidate_id: int):
    candidate = managed_candidate(candidate_id)
    form = IntroducerForm()
    form.member_id.choices = choices({str(m.id): m.full_name for m in official_members(candidate.cell_id)})
    form.member_id.validate_choice = False  # a member outside the list reads as "not found" from the service

    def action():
        try:
            member = db.session.get(Member, int(form.member_id.data))
        except (TypeError, ValueError):
            member = None
        return dossier.add_introducer(candidate, member, known_since=form_date(form, "known_since"),
                                      signed_on=form_date(form, "signed_on"), actor=current_actor(),
                                      today=local_today(), access=current_access())

    result = submit(form, action)
    if result.done:
        flash(_("Đã ghi nhận người giới thiệu."), "success")
        return redirect(url_for("admission.candidate", candidate_id=candidate.id) + "#introducers")
    return render_candidate(candidate, status=result.status, introducer_form=form)


@admission_bp.post("/admission/candidates/<int:candidate_id>/introducers/<int:introducer_id>/remove")
@login_required
def remove_introducer(candidate_id: int, introducer_id: int):
    candidate = managed_candidate(candidate_id)
    form = EmptyForm()
    result = submit(form, lambda: dossier.remove_introducer(candidate, introducer_id, current_actor(),
                                                            today=local_today()))
    if result.done:
        flash(_("Đã bỏ người giới thiệu."), "success")
        return redirect(url_for("admission.candidate", candidate_id=candidate.id) + "#introducers")
    for message in form.form_errors:
        flash(message, "error")
    return render_candidate(candidate, status=result.status)


@admission_bp.post("/admission/candidates/<int:candidate_id>/extend")
@login_required
def extend(candidate_id: int):
    """The competent committee extended the decision's deadline by 30 working days (once)."""
    candidate = managed_candidate(candidate_id)
    form = EmptyForm()
    result = submit(form, lambda: dossier.extend_decision(candidate, current_actor(), today=local_today()))
    if result.done:
        flash(_("Đã ghi nhận gia hạn thời hạn quyết định kết nạp thêm 30 ngày làm việc."), "success")
        return redirect(url_for("admission.candidate", candidate_id=candidate.id))
    for message in form.form_errors:
        flash(message, "error")
    return render_candidate(candidate, status=result.status)
