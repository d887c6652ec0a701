"""Passwords, login, activation codes and API tokens — plain functions, no request."""
from __future__ import annotations

import hashlib
import secrets
import threading
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select, update

from handbook.audit.service import Actor, record
from handbook.auth.identifiers import parse_login
from handbook.auth.models import ActivationCode, ApiToken, User
from handbook.auth.passwords import PasswordRejected, check_password
from handbook.auth.sessions import end_other_access
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import as_utc, utcnow
from handbook.extensions import db

# Argon2id with OWASP's minimum profile (19 MiB, 2 passes, 1 lane) rather than argon2-cffi's 64 MiB default,
# and one hash per process at a time: a gunicorn worker's threads all checking passwords at once (the 3rd of
# the month) must not take it past its memory budget (200 MB RSS), and hashing is CPU work — the worker
# processes already use every core. Older hashes are re-hashed with these parameters at the member's next login
# (check_needs_rehash).
hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
HASHING_AT_ONCE = 1
_hashing = threading.BoundedSemaphore(HASHING_AT_ONCE)
_DUMMY_HASH = hasher.hash("không-dùng-để-đăng-nhập")
# Unambiguous characters for codes people read aloud or type on a phone.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class AuthError(ValueError):
    """A login, activation or password change that cannot go through; the message is for the user.
    `user_id` names the account when there is one (for the audit log), `credential` is False when the
    failure was not a wrong secret (so it does not count towards throttling)."""

    def __init__(self, message: str, user_id: int | None = None, credential: bool = True,
                 reason: str | None = None) -> None:
        super().__init__(message)
        self.user_id = user_id
        self.credential = credential
        self.reason = reason  # for the audit log only: unknown / locked / not_activated / password


def hash_password(password: str) -> str:
    with _hashing:
        return hasher.hash(password)


def verify_password(user: User, password: str) -> bool:
    if not user.password_hash:
        _hasher_verify(_DUMMY_HASH, password)
        return False
    if not _hasher_verify(user.password_hash, password):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


def _hasher_verify(hashed: str, password: str) -> bool:
    try:
        with _hashing:
            return hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def check_new_password(password: str, user: User | None = None) -> None:
    """The password rules (handbook.auth.passwords), as an AuthError for the form."""
    try:
        check_password(password, user)
    except PasswordRejected as exc:
        raise AuthError(str(exc), user.id if user else None, credential=False) from exc


def find_user(login: str) -> User | None:
    """The account for an e-mail or phone number as typed; IdentifierError if it is neither."""
    kind, value = parse_login(login)
    column = User.email if kind == "email" else User.phone
    return db.session.scalar(select(User).where(column == value))


def authenticate(login: str, password: str) -> User:
    """Return the user or raise AuthError. One message for every failure (unknown account, wrong password,
    locked or not yet activated), at the cost of one password hash each: a login form must not tell
    whether an account exists (ASVS 6.3.8). The audit log keeps the real reason."""
    user = find_user(login)
    if user is None or not user.is_active_account or not user.password_hash:
        _hasher_verify(_DUMMY_HASH, password)  # same cost as a real check
        reason = "unknown" if user is None else "locked" if not user.is_active_account else "not_activated"
        raise AuthError(LOGIN_FAILED(), user.id if user else None, reason=reason)
    if not verify_password(user, password):
        raise AuthError(LOGIN_FAILED(), user.id, reason="password")
    db.session.commit()  # a rehashed password, if any
    return user


def LOGIN_FAILED() -> str:  # noqa: N802 - reads as the constant it is, translated per request
    return _("E-mail/số điện thoại hoặc mật khẩu không đúng. Nếu chưa kích hoạt tài khoản, hãy dùng mã kích hoạt "
             "do bí thư chi bộ cấp; nếu quên mật khẩu, hãy nhờ bí thư cấp mã mới.")


