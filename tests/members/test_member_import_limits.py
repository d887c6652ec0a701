"""Reading an uploaded sheet is bounded by the rows and cells READ, not by the file's size: a few kilobytes of
zipped XML that claim a million rows (a dimension of A1:XFD1048576, a row numbered 1,000,000) cost a few
thousand rows of work; a run of empty rows ends the table (and the preview says so); too many cells is a clear
Vietnamese refusal. Rows are counted at openpyxl's own row generator, not timed."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl.worksheet import _read_only

from handbook.members import importer, sheets
from handbook.members.samples.make import HEADINGS, make_rows, write_workbook
from handbook.org.models import OrgKind, Role
from tests.support import csrf_from, login

TOO_MANY = 50_000  # far more than the bounded reader needs; the unbounded one went on for a million rows


def crafted(rows: list[list], *, dimension: str | None = "A1:XFD1048576", far_row: int | None = 1_000_000) -> bytes:
    """A real workbook whose sheet XML then claims a huge size and holds one cell a million rows down."""
    plain = io.BytesIO()
    write_workbook(plain, rows, HEADINGS)
    source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                if dimension:
                    xml = xml.replace("<sheetViews>", f'<dimension ref="{dimension}"/><sheetViews>', 1)
                if far_row:
                    xml = xml.replace("</sheetData>", f'<row r="{far_row}"><c r="XFD{far_row}" t="inlineStr"><is>'
                                                      f'<t>x</t></is></c></row></sheetData>', 1)
                data = xml.encode()
            book.writestr(item, data)
    return out.getvalue()


@pytest.fixture
def read(monkeypatch):
    """How many rows and cells openpyxl handed over (stopping a reader that would go on and on)."""
    counter = {"rows": 0, "cells": 0}
    original = _read_only.ReadOnlyWorksheet._cells_by_row

    def counting(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            counter["rows"] += 1
            counter["cells"] += len(row)
            if counter["rows"] > TOO_MANY:
                raise AssertionError(f"read more than {TOO_MANY} rows of a {len(row)}-column sheet")
            yield row

    monkeypatch.setattr(_read_only.ReadOnlyWorksheet, "_cells_by_row", counting)
    return counter


def test_a_small_file_claiming_a_million_rows_costs_a_few_thousand(app, read):
    data = crafted(make_rows(3))
    assert len(data) < 10_000
    report = importer.validate_file(io.BytesIO(data))
    assert report.total == 3 and report.ok
    assert report.stopped_at == 4  # the last row read before the empty ones
    assert read["rows"] <= 1 + 3 + app.config["IMPORT_MAX_EMPTY_RUN"] + 1
    assert read["cells"] <= read["rows"] * len(HEADINGS) + 200  # rows cut at the last heading's column
    report.close()


def test_only_the_dimension_claim_is_ignored(app, read):
    report = importer.validate_file(io.BytesIO(crafted(make_rows(3), far_row=None)))
    assert report.total == 3 and report.stopped_at is None
    assert read["cells"] <= 4 * len(HEADINGS) + 200
    report.close()


def test_a_few_empty_rows_between_members_are_fine(app):
    rows = make_rows(2)
    report = importer.validate_file(io.BytesIO(crafted([rows[0], *[[None] * 16] * 50, rows[1]], dimension=None,
                                                       far_row=None)))
    assert report.total == 2 and report.ok and report.stopped_at is None
    report.close()


def test_too_many_cells_is_a_clear_refusal(app, read, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_CELLS", 100)
    with pytest.raises(sheets.ImportFileError, match="quá nhiều ô cần đọc.*chia nhỏ tệp"):
        importer.validate_file(io.BytesIO(crafted(make_rows(20), dimension=None, far_row=None)))
    assert read["cells"] <= 100 + len(HEADINGS) * 2 + 200


def test_too_many_rows_is_a_clear_refusal(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 5)
    with pytest.raises(sheets.ImportFileError, match="quá 5 dòng"):
        importer.validate_file(io.BytesIO(crafted(make_rows(6), dimension=None, far_row=None)))


def test_the_preview_says_where_reading_stopped(app, client, factory, read):
    cell = factory.org("Chi bộ 1", OrgKind.CHI_BO)
    leader = factory.user("bt@test.vn")
    factory.grant(leader, cell, Role.BI_THU)
    factory.commit()
    login(client, "bt@test.vn")
    page = client.get(f"/members/import?org={cell.id}").get_data(as_text=True)
    response = client.post("/members/import", data={"csrf_token": csrf_from(page), "org": str(cell.id),
                                                    "file": (io.BytesIO(crafted(make_rows(2))), "ds.xlsx")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "2 dòng hợp lệ" in html
    assert re.search(r"Đã ngừng đọc sau dòng 3: phía dưới có hơn 1000 dòng trống liên tiếp", html)
