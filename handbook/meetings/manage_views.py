"""Leader side: schedule, edit, cancel, the yearly series, documents, the check-in screen."""
from __future__ import annotations

from datetime import date, datetime

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from handbook.caller import current_actor
from handbook.core.forms import submit
from handbook.core.i18n import gettext as _
from handbook.core.storage import StorageError
from handbook.core.timeutil import to_local, utcnow
from handbook.extensions import db
from handbook.meetings import attendance, documents, scheduling
from handbook.meetings.blueprints import manage_bp
from handbook.meetings.forms import CancelForm, DocumentForm, MeetingForm, SeriesForm
from handbook.meetings.labels import TEMPLATE_LABELS
from handbook.meetings.models import MeetingFormat, MeetingKind, MeetingStatus
from handbook.meetings.pages import managed_meeting, managed_org
from handbook.meetings.validation import MeetingError


def _input(form: MeetingForm) -> scheduling.MeetingInput:
    return scheduling.MeetingInput(
        kind=MeetingKind(form.kind.data), format=MeetingFormat(form.format.data), title=form.title.data,
        starts_at=scheduling.local_datetime(form.day.data, form.start.data),
        ends_at=scheduling.local_datetime(form.day.data, form.end.data),
        place=form.place.data, online_url=form.online_url.data, combined_thematic=form.combined_thematic.data,
        recording_held=form.recording_held.data, agenda=(form.agenda.data or "").splitlines(),
    )


