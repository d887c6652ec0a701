"""`flask` commands (CONTRACT.md: Command line)."""
from __future__ import annotations

import click
from flask import Flask


def register(app: Flask) -> None:
    from handbook.auth.cli import users_cli
    from handbook.members.cli import members_cli
    from handbook.org.cli import positions_cli

    app.cli.add_command(members_cli)
    app.cli.add_command(positions_cli)
    app.cli.add_command(users_cli)

    @app.cli.command("seed-demo")
    @click.option("--members", "members", type=click.IntRange(min=30), default=None,
                  help="Số đảng viên cần tạo (mặc định: một tổ chức nhỏ cho thử nghiệm).")
    @click.option("--if-empty", is_flag=True, help="Chỉ tạo khi cơ sở dữ liệu chưa có tổ chức nào.")
    def seed_demo_command(members: int | None, if_empty: bool) -> None:
        """Tạo dữ liệu mẫu: tổ chức, đảng viên và các tài khoản demo."""
        from handbook.demo.seed import seed_demo

        try:
            report = seed_demo(members=members, if_empty=if_empty, echo=click.echo)
        except Exception as exc:  # the seed wrote nothing; say so in one line, never a traceback
            app.logger.debug("seed-demo failed", exc_info=True)
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise click.ClickException(
                f"Không tạo được dữ liệu mẫu ({reason}). Cơ sở dữ liệu không bị thay đổi; hãy sửa lỗi rồi chạy lại."
            ) from None
        if report is None:
            click.echo("Cơ sở dữ liệu đã có dữ liệu; bỏ qua dữ liệu mẫu.")
            return
        click.echo(
            f"Đã tạo {report.organisations} tổ chức ({report.cells} chi bộ), {report.members} đảng viên "
            f"trong {report.seconds:.1f} giây."
        )
        from handbook.demo.security import DEMO_STAFF, DEMO_TOTP_SECRET

        click.echo(f"Tài khoản demo: mật khẩu Demo@2026. {', '.join(DEMO_STAFF)} đăng nhập hai bước: thêm khóa "
                   f"{DEMO_TOTP_SECRET} vào ứng dụng xác thực (chỉ dùng cho bản demo).")

    from handbook.ops.cli import register as register_ops

    register_ops(app)
