"""The first administrator of a deployment (and promoting an existing account): plain functions for
`flask users create-admin`, audited with the command line as the actor."""
from __future__ import annotations

from handbook.audit.service import Actor, record
from handbook.auth.identifiers import parse_login
from handbook.auth.models import User
from handbook.auth.service import AuthError, check_new_password, find_user, hash_password
from handbook.auth.sessions import revoke_all
from handbook.core.i18n import gettext as _
from handbook.extensions import db

DEFAULT_NAME = "Quản trị hệ thống"


class AccountExists(AuthError):
    """The login already names an account: it becomes an administrator only when asked explicitly."""


def create_admin(login: str, password: str, *, actor: Actor, display_name: str | None = None) -> User:
    """A new administrator account with `password` (the same rules as everywhere: `check_new_password`), in one
    transaction, audited. IdentifierError for a login that is neither an e-mail nor a phone number,
    AccountExists when it is taken, AuthError for a weak password."""
    kind, value = parse_login(login)
    if find_user(login) is not None:
        raise AccountExists(_("Đã có tài khoản đăng nhập bằng %(login)s.", login=value), credential=False)
    user = User(display_name=(display_name or "").strip()[:120] or DEFAULT_NAME, is_admin=True,
                **{kind: value})
    check_new_password(password, user)
    user.password_hash = hash_password(password)
    db.session.add(user)
    db.session.flush()
    record("auth.admin_create", actor, target_type="user", target_id=user.id, method=kind)
    db.session.commit()
    return user


def make_admin(user: User, *, actor: Actor) -> bool:
    """Give an existing account the administrator flag (its sessions end, so the second factor administrators
    need applies at once); audited. False when it already was one (nothing changes)."""
    if user.is_admin:
        return False
    user.is_admin = True
    ended = revoke_all(user.id, commit=False)
    record("auth.admin_promote", actor, target_type="user", target_id=user.id, sessions=ended)
    db.session.commit()
    return True
