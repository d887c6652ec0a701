"""The signed-in member's own account: password, two-factor login, signed-in devices, and the privacy notice with
its consent."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from handbook.audit.service import Actor, record
from handbook.auth import consent, service, sessions, throttle, totp
from handbook.auth.flow import confirm_first_code, safe_next
from handbook.auth.forms import PasswordChangeForm, PasswordConfirmForm
from handbook.core.forms import EmptyForm, submit
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
    return redirect(safe_next(request.form.get("next")))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    done, _ended, status = submit(form, lambda: service.change_password(
        current_user, form.current_password.data, form.new_password.data,
        actor=Actor(current_user.id, request.remote_addr), keep_session=session.get("sid")), service.AuthError)
    if done:
        flash(_("Đã đổi mật khẩu. Các thiết bị khác đã được đăng xuất."), "success")
        return redirect(url_for("home.profile"))
    return render_template("auth/password.html", form=form), status


@bp.route("/account/2fa", methods=["GET", "POST"])
@login_required
@throttle.ip_limit("totp")
def enable_twofactor():
    """A signed-in member turns on two-factor login of their own accord."""
    if totp.is_enrolled(current_user.id):
        return redirect(url_for("home.profile"))

    def finish() -> str:
        return url_for("home.profile")
    return confirm_first_code(current_user, True, finish)


@bp.route("/account/2fa/disable", methods=["GET", "POST"])
@login_required
@throttle.ip_limit("password")
def disable_twofactor():
    """Turn two-factor login off (not allowed for admins and committee staff)."""
    if totp.required_for(current_user):
        abort(403, _("Cán bộ cấp ủy và quản trị viên bắt buộc dùng xác thực hai bước."))
    if not totp.is_enrolled(current_user.id):
        return redirect(url_for("home.profile"))
    form = PasswordConfirmForm()
    status = 200
    if form.validate_on_submit():
        if service.verify_password(current_user, form.password.data):
            actor = Actor(current_user.id, request.remote_addr)
            totp.disable(current_user.id, actor=actor, reason="2fa_disable", keep_session=session.get("sid"))
            record("auth.2fa_disable", actor, target_type="user", target_id=current_user.id)
            db.session.commit()
            flash(_("Đã tắt xác thực hai bước."), "success")
            return redirect(url_for("home.profile"))
        throttle.mark_failed(current_user.id)
        form.password.errors = [_("Mật khẩu hiện tại không đúng.")]
        status = 400
    elif form.is_submitted():
        status = 400
    return render_template("auth/totp_disable.html", form=form), status
