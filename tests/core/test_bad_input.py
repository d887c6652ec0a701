"""Bad input always gets a 4xx with a clear message — never a 500 or a stack trace."""
from __future__ import annotations

import pytest

from tests.support import get_csrf


@pytest.fixture
def user(factory):
    user = factory.user("a@test.vn")
    factory.commit()
    return user


def _error(response) -> dict:
    body = response.get_json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
    return body["error"]


def test_broken_json(app, client):
    response = client.post("/api/v1/auth/token", data='{"login": ', content_type="application/json")
    assert response.status_code == 400
    assert _error(response) == {"code": "invalid_json", "message": "Dữ liệu JSON không hợp lệ."}


def test_wrong_content_type(app, client):
    response = client.post("/api/v1/auth/token", data="login=a&password=b",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert "JSON" in _error(response)["message"]


@pytest.mark.parametrize("body,field", [
    ({}, "login"),
    ({"login": "a@test.vn"}, "password"),
    ({"login": "a" * 300 + "@test.vn", "password": "x"}, "login"),
    ({"login": "a@test.vn", "password": "x" * 500}, "password"),
    ({"login": 12, "password": "x"}, "login"),
    ({"login": "a@test.vn", "password": "x", "admin": True}, "admin"),
])
def test_invalid_fields_name_the_field(app, client, body, field):
    response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == "validation_error"
    assert field in error["fields"], error


def test_json_array_instead_of_object(app, client):
    response = client.post("/api/v1/auth/token", json=["a", "b"])
    assert response.status_code == 422
    assert _error(response)["code"] == "validation_error"


def test_malformed_login_name_via_api(app, client):
    response = client.post("/api/v1/auth/token", json={"login": "abc", "password": "x"})
    assert response.status_code == 400
    assert _error(response)["message"] == "Số điện thoại không hợp lệ."


def test_unknown_api_route_and_method(app, client):
    assert _error(client.get("/api/v1/khong-co"))["code"] == "not_found"
    response = client.delete("/api/v1/me")
    assert response.status_code == 405 and _error(response)["code"] == "method_not_allowed"


def test_unknown_page_is_a_vietnamese_404(app, client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Không tìm thấy trang hoặc nội dung này." in html and "Traceback" not in html


def test_malformed_login_form(app, client, user):
    token = get_csrf(client)
    response = client.post("/login", data={"login": "so-dien-thoai-sai", "password": "x", "csrf_token": token})
    assert response.status_code == 400
    assert "Số điện thoại không hợp lệ." in response.get_data(as_text=True)


def test_overlong_login_form_fields(app, client, user):
    token = get_csrf(client)
    response = client.post("/login", data={"login": "a" * 1000, "password": "p" * 1000, "csrf_token": token})
    assert response.status_code == 400
    assert "Tối đa 254 ký tự." in response.get_data(as_text=True)


def test_empty_login_form(app, client):
    response = client.post("/login", data={"csrf_token": get_csrf(client)})
    assert response.status_code == 400
    assert "Vui lòng nhập trường này." in response.get_data(as_text=True)


def test_huge_body_is_refused(app, client):
    response = client.post("/api/v1/auth/token", data=b"x" * (17 * 1024 * 1024), content_type="application/json")
    assert response.status_code == 413


def test_unexpected_errors_are_hidden(tmp_path):
    from tests.support import build_app

    app = build_app(tmp_path, "boom")

    @app.get("/__boom")
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/__boom")
    assert response.status_code == 500
    assert "secret detail" not in response.get_data(as_text=True)
    assert "Đã có lỗi phía máy chủ" in response.get_data(as_text=True)
