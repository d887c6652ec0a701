"""The periodic reviews' pages: the list with its tabs and counts, paging, the workbook with the committee's column,
the printable page, recording a review (and its refusals, 400 with the reason), and who sees what."""
from __future__ import annotations

import io

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import func, select

from handbook.extensions import db
from handbook.org.models import Role
from handbook.reports.models import PeriodicReview
from tests.reports.test_reviews import build, build_attendance
from tests.support import csrf_from, signed_in


@pytest.fixture(autouse=True)
def _clock():
    # 10/05/2026 08:00 in Hà Nội
    with time_machine.travel("2026-05-10 01:00:00+00:00", tick=False):
        yield


@pytest.fixture
def scene(factory):
    scene = build(factory)
    staff = factory.user("canbo@phuong.vn", name="Cán bộ Phường")
    factory.grant(staff, scene["ward"], Role.CAN_BO)
    leader = factory.user("bithu.t@phuong.vn")
    factory.grant(leader, scene["t"], Role.BI_THU)
    outsider = factory.user("canbo@phuongkhac.vn")
    factory.grant(outsider, scene["other"], Role.CAN_BO)
    member_user = factory.user("dangvien@phuong.vn")
    factory.member(scene["k"], member_user)
    factory.commit()
    return scene


def test_the_ward_staff_see_the_retired_list(app, scene):
    client = signed_in(app, "canbo@phuong.vn")
    response = client.get("/reports/reviews")  # defaults: their ward, the retired list
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Đảng viên đủ tuổi nghỉ hưu còn sinh hoạt ở chi bộ nơi làm việc" in html
    assert "4 đảng viên trong danh sách." in html
    for name in ("Ông Đúng Ngày", "Bà Đúng Ngày", "Anh Hưu Sớm", "Ông Doanh Nghiệp", "Tổ 5, phường Thử",
                 "Miễn công tác và sinh hoạt đảng", "Tạm miễn sinh hoạt", "10/11/1964"):
        assert name in html
    assert "Ông Thiếu Một Ngày" not in html
    assert "1 chi bộ chưa ghi loại hình" in html
    assert f'/tree/{scene["ward"].id}' in html
    assert "reports/reviews?organisation_id=" in html and "kind=no_attendance" in html  # the other list's tab
    assert "Chưa ghi nhận lần xem xét nào." in html and "Ghi nhận đã xem xét" in html


def test_the_no_attendance_list_page(app, factory, scene):
    build_attendance(factory, scene)
    client = signed_in(app, "canbo@phuong.vn")
    response = client.get(f"/reports/reviews?organisation_id={scene['ward'].id}&kind=no_attendance")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Đảng viên không tham gia sinh hoạt" in html
    assert "7 đảng viên trong danh sách." in html  # with the member of cell K
    assert "chưa từng" in html and "5 tháng trước (03/12/2025)" in html
    assert "từ ngày 10/02/2026" in html


def test_paging(app, scene, monkeypatch):
    from handbook.reports import reviews
    monkeypatch.setattr(reviews, "PER_PAGE", 3)
    monkeypatch.setattr(reviews.review_list, "__kwdefaults__", {**reviews.review_list.__kwdefaults__, "per_page": 3})
    client = signed_in(app, "canbo@phuong.vn")
    first = client.get("/reports/reviews").get_data(as_text=True)
    assert "Trang 1/2" in first and "page=2" in first
    second = client.get("/reports/reviews?page=2").get_data(as_text=True)
    assert "Trang 2/2" in second and "<td>4</td>" in second  # numbering continues


def test_the_workbook_has_every_row_and_the_committees_column(app, scene):
    client = signed_in(app, "canbo@phuong.vn")
    response = client.get(f"/reports/reviews.xlsx?organisation_id={scene['ward'].id}&kind=retired_workplace")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    rows = [tuple(row) for row in book[book.sheetnames[0]].iter_rows(values_only=True)]
    heading_at = next(i for i, row in enumerate(rows) if row and row[0] == "STT")
    assert rows[heading_at][-1] == "Kết quả xem xét"
    body = rows[heading_at + 1:]
    assert len(body) == 4 and [row[0] for row in body] == [1, 2, 3, 4]
    assert {row[1] for row in body} == {"Ông Đúng Ngày", "Bà Đúng Ngày", "Anh Hưu Sớm", "Ông Doanh Nghiệp"}
    counts = [tuple(row) for row in book[book.sheetnames[1]].iter_rows(values_only=True)]
    assert ("Chi bộ Trường", 3) in counts and ("Đảng bộ D", 1) in counts


def test_the_print_page(app, factory, scene):
    build_attendance(factory, scene)
    client = signed_in(app, "canbo@phuong.vn")
    response = client.get("/reports/reviews/print?kind=no_attendance")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Đảng viên excused" in html and "<form" not in html and "Tải Excel" not in html


def test_recording_a_review_then_new_members_are_marked(app, factory, scene):
    client = signed_in(app, "canbo@phuong.vn")
    page = client.get("/reports/reviews").get_data(as_text=True)
    response = client.post(f"/reports/reviews?organisation_id={scene['ward'].id}&kind=retired_workplace",
                           data={"csrf_token": csrf_from(page), "reviewed_on": "09/05/2026",
                                 "note": "Đã gặp từng người"})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã ghi nhận buổi xem xét ngày 09/05/2026 (4 đảng viên trong danh sách)." in html
    assert "Cán bộ Phường" in html and "Đã gặp từng người" in html
    assert ">mới<" not in html
    factory.member(scene["t"], name="Ông Mới Hưu", birth_date=__import__("datetime").date(1955, 1, 1))
    factory.commit()
    html = client.get("/reports/reviews").get_data(as_text=True)
    assert html.count(">mới<") == 1 and "Ông Mới Hưu" in html


