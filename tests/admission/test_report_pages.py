"""The report's pages: the page with its charts (SVG images without script), the Excel workbook with the page's
numbers, the printable page, the targets' form, and who sees what (404 for another ward's staff)."""
from __future__ import annotations

import base64
import io
import re
from datetime import date
from xml.etree import ElementTree

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import select

from handbook.admission.models import AdmissionTarget
from handbook.extensions import db
from handbook.org.models import OrgKind, Role
from tests.admission.test_report import build
from tests.support import csrf_from, signed_in

NOW = date(2026, 12, 6)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel("2026-12-06 03:00:00+00:00", tick=False):
        yield


@pytest.fixture
def scene(factory):
    scene = build(factory)
    staff = factory.user("canbo@phuong.vn")
    factory.grant(staff, scene["ward"], Role.CAN_BO)
    leader = factory.user("bithu.a@phuong.vn")
    factory.grant(leader, scene["a"], Role.BI_THU)
    outsider = factory.user("canbo@phuongkhac.vn")
    factory.grant(outsider, scene["other"], Role.CAN_BO)
    factory.user("dangvien@phuong.vn")
    factory.commit()
    return scene


def _svgs(html: str) -> list[str]:
    return [base64.b64decode(data).decode("utf-8")
            for data in re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)]


def test_the_ward_staff_see_the_report_with_charts_without_script(app, scene):
    client = signed_in(app, "canbo@phuong.vn")
    response = client.get("/admission/report")  # defaults: their ward, this year
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Kết nạp đảng viên năm 2026" in html and "Phường Thử" in html
    assert "Đã kết nạp 6 đảng viên." in html and "Chỉ tiêu: 14" in html and "đạt 42,9 %" in html
    assert "<script" not in html.split("</main>")[0]
    svgs = _svgs(html)
    assert len(svgs) == 2
    for svg in svgs:
        root = ElementTree.fromstring(svg)  # well-formed XML
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert not [el for el in root.iter() if el.tag.endswith("script")]
        assert "<script" not in svg and "javascript:" not in svg
    assert "Kết nạp năm 2026 so với chỉ tiêu" in svgs[0]
    assert re.search(r">A</text>", svgs[0]) and re.search(r">Đảng bộ D<|>D</text>", svgs[0])  # kind words dropped
    assert "Dân tộc thiểu số" in svgs[1]
    assert "Content-Security-Policy" in response.headers  # the page keeps the app's policy: images from data: only


