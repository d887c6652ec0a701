"""The member's own account: signed-in devices, and the privacy notice with its consent."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from handbook.audit.service import Actor, record
from handbook.auth import consent, sessions, totp
from handbook.auth.forms import EmptyForm
from handbook.auth.views import _safe_next
from handbook.core.i18n import gettext as _
from handbook.extensions import db

bp = Blueprint("account", __name__)


@bp.app_context_processor
def account_context():
    """Lazy helpers for the profile page's account section (nothing runs unless a template calls them)."""
    def my_sessions():
        current = sessions.digest(session.get("sid") or "")
        return [(row, row.id == current) for row in sessions.live_sessions(current_user.id)]

    def my_second_factor():
        enrolled = totp.is_enrolled(current_user.id)
        return {"enrolled": enrolled, "required": totp.required_for(current_user),
                "codes_left": totp.remaining_recovery_codes(current_user.id) if enrolled else 0}

    return {"my_sessions": my_sessions, "my_second_factor": my_second_factor}


@bp.post("/account/sessions/<session_id>/revoke")
@login_required
def revoke_session(session_id: str):
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    if session_id == sessions.digest(session.get("sid") or ""):
        abort(400, _("Để đăng xuất thiết bị đang dùng, hãy bấm “Đăng xuất”."))
    if not sessions.revoke(current_user.id, session_id):
        abort(404)
    record("auth.sessions_revoked", Actor(current_user.id, request.remote_addr), target_type="user",
           target_id=current_user.id, count=1)
    db.session.commit()
    flash(_("Đã đăng xuất phiên đăng nhập đó."), "success")
    return redirect(url_for("home.profile") + "#sessions")


@bp.post("/account/sessions/revoke-others")
@login_required
def revoke_other_sessions():
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    count = sessions.revoke_all(current_user.id, except_token=session.get("sid"))
    record("auth.sessions_revoked", Actor(current_user.id, request.remote_addr), target_type="user",
           target_id=current_user.id, count=count)
    db.session.commit()
    flash(_("Đã đăng xuất %(n)d thiết bị khác.", n=count), "success")
    return redirect(url_for("home.profile") + "#sessions")


@bp.get("/privacy")
def privacy():
    """The privacy notice: anyone may read it; a signed-in member who has not accepted it yet sees the button."""
    accepted = consent.accepted_at(current_user.id) if current_user.is_authenticated else None
    return render_template("auth/privacy.html", form=EmptyForm(), accepted_at=accepted,
                           version=consent.NOTICE_VERSION, notice_date=consent.NOTICE_DATE,
                           contact=current_app.config["PRIVACY_CONTACT"], next=request.args.get("next", ""))


@bp.post("/privacy/accept")
@login_required
def accept_privacy():
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    consent.accept(current_user.id, request.remote_addr)
    session["consent"] = consent.NOTICE_VERSION
    return redirect(_safe_next(request.form.get("next")))
