"""`flask users reset-2fa LOGIN`: the administrator's way back in for someone who lost their authenticator and
their recovery codes (audited). Their sessions and API tokens end; the next login asks for a new set-up."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from handbook.audit.service import CLI as CLI_ACTOR
from handbook.audit.service import record
from handbook.auth import totp
from handbook.auth.identifiers import IdentifierError
from handbook.auth.service import find_user
from handbook.extensions import db

users_cli = AppGroup("users", help="Việc quản trị tài khoản; mọi thay đổi được ghi nhật ký.")


def user_from_login(login: str):
    """The account named by a LOGIN argument (e-mail or phone), or a clear error for the command line."""
    try:
        user = find_user(login)
    except IdentifierError as exc:
        raise click.BadParameter(str(exc), param_hint="LOGIN") from exc
    if user is None:
        raise click.BadParameter("Không có tài khoản này.", param_hint="LOGIN")
    return user


@users_cli.command("reset-2fa")
@click.argument("login")
@click.option("--reason", required=True, help="Lý do (ghi vào nhật ký), ví dụ: mất điện thoại.")
def reset_2fa(login: str, reason: str) -> None:
    """Xóa ứng dụng xác thực và mã dự phòng của một tài khoản (e-mail hoặc số điện thoại)."""
    reason = reason.strip()
    if not reason:
        raise click.BadParameter("Cần ghi lý do.", param_hint="--reason")
    user = user_from_login(login)
    if not totp.is_enrolled(user.id):
        raise click.ClickException("Tài khoản này chưa bật xác thực hai bước: không có gì để đặt lại.")
    ended = totp.disable(user.id, actor=CLI_ACTOR, reason="2fa_reset")
    record("auth.2fa_reset", CLI_ACTOR, target_type="user", target_id=user.id, reason=reason[:200], count=ended)
    db.session.commit()
    click.echo(f"Đã đặt lại xác thực hai bước cho {user.email or login}; {ended} phiên đăng nhập đã kết thúc. "
               "Lần đăng nhập tới, người đó sẽ được hướng dẫn cài lại.")