@manage_bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def new():
    org = managed_org(request.args.get("org", type=int))
    form = MeetingForm()
    if request.method == "GET":
        form.start.data = datetime.strptime("19:30", "%H:%M").time()
        form.end.data = datetime.strptime("21:00", "%H:%M").time()
    done, meeting, status = submit(
        form, lambda: scheduling.create_meeting(org, _input(form), current_user.id, actor=current_actor()),
        MeetingError)
    if done:
        flash(_created_message(meeting), "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, org=org, meeting=None), status


def _created_message(meeting) -> str | Markup:
    """A scheduled meeting was announced; a meeting recorded after the fact was not: say so, and lead on to
    what is left to record for it."""
    if meeting.status is not MeetingStatus.HELD:
        return _("Đã lên lịch buổi họp và thông báo tới đảng viên.")
    return Markup("{} <a href=\"{}\">{}</a> · <a href=\"{}\">{}</a>").format(
        _("Đã ghi lại buổi họp đã tổ chức (không gửi thông báo cho đảng viên). Tiếp theo:"),
        url_for("meetings_manage.sheet", meeting_id=meeting.id), _("ghi điểm danh"),
        url_for("meetings_manage.minutes_page", meeting_id=meeting.id), _("ghi biên bản"))


@manage_bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    form = MeetingForm()
    if request.method == "GET":
        _fill(form, meeting)
    done, _updated, status = submit(
        form, lambda: scheduling.update_meeting(meeting, _input(form), actor=current_actor()), MeetingError)
    if done:
        flash(_("Đã lưu thay đổi."), "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    if form.form_errors:
        db.session.rollback()  # a refused change leaves nothing of it in the session
    return _edit_page(meeting, form=form, status=status)


def _fill(form: MeetingForm, meeting) -> None:
    local = to_local(meeting.starts_at)
    form.kind.data, form.format.data, form.title.data = meeting.kind.value, meeting.format.value, meeting.title
    form.day.data, form.start.data = local.date(), local.time()
    form.end.data = to_local(scheduling.meeting_end(meeting)).time()
    form.place.data, form.online_url.data = meeting.place, meeting.online_url
    form.combined_thematic.data = meeting.combined_thematic
    form.agenda.data = "\n".join(a.title for a in meeting.agenda)


def _edit_page(meeting, *, form=None, cancel_form=None, doc_form=None, error: str | None = None, status=200):
    """The edit page; a refused cancel or document comes back here with its message and a 400."""
    if form is None:
        form = MeetingForm(formdata=None)
        _fill(form, meeting)
    if error:
        flash(error, "error")
    return render_template("meetings/form.html", form=form, org=meeting.organisation, meeting=meeting,
                           cancel_form=cancel_form or CancelForm(formdata=None),
                           doc_form=doc_form or DocumentForm(formdata=None)), status


@manage_bp.post("/meetings/<int:meeting_id>/cancel")
@login_required
def cancel(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return _edit_page(meeting, cancel_form=form, status=400,
                          error=_("Vui lòng ghi lý do hủy để thông báo cho đảng viên."))
    try:
        scheduling.cancel_meeting(meeting, form.reason.data, actor=current_actor())
    except MeetingError as exc:
        return _edit_page(meeting, cancel_form=form, error=str(exc), status=400)
    flash(_("Đã hủy buổi họp và thông báo tới đảng viên."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@manage_bp.post("/meetings/<int:meeting_id>/documents")
@login_required
def add_document(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    form = DocumentForm()
    if not form.validate_on_submit():
        errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
        return _edit_page(meeting, doc_form=form, error=errors or None, status=400)
    try:
        upload = request.files.get("file")
        if upload and upload.filename:
            documents.add_upload(meeting, upload, form.title.data, current_user.id, actor=current_actor())
        else:
            documents.add_link(meeting, form.link_url.data, form.title.data, current_user.id, actor=current_actor())
    except MeetingError as exc:
        return _edit_page(meeting, doc_form=form, error=str(exc), status=400)
    except StorageError as exc:  # a full disk: the form says so, nothing was kept
        return _edit_page(meeting, doc_form=form, error=str(exc), status=exc.status)
    flash(_("Đã thêm tài liệu."), "success")
    return redirect(url_for(".edit", meeting_id=meeting.id))


@manage_bp.route("/meetings/series/new", methods=["GET", "POST"])
@login_required
def new_series():
    """Step 1 shows the year's dates with weekends and holidays flagged (or why there are none); step 2 creates
    them. `?year=` chooses the year shown first (the page suggests next year when this one is done)."""
    org = managed_org(request.args.get("org", type=int))
    form = SeriesForm()
    now = utcnow()
    today = to_local(now).date()
    if request.method == "GET":
        wanted = request.args.get("year", type=int)
        form.year.data = wanted if wanted in (today.year, today.year + 1) else today.year + (today.month == 12)
    preview, status = None, 200
    if form.validate_on_submit():
        try:
            at = scheduling.parse_local_time(form.local_time.data)
            preview = scheduling.preview_series(org, form.year.data, form.day_of_month.data, at=at, now=now)
            if request.form.get("confirm") == "1" and not preview.blocked:
                shifts = _shifts(form.year.data)
                _series, meetings = scheduling.create_series(
                    org, form.year.data, current_user.id, day_of_month=form.day_of_month.data,
                    local_time=form.local_time.data, place=form.place.data, shifts=shifts, now=now,
                    actor=current_actor())
                flash(_("Đã tạo %(n)d buổi sinh hoạt thường kỳ năm %(y)d và gửi một thông báo tới đảng viên.",
                        n=len(meetings), y=form.year.data), "success")
                return redirect(url_for("meetings.index"))
        except MeetingError as exc:
            form.form_errors.append(str(exc))
            status = 400
        else:
            status = 400 if preview.blocked and request.form.get("confirm") == "1" else 200
    elif form.is_submitted():
        status = 400
    return render_template("meetings/series.html", form=form, org=org, preview=preview), status


def _shifts(year: int) -> dict[int, date]:
    shifts = {}
    for month in range(1, 13):
        raw = request.form.get(f"shift_{month}", "").strip()
        if raw:
            try:
                shifts[month] = date.fromisoformat(raw)
            except ValueError as exc:
                raise MeetingError(_("Ngày dời của tháng %(m)d không hợp lệ.", m=month)) from exc
    return shifts


@manage_bp.get("/meetings/<int:meeting_id>/checkin-code")
@login_required
def checkin_code(meeting_id: int):
    """The leader's screen: a rotating code as QR and digits; the page refreshes itself, no JavaScript needed."""
    meeting = managed_meeting(meeting_id)
    code, left = attendance.current_code(meeting)
    target = url_for("meetings.show", meeting_id=meeting.id, code=code, _external=True)
    import segno  # only on the check-in page

    qr = Markup(segno.make(target, error="m").svg_inline(scale=6, dark="#1c1c1c"))
    return render_template("meetings/checkin_code.html", meeting=meeting, code=code, left=left, qr=qr,
                           open=attendance.checkin_open(meeting), **TEMPLATE_LABELS)
