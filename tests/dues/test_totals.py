"""The committee's totals added up by hand on a small tree, the remittance sheet, and the workbooks open."""
from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from openpyxl import load_workbook

from handbook.dues import payments, service
from handbook.dues.models import Category, DuesProfile, DuesRegion
from handbook.dues.payments import SheetRow
from handbook.dues.totals import dues_totals, remittance
from handbook.extensions import db
from tests.dues.scene import build
from tests.support import signed_in

TODAY = date(2026, 11, 20)
NOV, OCT = date(2026, 11, 1), date(2026, 10, 1)


@pytest.fixture
def scene(factory):
    scene = build(factory)
    # a second cell of the ward, in region IV by its own setting: one member on the regional-minimum share
    cell2 = factory.org("Chi bộ khu phố 3", parent=scene.ward)
    far = factory.member(cell2, name="Vũ Văn Xa", birth_date=date(1990, 1, 1))
    db.session.add_all([DuesRegion(organisation_id=cell2.id, region=4),
                        DuesProfile(member_id=far.id, from_month=date(2026, 2, 1), category=Category.OTHER)])
    factory.commit()
    service.add_relief(scene.member, "reduction", "30", NOV, date(2027, 4, 1), "3-QĐ", date(2026, 11, 2),
                       scene.actor, today=TODAY)
    payments.record_sheet(scene.cell, OCT, {scene.member.id: SheetRow(True, 90_000),
                                            scene.student.id: SheetRow(True, 5_000)}, "cash", date(2026, 10, 10),
                          scene.actor, today=TODAY)
    payments.record_sheet(scene.cell, NOV, {scene.member.id: SheetRow(True, 63_000)}, "cash", date(2026, 11, 3),
                          scene.actor, today=TODAY)
    scene.cell2 = cell2
    return scene


def test_totals_by_hand(scene):
    report = dues_totals(scene.ward, NOV)
    lines = {line.name: line for line in report.lines}
    assert list(lines) == ["Chi bộ khu phố 1", "Chi bộ khu phố 3"]
    one, three = lines["Chi bộ khu phố 1"].month, lines["Chi bộ khu phố 3"].month
    # cell 1: leader 15.930 (region I, 0,3 %), member 90.000 less 30 % = 63.000, pensioner 30.000, student 5.000,
    # one member without a profile
    assert (one.members, one.expected, one.paid, one.paid_count, one.unpaid_count) == (5, 113_930, 63_000, 1, 4)
    assert (one.reduced, one.exempt, one.unknown, one.collected) == (1, 0, 1, 63_000)
    assert (three.members, three.expected, three.paid) == (1, 11_100, 0)  # region IV: 0,3 % of 3.700.000
    assert report.total.month.expected == 125_030
    # the year to date: February to November (ten months) of cell 1's four known amounts, the reduction from
    # November; cell 3: ten months of 11.100
    year_one = lines["Chi bộ khu phố 1"].year
    assert year_one.expected == 9 * (15_930 + 90_000 + 30_000 + 5_000) + 113_930
    assert year_one.paid == 95_000 + 63_000
    assert lines["Chi bộ khu phố 3"].year.expected == 10 * 11_100
    assert report.total.month.share == pytest.approx(63_000 / 125_030)


def test_a_cell_seen_as_its_own_report(scene):
    report = dues_totals(scene.cell, OCT)
    assert report.total.month.paid == 95_000 and report.total.month.collected == 95_000


def test_the_remittance_keeps_a_share_and_sends_the_rest(app, monkeypatch):
    assert remittance(100_001) == (30_000, 70_001)
    monkeypatch.setitem(app.config, "DUES_CELL_KEEPS_PERCENT", 50)
    assert remittance(100_001) == (50_000, 50_001)


@time_machine.travel("2026-11-20 03:00:00+00:00", tick=False)
def test_the_workbooks_open_and_the_pages_show(app, scene):
    staff = signed_in(app, "canbo@test.vn")
    response = staff.get(f"/reports/dues.xlsx?organisation_id={scene.ward.id}&month=2026-11")
    book = load_workbook(io.BytesIO(response.data))
    rows = list(book.worksheets[0].values)
    assert rows[0][0] == "BÁO CÁO THU ĐẢNG PHÍ" and rows[-1][0] == "Tổng cộng" and rows[-1][7] == 125_030
    page = staff.get(f"/reports/dues?organisation_id={scene.ward.id}&month=11/2026").get_data(as_text=True)
    assert "125.030 đ" in page and "Chi bộ khu phố 3" in page
    assert staff.get(f"/reports/dues/print?organisation_id={scene.ward.id}").status_code == 200
    assert staff.get(f"/reports/dues?organisation_id={scene.ward.id}&month=tháng").status_code == 400
    cell_book = load_workbook(io.BytesIO(staff.get(f"/dues/cells/{scene.cell.id}.xlsx?month=2026-11").data))
    kept = list(cell_book.worksheets[1].values)
    assert kept[0][0] == "BẢNG KÊ NỘP ĐẢNG PHÍ" and kept[-1][2] == 44_100 and kept[-2][2] == 18_900
    assert signed_in(app, "dv@test.vn").get(f"/reports/dues?organisation_id={scene.cell.id}").status_code == 403
    assert signed_in(app, "bithu@test.vn").get(f"/reports/dues?organisation_id={scene.ward.id}").status_code == 404
