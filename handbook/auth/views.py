"""Login, logout, activation and password pages."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from handbook.audit.service import Actor, record
from handbook.auth import consent, service, sessions, throttle, totp
from handbook.auth.forms import ActivationForm, EmptyForm, LoginForm, PasswordChangeForm
from handbook.auth.identifiers import IdentifierError
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import timestamp
from handbook.extensions import db

bp = Blueprint("auth", __name__)
PENDING_SECONDS = 600  # between the password and the second factor


def _safe_next(target: str | None) -> str:
    """Only same-site paths may be a redirect target after login."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


def _fresh_session() -> None:
    """Drop everything the browser's session held (a new session at login), keeping the language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def start_session(user, method: str = "password") -> None:
    """Sign `user` in on a new server-side session (the old session's data and id are gone)."""
    _fresh_session()
    session["sid"] = sessions.start(user, request.remote_addr, request.headers.get("User-Agent"))
    if consent.has_accepted(user.id):
        session["consent"] = consent.NOTICE_VERSION  # the privacy gate then needs no query per page
    login_user(user)
    record("auth.login", Actor(user.id, request.remote_addr), target_type="user", target_id=user.id, method=method)
    db.session.commit()


def pending_user_id() -> int | None:
    """The account that gave the right password and still owes its second factor."""
    started = session.get("mfa_at", 0)
    if not session.get("mfa_uid") or timestamp() - started > PENDING_SECONDS:
        return None
    return int(session["mfa_uid"])


def _after_password(user, target: str):
    """Straight in, or on to the second factor (staff must have one: set it up first)."""
    enrolled = totp.is_enrolled(user.id)
    if not enrolled and not totp.required_for(user):
        start_session(user)
        return redirect(target)
    _fresh_session()
    session.update({"mfa_uid": user.id, "mfa_at": timestamp(), "mfa_next": target})
    return redirect(url_for("twofactor.verify" if enrolled else "twofactor.setup"))


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
            return _after_password(user, _safe_next(request.args.get("next")))
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
    _fresh_session()
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


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        try:
            service.change_password(current_user, form.current_password.data, form.new_password.data,
                                    actor=Actor(current_user.id, request.remote_addr), keep_session=session.get("sid"))
        except service.AuthError as exc:
            form.form_errors.append(str(exc))
            status = 400
        else:
            flash(_("Đã đổi mật khẩu. Các thiết bị khác đã được đăng xuất."), "success")
            return redirect(url_for("home.profile"))
    elif form.is_submitted():
        status = 400
    return render_template("auth/password.html", form=form), status


@bp.post("/language/<code>")
def set_language(code: str):
    form = EmptyForm()
    if form.validate_on_submit() and code in ("vi", "en"):
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")))
