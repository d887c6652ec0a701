"""The steps of signing in that the pages of both audiences share: where to go after login, a fresh session, the
account that still owes its second factor, and the authenticator's set-up page."""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import abort, redirect, render_template, request, session, url_for
from flask_login import login_user
from markupsafe import Markup

from handbook.audit.service import Actor, record
from handbook.auth import consent, sessions, throttle, totp
from handbook.auth.forms import TotpForm
from handbook.auth.models import User
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import timestamp
from handbook.extensions import db

PENDING_SECONDS = 600  # between the password and the second factor


def safe_next(target: str | None) -> str:
    """Only same-site paths may be a redirect target after login."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


def fresh_session() -> None:
    """Drop everything the browser's session held (a new session at login), keeping the language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def start_session(user, method: str = "password") -> None:
    """Sign `user` in on a new server-side session (the old session's data and id are gone)."""
    fresh_session()
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


def pending_user() -> User:
    user_id = pending_user_id()
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.is_active_account:
        abort(redirect(url_for("auth.login")))
    return user


def pending_key() -> str:
    return f"user:{session.get('mfa_uid') or '-'}"


def fail_second_factor(user_id: int) -> None:
    throttle.mark_failed(user_id)
    record("auth.2fa_failed", Actor(user_id, request.remote_addr), target_type="user", target_id=user_id)
    db.session.commit()


def setup_page(user: User, form: TotpForm, status: int, signed_in: bool):
    secret = totp.pending_secret(user)
    uri = totp.provisioning_uri(user, secret)
    spaced = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return render_template("auth/totp_setup.html", form=form, secret=spaced, qr=Markup(totp.qr_svg(uri)),
                           required=totp.required_for(user), signed_in=signed_in), status


def confirm_first_code(user: User, signed_in: bool, finish: Callable[[], str]):
    """Both set-up pages: the first code confirms the authenticator (audited; `finish` starts or keeps the
    session and says where to go after the recovery codes); a wrong one is counted and audited."""
    form = TotpForm()
    if not form.validate_on_submit():
        return setup_page(user, form, 400 if form.is_submitted() else 200, signed_in)
    codes = totp.confirm(user, form.code.data, actor=Actor(user.id, request.remote_addr),
                         keep_session=session.get("sid") if signed_in else None)
    if not codes:
        fail_second_factor(user.id)
        form.code.errors = [_("Mã không đúng. Hãy kiểm tra giờ trên điện thoại và nhập mã đang hiện.")]
        return setup_page(user, form, 400, signed_in)
    return render_template("auth/recovery_codes.html", codes=codes, target=finish())