def test_the_workbook_holds_the_pages_numbers(app, scene):
    client = signed_in(app, "canbo@phuong.vn")
    ward = scene["ward"]
    response = client.get(f"/admission/report.xlsx?organisation_id={ward.id}&year=2026")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    assert len(book.sheetnames) == 5
    sheets = {name: [tuple(row) for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames}
    targets = sheets[book.sheetnames[0]]
    rows = {row[0]: row[1:] for row in targets[4:]}
    assert rows["Chi bộ A"] == (4, 10, "40,0\u00a0%")
    assert rows["Đảng bộ D"] == (2, 4, "50,0\u00a0%")
    assert rows["Toàn Phường Thử"] == (6, 14, "42,9\u00a0%")
    groups = sheets[book.sheetnames[1]]
    heads = groups[3]
    total = dict(zip(heads, groups[-1], strict=True))
    assert total["Nữ"] == 4 and total["Dân tộc thiểu số"] == 1 and total["Tuổi 18–30"] == 4
    assert total["Đại học trở lên"] == 3
    term = sheets[book.sheetnames[2]]
    assert term[-1][:3] == ("Toàn Phường Thử", 8, 2)
    idle = [row[1] for row in sheets[book.sheetnames[3]][4:]]
    assert sorted(idle) == ["Chi bộ B", "Chi bộ E", "Chi bộ F"]
    empty = [row[1] for row in sheets[book.sheetnames[4]][4:]]
    assert empty == ["Chi bộ E"]


def test_the_printable_page_has_no_menu(app, scene):
    client = signed_in(app, "canbo@phuong.vn")
    response = client.get(f"/admission/report/print?organisation_id={scene['ward'].id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "BÁO CÁO KẾT NẠP ĐẢNG VIÊN NĂM 2026" in html
    assert 'class="bottom' not in html and "Đăng xuất" not in html
    assert "Chi bộ E" in html
    assert len(_svgs(html)) == 2


def test_a_cells_leaders_see_their_cell_and_nothing_above(app, scene):
    client = signed_in(app, "bithu.a@phuong.vn")
    response = client.get("/admission/report")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Chi bộ A" in html and "Đã kết nạp 4 đảng viên." in html
    assert client.get(f"/admission/report?organisation_id={scene['ward'].id}").status_code == 404
    assert client.get(f"/admission/targets?organisation_id={scene['a'].id}").status_code == 403  # committees set


@pytest.mark.parametrize("path", ["/admission/report", "/admission/report.xlsx", "/admission/report/print",
                                  "/admission/targets"])
def test_another_wards_staff_get_404(app, scene, path):
    client = signed_in(app, "canbo@phuongkhac.vn")
    assert client.get(f"{path}?organisation_id={scene['ward'].id}").status_code == 404
    assert client.get(f"{path}?organisation_id=99999999").status_code == 404
    assert client.get(f"{path}?organisation_id=abc").status_code == 404


def test_a_member_without_a_position_is_refused(app, scene):
    client = signed_in(app, "dangvien@phuong.vn")
    assert client.get("/admission/report").status_code == 403


@pytest.mark.parametrize("year", ["1999", "2028", "abc", "２０２６"])
def test_a_bad_year_is_a_400_in_vietnamese(app, scene, year):
    client = signed_in(app, "canbo@phuong.vn")
    response = client.get(f"/admission/report?year={year}")
    assert response.status_code == 400
    assert "Năm phải là một số từ 2000 đến 2027." in response.get_data(as_text=True)


def test_targets_form_sets_the_wards_and_its_childrens_targets(app, scene):
    client = signed_in(app, "canbo@phuong.vn")
    ward, a = scene["ward"], scene["a"]
    page = client.get(f"/admission/targets?organisation_id={ward.id}&year=2027")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'name="target_{ward.id}"' in html and f'name="target_{a.id}"' in html
    response = client.post(f"/admission/targets?organisation_id={ward.id}&year=2027",
                           data={"csrf_token": csrf_from(html), f"target_{ward.id}": "40", f"target_{a.id}": "7"})
    assert response.status_code == 302
    saved = dict(db.session.execute(select(AdmissionTarget.organisation_id, AdmissionTarget.target)
                                    .where(AdmissionTarget.year == 2027)).all())
    assert saved == {ward.id: 40, a.id: 7}


@pytest.mark.parametrize("value", ["-3", "100001", "bảy"])
def test_targets_form_refuses_bad_input_and_writes_nothing(app, scene, value):
    client = signed_in(app, "canbo@phuong.vn")
    ward, a, b = scene["ward"], scene["a"], scene["b"]
    html = client.get(f"/admission/targets?organisation_id={ward.id}").get_data(as_text=True)
    response = client.post(f"/admission/targets?organisation_id={ward.id}",
                           data={"csrf_token": csrf_from(html), f"target_{b.id}": "5", f"target_{a.id}": value})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Chỉ tiêu phải là một số nguyên từ 0 đến 100.000." in body
    assert f'id="target_{a.id}-err"' in body
    assert db.session.scalar(select(AdmissionTarget.id).where(AdmissionTarget.year == 2026,
                                                              AdmissionTarget.organisation_id == b.id)) is None


def test_targets_for_a_year_out_of_range_are_refused(app, scene):
    client = signed_in(app, "canbo@phuong.vn")
    response = client.get(f"/admission/targets?organisation_id={scene['ward'].id}&year=2029")
    assert response.status_code == 400
    assert "Chỉ đặt được chỉ tiêu cho năm 2025, 2026 hoặc 2027." in response.get_data(as_text=True)


def test_the_leaders_home_links_to_the_report(app, scene):
    client = signed_in(app, "canbo@phuong.vn")
    assert "/admission/report" in client.get("/").get_data(as_text=True)
    assert OrgKind.DANG_BO_XA  # the ward is a committee
