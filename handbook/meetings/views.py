"""Member side: the meetings list, one meeting, absence notice, check-in, calendar files."""
from __future__ import annotations

from flask import (
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_login import login_required
from sqlalchemy import select

from handbook.caller import current_access, current_actor
from handbook.core.i18n import gettext as _
from handbook.core.sealing import seal, unseal
from handbook.core.timeutil import to_local
from handbook.core.web import require
from handbook.extensions import db
from handbook.meetings import attendance, calendar, documents, minutes, quality, queries
from handbook.meetings.blueprints import member_bp
from handbook.meetings.forms import AbsenceForm, CheckinForm, WithdrawForm
from handbook.meetings.labels import TEMPLATE_LABELS
from handbook.meetings.models import MeetingDocument
from handbook.meetings.pages import visible_meeting
from handbook.meetings.validation import MeetingError
from handbook.org.access import can_manage_org, managed_orgs_clause
from handbook.org.history import name_on
from handbook.org.models import Organisation


@member_bp.get("/meetings")
@login_required
def index():
    access = current_access()
    member = access.member  # placement only (None for a member who left): the record itself is not shown here
    org_ids = queries.member_orgs(member)
    managed = []
    if access.grants:
        managed = list(db.session.scalars(select(Organisation).where(
            managed_orgs_clause(access), Organisation.kind.in_(("chi_bo", "chi_bo_co_so"))
        ).order_by(Organisation.path).limit(50)))
        org_ids = sorted(set(org_ids) | {o.id for o in managed})
    upcoming, past = queries.meetings_for_orgs(org_ids, access=access) if org_ids else ([], [])
    mine = queries.attendance_of(member, [m.id for m in upcoming + past]) if member else {}
    return render_template("meetings/index.html", upcoming=upcoming, past=past, by_meeting=mine, managed=managed,
                           is_staff=access.is_admin or bool(access.grants), **TEMPLATE_LABELS)


@member_bp.get("/meetings/<int:meeting_id>")
@login_required
def show(meeting_id: int):
    meeting = visible_meeting(meeting_id)
    access = current_access()
    member = access.member  # placement only: the member record itself is not shown here
    invited = member is not None and attendance.is_invited(meeting, member)
    mine = queries.attendance_of(member, [meeting.id]).get(meeting.id) if member else None
    checkin_form = CheckinForm()
    if request.method == "GET" and request.args.get("code"):
        checkin_form.code.data = request.args["code"][:12]  # opened by scanning the QR code
    outcome = minutes.outcome(meeting)
    absence_form = AbsenceForm()
    if not absence_form.is_submitted() and mine is not None and mine.source == "notice":
        absence_form.reason.data = mine.reason  # changing the notice starts from what was sent
    return render_template(
        "meetings/show.html", meeting=meeting, mine=mine, invited=invited, org_name=org_name_then(meeting),
        manages=can_manage_org(access, meeting.organisation),
        join_open=attendance.join_open(meeting), checkin_open=attendance.checkin_open(meeting),
        absence_open=attendance.absence_open(meeting),
        minutes=outcome.has_minutes, resolutions=outcome.resolutions, votes=outcome.votes,
        absence_form=absence_form, withdraw_form=WithdrawForm(formdata=None), checkin_form=checkin_form,
        quality=quality.sheet_of(meeting) if quality.shown(meeting) else None,
        **TEMPLATE_LABELS,
    )


def org_name_then(meeting) -> str:
    """The organisation's name on the meeting's day (it may have been renamed or merged since): one query."""
    return name_on(meeting.organisation, to_local(meeting.starts_at).date())


def _member_or_403():
    """The caller's member placement (what the one-tap actions write with), 403 for an account without one."""
    member = current_access().member
    require(member is not None, 403)
    return member


@member_bp.post("/meetings/<int:meeting_id>/absence")
@login_required
def absence(meeting_id: int):
    meeting = visible_meeting(meeting_id, details=False)
    member = _member_or_403()
    form = AbsenceForm()
    if not form.validate_on_submit():
        # form errors are lazy strings: str() them (joining them as they are was a 500)
        flash(" ".join(str(e) for errs in form.errors.values() for e in errs), "error")
        return render_again(meeting_id, 400)
    before = queries.attendance_of(member, [meeting.id]).get(meeting.id)
    try:
        attendance.send_absence(meeting, member, form.reason.data, form.client_id.data or None)
    except MeetingError as exc:
        flash(str(exc), "error")
        return render_again(meeting_id, 400)
    changed = before is not None and before.source == "notice"
    flash(_("Đã cập nhật lý do vắng mặt.") if changed else _("Đã gửi báo vắng tới chi bộ."), "success")
    return redirect(url_for(".show", meeting_id=meeting_id))  # not meeting.id: the commit expired it


@member_bp.post("/meetings/<int:meeting_id>/absence/withdraw")
@login_required
def withdraw_absence(meeting_id: int):
    """Take the absence notice back before the meeting: the member is expected again."""
    meeting = visible_meeting(meeting_id, details=False)
    member = _member_or_403()
    if not WithdrawForm().validate_on_submit():
        abort(400)
    try:
        withdrawn = attendance.withdraw_absence(meeting, member)
    except MeetingError as exc:
        flash(str(exc), "error")
        return render_again(meeting_id, 400)
    flash(_("Đã rút báo vắng. Chi bộ sẽ chờ đồng chí dự họp.") if withdrawn
          else _("Đồng chí không có báo vắng nào ở buổi họp này."), "success" if withdrawn else "info")
    return redirect(url_for(".show", meeting_id=meeting_id))


@member_bp.post("/meetings/<int:meeting_id>/check-in")
@login_required
def check_in(meeting_id: int):
    meeting = visible_meeting(meeting_id, details=False)
    member = _member_or_403()
    form = CheckinForm()
    if not form.validate_on_submit():
        flash(_("Mã điểm danh không hợp lệ. Vui lòng nhập lại."), "error")
        return render_again(meeting_id, 400)
    try:
        attendance.check_in(meeting, member, form.code.data or None, form.client_id.data or None,
                            actor=current_actor())
    except MeetingError as exc:
        flash(str(exc), "error")
        return render_again(meeting_id, 400)
    flash(_("Đã điểm danh: có mặt."), "success")
    return redirect(url_for(".show", meeting_id=meeting.id))


def render_again(meeting_id: int, status: int):
    """Show the meeting page again with the flashed error and a 4xx status."""
    response = show(meeting_id)
    return response, status


@member_bp.get("/meetings/<int:meeting_id>/documents/<int:document_id>")
@login_required
def document(meeting_id: int, document_id: int):
    meeting = visible_meeting(meeting_id, details=False)
    doc = db.session.get(MeetingDocument, document_id)
    if doc is None or doc.meeting_id != meeting.id:
        abort(404)
    path = None if doc.link_url else documents.stored_path(doc)
    if not doc.link_url and (path is None or not path.exists()):
        abort(404)
    member = current_access().member  # the reader's own record: a leader looking at another cell's meeting is not
    if member is not None and attendance.is_invited(meeting, member):  # one of its invitees
        documents.mark_read(meeting, member.id)
    if doc.link_url:
        return redirect(doc.link_url)
    return send_file(path, mimetype=doc.content_type, as_attachment=True, download_name=doc.filename)


@member_bp.get("/meetings/<int:meeting_id>.ics")
@login_required
def ics(meeting_id: int):
    meeting = visible_meeting(meeting_id)
    body = calendar.build_calendar([meeting], request.host, request.host_url.rstrip("/"), meeting.title)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="hop-chi-bo-{meeting.id}.ics"'})


@member_bp.get("/calendar/<token>.ics")
def feed(token: str):
    """The private feed: the token is the only credential, so it is long, random and revocable."""
    reader = calendar.reader_for_token(token) if len(token) <= 100 else None
    if reader is None:  # unknown, revoked, or a member who left
        abort(404)
    member, access = reader
    body, etag = calendar.feed_body(member, access, request.host, request.host_url.rstrip("/"),
                                    _("Lịch sinh hoạt chi bộ"))
    response = Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, max-age=300"})
    response.set_etag(etag)
    return response.make_conditional(request)


NEW_FEED_KEY = "new_feed_token"  # the address just made, shown once by the page the creation redirects to


@member_bp.get("/calendar/tokens")
@login_required
def feeds():
    """The member's calendar addresses. Only a hash of each is stored, so an address is shown once — on the first
    visit after it was made (kept in the session until then); a lost one is replaced by making a new one."""
    member = _member_or_403()
    from handbook.core.forms import EmptyForm

    token = _new_token(member)
    response = make_response(render_template(
        "meetings/feeds.html", url=url_for(".feed", token=token, _external=True) if token else None,
        feeds=calendar.tokens_of(member), form=EmptyForm()))
    response.headers["Cache-Control"] = "no-store"
    return response


def _new_token(member) -> str | None:
    """The address made just before, once: taken out of the session, for the same member only."""
    kept = session.pop(NEW_FEED_KEY, None)
    if not isinstance(kept, dict) or kept.get("member") != member.id:
        return None
    return unseal(str(kept.get("sealed", "")))


@member_bp.post("/calendar/tokens")
@login_required
def new_feed():
    member = _member_or_403()
    from handbook.core.forms import EmptyForm

    if not EmptyForm().validate_on_submit():
        abort(400)
    # sealed: the session cookie is signed, not encrypted, and this address is a credential
    session[NEW_FEED_KEY] = {"member": member.id, "sealed": seal(calendar.issue_token(member))}
    flash(_("Đã tạo địa chỉ lịch mới. Sao chép địa chỉ dưới đây vào ứng dụng lịch của đồng chí."), "success")
    return redirect(url_for(".feeds"))


@member_bp.post("/calendar/tokens/<int:token_id>/revoke")
@login_required
def revoke_feed(token_id: int):
    member = _member_or_403()
    from handbook.core.forms import EmptyForm

    if not EmptyForm().validate_on_submit():
        abort(400)
    if not calendar.revoke_token(member, token_id):
        abort(404)
    flash(_("Đã thu hồi địa chỉ lịch."), "success")
    return redirect(url_for(".feeds"))
