"""Signing in and out: login (with the second step for those who use an authenticator, and its set-up for staff
who must), logout, activation with a code, the language."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from handbook.audit.service import Actor, record
from handbook.auth import service, sessions, throttle, totp
from handbook.auth.flow import (
    confirm_first_code,
    fail_second_factor,
    fresh_session,
    pending_key,
    pending_user,
    safe_next,
    start_session,
)
from handbook.auth.forms import ActivationForm, LoginForm, TotpForm
from handbook.auth.identifiers import IdentifierError
from handbook.core.forms import EmptyForm
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import timestamp
from handbook.extensions import db

bp = Blueprint("auth", __name__)


def _after_password(user, target: str):
    """Straight in, or on to the second factor (staff must have one: set it up first)."""
    enrolled = totp.is_enrolled(user.id)
    if not enrolled and not totp.required_for(user):
        start_session(user)
        return redirect(target)
    fresh_session()
    session.update({"mfa_uid": user.id, "mfa_at": timestamp(), "mfa_next": target})
    return redirect(url_for("auth.second_factor" if enrolled else "auth.second_factor_setup"))


def _record_failure(exc: service.AuthError | IdentifierError) -> None:
    user_id = getattr(exc, "user_id", None)
    if isinstance(exc, service.AuthError) and exc.credential:
        throttle.mark_failed(user_id)
    record("auth.login_failed", Actor(user_id, request.remote_addr), target_type="user" if user_id else None,
           target_id=user_id, source="web", reason=getattr(exc, "reason", None) or "identifier")
    db.session.commit()


@bp.route("/login", methods=["GET", "POST"])
@throttle.ip_limit("password")
@throttle.account_limit(throttle.login_key, "password")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.login.data, form.password.data)
        except (service.AuthError, IdentifierError) as exc:
            _record_failure(exc)
            form.form_errors.append(str(exc))
            status = 401 if isinstance(exc, service.AuthError) else 400
        else:
            return _after_password(user, safe_next(request.args.get("next")))
    elif form.is_submitted():
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    form = EmptyForm()
    if not form.validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn, vui lòng thử lại."), "error")
        return redirect(url_for("home.index"))
    if current_user.is_authenticated:
        record("auth.logout", Actor(current_user.id, request.remote_addr), target_type="user",
               target_id=current_user.id)
        db.session.commit()
    sessions.revoke_token(session.get("sid"))
    logout_user()
    fresh_session()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/activate", methods=["GET", "POST"])
@throttle.ip_limit("activation")
def activate():
    form = ActivationForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"][:20]
    status = 200
    if form.validate_on_submit():
        try:
            user = service.activate(form.code.data, form.new_password.data, request.remote_addr)
        except service.AuthError as exc:
            if exc.credential:
                throttle.mark_failed()
            form.form_errors.append(str(exc))
            status = 400
        else:
            flash(_("Đã đặt mật khẩu. Chào mừng đồng chí!"), "success")
            return _after_password(user, url_for("home.index"))
    elif form.is_submitted():
        status = 400
    return render_template("auth/activate.html", form=form), status


@bp.post("/language/<code>")
def set_language(code: str):
    form = EmptyForm()
    if form.validate_on_submit() and code in ("vi", "en"):
        session["lang"] = code
    return redirect(safe_next(request.form.get("next")))


@bp.route("/login/2fa", methods=["GET", "POST"], endpoint="second_factor")
@throttle.ip_limit("totp")
@throttle.account_limit(pending_key, "totp")
def second_factor():
    user = pending_user()
    if not totp.is_enrolled(user.id):
        return redirect(url_for("auth.second_factor_setup"))
    form = TotpForm()
    status = 200
    if form.validate_on_submit():
        method = totp.check_second_factor(user.id, form.code.data)
        if method:
            target = session.get("mfa_next") or url_for("home.index")
            start_session(user, method)
            if method == "recovery":
                flash(_("Đã dùng một mã khôi phục; còn %(n)d mã.", n=totp.remaining_recovery_codes(user.id)), "info")
            return redirect(target)
        fail_second_factor(user.id)
        form.code.errors = [_("Mã không đúng hoặc đã được dùng. Hãy nhập mã mới đang hiện trong ứng dụng.")]
        status = 400
    elif form.is_submitted():
        status = 400
    return render_template("auth/totp.html", form=form), status


@bp.route("/login/2fa/setup", methods=["GET", "POST"], endpoint="second_factor_setup")
@throttle.ip_limit("totp")
@throttle.account_limit(pending_key, "totp")
def second_factor_setup():
    """Staff without an authenticator: set it up before anything else."""
    user = pending_user()
    if totp.is_enrolled(user.id):
        return redirect(url_for("auth.second_factor"))

    def finish() -> str:
        target = session.get("mfa_next") or url_for("home.index")
        start_session(user, "totp")  # commits
        return target
    return confirm_first_code(user, False, finish)
