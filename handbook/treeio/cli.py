"""`flask org import FILE.xlsx [--dry-run]` and `flask org export FILE.xlsx`: the tree from and to Excel, with the
same checks as the page (the command line acts as an administrator: anywhere in the tree)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from handbook.audit.service import CLI, record
from handbook.extensions import db
from handbook.members.sheets import ImportFileError
from handbook.org.access import Access
from handbook.org.codes import assign_missing_codes
from handbook.treeio.apply import TreeImportError, import_tree
from handbook.treeio.export import MissingCodes, tree_workbook
from handbook.treeio.validate import validate_tree

org_cli = AppGroup("org", help="Cây tổ chức đảng: nhập từ Excel, xuất ra Excel.")
EVERYWHERE = Access(is_admin=True)


@org_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra, không ghi gì.")
def import_command(path: str, dry_run: bool) -> None:
    """Kiểm tra rồi nhập cây tổ chức từ tệp Excel PATH (tất cả hoặc không gì cả)."""
    try:
        report = validate_tree(path, EVERYWHERE)
    except ImportFileError as exc:
        raise click.ClickException(str(exc)) from exc
    for p in report.problems:
        click.echo(f"Dòng {p.row}, cột {p.column} [{p.value}]: {p.message}", err=True)
    if not report.ok:
        raise click.ClickException(f"{report.bad_rows} dòng lỗi trên {report.total} dòng: chưa nhập gì.")
    summary = (f"{report.count('create')} tổ chức mới, {report.count('rename')} đổi tên, "
               f"{report.count('move')} chuyển cấp trên, {report.count('secretary')} bí thư được giao")
    if not report.changes:
        click.echo(f"Tệp hợp lệ ({report.total} dòng) và khớp với cây tổ chức hiện có: không có gì thay đổi.")
        return
    if dry_run:
        click.echo(f"Tệp hợp lệ ({report.total} dòng). Nếu nhập: {summary}. Chưa ghi gì (--dry-run).")
        return
    try:
        import_tree(report, CLI, origin="cli")
    except TreeImportError as exc:
        raise click.ClickException(f"{exc} Chưa nhập gì.") from exc
    click.echo(f"Đã nhập {report.total} dòng: {summary}.")


@org_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def export_command(path: str) -> None:
    """Xuất cả cây tổ chức ra tệp Excel PATH (cùng các cột với tệp nhập)."""
    try:
        data, count = tree_workbook(EVERYWHERE)
    except MissingCodes as exc:
        raise click.ClickException(str(exc)) from exc
    with open(path, "wb") as out:
        out.write(data)
    record("org.export", CLI, target_type="organisation", count=count, format="xlsx")
    db.session.commit()
    click.echo(f"Đã xuất {count} tổ chức vào {path}.")


@org_cli.command("assign-codes")
def assign_codes_command() -> None:
    """Đặt mã cho mọi tổ chức chưa có mã (mã cấp trên và số thứ tự), để xuất và nhập lại được cây tổ chức."""
    count = assign_missing_codes()
    if count:
        record("org.codes_assigned", CLI, target_type="organisation", count=count)
    db.session.commit()
    click.echo(f"Đã đặt mã cho {count} tổ chức." if count else "Mọi tổ chức đã có mã: không có gì thay đổi.")
