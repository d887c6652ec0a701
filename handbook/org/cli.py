"""`flask positions …`: the administrator's tool for granting and removing positions (audited)."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from handbook.audit.service import CLI as CLI_ACTOR
from handbook.auth.cli import user_from_login as _user
from handbook.extensions import db
from handbook.org.models import Organisation, Position, Role, Scope
from handbook.org.positions import PositionError, assign, remove
from handbook.org.service import position_title

positions_cli = AppGroup(
    "positions", help="Giao và thu hồi chức vụ (quyền xem, quản lý); mọi thay đổi được ghi nhật ký.")


def _org(org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise click.BadParameter(f"Không có tổ chức số {org_id}.", param_hint="--org")
    return org


@positions_cli.command("list")
@click.argument("login")
def list_positions(login: str) -> None:
    """Các chức vụ của một tài khoản (e-mail hoặc số điện thoại)."""
    user = _user(login)
    rows = db.session.scalars(select(Position).where(Position.user_id == user.id).order_by(Position.id)).all()
    if not rows:
        click.echo("Không giữ chức vụ nào.")
    for p in rows:
        click.echo(f"{p.id}\t{position_title(p.role, p.organisation)}\t({p.scope.value}, tổ chức {p.organisation_id})")


@positions_cli.command("grant")
@click.argument("login")
@click.option("--org", "org_id", type=int, required=True, help="Số hiệu tổ chức.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--scope", type=click.Choice([s.value for s in Scope]), default=Scope.SUBTREE.value, show_default=True)
def grant(login: str, org_id: int, role: str, scope: str) -> None:
    """Giao chức vụ; các phiên đăng nhập của người đó kết thúc để quyền mới có hiệu lực ngay."""
    user, org = _user(login), _org(org_id)
    try:
        position = assign(CLI_ACTOR, user, org, Role(role), Scope(scope))
    except PositionError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Đã giao: {position_title(position.role, org)} (số {position.id}).")


@positions_cli.command("revoke")
@click.argument("position_id", type=int)
def revoke(position_id: int) -> None:
    """Thu hồi một chức vụ theo số (xem `flask positions list`)."""
    position = db.session.get(Position, position_id)
    if position is None:
        raise click.ClickException(f"Không có chức vụ số {position_id}.")
    remove(CLI_ACTOR, position)
    click.echo(f"Đã thu hồi chức vụ số {position_id}.")
