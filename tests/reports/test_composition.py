"""The composition of a small ward as of a day, counted by hand: statuses, gender, age bands at the edge of a
birthday, spellings of Kinh and of "không", free-text fields normalised, occupation groups, years of membership and
the badges of the year, the four quarter ends; the statements it takes; the page, Excel and print; scope and bad
input."""
from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import event

from handbook.extensions import db
from handbook.members.models import Gender, MemberStatus, OccupationGroup
from handbook.org.models import OrgKind, Role
from handbook.reports import composition_days as service
from handbook.reports.composition import composition, quarter_ends
from tests.support import signed_in

DAY = date(2026, 12, 6)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel("2026-12-06 03:00:00+00:00", tick=False):
        yield


def build(factory):
    """Ward W: cells A and B, đảng bộ cơ sở D with cell D1; another ward with a member."""
    ward = factory.org("Phường Thử", OrgKind.DANG_BO_XA)
    a = factory.org("Chi bộ A", parent=ward)
    b = factory.org("Chi bộ B", parent=ward)
    d = factory.org("Đảng bộ D", OrgKind.DANG_BO_CO_SO, parent=ward)
    d1 = factory.org("Chi bộ D1", parent=d)
    other = factory.org("Phường Khác", OrgKind.DANG_BO_XA)
    other_cell = factory.org("Chi bộ Khác", parent=other)
    # 30 on the day (31 tomorrow), 6 years a member
    factory.member(a, birth_date=date(1995, 12, 7), gender=Gender.NU, ethnicity="Kinh", religion=None,
                   education="12/12", political_theory="Sơ cấp", occupation_group=OccupationGroup.CONG_NHAN,
                   admission_date=date(2020, 1, 1))
    # 31 on the day; 30 years a member this year
    factory.member(a, status=MemberStatus.DU_BI, birth_date=date(1995, 12, 6), gender=Gender.NAM, ethnicity=" tày ",
                   religion="Phật giáo", education="12/12 ", political_theory="sơ  cấp",
                   admission_date=date(1996, 5, 1))
    factory.member(a, status=MemberStatus.DA_MAT)  # not counted
    # 50 years a member on the day exactly
    factory.member(b, status=MemberStatus.MIEN_SINH_HOAT, birth_date=None, gender=None, ethnicity="KINH",
                   religion="Không", occupation_group=OccupationGroup.HUU_TRI, admission_date=date(1976, 12, 6))
    # 39 years a member (40 tomorrow), 76 years old
    factory.member(d1, status=MemberStatus.TAM_MIEN, birth_date=date(1950, 1, 1), gender=Gender.NU, ethnicity="Tày",
                   religion="Công giáo", education="9/12", political_theory="Cao cấp",
                   occupation_group=OccupationGroup.HUU_TRI, admission_date=date(1986, 12, 7))
    # admitted in August: counted from the end of September
    factory.member(d1, status=MemberStatus.DU_BI, birth_date=date(2000, 1, 1), gender=Gender.NU, ethnicity="Kinh",
                   admission_date=date(2026, 8, 1))
    factory.member(other_cell)
    factory.commit()
    return {"ward": ward, "a": a, "b": b, "d": d, "d1": d1, "other": other}


@pytest.fixture
def scene(factory):
    scene = build(factory)
    factory.grant(factory.user("canbo@phuong.vn"), scene["ward"], Role.CAN_BO)
    factory.grant(factory.user("bithu.a@phuong.vn"), scene["a"], Role.BI_THU)
    factory.grant(factory.user("canbo@phuongkhac.vn"), scene["other"], Role.CAN_BO)
    member = factory.user("dangvien@phuong.vn")
    factory.member(scene["a"], member)
    factory.commit()
    return scene


def _rows(dimension):
    return {row.key: row.count for row in dimension.rows if row.count}


def test_the_wards_figures(app, factory):
    scene = build(factory)
    report = composition(scene["ward"], DAY, today=DAY)
    assert report.total == 5
    dims = {d.key: d for d in [*report.dimensions, *report.texts]}
    assert _rows(dims["status"]) == {"st_du_bi": 2, "st_chinh_thuc": 1, "st_mien_sinh_hoat": 1, "st_tam_mien": 1}
    assert dims["status"].rows[0].share == 40.0
    assert _rows(dims["gender"]) == {"men": 1, "women": 3, "gender_unknown": 1}
    assert _rows(dims["age"]) == {"age_30": 2, "age_40": 1, "age_71": 1, "age_unknown": 1}
    assert _rows(dims["ethnic_group"]) == {"kinh": 3, "minority": 2}
    assert _rows(dims["religion_group"]) == {"no_religion": 3, "religious": 2}
    assert _rows(dims["occupation"]) == {"occ_cong_nhan": 1, "occ_huu_tri": 2, "occ_none": 2}
    assert _rows(dims["years"]) == {"years_10": 2, "years_40": 2, "years_50p": 1}
    assert [(r.label, r.count) for r in dims["ethnicity"].rows] == [("Kinh", 3), ("Tày", 2)]
    assert [(r.label, r.count) for r in dims["religion"].rows] == [("Không", 3), ("Công giáo", 1), ("Phật giáo", 1)]
    assert [(r.label, r.count) for r in dims["education"].rows] == [("12/12", 2), ("Không rõ", 2), ("9/12", 1)]
    assert [(r.label, r.count) for r in dims["political_theory"].rows] == [
        ("Sơ cấp", 2), ("Chưa qua đào tạo", 2), ("Cao cấp", 1)]
    assert {r.key: r.count for r in report.milestones if r.count} == {"badge_30": 1, "badge_40": 1, "badge_50": 1}
    assert [(c.name, c.total) for c in report.children] == [("Chi bộ A", 2), ("Chi bộ B", 1), ("Đảng bộ D", 2)]
    assert report.quarter_days == [date(2025, 12, 31), date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), DAY]
    total = next(c for c in report.changes if c.key == "total")
    assert (total.values, total.change) == ([4, 4, 4, 5, 5], 1)


