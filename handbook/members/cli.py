"""`flask members import FILE --org ID`: the same checks as the web import, with a progress bar."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from handbook.audit.service import CLI
from handbook.extensions import db
from handbook.members import importer, sheets
from handbook.org.models import CELL_KINDS, Organisation

members_cli = AppGroup("members", help="Hồ sơ đảng viên: nhập từ Excel.")


@members_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--org", "org_id", type=int, required=True,
              help="Số hiệu (id) chi bộ nhận các đảng viên có cột “Mã chi bộ” để trống.")
@click.option("--valid-only", is_flag=True, help="Nhập các dòng hợp lệ dù tệp còn dòng lỗi.")
@click.option("--rejected", "rejected_path", type=click.Path(dir_okay=False),
              help="Ghi các dòng bị từ chối (có cột lý do) vào tệp .xlsx này.")
def import_command(path: str, org_id: int, valid_only: bool, rejected_path: str | None) -> None:
    """Kiểm tra rồi nhập tệp Excel PATH: mỗi dòng vào chi bộ ở cột “Mã chi bộ”, để trống thì vào chi bộ --org."""
    cell = db.session.get(Organisation, org_id)
    if cell is None or cell.kind not in CELL_KINDS:
        raise click.UsageError(f"Không có chi bộ mã {org_id}.")
    try:
        _rows, _ignored, estimate = sheets.read_rows(path)
        with click.progressbar(length=max(estimate, 1), label="Kiểm tra") as bar:
            report = importer.validate_file(path, progress=bar.update)
    except sheets.ImportFileError as exc:
        raise click.ClickException(str(exc)) from exc
    if report.stopped_at:
        click.echo(f"Đã ngừng đọc sau dòng {report.stopped_at}: phía dưới chỉ còn dòng trống.", err=True)
    for problem in report.problems:
        click.echo(f"Dòng {problem.row}, cột {problem.column} [{problem.value}]: {problem.message}", err=True)
    if rejected_path and report.rejected:
        with open(rejected_path, "wb") as out:
            out.write(importer.rejected_workbook(report))
    if not report.ok and not valid_only:
        raise click.ClickException(
            f"{report.bad_rows} dòng lỗi hoặc trùng trên {report.total} dòng: chưa nhập gì "
            "(sửa tệp, hoặc dùng --valid-only)."
        )
    with click.progressbar(length=max(report.valid_count, 1), label="Nhập") as bar:
        inserted = importer.import_valid(report, cell, CLI, origin="cli", progress=bar.update)
    for cell_id, count in sorted(report.by_cell.items(), key=lambda item: item[0] or 0):
        if report.cell_names:
            click.echo(f"  {report.cell_names.get(cell_id, cell.name) if cell_id else cell.name}: {count}")
    click.echo(f"Đã nhập {inserted} đảng viên vào {cell.name}; {report.bad_rows} dòng bị từ chối."
               if not report.cell_names else
               f"Đã nhập {inserted} đảng viên vào {len({k or cell.id for k in report.by_cell})} chi bộ; "
               f"{report.bad_rows} dòng bị từ chối.")
