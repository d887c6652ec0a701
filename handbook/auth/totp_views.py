"""The second step of login (a code from the authenticator app) and setting the app up."""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from handbook.audit.service import Actor, record
from handbook.auth import service, throttle, totp
from handbook.auth.forms import PasswordConfirmForm, TotpForm
from handbook.auth.models import User
from handbook.auth.views import pending_user_id, start_session
from handbook.core.i18n import gettext as _
from handbook.extensions import db

bp = Blueprint("twofactor", __name__)


def _pending_user() -> User:
    user_id = pending_user_id()
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.is_active_account:
        abort(redirect(url_for("auth.login")))
    return user


def pending_key() -> str:
    return f"user:{session.get('mfa_uid') or '-'}"


def _fail(user_id: int) -> None:
    throttle.mark_failed(user_id)
    record("auth.2fa_failed", Actor(user_id, request.remote_addr), target_type="user", target_id=user_id)
    db.session.commit()


@bp.route("/login/2fa", methods=["GET", "POST"])
@throttle.ip_limit("totp")
@throttle.account_limit(pending_key, "totp")
def verify():
    user = _pending_user()
    if not totp.is_enrolled(user.id):
        return redirect(url_for("twofactor.setup"))
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
        _fail(user.id)
        form.code.errors = [_("Mã không đúng hoặc đã được dùng. Hãy nhập mã mới đang hiện trong ứng dụng.")]
        status = 400
    elif form.is_submitted():
        status = 400
    return render_template("auth/totp.html", form=form), status


def _setup_page(user: User, form: TotpForm, status: int, signed_in: bool):
    secret = totp.pending_secret(user)
    uri = totp.provisioning_uri(user, secret)
    spaced = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return render_template("auth/totp_setup.html", form=form, secret=spaced, qr=Markup(totp.qr_svg(uri)),
                           required=totp.required_for(user), signed_in=signed_in), status


def _confirm_first_code(user: User, signed_in: bool, finish: Callable[[], str]):
    """Both set-up pages: the first code confirms the authenticator (audited; `finish` starts or keeps the
    session and says where to go after the recovery codes); a wrong one is counted and audited."""
    form = TotpForm()
    if not form.validate_on_submit():
        return _setup_page(user, form, 400 if form.is_submitted() else 200, signed_in)
    codes = totp.confirm(user, form.code.data, actor=Actor(user.id, request.remote_addr),
                         keep_session=session.get("sid") if signed_in else None)
    if not codes:
        _fail(user.id)
        form.code.errors = [_("Mã không đúng. Hãy kiểm tra giờ trên điện thoại và nhập mã đang hiện.")]
        return _setup_page(user, form, 400, signed_in)
    return render_template("auth/recovery_codes.html", codes=codes, target=finish())


@bp.route("/login/2fa/setup", methods=["GET", "POST"])
@throttle.ip_limit("totp")
@throttle.account_limit(pending_key, "totp")
def setup():
    """Staff without an authenticator: set it up before anything else."""
    user = _pending_user()
    if totp.is_enrolled(user.id):
        return redirect(url_for("twofactor.verify"))

    def finish() -> str:
        target = session.get("mfa_next") or url_for("home.index")
        start_session(user, "totp")  # commits
        return target
    return _confirm_first_code(user, False, finish)


@bp.route("/account/2fa", methods=["GET", "POST"])
@login_required
@throttle.ip_limit("totp")
def enable():
    """A signed-in member turns on two-factor login of their own accord."""
    if totp.is_enrolled(current_user.id):
        return redirect(url_for("home.profile"))

    def finish() -> str:
        return url_for("home.profile")
    return _confirm_first_code(current_user, True, finish)


@bp.route("/account/2fa/disable", methods=["GET", "POST"])
@login_required
@throttle.ip_limit("password")
def disable():
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
