"""Excel workbooks written row by row (openpyxl's write-only mode): memory stays flat whatever the number of rows,
as long as the rows come from an iterator that reads the database in bounded batches."""
from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    """One sheet: its title, the lines above the table (a heading, the organisation, the day), the column headings
    and the rows (any iterable: a generator reading batch by batch is consumed once, while the file is written)."""

    title: str
    headings: list[str]
    rows: Iterable[Iterable[object]]
    preface: list[str] = field(default_factory=list)


def sheet_title(number: int, title: str) -> str:
    """A sheet name Excel accepts: numbered, at most 31 characters, none of []:*?/\\."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)
    return f"{number}. {clean}"[:31].rstrip()


def workbook(sheets: Iterable[Sheet]) -> bytes:
    """The sheets as an .xlsx file's bytes."""
    from openpyxl import Workbook  # imported here: a web worker that never exports does not carry it (~20 MiB)

    book = Workbook(write_only=True)
    for number, sheet in enumerate(sheets, start=1):
        out = book.create_sheet(sheet_title(number, sheet.title))
        for line in sheet.preface:
            out.append([line])
        if sheet.preface:
            out.append([])
        out.append(sheet.headings)
        for row in sheet.rows:
            out.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
