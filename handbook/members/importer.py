"""Importing members from an Excel file: read (streaming), validate every row, find duplicates, write in bulk.

The file is read with openpyxl's read-only mode, so memory stays flat with the number of rows; rows are
checked with members/validation.py, the same rules as the forms; duplicates are looked up in bulk.
Nothing is written unless the caller asks for it, and then in one transaction (batches of inserts).
"""
from __future__ import annotations

import io
import pickle
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import insert, select, update

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import local_today, utcnow
from handbook.extensions import db
from handbook.members.labels import OCCUPATION_GROUP_LABELS
from handbook.members.models import ImportPreview, Member, MemberChange, MemberPlacement, MemberStatusHistory
from handbook.members.placements import placement_rows
from handbook.members.records import initial_statuses
from handbook.members.sheets import CELL_CODE, CELL_CODE_HEADING, ImportFileError, headings_vi, read_rows
from handbook.members.validation import (
    FIELDS,
    REQUIRED,
    Problem,
    clean_record,
    find_conflicts,
    find_duplicates_within,
    status_for,
)
from handbook.org.access import can_manage_org
from handbook.org.models import CELL_KINDS, Organisation

BATCH = 1000
# One message for every code that cannot take the row (unknown, not a cell, dissolved, outside the uploader's
# scope): which of these it is would tell whether an organisation outside the scope exists.
NO_SUCH_CELL = _l("Không có chi bộ đang hoạt động nào mang mã này trong phạm vi đồng chí quản lý.")



class AlreadyImported(Exception):
    """The preview was confirmed before (a double submit, another tab): nothing is imported again."""

    def __init__(self, confirmed_at: datetime | None) -> None:
        super().__init__("already imported")
        self.confirmed_at = confirmed_at


@dataclass
class RowProblem:
    row: int
    column: str
    value: str
    message: str
    member_id: int | None = None  # an existing record in the uploader's scope that this row duplicates
    member_name: str | None = None  # its name, for the link to it


@dataclass
class ImportReport:
    """What a file holds: counts, every problem, and the rejected rows' raw values (for the return file).
    Valid rows are kept on disk, not in memory, so memory does not grow with the file's size."""

    total: int = 0
    valid_count: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    rejected: dict[int, dict[str, Any]] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    today: date = field(default_factory=local_today)
    matches: int = 0   # rows' values found among the stored records (CCCD, card number, name + birth date)
    outside: int = 0   # of which in records outside the uploader's scope (reported without naming them)
    # The valid rows' cleaned values, pickled chunk by chunk to a temporary file (memory stays flat).
    spill: IO[bytes] | None = None
    # The row reading stopped at because only empty rows followed (RowReader), if it did.
    stopped_at: int | None = None
    # Valid rows per cell named in the "Mã chi bộ" column (None: the upload's own cell), and those cells' names.
    by_cell: dict[int | None, int] = field(default_factory=dict)
    cell_names: dict[int, str] = field(default_factory=dict)

    def close(self) -> None:
        if self.spill is not None:
            self.spill.close()
            self.spill = None

    @property
    def bad_rows(self) -> int:
        return len(self.rejected)

    @property
    def ok(self) -> bool:
        return not self.problems and self.total > 0


def _rewind(source):
    if hasattr(source, "seek"):
        source.seek(0)
    return source


class CellCodes:
    """The cells named by the "Mã chi bộ" column, looked up once per chunk for the codes not seen yet (no query per
    row; memory bounded by the number of distinct codes, at most the organisations there are)."""

    def __init__(self, scope) -> None:
        self.scope = scope
        self.known: dict[str, Organisation | None] = {}

    def resolve(self, codes: set[str]) -> None:
        missing = sorted(codes - self.known.keys())
        for start in range(0, len(missing), 500):
            part = missing[start:start + 500]
            found = {o.code: o for o in db.session.scalars(select(Organisation).where(Organisation.code.in_(part)))}
            for code in part:
                self.known[code] = self._usable(found.get(code))

    def _usable(self, org: Organisation | None) -> Organisation | None:
        if org is None or org.kind not in CELL_KINDS or org.dissolved_on is not None:
            return None
        if self.scope is not None and not can_manage_org(self.scope, org):
            return None
        return org

    def get(self, code: str) -> Organisation | None:
        return self.known.get(code)


