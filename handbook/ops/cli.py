"""`flask backup create|restore`, `flask audit purge`, `flask reminders run`, `flask notify dispatch|status` and
`flask worker` (docs/production.md lists them)."""
from __future__ import annotations

import os
from datetime import timedelta

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

backup = AppGroup("backup", help="Sao lưu và khôi phục cơ sở dữ liệu cùng các tệp đã tải lên.")
audit = AppGroup("audit", help="Nhật ký truy cập (audit log).")
reminders = AppGroup("reminders", help="Nhắc lịch: tính các thông báo đến hạn.")
notify = AppGroup("notify", help="Hộp thư đi của thông báo (Web Push).")


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


@reminders.command("run")
def reminders_run() -> None:
    """Chạy mọi quy tắc nhắc lịch một lần (an toàn khi chạy lặp lại hoặc song song)."""
    from handbook.notify.rules import run_rules

    result = run_rules()
    for name, count in result.items():
        click.echo(f"{name}: {count}")
    click.echo(f"Tổng cộng {sum(result.values())} thông báo mới.")


@notify.command("dispatch")
@click.option("--once", is_flag=True, help="Gửi những gì đã đến hạn rồi dừng.")
@click.option("--batch", type=click.IntRange(1, 10000), default=None)
@click.option("--concurrency", type=click.IntRange(1, 2000), default=None)
@click.option("--lease-seconds", type=click.IntRange(1, 86400), default=None,
              help="Sau bao lâu thì các dòng của một tiến trình đã chết được gửi lại.")
@click.option("--processes", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Số tiến trình gửi (mỗi tiến trình dùng một lõi CPU).")
def notify_dispatch(once: bool, batch: int | None, concurrency: int | None, lease_seconds: int | None,
                    processes: int) -> None:
    """Gửi các thông báo đang chờ (chạy được nhiều tiến trình cùng lúc)."""
    from handbook.notify.push import dispatch as d
    from handbook.ops.worker import stop_on_signals

    stopping = stop_on_signals()
    stats = d.dispatch(once=once, batch=batch or d.BATCH, concurrency=concurrency or d.CONCURRENCY,
                       lease=timedelta(seconds=lease_seconds) if lease_seconds else d.LEASE, stop=stopping,
                       processes=processes)
    click.echo(f"Đã gửi {stats.sent}, thất bại {stats.failed} (không còn thiết bị: {stats.gone}), "
               f"sẽ thử lại {stats.retried}.")


@notify.command("status")
def notify_status() -> None:
    """Tình trạng hộp thư đi và các tiến trình nền."""
    from handbook.core.timeutil import format_datetime
    from handbook.notify.health import health

    h = health()
    click.echo("Hộp thư đi: " + ", ".join(f"{k} {v}" for k, v in h.deliveries.items())
               + f" (chờ đến giờ: {h.waiting})")
    if h.oldest_due_age is not None:
        click.echo(f"Thông báo chờ lâu nhất: {int(h.oldest_due_age.total_seconds())} giây")
    else:
        click.echo("Không có thông báo nào đang chờ gửi.")
    click.echo(f"Thông báo: {h.notifications} (chưa đọc {h.unread}); thiết bị đăng ký: {h.subscriptions}")
    for b in h.beats:
        flag = "CẢNH BÁO: không chạy" if b.stale else "ổn"
        click.echo(f"{b.name}: lần chạy tốt gần nhất {format_datetime(b.last_ok_at) or '—'} — {flag}"
                   + (f" ({b.note})" if b.note else ""))
    if not h.ok:
        raise SystemExit(1)


@click.command("worker")
@click.option("--interval", type=click.FloatRange(0.2, 3600), default=2.0, help="Giây giữa hai lần gửi.")
@click.option("--rules-every", type=click.FloatRange(1, 86400), default=60.0, help="Giây giữa hai lần nhắc lịch.")
@click.option("--processes", type=click.IntRange(1, 64), default=os.cpu_count() or 1, show_default="số lõi CPU",
              help="Số tiến trình gửi khi có nhiều thông báo đến hạn.")
@with_appcontext
def worker(interval: float, rules_every: float, processes: int) -> None:
    """Tiến trình nền: chạy nhắc lịch mỗi phút và gửi thông báo liên tục."""
    from handbook.ops.worker import run, stop_on_signals

    stopping = stop_on_signals()
    click.echo("Tiến trình nền đang chạy (Ctrl+C để dừng).")
    run(interval, rules_every, processes, stopping)


def register(app: Flask) -> None:
    app.cli.add_command(backup)
    app.cli.add_command(audit)
    app.cli.add_command(reminders)
    app.cli.add_command(notify)
    app.cli.add_command(worker)