def test_the_next_day_moves_ages_and_years(app, factory):
    scene = build(factory)
    dims = {d.key: d for d in composition(scene["ward"], date(2026, 12, 7), today=date(2026, 12, 7)).dimensions}
    assert _rows(dims["age"]) == {"age_30": 1, "age_40": 2, "age_71": 1, "age_unknown": 1}
    assert _rows(dims["years"]) == {"years_10": 2, "years_40": 1, "years_50": 1, "years_50p": 1}


def test_a_cell_and_a_day_before_the_history(app, factory):
    scene = build(factory)
    assert composition(scene["a"], DAY, today=DAY).total == 2
    assert composition(scene["d1"], date(2026, 7, 1), today=DAY).total == 1
    assert composition(scene["ward"], date(2000, 1, 1), today=DAY).total == 3  # admitted 1976, 1986 and 1996


@pytest.mark.parametrize(("day", "ends"), [
    (date(2026, 1, 1), [date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31)]),
    (date(2026, 12, 31), [date(2025, 12, 31), date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30)]),
    (date(2026, 4, 1), [date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31), date(2026, 3, 31)]),
])
def test_quarter_ends(day, ends):
    assert quarter_ends(day) == ends


def test_statements_are_bounded_and_kept_until_a_change(app, factory):
    scene = build(factory)
    for store in (service._kept, service._kept_scoped, service._kept_trees):
        store.clear()
    assert scene["ward"].name  # loaded again after the commit, before counting
    statements = []
    listener = lambda _c, _cur, sql, *args: statements.append(sql)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        composition(scene["ward"], DAY, today=DAY)
        cold = len(statements)
        statements.clear()
        composition(scene["ward"], DAY, today=DAY)
        warm = len(statements)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert (cold, warm) == (7, 1), statements  # the token; the five days' trees; per day the cells (free text too)
    factory.member(scene["b"], gender=Gender.NU)
    factory.commit()
    assert composition(scene["ward"], DAY, today=DAY).total == 6  # a write replaces the token


def test_the_page_excel_and_print(app, scene):
    client = signed_in(app, "canbo@phuong.vn")
    page = client.get("/reports/composition")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Phường Thử" in html and "Huy hiệu 30 năm tuổi Đảng" in html and "data:image/svg+xml" in html
    assert f"organisation_id={scene['d'].id}" in html and "Thay đổi qua bốn quý" in html
    response = client.get(f"/reports/composition.xlsx?organisation_id={scene['ward'].id}&as_of=06/12/2026")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    last = book[book.sheetnames[-1]]
    rows = [row for row in last.iter_rows(values_only=True) if row and row[0]]
    names = [str(row[0]).strip() for row in rows]
    assert names[-5:] == ["Phường Thử", "Chi bộ A", "Chi bộ B", "Đảng bộ D", "Chi bộ D1"]
    assert [row[2] for row in rows[-5:]] == [6, 3, 1, 2, 2]  # the subtree totals (with the member of the scene)
    status = book[book.sheetnames[0]]
    assert any(row[:2] == ("Dự bị", 2) for row in status.iter_rows(values_only=True))
    printed = client.get(f"/reports/composition/print?organisation_id={scene['a'].id}")
    assert printed.status_code == 200 and "BÁO CÁO CƠ CẤU ĐẢNG VIÊN" in printed.get_data(as_text=True)


def test_scope_and_bad_input(app, scene):
    other = signed_in(app, "canbo@phuongkhac.vn")
    assert other.get(f"/reports/composition?organisation_id={scene['ward'].id}").status_code == 404
    cell = signed_in(app, "bithu.a@phuong.vn")
    assert cell.get(f"/reports/composition?organisation_id={scene['ward'].id}").status_code == 404
    assert cell.get("/reports/composition").status_code == 200
    assert signed_in(app, "dangvien@phuong.vn").get("/reports/composition").status_code == 403
    staff = signed_in(app, "canbo@phuong.vn")
    for raw, message in (("31/02/2026", "Ngày phải có dạng dd/mm/yyyy"), ("07/12/2026", "một ngày chưa tới")):
        response = staff.get(f"/reports/composition?as_of={raw}")
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)


def test_hanoi_is_a_day_ahead_of_utc_in_the_evening(app, scene):
    with time_machine.travel("2026-12-06 18:00:00+00:00", tick=False):  # 01:00 on 07/12 in Hà Nội
        response = signed_in(app, "canbo@phuong.vn").get("/reports/composition?as_of=07/12/2026")
    assert response.status_code == 200
