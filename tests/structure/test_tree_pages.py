"""The tree's pages: the list and its search without diacritics, counts as of a date, the organisation page with
its history, the lazy-expand fragment, and the forms (a refusal: 400 with the Vietnamese message, nothing
written)."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine
from sqlalchemy import func, select

from handbook.extensions import db
from handbook.org.models import OrgChange, OrgKind, Role
from tests.support import csrf_from, signed_in

TODAY = "2025-10-01 09:00 +07:00"


@pytest.fixture
def scene(app, factory):
    with time_machine.travel("2025-08-01 09:00 +07:00", tick=False):
        city = factory.org("Thành phố Đà Nẵng", OrgKind.DANG_BO_TINH)
        ward = factory.org("Phường Hải Châu", OrgKind.DANG_BO_XA, city)
        other = factory.org("Phường Thanh Khê", OrgKind.DANG_BO_XA, city)
        a = factory.org("Chi bộ Khu dân cư 1", OrgKind.CHI_BO, ward)
        b = factory.org("Chi bộ Khu dân cư 2", OrgKind.CHI_BO, ward)
        for cell, n in ((a, 2), (b, 1)):
            for _ in range(n):
                factory.member(cell, admission_date=date(2010, 1, 1))
        staff = factory.user("staff@test.vn")
        factory.grant(staff, ward, Role.CAN_BO)
        admin = factory.user("admin@test.vn", admin=True)
        leader = factory.user("leader@test.vn")
        factory.grant(leader, a, Role.BI_THU)
        factory.commit()
    return {"city": city, "ward": ward, "other": other, "a": a, "b": b, "admin": admin}


@time_machine.travel(TODAY, tick=False)
def test_search_without_diacritics_and_scope(app, scene):
    client = signed_in(app, "staff@test.vn")
    page = client.get("/tree?q=phuong hai chau")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Phường Hải Châu" in html and "Phường Thanh Khê" not in html
    assert "Thanh Khê" not in client.get("/tree?q=thanh khe").get_data(as_text=True)  # outside the staff's scope
    admin = signed_in(app, "admin@test.vn")
    assert "Phường Thanh Khê" in admin.get("/tree?q=THANH KHE").get_data(as_text=True)


@time_machine.travel(TODAY, tick=False)
def test_organisation_page_counts_as_of_a_date_and_lists_children_lazily(app, scene):
    client = signed_in(app, "staff@test.vn")
    ward = scene["ward"]
    html = client.get(f"/tree/{ward.id}").get_data(as_text=True)
    assert "Chi bộ Khu dân cư 1" in html and ": 3" in html
    assert client.get(f"/tree/{ward.id}?as_of=01/01/2000").get_data(as_text=True).count(": 0") == 1
    fragment = client.get(f"/tree/{scene['city'].id}/children?as_of=01/09/2025")
    assert fragment.status_code == 404  # the city is above the staff's scope
    fragment = client.get(f"/tree/{ward.id}/children")
    assert fragment.status_code == 200 and "<li" in fragment.get_data(as_text=True)


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("value", ["31/02/2025", "hôm qua", "02/10/2025"])
def test_a_bad_as_of_date_is_a_vietnamese_400(app, scene, value):
    client = signed_in(app, "staff@test.vn")
    response = client.get(f"/tree/{scene['ward'].id}", query_string={"as_of": value})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Ngày không hợp lệ" in html or "tương lai" in html


@time_machine.travel(TODAY, tick=False)
def test_rename_through_the_form_shows_in_the_history(app, scene):
    client = signed_in(app, "staff@test.vn")
    a = scene["a"]
    token = csrf_from(client.get(f"/tree/{a.id}/rename").get_data(as_text=True))
    response = client.post(f"/tree/{a.id}/rename", data={"csrf_token": token, "name": "Chi bộ Tổ dân phố 9",
                                                          "decision_number": "44-QĐ/ĐU", "on": "15/09/2025"})
    assert response.status_code == 302
    html = client.get(f"/tree/{a.id}").get_data(as_text=True)
    assert "15/09/2025 · Đổi tên" in html and "44-QĐ/ĐU" in html and "Chi bộ Khu dân cư 1 → Chi bộ Tổ dân phố 9" in html
    # the search key follows the new name: found by it, no longer by the old one (spaces and punctuation folded)
    assert "Chi bộ Tổ dân phố 9" in client.get("/tree?q=to dan  pho-9").get_data(as_text=True)
    assert "Khu dân cư 1" not in client.get("/tree?q=khu dan cu 1").get_data(as_text=True)


def test_search_pages_its_matches_by_name(app, scene, factory):
    with time_machine.travel(TODAY, tick=False):
        for n in range(53):
            factory.org(f"Chi bộ Tổ {n:02d}", OrgKind.CHI_BO, scene["ward"])
        factory.commit()
        client = signed_in(app, "staff@test.vn")
        first = client.get("/tree?q=chi bo to").get_data(as_text=True)
        second = client.get("/tree?q=chi bo to&page=2").get_data(as_text=True)
    assert "Chi bộ Tổ 00" in first and "Chi bộ Tổ 49" in first and "Chi bộ Tổ 50" not in first
    assert "Chi bộ Tổ 50" in second and "Chi bộ Tổ 52" in second and "Chi bộ Tổ 00" not in second


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("path, data, message", [
    ("rename", {"name": "X", "on": "32/01/2025"}, "Ngày không hợp lệ"),
    ("dissolve", {}, "còn 2 đảng viên"),
    ("merge", {}, "ít nhất một tổ chức"),
])
def test_refused_forms_answer_400_with_the_message_and_write_nothing(app, scene, path, data, message):
    client = signed_in(app, "staff@test.vn")
    a = scene["a"]
    token = csrf_from(client.get(f"/tree/{a.id}/{path}").get_data(as_text=True))
    before = db.session.scalar(select(func.count(OrgChange.id)))
    response = client.post(f"/tree/{a.id}/{path}", data={"csrf_token": token, **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(OrgChange.id))) == before


@time_machine.travel(TODAY, tick=False)
def test_a_cell_leader_may_not_open_the_tree_nor_restructure(app, scene):
    client = signed_in(app, "leader@test.vn")
    assert client.get("/tree").status_code == 403
    assert client.get(f"/tree/{scene['a'].id}/rename").status_code == 403


def test_a_page_number_beyond_any_list_is_a_400_not_a_500(app, factory):
    from tests.support import signed_in

    factory.user("admin@test.vn", admin=True)
    ward = factory.org("Đảng bộ phường A", OrgKind.DANG_BO_XA)
    factory.commit()
    client = signed_in(app, "admin@test.vn")
    huge = "99999999999999999999"
    for path in (f"/tree?page={huge}", f"/tree?q=chi&page={huge}", f"/tree/{ward.id}?page={huge}",
                 f"/tree/{ward.id}/children?page={huge}", "/tree?page=abc"):
        assert client.get(path).status_code == 400, path
    assert client.get(f"/tree/{ward.id}?page=1").status_code == 200
