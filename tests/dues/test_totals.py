"""The committee's totals added up by hand on a small tree, the remittance sheet, and the workbooks open."""
from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from openpyxl import load_workbook

from handbook.dues import payments, service
from handbook.dues.models import Category, DuesPayment, DuesProfile, DuesRegion, Method
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
    # by default the year to date is only what the payments add up to: paid for October and November
    year_one = lines["Chi bộ khu phố 1"].year
    assert not report.full_year
    assert (year_one.paid, year_one.collected) == (95_000 + 63_000, 95_000 + 63_000)
    assert (year_one.expected, year_one.members, year_one.unpaid_count, year_one.share) == (0, 0, 0, None)
    assert report.total.month.share == pytest.approx(63_000 / 125_030)


def test_the_full_year_to_date_by_hand(scene):
    report = dues_totals(scene.ward, NOV, full_year=True)
    lines = {line.name: line for line in report.lines}
    # February to November (ten months) of cell 1's four known amounts, the reduction from November; cell 3: ten
    # months of 11.100
    year_one = lines["Chi bộ khu phố 1"].year
    assert report.full_year
    assert year_one.expected == 9 * (15_930 + 90_000 + 30_000 + 5_000) + 113_930
    assert year_one.paid == 95_000 + 63_000
    # five members × ten months, of them paid: two in October, one in November; one without a profile each month
    assert (year_one.members, year_one.paid_count, year_one.unpaid_count, year_one.unknown) == (50, 3, 47, 10)
    assert lines["Chi bộ khu phố 3"].year.expected == 10 * 11_100
    assert lines["Chi bộ khu phố 1"].month == dues_totals(scene.ward, NOV).lines[0].month


def test_the_year_paid_by_month_paid_for_and_collected_by_day_received(scene):
    # the pensioner's October paid on 5 November: October's and the year's paid; November's and the year's collected
    db.session.add(DuesPayment(member_id=scene.pensioner.id, cell_id=scene.cell.id, month=OCT, amount=30_000,
                               method=Method.CASH, paid_on=date(2026, 11, 5)))
    db.session.commit()
    november = dues_totals(scene.ward, NOV).total
    assert (november.month.paid, november.month.collected) == (63_000, 93_000)
    assert (november.year.paid, november.year.collected) == (188_000, 188_000)
    october = dues_totals(scene.ward, OCT).total
    assert (october.month.paid, october.month.collected) == (125_000, 95_000)
    assert (october.year.paid, october.year.collected) == (125_000, 95_000)


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


@time_machine.travel("2026-11-20 03:00:00+00:00", tick=False)
def test_the_page_computes_the_years_expected_only_when_asked(app, scene):
    staff = signed_in(app, "canbo@test.vn")
    year_expected = 9 * (15_930 + 90_000 + 30_000 + 5_000) + 113_930 + 10 * 11_100  # 1.493.300
    page = staff.get(f"/reports/dues?organisation_id={scene.ward.id}&month=2026-11").get_data(as_text=True)
    assert "Tính cả số phải đóng lũy kế từ đầu năm" in page and "1.493.300 đ" not in page
    assert "ytd=1" in page and "158.000 đ" in page  # the year's paid, shown by default
    full = staff.get(f"/reports/dues?organisation_id={scene.ward.id}&month=2026-11&ytd=1").get_data(as_text=True)
    assert "1.493.300 đ" in full and "Tính cả số phải đóng lũy kế từ đầu năm" not in full
    assert 'name="ytd" value="1"' in full and "dues.xlsx?organisation_id=" in full
    rows = list(load_workbook(io.BytesIO(staff.get(
        f"/reports/dues.xlsx?organisation_id={scene.ward.id}&month=2026-11").data)).worksheets[0].values)
    assert rows[-1][10] == "—" and rows[-1][11] == 158_000 and rows[-1][14] == 158_000
    rows = list(load_workbook(io.BytesIO(staff.get(
        f"/reports/dues.xlsx?organisation_id={scene.ward.id}&month=2026-11&ytd=1").data)).worksheets[0].values)
    assert rows[-1][10] == year_expected
    printed = staff.get(f"/reports/dues/print?organisation_id={scene.ward.id}&month=2026-11&ytd=1")
    assert "1.493.300 đ" in printed.get_data(as_text=True)
