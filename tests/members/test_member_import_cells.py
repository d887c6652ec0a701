"""The member import's optional column "Mã chi bộ": a whole ward in one file, each row to the cell of its code."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from handbook.audit.models import AuditEvent
from handbook.extensions import db
from handbook.members import importer
from handbook.members.models import Member, MemberPlacement
from handbook.members.samples.make import HEADINGS, make_rows, write_workbook
from handbook.org.models import OrgKind, Role
from tests.support import csrf_from, login

HEADINGS_WITH_CELL = [*HEADINGS, "Mã chi bộ"]
ONE_MESSAGE = "Không có chi bộ đang hoạt động nào mang mã này trong phạm vi đồng chí quản lý."


def xlsx(rows, headings=HEADINGS_WITH_CELL) -> bytes:
    out = io.BytesIO()
    write_workbook(out, rows, headings)
    return out.getvalue()


@pytest.fixture
def ward(factory):
    ward = factory.org("Đảng bộ phường Một", OrgKind.DANG_BO_XA)
    ward.code = "P1"
    cells = []
    for n in (1, 2, 3):
        cell = factory.org(f"Chi bộ khu phố {n}", OrgKind.CHI_BO, ward)
        cell.code = f"P1-CB{n}"
        cells.append(cell)
    school = factory.org("Đảng bộ trường", OrgKind.DANG_BO_CO_SO, ward)
    school.code = "P1-DBCS"
    gone = factory.org("Chi bộ đã giải thể", OrgKind.CHI_BO, ward)
    gone.code, gone.dissolved_on = "P1-CU", date(2025, 1, 1)
    other_ward = factory.org("Đảng bộ phường Hai", OrgKind.DANG_BO_XA)
    foreign = factory.org("Chi bộ phường khác", OrgKind.CHI_BO, other_ward)
    foreign.code = "P2-CB1"
    secretary = factory.user("bt.phuong@test.vn", name="Bí thư phường")
    factory.grant(secretary, ward, Role.BI_THU)
    factory.commit()
    return {"ward": ward, "cells": cells}


def _rows(codes):
    rows = make_rows(len(codes), seed=11)
    for row, code in zip(rows, codes, strict=True):
        row.append(code)
    return rows


def _upload(client, data: bytes, org_id: int):
    token = csrf_from(client.get(f"/members/import?org={org_id}").get_data(as_text=True))
    return client.post("/members/import", data={"csrf_token": token, "org": str(org_id),
                                                "file": (io.BytesIO(data), "phuong.xlsx")},
                       content_type="multipart/form-data")


def test_a_whole_ward_in_one_file_each_row_to_its_cell(app, client, ward):
    one, two, three = ward["cells"]
    login(client, "bt.phuong@test.vn")
    data = xlsx(_rows(["P1-CB1", "P1-CB2", "P1-CB2", " P1-CB3 ", None, "P1-CB3"]))
    page = _upload(client, data, one.id).get_data(as_text=True)
    assert "6 dòng hợp lệ, 0 dòng lỗi" in page
    # Per-cell counts: the upload's own cell takes the row with an empty code too.
    counts = dict(re.findall(r"<tr><td>(Chi bộ khu phố \d)[^<]*</td><td>(\d+)</td></tr>", page))
    assert counts == {"Chi bộ khu phố 1": "2", "Chi bộ khu phố 2": "2", "Chi bộ khu phố 3": "2"}
    token = re.search(r"/members/import/([0-9a-f]{32})", page).group(1)
    done = client.post(f"/members/import/{token}", data={"csrf_token": csrf_from(page), "mode": "all"})
    assert "Đã nhập 6 đảng viên vào 3 chi bộ" in done.get_data(as_text=True)
    by_cell = dict(db.session.execute(select(Member.cell_id, func.count()).group_by(Member.cell_id)).all())
    assert by_cell == {one.id: 2, two.id: 2, three.id: 2}
    # Every first placement opened in the member's own cell (the history).
    placed = dict(db.session.execute(select(MemberPlacement.cell_id, func.count()).where(
        MemberPlacement.valid_to.is_(None)).group_by(MemberPlacement.cell_id)).all())
    assert placed == by_cell
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "members.import"))
    assert event.details["cells"] == 3 and event.details["valid"] == 6
    # Once only: the same confirmation again imports nothing.
    again = client.post(f"/members/import/{token}", data={"csrf_token": csrf_from(page), "mode": "all"})
    assert again.status_code == 409 and db.session.scalar(select(func.count(Member.id))) == 6


@pytest.mark.parametrize("code", ["KHONG-CO", "P1", "P1-DBCS", "P1-CU", "P2-CB1"])
def test_a_code_that_cannot_take_the_row_is_one_and_the_same_bad_row(app, client, ward, code):
    """Unknown, a committee, a đảng bộ cơ sở, dissolved, outside the scope: the same words, nothing written."""
    login(client, "bt.phuong@test.vn")
    response = _upload(client, xlsx(_rows(["P1-CB1", code, None])), ward["cells"][0].id)
    page = response.get_data(as_text=True)
    assert "2 dòng hợp lệ, 1 dòng lỗi" in page
    assert f"<td>3</td><td>Mã chi bộ</td><td>{code}</td><td>{ONE_MESSAGE}</td>" in page
    assert "Chi bộ phường khác" not in page and "giải thể" not in page
    token = re.search(r"/members/import/([0-9a-f]{32})", page).group(1)
    refused = client.post(f"/members/import/{token}", data={"csrf_token": csrf_from(page), "mode": "all"})
    assert refused.status_code == 400 and db.session.scalar(select(func.count(Member.id))) == 0


def test_lookups_are_bounded_not_one_per_row(app, ward, statements):
    rows = _rows([f"P1-CB{1 + i % 3}" for i in range(300)])
    with statements() as seen:
        report = importer.validate_file(io.BytesIO(xlsx(rows)), today=date(2026, 6, 1))
    assert report.ok and report.by_cell == {c.id: 100 for c in ward["cells"]}
    assert sum("organisations.code IN" in s for s in seen) == 1
    report.close()


def test_cli_and_template_and_rejected_rows(app, runner, ward, tmp_path, client):
    path = tmp_path / "phuong.xlsx"
    path.write_bytes(xlsx(_rows(["P1-CB2", "P9", None])))
    result = runner.invoke(args=["members", "import", str(path), "--org", str(ward["cells"][0].id),
                                 "--valid-only", "--rejected", str(tmp_path / "tu-choi.xlsx")])
    assert result.exit_code == 0, result.output
    assert f"Dòng 3, cột Mã chi bộ [P9]: {ONE_MESSAGE}" in result.output
    assert "Đã nhập 2 đảng viên vào 2 chi bộ" in result.output
    rejected = list(load_workbook(tmp_path / "tu-choi.xlsx").active.iter_rows(values_only=True))
    assert rejected[0][-1] == "Mã chi bộ" and rejected[1][-1] == "P9"
    login(client, "bt.phuong@test.vn")
    book = load_workbook(io.BytesIO(client.get("/members/import/template.xlsx").data))
    assert [c.value for c in book["Danh sách"][1]][-1] == "Mã chi bộ"