def _code_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def validate_file(source: IO[bytes] | str, *, today: date | None = None,
                  progress: Callable[[int], None] | None = None, scope=None,
                  max_rows: int | None = None) -> ImportReport:
    """Check every row; report every bad row and every duplicate (in the file and against the database).

    Rows are checked in chunks of BATCH: memory holds one chunk, the keys seen so far and the bad rows. A file of
    more than `max_rows` rows (IMPORT_MAX_ROWS unless told) is refused; when that is at most BATCH, before anything
    is looked up. `scope` (the uploader's `Access`) keeps records outside it unnamed (`validation.find_conflicts`)."""
    max_rows = max_rows or current_app.config["IMPORT_MAX_ROWS"]
    rows, ignored, _estimate = read_rows(_rewind(source))
    batch = BATCH if max_rows > BATCH else max_rows + 1
    report = ImportReport(ignored_columns=ignored, today=today or local_today(), spill=tempfile.TemporaryFile())  # noqa: SIM115 - closed by report.close()
    headings = headings_vi()
    seen: dict[int, int] = {}
    chunk: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
    cells = CellCodes(scope)

    def place(chunk) -> None:
        """Each row's cell from its "Mã chi bộ" (empty: the upload's own, decided at import)."""
        cells.resolve({code for _n, _v, raw in chunk if (code := _code_text(raw.get(CELL_CODE)))})
        for number, values, raw in chunk:
            code = _code_text(raw.get(CELL_CODE))
            if not code:
                continue
            org = cells.get(code)
            if org is None:
                report.problems.append(RowProblem(number, CELL_CODE_HEADING, code, str(NO_SUCH_CELL)))
                report.rejected[number] = raw
            else:
                values["_cell_id"] = org.id
                report.cell_names[org.id] = org.name

    def check(chunk) -> None:
        place(chunk)
        cleaned = [dict(values, _row=number) for number, values, _raw in chunk]
        extra: dict[int, list[Problem]] = {}
        stored = find_conflicts(cleaned, scope=scope)
        report.matches += sum(len(found) for found in stored.values())
        report.outside += sum(p.outside for found in stored.values() for p in found)
        for found in (find_duplicates_within(cleaned, seen), stored):
            for index, problems in found.items():
                extra.setdefault(index, []).extend(problems)
        for index, (number, _values, raw) in enumerate(chunk):
            for problem in extra.get(index, []):
                report.problems.append(RowProblem(number, headings.get(problem.field, problem.field),
                                                  problem.value, problem.message, problem.member_id,
                                                  problem.member_name))
            if index in extra:
                report.rejected[number] = raw
        valid = [values for number, values, _raw in chunk if number not in report.rejected]
        for values in valid:
            key = values.get("_cell_id")
            report.by_cell[key] = report.by_cell.get(key, 0) + 1
        if valid:
            pickle.dump(valid, report.spill, protocol=pickle.HIGHEST_PROTOCOL)
        if progress:
            progress(len(chunk))

    for number, raw in rows:
        report.total += 1
        if report.total > max_rows:
            report.close()
            raise ImportFileError(str(_l("Tệp có quá %(n)d dòng; hãy chia nhỏ.", n=max_rows)))
        result = clean_record(raw, today=report.today)
        for problem in result.problems:
            report.problems.append(RowProblem(number, headings.get(problem.field, problem.field), problem.value,
                                              problem.message))
        if result.problems:
            report.rejected[number] = raw
        chunk.append((number, result.values, raw))
        if len(chunk) >= batch:
            check(chunk)
            chunk = []
    if chunk:
        check(chunk)
    report.stopped_at = rows.stopped_at
    report.problems.sort(key=lambda p: p.row)
    report.valid_count = report.total - report.bad_rows
    return report


def _valid_batches(report: ImportReport) -> Iterator[list[dict[str, Any]]]:
    """The valid rows' values, chunk by chunk, as validate_file stored them."""
    if report.spill is None:
        return
    report.spill.seek(0)
    while True:
        try:
            yield pickle.load(report.spill)  # our own temporary file, written just before
        except EOFError:
            return


def _claim(preview_id: int, now: datetime) -> None:
    """Mark the preview confirmed, unless it already is — one conditional UPDATE in the import's transaction:
    a second confirmation waits for the first one's row lock (PostgreSQL) or write lock (SQLite), then finds
    it confirmed and imports nothing. If the import fails, the rollback releases the claim."""
    claimed = db.session.execute(
        update(ImportPreview.__table__)
        .where(ImportPreview.id == preview_id, ImportPreview.confirmed_at.is_(None))
        .values(confirmed_at=now)
    ).rowcount
    if not claimed:
        db.session.rollback()
        raise AlreadyImported(db.session.scalar(select(ImportPreview.confirmed_at)
                                                .where(ImportPreview.id == preview_id)))


