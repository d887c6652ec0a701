"""Reading a spreadsheet of members: the workbook opened read-only, the heading row matched to the record's fields
(Vietnamese headings, common aliases, the optional "Mã chi bộ"), and the data rows streamed with the work they cost
bounded by what is read (RowReader) — shared by the member import and the tree import."""
from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import IO, Any

from flask import current_app
from flask_babel import force_locale

from handbook.core.i18n import lazy_gettext as _l
from handbook.members.validation import FIELDS, REQUIRED, name_key

MAX_COLUMNS = 200  # headings beyond this column are not read
# Other headings people use for the same columns (compared case- and accent-insensitively after NFC).
ALIASES = {
    "họ tên": "full_name", "tên": "full_name", "ngày tháng năm sinh": "birth_date", "cccd": "cccd",
    "số cccd/cmnd": "cccd", "căn cước công dân": "cccd", "số điện thoại": "phone", "sđt": "phone",
    "email": "email", "số thẻ": "card_number", "số thẻ đảng": "card_number", "ngày vào đảng": "admission_date",
    "ngày chính thức": "official_date", "nơi ở hiện nay": "residence", "địa chỉ": "residence",
}


CELL_CODE = "cell_code"  # the optional column "Mã chi bộ": the row's cell, when not the upload's own
CELL_CODE_HEADING = "Mã chi bộ"
class ImportFileError(ValueError):
    """The file as a whole cannot be read (not an .xlsx, no heading row, required columns missing)."""


def headings_vi() -> dict[str, str]:
    """field → the Vietnamese heading, whatever the user's language."""
    with force_locale("vi"):
        return {name: str(label) for name, (label, _n) in FIELDS.items()}


def _heading_key(text: Any) -> str:
    return name_key(str(text or "")).rstrip(" *")


def open_workbook(source: IO[bytes] | str):
    from openpyxl import load_workbook  # imported here: web workers that never import files do not carry it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(source, read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise ImportFileError(str(_l("Tệp không phải bảng tính Excel (.xlsx) hợp lệ hoặc đã bị hỏng."))) from exc


class RowReader:
    """The data rows of a sheet, with the work they cost bounded by what is READ, not by the file's size: a few
    kilobytes of zipped XML can describe millions of rows (a row numbered 5,000,000, a dimension claiming
    A1:XFD1048576), and openpyxl then hands over every missing row as an empty one.

    - the file's claimed dimension is ignored, and rows are cut at the last heading's column;
    - IMPORT_MAX_CELLS cells read (empty ones too) at most, then ImportFileError;
    - a run of IMPORT_MAX_EMPTY_RUN empty rows ends the table (`stopped_at`: the row reading stopped at);
    - the number of non-empty rows is bounded by the caller (IMPORT_MAX_ROWS in validate_file).
    """

    def __init__(self, book, sheet, columns: dict[int, str], width: int) -> None:
        config = current_app.config
        self.max_cells, self.max_empty_run = config["IMPORT_MAX_CELLS"], config["IMPORT_MAX_EMPTY_RUN"]
        self.rows_read = self.cells_read = 0
        self.stopped_at: int | None = None
        self._book, self._columns = book, columns
        self._rows = sheet.iter_rows(min_row=2, max_col=width, values_only=True)
        self._generator = self._generate()

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        return self._generator

    def __next__(self) -> tuple[int, dict[str, Any]]:
        return next(self._generator)

    def _generate(self) -> Iterator[tuple[int, dict[str, Any]]]:
        empty_run = 0
        try:
            for number, values in enumerate(self._rows, start=2):
                self.rows_read += 1
                self.cells_read += len(values)
                if self.cells_read > self.max_cells:
                    raise ImportFileError(str(_l(
                        "Tệp có quá nhiều ô cần đọc (hơn %(n)s ô, kể cả ô trống): hãy xóa các dòng, cột trống thừa "
                        "hoặc chia nhỏ tệp.", n=f"{self.max_cells:,}".replace(",", "."))))
                if not values or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    empty_run += 1
                    if empty_run >= self.max_empty_run:
                        self.stopped_at = number - empty_run
                        return
                    continue
                empty_run = 0
                yield number, {name: values[i] if i < len(values) else None for i, name in self._columns.items()}
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            if isinstance(exc, ImportFileError):
                raise
            raise ImportFileError(str(_l("Tệp bị hỏng ở giữa chừng; không đọc được hết các dòng."))) from exc
        finally:
            self._book.close()


def read_rows(source: IO[bytes] | str) -> tuple[RowReader, list[str], int]:
    """(the data rows as (row number, {field: cell value}), ignored headings, approximate row count)."""
    book = open_workbook(source)
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        raise ImportFileError(str(_l("Tệp không có trang tính nào.")))
    estimate = max(min(sheet.max_row or 1, current_app.config["IMPORT_MAX_ROWS"] + 1) - 1, 0)
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # the file's own claim of its size: it would pad every row to it
    try:
        header = next(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS, values_only=True), None)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(str(_l("Tệp không phải bảng tính Excel (.xlsx) hợp lệ hoặc đã bị hỏng."))) from exc
    if not header or not any(header):
        raise ImportFileError(str(_l("Dòng đầu tiên phải là dòng tiêu đề cột (tải tệp mẫu để xem).")))
    by_heading = {_heading_key(text): name for name, text in headings_vi().items()}
    by_heading.update({_heading_key(k): v for k, v in ALIASES.items()})
    by_heading[_heading_key(CELL_CODE_HEADING)] = CELL_CODE
    columns: dict[int, str] = {}
    ignored = []
    for index, text in enumerate(header):
        name = by_heading.get(_heading_key(text))
        if name and name not in columns.values():
            columns[index] = name
        elif text not in (None, "") and _heading_key(text) not in ("stt", "tt"):
            ignored.append(str(text))
    missing = [headings_vi()[name] for name in REQUIRED if name not in columns.values()]
    if missing:
        raise ImportFileError(str(_l("Thiếu cột bắt buộc: %(cols)s. Hãy dùng tệp mẫu.", cols=", ".join(missing))))
    return RowReader(book, sheet, columns, max(columns) + 1), ignored, estimate
