"""`flask reminders run`, `flask notify dispatch|status`, `flask worker` (CONTRACT.md: Command line)."""
from __future__ import annotations

import os
import signal
import time
from datetime import timedelta

import click
from flask import Flask
from flask.cli import AppGroup

reminders = AppGroup("reminders", help="Nhắc lịch: tính các thông báo đến hạn.")
notify = AppGroup("notify", help="Hộp thư đi của thông báo (Web Push).")


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

    stopping = _stop_on_signals()
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


def _stop_on_signals():
    state = {"stop": False}

    def handler(signum, frame):
        state["stop"] = True

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    return lambda: state["stop"]


def register(app: Flask) -> None:
    app.cli.add_command(reminders)
    app.cli.add_command(notify)

    @app.cli.command("worker")
    @click.option("--interval", type=click.FloatRange(0.2, 3600), default=2.0, help="Giây giữa hai lần gửi.")
    @click.option("--rules-every", type=click.FloatRange(1, 86400), default=60.0, help="Giây giữa hai lần nhắc lịch.")
    @click.option("--processes", type=click.IntRange(1, 64), default=os.cpu_count() or 1, show_default="số lõi CPU",
                  help="Số tiến trình gửi khi có nhiều thông báo đến hạn.")
    def worker(interval: float, rules_every: float, processes: int) -> None:
        """Tiến trình nền: chạy nhắc lịch mỗi phút và gửi thông báo liên tục."""
        from handbook.extensions import db
        from handbook.notify.push.dispatch import dispatch
        from handbook.notify.rules import run_rules
        from handbook.ops.retention import purge_audit, purge_sessions

        stopping = _stop_on_signals()
        next_rules = next_purge = 0.0
        click.echo("Tiến trình nền đang chạy (Ctrl+C để dừng).")
        while not stopping():
            try:
                if time.monotonic() >= next_rules:
                    run_rules()
                    next_rules = time.monotonic() + rules_every
                if time.monotonic() >= next_purge:  # audit-log retention and ended sessions, once a day
                    next_purge = time.monotonic() + 86400
                    purge_audit()
                    purge_sessions()
                dispatch(once=True, stop=stopping, processes=processes)
            except Exception as exc:  # keep the loop alive; the heartbeat shows the failure
                db.session.rollback()
                click.echo(f"Lỗi: {exc}", err=True)
            db.session.remove()
            deadline = time.monotonic() + interval
            while not stopping() and time.monotonic() < deadline:
                time.sleep(0.1)
