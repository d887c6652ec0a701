"""`flask backup create|restore` and `flask audit purge`."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

backup = AppGroup("backup", help="Sao lưu và khôi phục cơ sở dữ liệu cùng các tệp đã tải lên.")
audit = AppGroup("audit", help="Nhật ký truy cập (audit log).")


@backup.command("create")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Tệp .tar.gz cần ghi (mặc định: BACKUP_DIR/so-tay-NGÀY-GIỜ.tar.gz).")
def backup_create(output: str | None) -> None:
    """Tạo bản sao lưu (chạy được khi ứng dụng đang hoạt động)."""
    from handbook.ops import backup as b

    try:
        path, manifest = b.create(output)
    except b.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Đã sao lưu {manifest.database} (phiên bản {manifest.alembic_revision}) và {manifest.files} tệp "
               f"vào {path}")


@backup.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Không hỏi xác nhận.")
def backup_restore(file: str, yes: bool) -> None:
    """Khôi phục từ bản sao lưu: THAY THẾ toàn bộ dữ liệu hiện tại."""
    from handbook.ops import backup as b

    try:
        manifest = b.read_manifest(file)
        b.check_compatible(manifest)
    except b.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Bản sao lưu {manifest.database}, tạo lúc {manifest.created_at}, phiên bản cơ sở dữ liệu "
               f"{manifest.alembic_revision}, {manifest.files} tệp.")
    if not yes:
        click.confirm("Toàn bộ dữ liệu và tệp hiện tại sẽ bị thay thế. Tiếp tục?", abort=True)
    try:
        b.restore(file)
    except b.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("Đã khôi phục. Chạy `flask db upgrade` nếu bản sao lưu cũ hơn mã nguồn, rồi khởi động lại ứng dụng.")


@audit.command("purge")
@click.option("--days", type=click.IntRange(min=1), default=None, help="Giữ lại bao nhiêu ngày (mặc định: "
              "AUDIT_RETENTION_DAYS).")
@click.option("--batch", type=click.IntRange(1, 100000), default=5000)
def audit_purge(days: int | None, batch: int) -> None:
    """Xóa các dòng nhật ký cũ hơn thời hạn lưu giữ, từng lô nhỏ."""
    from handbook.ops.retention import purge_audit

    removed = purge_audit(days=days, batch=batch)
    click.echo(f"Đã xóa {removed} dòng nhật ký quá hạn.")


def register(app: Flask) -> None:
    from handbook.notify.cli import register as register_notify

    app.cli.add_command(backup)
    app.cli.add_command(audit)
    register_notify(app)
