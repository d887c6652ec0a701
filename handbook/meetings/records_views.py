"""Leader side after the meeting: attendance sheet, minutes, resolutions, votes; review list; committee view."""
from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from handbook.caller import current_access, current_actor
from handbook.core.forms import select_choices, submit
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import format_when, local_today, to_local
from handbook.core.web import page_arg
from handbook.extensions import db
from handbook.meetings import attendance, minutes, queries, review
from handbook.meetings.blueprints import manage_bp
from handbook.meetings.forms import MinutesForm, ResolutionForm, VoteForm
from handbook.meetings.labels import COMMITTEE_LABELS, TEMPLATE_LABELS
from handbook.meetings.models import AttendanceStatus, MinutesRevision
from handbook.meetings.pages import managed_meeting, managed_org
from handbook.meetings.validation import MeetingError
from handbook.org.history import name_on

REVIEW_YEARS = (2000, 2100)


@manage_bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@login_required
def sheet(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    from handbook.core.forms import EmptyForm

    form, status = EmptyForm(), 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        rest_present = request.form.get("all_present") == "1"  # the "Tất cả có mặt" button of the same form
        try:
            entries = _parse_sheet()
            written = attendance.record_sheet(meeting, entries, current_user.id, rest_present=rest_present,
                                              actor=current_actor())
        except MeetingError as exc:
            flash(str(exc), "error")
            status = 400
        else:
            if rest_present:
                flash(_("Đã lưu điểm danh; %(n)d đồng chí chưa điểm danh được ghi có mặt. Các báo vắng giữ nguyên.",
                        n=written - len(entries)), "success")
            else:
                flash(_("Đã lưu điểm danh."), "success")
            return redirect(url_for(".sheet", meeting_id=meeting.id))
    lines = attendance.attendance_sheet(meeting)
    return render_template("meetings/attendance.html", meeting=meeting, lines=lines, form=form,
                           unmarked=sum(1 for line in lines if line.status is None),
                           statuses=list(AttendanceStatus), **TEMPLATE_LABELS), status


def _parse_sheet() -> dict[int, tuple[AttendanceStatus, str | None]]:
    entries = {}
    for key, value in request.form.items():
        if not key.startswith("status_") or not value:
            continue
        try:
            member_id, status = int(key[7:]), AttendanceStatus(value)
        except ValueError as exc:
            raise MeetingError(_("Dữ liệu điểm danh không hợp lệ.")) from exc
        entries[member_id] = (status, request.form.get(f"reason_{member_id}"))
    return entries


@manage_bp.route("/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@login_required
def minutes_page(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    current = minutes.current_minutes(meeting)
    form = MinutesForm()
    shown = current
    if request.args.get("rev", type=int):
        shown = db.session.get(MinutesRevision, request.args.get("rev", type=int))
        if shown is None or shown.meeting_id != meeting.id:
            abort(404)
    if request.method == "GET" and current:
        form.body.data = current.body
    done, _revision, status = submit(
        form, lambda: minutes.save_minutes(meeting, form.body.data, current_user.id, actor=current_actor()),
        MeetingError)
    if done:
        flash(_("Đã lưu biên bản (một phiên bản mới)."), "success")
        return redirect(url_for(".minutes_page", meeting_id=meeting.id))
    return _minutes_page(meeting, form=form, shown=shown, current=current, status=status)


def _minutes_page(meeting, *, form=None, shown=None, current=None, vote_form=None, resolution_form=None,
                  error: str | None = None, status: int = 200):
    """The minutes page; a refused vote or resolution comes back here with its message and a 400."""
    current = current or minutes.current_minutes(meeting)
    if form is None:
        form = MinutesForm(formdata=None)
        form.body.data = current.body if current else ""
    if vote_form is None:
        vote_form = VoteForm(formdata=None)
    vote_form.agenda_item.choices = select_choices([("", "—")] + [(str(a.id), a.title) for a in meeting.agenda])
    if error:
        flash(error, "error")
    return render_template("meetings/minutes.html", meeting=meeting, form=form, shown=shown or current,
                           current=current, history=minutes.minutes_history(meeting),
                           resolutions=minutes.resolutions(meeting), votes=minutes.votes(meeting),
                           tally=minutes.tally(meeting), vote_form=vote_form,
                           resolution_form=resolution_form or ResolutionForm(formdata=None), **TEMPLATE_LABELS), status


@manage_bp.get("/meetings/<int:meeting_id>/minutes/print")
@login_required
def print_minutes(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    return render_template("meetings/minutes_print.html", meeting=meeting, minutes=minutes.current_minutes(meeting),
                           org_name=name_on(meeting.organisation, to_local(meeting.starts_at).date()),
                           lines=attendance.attendance_sheet(meeting), resolutions=minutes.resolutions(meeting),
                           votes=minutes.votes(meeting), **TEMPLATE_LABELS)


@manage_bp.post("/meetings/<int:meeting_id>/resolutions")
@login_required
def add_resolution(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    form = ResolutionForm()
    if not form.validate_on_submit():
        return _minutes_page(meeting, resolution_form=form, status=400,
                             error=_("Nghị quyết cần có tiêu đề và nội dung."))
    try:
        minutes.add_resolution(meeting, form.title.data, form.body.data, current_user.id, actor=current_actor())
    except MeetingError as exc:
        return _minutes_page(meeting, resolution_form=form, error=str(exc), status=400)
    flash(_("Đã lưu nghị quyết."), "success")
    return redirect(url_for(".minutes_page", meeting_id=meeting.id))


@manage_bp.post("/meetings/<int:meeting_id>/votes")
@login_required
def add_vote(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    form = VoteForm()
    if not form.validate_on_submit():
        return _minutes_page(meeting, vote_form=form, status=400,
                             error=_("Vui lòng nhập đủ nội dung và số phiếu (số nguyên không âm)."))
    item = int(form.agenda_item.data) if (form.agenda_item.data or "").isdigit() else None
    try:
        vote = minutes.record_vote(meeting, form.question.data, (form.votes_for.data, form.votes_against.data,
                                   form.votes_abstain.data), form.rule.data, current_user.id, item,
                                   actor=current_actor())
    except MeetingError as exc:
        return _minutes_page(meeting, vote_form=form, error=str(exc), status=400)
    flash(_("Đã ghi kết quả biểu quyết: %(r)s.", r=_("thông qua") if vote.passed else _("không thông qua")),
          "success")
    return redirect(url_for(".minutes_page", meeting_id=meeting.id))


@manage_bp.get("/meetings/review")
@login_required
def review_page():
    org = managed_org(request.args.get("org", type=int))
    today = local_today()
    year = request.args.get("year", type=int) or review.review_year(org.id, today)
    if not REVIEW_YEARS[0] <= year <= today.year:
        abort(404)
    return render_template("meetings/review.html", org=org, year=year, rows=review.absence_overview(org.id, year),
                           threshold=review.REVIEW_MONTHS, this_year=today.year)


@manage_bp.get("/meetings/committee")
@login_required
def committee():
    access = current_access()
    if not (access.is_admin or access.grants):
        abort(403)
    year, month = queries.this_month()
    year = request.args.get("year", year, type=int)
    month = request.args.get("month", month, type=int)
    if not (2000 <= year <= 2100 and 1 <= month <= 12):  # the form's min/max are not checked by the browser
        abort(400, _("Tháng phải từ 1 đến 12 và năm từ 2000 đến 2100."))
    only = request.args.get("only") if request.args.get("only") in ("missing",) else None
    if request.args.get("format") == "xlsx":
        return _export(access, year, month, only)
    page = page_arg()
    sort = request.args.get("sort") if request.args.get("sort") in queries.SORTS else "path"
    rows, total = queries.committee_month(access, year, month, page=page, only=only, sort=sort)
    return render_template("meetings/committee.html", rows=rows, total=total, page=page, year=year, month=month,
                           only=only, sort=sort, labels=COMMITTEE_LABELS, per_page=100)


def _export(access, year: int, month: int, only: str | None):
    """Excel of every cell in scope, written page by page so memory stays flat."""
    from openpyxl import Workbook  # imported here: a web worker that never exports does not carry it (~20 MiB)

    book = Workbook(write_only=True)
    sheet = book.create_sheet(f"{month:02d}-{year}")
    sheet.append([_("Chi bộ"), _("Tình trạng"), _("Thời gian họp")])
    page = 1
    while True:
        rows, total = queries.committee_month(access, year, month, page=page, per_page=1000, only=only)
        for row in rows:
            sheet.append([row.cell.name, str(COMMITTEE_LABELS[row.status]), format_when(row.starts_at)])
        if page * 1000 >= total:
            break
        page += 1
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return send_file(buffer, as_attachment=True, download_name=f"sinh-hoat-chi-bo-{month:02d}-{year}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
