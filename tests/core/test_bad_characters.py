"""Lone surrogates and control characters are decided in one place (core/inputs.py): a JSON body holding one is
refused with a Vietnamese JSON error (never a 500), form fields and query strings lose control characters, and
single-line API fields keep to one line — nothing of the kind is stored."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from handbook.core.timeutil import local_now, utcnow
from handbook.extensions import db
from handbook.meetings.models import Meeting
from handbook.org.models import OrgKind, Role
from tests.support import api_token, csrf_from, signed_in


@pytest.fixture
def leader(app, factory):
    cell = factory.org("Chi bộ Thử", OrgKind.CHI_BO)
    user = factory.user("bt@test.vn", name="Bí thư")
    factory.member(cell, user)
    factory.grant(user, cell, Role.BI_THU)
    factory.commit()
    return cell


def _raw(client, path: str, body: str, token: str | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.post(path, data=body.encode(), headers=headers)


@pytest.mark.parametrize("body", [
    '{"login": "\\ud800", "password": "x"}',
    '{"login": "a@test.vn", "password": "\\udfff\\ud800"}',
    '{"\\ud800": "a"}',
])
def test_a_lone_surrogate_in_json_is_a_400_not_a_500(app, client, body):
    response = _raw(client, "/api/v1/auth/token", body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_characters" and "ký tự không hợp lệ" in error["message"]


def _meeting_body(cell, **fields) -> str:
    start = utcnow() + timedelta(days=3)
    values = {"organisation_id": cell.id, "kind": "thuong_ky", "place": "Hội trường",
              "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat()}
    values.update(fields)
    return json.dumps(values)


def test_nul_and_control_characters_in_json_are_refused(app, client, leader):
    token = api_token(client, "bt@test.vn")
    for title in ("Họp\u0000chi bộ", "Họp\u0007", "Họp\u009b"):
        response = _raw(client, "/api/v1/meetings", _meeting_body(leader, title=title), token)
        assert response.status_code == 400, title
        assert response.get_json()["error"]["code"] == "invalid_characters"
        assert "ký tự điều khiển" in response.get_json()["error"]["message"]
    assert db.session.scalars(select(Meeting)).all() == []


def test_single_line_api_fields_keep_to_one_line(app, client, leader):
    token = api_token(client, "bt@test.vn")
    response = _raw(client, "/api/v1/meetings", _meeting_body(leader, title="Họp\tchi bộ\r\ntháng 12"), token)
    assert response.status_code == 201, response.get_json()
    assert db.session.scalar(select(Meeting.title)) == "Họp chi bộ tháng 12"


def test_form_fields_and_query_strings_lose_control_characters(app, leader):
    client = signed_in(app, "bt@test.vn")
    page = client.get(f"/meetings/new?org={leader.id}").get_data(as_text=True)
    day = (local_now() + timedelta(days=10)).date().isoformat()
    response = client.post(f"/meetings/new?org={leader.id}", data={
        "csrf_token": csrf_from(page), "kind": "thuong_ky", "format": "truc_tiep", "title": "Họp\x00 chi\x1b bộ",
        "day": day, "start": "19:30", "end": "21:00", "place": "Nhà\x00 văn hóa", "online_url": "", "agenda": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting = db.session.scalar(select(Meeting))
    assert (meeting.title, meeting.place) == ("Họp chi bộ", "Nhà văn hóa")
    assert client.get("/regulations?q=%00%01%C2%9Bđảng").status_code == 200