def import_valid(report: ImportReport, cell: Organisation, actor: Actor, *, origin: str = "web",
                 preview: ImportPreview | None = None, progress: Callable[[int], None] | None = None) -> int:
    """Insert the valid rows of a validated file: one transaction, batches of inserts. Each row goes to the cell its
    "Mã chi bộ" named (checked by validate_file), else to `cell`; its first placement opens there
    (`placements.placement_rows`). With the web's `preview`, the transaction first claims it (AlreadyImported if it
    was confirmed before)."""
    now = utcnow()
    preview_id = preview.id if preview is not None else None
    columns = {c.key for c in Member.__table__.columns} - {"id"}
    inserted = 0

    def flush(batch) -> int:
        params = []
        for values in batch:
            row = {k: v for k, v in values.items() if k in columns}
            row.update(cell_id=values.get("_cell_id") or cell.id, status=status_for(values), created_at=now,
                       updated_at=now)
            params.append(row)
        ids = db.session.scalars(insert(Member).returning(Member.id, sort_by_parameter_order=True), params).all()
        statuses, changes = [], []
        for member_id, values in zip(ids, batch, strict=True):
            for status in initial_statuses(values, actor.user_id):
                statuses.append({**status, "member_id": member_id, "recorded_at": now})
            changes.append({"member_id": member_id, "field": "created", "old_value": None,
                            "new_value": f"import:{origin}", "changed_by_id": actor.user_id, "changed_at": now})
        if statuses:
            db.session.execute(insert(MemberStatusHistory), statuses)
        db.session.execute(insert(MemberChange), changes)
        db.session.execute(insert(MemberPlacement), placement_rows(
            [(member_id, values.get("_cell_id") or cell.id, values.get("admission_date"))
             for member_id, values in zip(ids, batch, strict=True)],
            report.today, now, actor.user_id))
        if progress:
            progress(len(ids))
        return len(ids)

    try:
        if preview_id is not None:
            _claim(preview_id, now)
        for batch in _valid_batches(report):
            inserted += flush(batch)
        outside = {"outside": report.outside} if report.outside else {}
        others = {"cells": len({key or cell.id for key in report.by_cell})} if report.cell_names else {}
        audit.record("members.import", actor, target_type="organisation", target_id=cell.id, rows=report.total,
                     valid=inserted, rejected=report.bad_rows, source=origin, **outside, **others)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finally:
        report.close()
    return inserted


def template_workbook() -> bytes:
    """The import template: Vietnamese headings, a guide sheet with an example."""
    from openpyxl import Workbook

    headings = headings_vi()
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append([headings[name] for name in FIELDS] + [CELL_CODE_HEADING])
    for index, text in enumerate([headings[name] for name in FIELDS] + [CELL_CODE_HEADING], start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(14, len(text) + 4)
    guide = book.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Bắt buộc", "Cách nhập", "Ví dụ"])
    with force_locale("vi"):
        labels = [str(label) for label in OCCUPATION_GROUP_LABELS.values()]
    hints = {
        "full_name": "Họ và tên đầy đủ, có dấu", "birth_date": "ngày/tháng/năm", "gender": "Nam hoặc Nữ",
        "cccd": "12 chữ số, không trùng", "phone": "0901 234 567 hoặc +84 901 234 567",
        "admission_date": "ngày/tháng/năm (ngày kết nạp)",
        "official_date": "ngày/tháng/năm; thường đúng 12 tháng sau ngày vào Đảng",
        "official_reason": "Chỉ ghi khi ngày chính thức khác 12 tháng", "card_number": "Không trùng",
        "occupation_group": "Một trong: " + "; ".join(labels),
    }
    example = {"full_name": "Nguyễn Văn An", "birth_date": "19/05/1985", "gender": "Nam", "ethnicity": "Kinh",
               "religion": "Không", "cccd": "001085012345", "phone": "0901234567", "admission_date": "03/02/2010",
               "official_date": "03/02/2011", "card_number": "01234567", "occupation_group": "Công nhân"}
    for name in FIELDS:
        guide.append([headings[name], "Có" if name in REQUIRED else "", hints.get(name, ""), example.get(name, "")])
    guide.append([CELL_CODE_HEADING, "", "Mã của chi bộ nhận đảng viên này (xem trong cây tổ chức); để trống thì "
                  "nhập vào chi bộ chọn khi tải tệp lên. Nhờ cột này, cả đảng bộ nhập trong một tệp.", "CB-001"])
    guide.append([])
    guide.append(["Mỗi dòng của trang 'Danh sách' là một đảng viên. Không nhập công thức."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rejected_workbook(report: ImportReport) -> bytes:
    """The rejected rows, as they were, with a reason column — to fix and import again."""
    headings = headings_vi()
    reasons: dict[int, list[str]] = {}
    for problem in report.problems:
        reasons.setdefault(problem.row, []).append(f"{problem.column}: {problem.message}")
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Dòng bị từ chối")
    names = [*FIELDS, CELL_CODE]
    sheet.append(["Dòng trong tệp gốc", "Lý do"] + [headings[name] for name in FIELDS] + [CELL_CODE_HEADING])
    for number in sorted(report.rejected):
        raw = report.rejected[number]
        sheet.append([number, "; ".join(reasons.get(number, []))] + [_cell(raw.get(name)) for name in names])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    """Write formulas back as text so the returned file does not compute them."""
    if isinstance(value, str) and value.startswith("="):
        return "'" + value
    return value