def change_password(user: User, current: str, new: str, *, actor: Actor, keep_session: str | None = None) -> int:
    """Set a new password and end the member's other sessions and API tokens (audited, one transaction);
    returns how many sessions ended."""
    if not verify_password(user, current):
        raise AuthError(_("Mật khẩu hiện tại không đúng."), user.id)
    check_new_password(new, user)
    user.password_hash = hash_password(new)
    ended = end_other_access(user.id, keep_session, actor=actor, reason="password_change")
    record("auth.password_change", actor, target_type="user", target_id=user.id, count=ended)
    db.session.commit()
    return ended


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def live_codes(codes: list[str], now: datetime | None = None) -> set[str]:
    """Those of `codes` that would still activate: not used, not expired, not replaced by a later code (one query)."""
    if not codes:
        return set()
    digests = {_digest(normalise_code(code)): code for code in codes}
    return {digests[h] for h in db.session.scalars(select(ActivationCode.code_hash).where(
        ActivationCode.code_hash.in_(list(digests)), ActivationCode.used_at.is_(None),
        ActivationCode.expires_at > (now or utcnow())))}


def expire_activation_codes(user_id: int, now: datetime | None = None) -> int:
    """End the account's unused activation codes (no commit: part of the caller's transaction); how many were still
    usable."""
    now = now or utcnow()
    return db.session.execute(
        update(ActivationCode)
        .where(ActivationCode.user_id == user_id, ActivationCode.used_at.is_(None), ActivationCode.expires_at > now)
        .values(expires_at=now)
    ).rowcount


def issue_activation_code(user: User, issued_by: User | None) -> str:
    """A new one-time code for `user` (earlier unused codes stop working). Returns the code, shown once."""
    code, _expires = new_activation_code(user.id, issued_by.id if issued_by else None)
    db.session.commit()
    return code


def new_activation_code(user_id: int, issued_by_id: int | None, now: datetime | None = None) -> tuple[str, datetime]:
    """`issue_activation_code` without the commit (part of the caller's transaction, e.g. a whole cell's codes):
    the account's earlier unused codes stop working. Returns the code and when it expires."""
    now = now or utcnow()
    expire_activation_codes(user_id, now)
    code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(10))
    expires = now + timedelta(hours=current_app.config["ACTIVATION_CODE_HOURS"])
    db.session.add(ActivationCode(user_id=user_id, code_hash=_digest(code), issued_by_id=issued_by_id,
                                  expires_at=expires))
    return code, expires


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def activate(raw_code: str, password: str, ip: str | None = None) -> User:
    """Set the password of the code's owner and spend the code. A code also serves as a password reset: every
    session and API token of the account ends with it (one transaction, audited)."""
    code = normalise_code(raw_code)
    issued = db.session.scalar(select(ActivationCode).where(ActivationCode.code_hash == _digest(code)))
    if issued is None or not code:
        raise AuthError(_("Mã kích hoạt không đúng. Hãy kiểm tra lại hoặc xin bí thư chi bộ mã mới."))
    if issued.used_at is not None:
        raise AuthError(_("Mã kích hoạt này đã được sử dụng. Hãy đăng nhập, hoặc xin mã mới nếu quên mật khẩu."))
    if as_utc(issued.expires_at) <= utcnow():
        raise AuthError(_("Mã kích hoạt đã hết hạn. Vui lòng xin bí thư chi bộ cấp mã mới."))
    user = db.session.get(User, issued.user_id)
    check_new_password(password, user)
    spent = db.session.execute(update(ActivationCode).where(ActivationCode.id == issued.id,
                                                            ActivationCode.used_at.is_(None))
                               .values(used_at=utcnow())).rowcount
    if not spent:  # the same code sent twice at once: only the first sets the password
        db.session.rollback()
        raise AuthError(_("Mã kích hoạt này đã được sử dụng. Hãy đăng nhập, hoặc xin mã mới nếu quên mật khẩu."))
    user.password_hash = hash_password(password)
    end_other_access(user.id, actor=Actor(user.id, ip), reason="activation")
    db.session.commit()
    return user


def create_api_token(user: User) -> str:
    token = secrets.token_urlsafe(32)
    days = current_app.config["API_TOKEN_DAYS"]
    db.session.add(ApiToken(user_id=user.id, token_hash=_digest(token), expires_at=utcnow() + timedelta(days=days)))
    db.session.commit()
    return token


def revoke_api_tokens(user_id: int) -> int:
    """End every API token of an account (no commit: part of the caller's transaction); how many were live."""
    return db.session.execute(update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
                              .values(revoked_at=utcnow())).rowcount


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None or as_utc(row.expires_at) <= utcnow():
        return None
    user = db.session.get(User, row.user_id)
    return user if user is not None and user.is_active_account else None