def test_an_empty_day_means_today(app, scene):
    client = signed_in(app, "canbo@phuong.vn")
    page = client.get("/reports/reviews?kind=no_attendance").get_data(as_text=True)
    response = client.post(f"/reports/reviews?organisation_id={scene['ward'].id}&kind=no_attendance",
                           data={"csrf_token": csrf_from(page), "reviewed_on": ""})
    assert response.status_code == 302
    review = db.session.scalar(select(PeriodicReview))
    assert review.reviewed_on.isoformat() == "2026-05-10" and review.kind.value == "no_attendance"


@time_machine.travel("2026-05-09 17:30:00+00:00", tick=False)  # 10/05 00:30 in Hà Nội, still the 9th in UTC
def test_the_local_day_is_today_just_after_midnight(app, scene):
    client = signed_in(app, "canbo@phuong.vn")
    page = client.get("/reports/reviews").get_data(as_text=True)
    response = client.post(f"/reports/reviews?organisation_id={scene['ward'].id}",
                           data={"csrf_token": csrf_from(page), "reviewed_on": "10/05/2026"})
    assert response.status_code == 302


@pytest.mark.parametrize(("day", "note", "message"), [
    ("32/01/2026", "", "Hãy nhập ngày xem xét theo dạng dd/mm/yyyy."),
    ("hôm qua", "", "Hãy nhập ngày xem xét theo dạng dd/mm/yyyy."),
    ("11/05/2026", "", "Ngày xem xét 11/05/2026 ở tương lai."),
    ("01/01/0001", "", "Chỉ ghi nhận được buổi xem xét trong vòng một năm qua."),
    ("09/05/2026", "x" * 1001, "Dài quá 1000 ký tự."),
])
def test_a_refused_review_shows_the_reason(app, scene, day, note, message):
    client = signed_in(app, "canbo@phuong.vn")
    page = client.get("/reports/reviews").get_data(as_text=True)
    response = client.post(f"/reports/reviews?organisation_id={scene['ward'].id}",
                           data={"csrf_token": csrf_from(page), "reviewed_on": day, "note": note})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(PeriodicReview.id))) == 0


def test_without_the_token_nothing_is_recorded(app, scene):
    client = signed_in(app, "canbo@phuong.vn")
    response = client.post(f"/reports/reviews?organisation_id={scene['ward'].id}", data={"reviewed_on": "09/05/2026"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(PeriodicReview.id))) == 0


@pytest.mark.parametrize(("query", "message"), [
    ("kind=khac", "Không có danh sách xem xét này."),
    ("page=0", "Số trang phải là một số từ 1 trở lên."),
    ("page=abc", "Số trang phải là một số từ 1 trở lên."),
])
def test_bad_arguments(app, scene, query, message):
    client = signed_in(app, "canbo@phuong.vn")
    for path in ("/reports/reviews", "/reports/reviews.xlsx", "/reports/reviews/print"):
        response = client.get(f"{path}?{query}")
        if query.startswith("page") and not path.endswith("reviews"):
            continue  # the workbook and the printable page hold every row: no page
        assert response.status_code == 400, path
        assert message in response.get_data(as_text=True)


def test_who_sees_what(app, scene):
    ward = scene["ward"]
    outsider = signed_in(app, "canbo@phuongkhac.vn")
    for path in ("/reports/reviews", "/reports/reviews.xlsx", "/reports/reviews/print"):
        assert outsider.get(f"{path}?organisation_id={ward.id}").status_code == 404
    assert outsider.post(f"/reports/reviews?organisation_id={ward.id}").status_code in (400, 404)
    member = signed_in(app, "dangvien@phuong.vn")
    assert member.get("/reports/reviews").status_code == 403
    assert member.post(f"/reports/reviews?organisation_id={ward.id}").status_code in (400, 403)
    leader = signed_in(app, "bithu.t@phuong.vn")
    assert leader.get(f"/reports/reviews?organisation_id={ward.id}").status_code == 404
    html = leader.get("/reports/reviews").get_data(as_text=True)  # their own cell
    assert "Chi bộ Trường" in html and "3 đảng viên trong danh sách." in html and "Ông Doanh Nghiệp" not in html


def test_a_position_on_the_ward_alone_sees_no_names_below(app, factory):
    """Unit scope on a ward manages the ward, not its cells: the lists naming members below are not for it (403),
    and the attendance report shows its figures without the members' names."""
    from handbook.org.models import OrgKind, Scope

    ward = factory.org("Phường Một Mình", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ Dưới", OrgKind.CHI_BO, ward)
    factory.member(cell, name="Lê Văn Vắng")
    factory.grant(factory.user("vanphong@test.vn"), ward, Role.CAN_BO, Scope.UNIT)
    factory.commit()
    client = signed_in(app, "vanphong@test.vn")
    for path in ("/reports/reviews", "/reports/reviews.xlsx", "/reports/reviews/print"):
        assert client.get(path).status_code == 403, path
    from tests.support import get_csrf

    assert client.post("/reports/reviews", data={"csrf_token": get_csrf(client, "/activate")}).status_code == 403
    page = client.get("/reports/attendance")
    assert page.status_code == 200
    assert "chỉ dành cho cấp ủy phụ trách cả các chi bộ trực thuộc" in page.get_data(as_text=True)
