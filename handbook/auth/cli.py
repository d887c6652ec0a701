"""`flask users create-admin LOGIN`: the first administrator of a deployment (or an existing account made one,
explicitly). `flask users reset-2fa LOGIN`: the administrator's way back in for someone who lost their
authenticator and their recovery codes. Both audited; reset-2fa ends the account's sessions and API tokens, and
the next login asks for a new set-up."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from handbook.audit.service import CLI as CLI_ACTOR
from handbook.audit.service import record
from handbook.auth import totp
from handbook.auth.admins import AccountExists, create_admin, make_admin
from handbook.auth.identifiers import IdentifierError
from handbook.auth.service import AuthError, find_user
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


def _password(from_stdin: bool) -> str:
    """The new password: the first line of standard input, or typed twice at a hidden prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu")


@users_cli.command("create-admin")
@click.argument("login")
@click.option("--name", default=None, help="Tên hiển thị (mặc định: Quản trị hệ thống).")
@click.option("--password-stdin", is_flag=True, help="Đọc mật khẩu từ dòng đầu của đầu vào chuẩn (stdin).")
@click.option("--promote", is_flag=True,
              help="Tài khoản đã có: cấp quyền quản trị cho nó (mật khẩu giữ nguyên, không hỏi mật khẩu).")
def create_admin_command(login: str, name: str | None, password_stdin: bool, promote: bool) -> None:
    """Tạo tài khoản quản trị đầu tiên, đăng nhập bằng LOGIN (e-mail hoặc số điện thoại)."""
    try:
        existing = find_user(login)
    except IdentifierError as exc:
        raise click.BadParameter(str(exc), param_hint="LOGIN") from exc
    if existing is not None:
        if not promote:
            raise click.ClickException(
                "Đã có tài khoản đăng nhập bằng LOGIN này; không tạo thêm. Nếu muốn cấp quyền quản trị cho chính "
                "tài khoản đó, chạy lại với --promote.")
        if make_admin(existing, actor=CLI_ACTOR):
            click.echo(f"Đã cấp quyền quản trị cho {existing.login_name}; các phiên đăng nhập của tài khoản này đã "
                       "kết thúc. Lần đăng nhập tới cần cài xác thực hai bước.")
        else:
            click.echo(f"{existing.login_name} đã là quản trị hệ thống: không có gì thay đổi.")
        return
    if promote:
        raise click.ClickException("Không có tài khoản này để cấp quyền; bỏ --promote để tạo mới.")
    try:
        user = create_admin(login, _password(password_stdin), actor=CLI_ACTOR, display_name=name)
    except AccountExists as exc:  # created by someone else meanwhile
        raise click.ClickException(str(exc)) from exc
    except AuthError as exc:
        raise click.ClickException(f"Mật khẩu không được chấp nhận: {exc}") from exc
    click.echo(f"Đã tạo tài khoản quản trị {user.login_name}. Đăng nhập bằng mật khẩu vừa đặt; lần đầu, ứng dụng "
               "sẽ hướng dẫn cài xác thực hai bước (bắt buộc với quản trị).")
