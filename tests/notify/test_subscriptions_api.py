"""Subscribing devices: the SSRF guard, key checks, several devices, unsubscribe, the VAPID key."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from handbook.extensions import db
from handbook.notify.models import PushSubscription
from tests.support import get_csrf, login


def _post(client, body, token):
    return client.post("/api/v1/push/subscriptions", json=body, headers={"X-CSRFToken": token})


@pytest.fixture
def signed_in(client, cell_scene):
    assert login(client, "dv0@test.vn").status_code == 302
    return get_csrf(client, "/notifications/settings")


def test_vapid_public_key_is_the_configured_point(app, client):
    data = client.get("/api/v1/push/vapid-public-key").get_json()
    assert data == {"publicKey": app.config["VAPID_PUBLIC_KEY"]}
    assert len(data["publicKey"]) == 87  # 65 bytes, URL-safe base64 without padding


def test_subscribe_two_devices_then_unsubscribe_one(app, client, push, signed_in):
    phone, laptop = push.subscription(), push.subscription()
    assert _post(client, phone, signed_in).status_code == 201
    assert _post(client, laptop, signed_in).status_code == 201
    again = _post(client, phone, signed_in)  # the browser re-posts on every visit
    assert again.status_code == 200
    assert db.session.scalar(select(db.func.count(PushSubscription.id))) == 2
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "chưa nhận thông báo nào" in page
    gone = client.delete("/api/v1/push/subscriptions", json={"endpoint": phone["endpoint"]},
                         headers={"X-CSRFToken": signed_in})
    assert gone.status_code == 204
    assert [s.endpoint for s in db.session.scalars(select(PushSubscription))] == [laptop["endpoint"]]
    missing = client.delete("/api/v1/push/subscriptions", json={"endpoint": phone["endpoint"]},
                            headers={"X-CSRFToken": signed_in})
    assert missing.status_code == 404


@pytest.mark.parametrize("endpoint", [
    "https://127.0.0.1/push/x", "https://localhost/push/x", "https://169.254.169.254/latest/meta-data",
    "https://[::1]/push/x", "https://fcm.googleapis.com.evil.example/fcm/send/x",
    "https://evil-fcm.googleapis.com/fcm/send/x", "https://user:pw@fcm.googleapis.com/fcm/send/x",
    "http://fcm.googleapis.com/fcm/send/x", "https://fcm.googleapis.com:8443/fcm/send/x", "file:///etc/passwd",
    "fcm.googleapis.com/fcm/send/x", "https://fcm.googleapis.com:99999/x",
])
def test_push_hosts_outside_the_allow_list_are_refused(app, client, signed_in, endpoint, monkeypatch):
    monkeypatch.setitem(app.config, "PUSH_ALLOWED_HOSTS", ["fcm.googleapis.com"])
    monkeypatch.setitem(app.config, "PUSH_ALLOW_HTTP", False)
    body = {"endpoint": endpoint, "keys": {"p256dh": _valid_key(), "auth": "BTBZMqHH6r4Tts7J_aSIgg"}}
    resp = _post(client, body, signed_in)
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "invalid_subscription"
    assert db.session.scalar(select(db.func.count(PushSubscription.id))) == 0


def test_an_allowed_host_is_accepted(app, client, signed_in, monkeypatch):
    monkeypatch.setitem(app.config, "PUSH_ALLOWED_HOSTS", ["fcm.googleapis.com"])
    body = {"endpoint": "https://fcm.googleapis.com/fcm/send/abc", "expirationTime": None,
            "keys": {"p256dh": _valid_key(), "auth": "BTBZMqHH6r4Tts7J_aSIgg"}}
    assert _post(client, body, signed_in).status_code == 201


def test_http_needs_push_allow_http(app, client, push, signed_in, monkeypatch):
    monkeypatch.setitem(app.config, "PUSH_ALLOW_HTTP", False)
    resp = _post(client, push.subscription(), signed_in)
    assert resp.status_code == 400 and "https" in resp.get_json()["error"]["message"]


@pytest.mark.parametrize("p256dh,auth,word", [
    # off the curve
    ("BCVxsr7M_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4", None, "p256dh"),
    ("AAAA", None, "p256dh"),
    ("not base64 !!", None, "p256dh"),
    ("A" * 87, None, "p256dh"),
    (None, "BTBZMqHH6r4Tts7J_aSI", "16"),      # 15 bytes
    (None, "BTBZMqHH6r4Tts7J_aSIggAA", "16"),  # 18 bytes
    (None, "%%%", "16"),
])
def test_bad_keys_are_refused(app, client, push, signed_in, p256dh, auth, word):
    body = push.subscription()
    body["keys"] = {"p256dh": p256dh or body["keys"]["p256dh"], "auth": auth or body["keys"]["auth"]}
    resp = _post(client, body, signed_in)
    assert resp.status_code == 400
    assert word in resp.get_json()["error"]["message"]


def test_missing_fields_are_a_validation_error(app, client, push, signed_in):
    resp = _post(client, {"endpoint": push.subscription()["endpoint"]}, signed_in)
    assert resp.status_code == 422
    assert "keys" in resp.get_json()["error"]["fields"]


def test_subscribing_needs_a_login_and_csrf(app, client, push, cell_scene):
    assert _post(client, push.subscription(), "x").status_code == 401
    login(client, "dv0@test.vn")
    assert client.post("/api/v1/push/subscriptions", json=push.subscription()).status_code == 400


def _valid_key() -> str:
    return "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"  # RFC 8291


def test_unsubscribe_accepts_the_browsers_whole_subscription(app, client, push, signed_in):
    """push.js and other clients send `PushSubscription.toJSON()` as it is: only the endpoint matters."""
    phone, laptop = push.subscription(), push.subscription()
    assert _post(client, phone, signed_in).status_code == 201
    assert _post(client, laptop, signed_in).status_code == 201
    body = {"endpoint": phone["endpoint"], "expirationTime": None,
            "keys": {"p256dh": phone["keys"]["p256dh"], "auth": phone["keys"]["auth"]}}
    gone = client.delete("/api/v1/push/subscriptions", json=body, headers={"X-CSRFToken": signed_in})
    assert gone.status_code == 204, gone.get_json()
    assert [s.endpoint for s in db.session.scalars(select(PushSubscription))] == [laptop["endpoint"]]
    # an expiry time, keys of another shape and fields a future browser may add change nothing
    body = {"endpoint": laptop["endpoint"], "expirationTime": 1767225600000, "keys": {"p256dh": "x"},
            "somethingNew": True}
    assert client.delete("/api/v1/push/subscriptions", json=body,
                         headers={"X-CSRFToken": signed_in}).status_code == 204
    assert db.session.scalar(select(db.func.count(PushSubscription.id))) == 0
    # the endpoint itself is still required
    missing = client.delete("/api/v1/push/subscriptions", json={"expirationTime": None, "keys": {}},
                            headers={"X-CSRFToken": signed_in})
    assert missing.status_code == 422 and "endpoint" in missing.get_json()["error"]["fields"]


def test_unsubscribe_body_is_documented(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    body = spec["paths"]["/api/v1/push/subscriptions"]["delete"]["requestBody"]["content"]["application/json"]
    schema = body["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    assert schema["required"] == ["endpoint"]
    assert {"endpoint", "expirationTime", "keys"} <= set(schema["properties"])
    assert schema["properties"]["keys"]["properties"].keys() == {"p256dh", "auth"}
    assert schema.get("additionalProperties", True) is not False  # other fields are ignored, not refused


def test_a_wrong_type_is_refused_in_vietnamese(app, client, push, signed_in):
    body = {**push.subscription(), "expirationTime": "ngày mai"}
    resp = _post(client, body, signed_in)
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert error["fields"]["expirationTime"] == ["Giá trị không hợp lệ."]
    assert "Not a valid" not in resp.get_data(as_text=True)
