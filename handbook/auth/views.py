"""Login, logout, activation and password pages."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from handbook.auth import service
from handbook.auth.forms import ActivationForm, EmptyForm, LoginForm, PasswordChangeForm
from handbook.auth.identifiers import IdentifierError
from handbook.core.i18n import gettext as _

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths may be a redirect target after login."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


def _start_session(user) -> None:
    lang = session.get("lang")
    session.clear()  # a fresh session at login
    if lang:
        session["lang"] = lang
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.login.data, form.password.data)
        except (service.AuthError, IdentifierError) as exc:
            form.form_errors.append(str(exc))
            status = 401 if isinstance(exc, service.AuthError) else 400
        else:
            _start_session(user)
            return redirect(_safe_next(request.args.get("next")))
    elif form.is_submitted():
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    form = EmptyForm()
    if not form.validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn, vui lòng thử lại."), "error")
        return redirect(url_for("home.index"))
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/activate", methods=["GET", "POST"])
def activate():
    form = ActivationForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"][:20]
    status = 200
    if form.validate_on_submit():
        try:
            user = service.activate(form.code.data, form.new_password.data)
        except service.AuthError as exc:
            form.form_errors.append(str(exc))
            status = 400
        else:
            _start_session(user)
            flash(_("Đã đặt mật khẩu. Chào mừng đồng chí!"), "success")
            return redirect(url_for("home.index"))
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
            service.change_password(current_user, form.current_password.data, form.new_password.data)
        except service.AuthError as exc:
            form.form_errors.append(str(exc))
            status = 400
        else:
            flash(_("Đã đổi mật khẩu."), "success")
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
