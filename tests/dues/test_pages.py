"""The dues pages and the member's own API: who sees what (other ward 404, a plain member 403 on the cell's
sheet), the sheet posted, bad input shown on the form with 400 and nothing written, the member's months."""
from __future__ import annotations

import pytest
import time_machine
from sqlalchemy import func, select

from handbook.dues.models import DuesPayment, DuesRegion, DuesRelief
from handbook.extensions import db
from tests.dues.scene import build
from tests.support import get_csrf, signed_in

NOW = "2026-11-20 03:00:00+00:00"  # 10:00 in Hà Nội


@pytest.fixture
def scene(factory):
    return build(factory)


def _payments() -> int:
    return db.session.scalar(select(func.count(DuesPayment.id)))


@time_machine.travel(NOW, tick=False)
def test_scope_of_the_cell_sheet(app, scene):
    url = f"/dues/cells/{scene.cell.id}"
    assert signed_in(app, "bithu@test.vn").get(url).status_code == 200
    assert signed_in(app, "canbo@test.vn").get(url).status_code == 200
    assert signed_in(app, "dv@test.vn").get(url).status_code == 403
    assert signed_in(app, "khac@test.vn").get(url).status_code == 404
    assert signed_in(app, "bithu@test.vn").get(f"/dues/cells/{scene.cell_b.id}").status_code == 404
    assert signed_in(app, "bithu@test.vn").get(f"{url}/members/{scene.other.id}").status_code == 404
    assert signed_in(app, "bithu@test.vn").get(f"{url}?month=13/2026").status_code == 400


@time_machine.travel(NOW, tick=False)
def test_the_treasurer_records_the_month_and_the_member_sees_it(app, scene):
    client = signed_in(app, "bithu@test.vn")
    url = f"/dues/cells/{scene.cell.id}?month=2026-11"
    page = client.get(url).get_data(as_text=True)
    assert "90.000 đ" in page and "5.000 đ" in page and "không thu tiền" in page
    token = get_csrf(client, url)
    response = client.post(url, data={"csrf_token": token, "method": "cash", "paid_on": "19/11/2026",
                                      f"paid_{scene.member.id}": "1", f"amount_{scene.member.id}": "90.000",
                                      f"paid_{scene.student.id}": "1", f"amount_{scene.student.id}": "5000"})
    assert response.status_code == 302
    assert _payments() == 2
    mine = signed_in(app, "dv@test.vn").get("/dues/me").get_data(as_text=True)
    assert "11/2026" in mine and "90.000 đ" in mine and "19/11/2026" in mine and "Tiền mặt" in mine
    data = signed_in(app, "dv@test.vn").get("/api/v1/me/dues?year=2026").get_json()
    november = data["months"][10]
    assert (november["month"], november["expected"], november["paid"], november["method"]) == \
        ("2026-11", 90_000, 90_000, "cash")
    assert data["months"][0]["expected_status"] == "before_rule"
    assert data["unpaid_months"] == 10  # January to October: over and unrecorded (January under the old rule)


@time_machine.travel(NOW, tick=False)
def test_a_bad_line_on_the_sheet_is_shown_under_it_and_nothing_is_written(app, scene):
    client = signed_in(app, "bithu@test.vn")
    url = f"/dues/cells/{scene.cell.id}"
    token = get_csrf(client, url)
    response = client.post(url, data={"csrf_token": token, "method": "cash", "paid_on": "19/11/2026",
                                      f"paid_{scene.student.id}": "1", f"amount_{scene.student.id}": "5000",
                                      f"paid_{scene.member.id}": "1", f"amount_{scene.member.id}": "-90000"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Số tiền phải là số nguyên đồng, từ 1 đ đến 10.000.000 đ." in page
    assert 'value="-90000"' in page  # what was typed stays on the form
    assert _payments() == 0
    response = client.post(url, data={"csrf_token": token, "method": "cash", "paid_on": "31/02/2026"})
    assert response.status_code == 400 and "Ngày không hợp lệ" in response.get_data(as_text=True)


@time_machine.travel(NOW, tick=False)
def test_forms_on_the_member_page(app, scene):
    client = signed_in(app, "bithu@test.vn")
    base = f"/dues/cells/{scene.cell.id}/members/{scene.member.id}"
    token = get_csrf(client, base)
    response = client.post(f"{base}/reliefs", data={"csrf_token": token, "kind": "reduction", "percent": "50",
                                                    "from_month": "11/2026", "to_month": "12/2027",
                                                    "decision_number": "5-QĐ", "decision_date": "01/11/2026"})
    assert response.status_code == 400
    assert "tối đa 12 tháng; thời gian đã nhập là 14 tháng" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(DuesRelief.id))) == 0
    response = client.post(f"{base}/payments", data={"csrf_token": token, "first_month": "01/2028", "amount": "",
                                                     "method": "cash", "paid_on": "20/11/2026"})
    assert response.status_code == 400 and "là quá xa" in response.get_data(as_text=True)
    response = client.post(f"{base}/payments", data={"csrf_token": token, "first_month": "12/2026",
                                                     "last_month": "02/2027", "amount": "", "method": "cash",
                                                     "paid_on": "20/11/2026"})
    assert response.status_code == 302 and _payments() == 3
    response = client.post(f"{base}/profile", data={"csrf_token": token, "category": "wage", "base_amount": "abc",
                                                    "from_month": "12/2026"})
    assert response.status_code == 400 and "Số tiền phải là số nguyên đồng" in response.get_data(as_text=True)
    member = signed_in(app, "dv@test.vn")
    assert member.post(f"{base}/profile", data={"csrf_token": get_csrf(member, "/dues/me")}).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_the_region_is_set_by_the_committee_not_the_cell(app, scene):
    url = f"/dues/organisations/{scene.cell.id}/region"
    assert signed_in(app, "bithu@test.vn").get(url).status_code == 403
    client = signed_in(app, "canbo@test.vn")
    token = get_csrf(client, url)
    assert client.post(url, data={"csrf_token": token, "region": "5"}).status_code == 400
    assert client.post(url, data={"csrf_token": token, "region": "3"}).status_code == 302
    assert db.session.get(DuesRegion, scene.cell.id).region == 3
    page = signed_in(app, "bithu@test.vn").get(f"/dues/cells/{scene.cell.id}").get_data(as_text=True)
    assert "Vùng III" in page and "12.420 đ" in page


@time_machine.travel(NOW, tick=False)
def test_a_cell_without_a_region_says_so(app, scene):
    db.session.delete(db.session.get(DuesRegion, scene.ward.id))
    db.session.commit()
    page = signed_in(app, "bithu@test.vn").get(f"/dues/cells/{scene.cell.id}").get_data(as_text=True)
    assert "chưa đặt vùng" in page.lower() and "15.930" not in page


@time_machine.travel(NOW, tick=False)
def test_the_api_refuses_a_bad_year_and_an_account_without_a_record(app, scene, factory):
    client = signed_in(app, "dv@test.vn")
    response = client.get("/api/v1/me/dues?year=1800")
    assert response.status_code == 422 and response.get_json()["error"]["code"]
    assert client.get("/api/v1/me/dues?year=abc").status_code == 422
    factory.user("norecord@test.vn")
    factory.commit()
    assert signed_in(app, "norecord@test.vn").get("/api/v1/me/dues").status_code == 404
    assert app.test_client().get("/api/v1/me/dues").status_code == 401
    assert client.get("/dues/me?year=abc").status_code == 400


def test_the_openapi_document_has_the_endpoint(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert "/api/v1/me/dues" in spec["paths"]
