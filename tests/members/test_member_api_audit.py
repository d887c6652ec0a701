"""The members API (card vs full record, paging) and the audit log (recorded, no personal data, browsable)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from handbook.audit.models import AuditEvent
from handbook.core.timeutil import local_zone
from handbook.extensions import db
from handbook.org.models import OrgKind, Role
from tests.support import login


@pytest.fixture
def scene(factory):
    ward = factory.org("Đảng bộ phường", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ 5", OrgKind.CHI_BO, ward)
    leader = factory.user("bt@test.vn", name="Bí thư")
    led = factory.member(cell, leader, name="Lê Văn Thư", phone="+84901000001")
    factory.grant(leader, cell, Role.BI_THU)
    own = factory.member(cell, factory.user("dv@test.vn"), name="Nguyễn Văn An", cccd="001080000001",
                         phone="+84901000002")
    for given in ("Bình", "Cường", "Dũng", "Đạt", "Giang", "Hà", "Hải"):
        factory.member(cell, name=f"Trần Văn {given}")
    admin = factory.user("admin@test.vn", admin=True)
    factory.commit()
    return cell, led, own, admin


def test_member_gets_card_of_cellmate_and_full_own_record(app, client, scene):
    cell, led, own, _admin = scene
    login(client, "dv@test.vn")
    card = client.get(f"/api/v1/members/{led.id}").get_json()
    assert card == {"id": led.id, "view": "card", "full_name": "Lê Văn Thư", "title": "Bí thư",
                    "phone": "+84901000001", "organisation_id": cell.id}
    mine = client.get(f"/api/v1/members/{own.id}").get_json()
    assert mine["view"] == "full" and mine["cccd"] == "001080000001" and mine["status"] == "chinh_thuc"
    listing = client.get(f"/api/v1/organisations/{cell.id}/members?per_page=4").get_json()
    assert listing["total"] == 9 and listing["pages"] == 3 and len(listing["items"]) == 4
    assert all(set(item) == {"id", "view", "full_name", "title", "phone", "organisation_id"}
               for item in listing["items"])
    assert [i["full_name"] for i in listing["items"]][0] == "Nguyễn Văn An"  # An before Bình
    # own record and cards are not audited (only the login itself is)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.not_like("auth.%"))) is None


def test_leader_gets_full_records_and_views_are_audited(app, client, scene):
    cell, _led, own, _admin = scene
    login(client, "bt@test.vn")
    full = client.get(f"/api/v1/members/{own.id}").get_json()
    assert full["view"] == "full" and full["birth_date"] == "1980-01-01"
    page = client.get(f"/api/v1/organisations/{cell.id}/members?page=3&per_page=4").get_json()
    assert len(page["items"]) == 1 and page["items"][0]["view"] == "full"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.view"))
    assert event.target_id == own.id and event.details == {"source": "api"} and event.ip == "127.0.0.1"


@pytest.mark.parametrize("query", ["page=0", "per_page=500", "page=abc", "per_page="])
def test_bad_paging_is_a_json_422(app, client, scene, query):
    cell, *_ = scene
    login(client, "bt@test.vn")
    response = client.get(f"/api/v1/organisations/{cell.id}/members?{query}")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_error"


def test_audit_log_browsing_and_filters(app, client, scene):
    cell, _led, own, admin = scene
    leader = app.test_client()
    login(leader, "bt@test.vn")
    leader.get(f"/members/{own.id}")
    leader.get(f"/org/{cell.id}/members.xlsx")
    login(client, "admin@test.vn")
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert '<td title="member.view">Xem hồ sơ</td>' in page
    assert '<td title="members.export">Xuất danh sách Excel</td>' in page
    filtered = client.get("/admin/audit/?action=members.export").get_data(as_text=True)
    assert '<td title="members.export">' in filtered and '<td title="member.view">' not in filtered
    today = datetime.now(local_zone()).date()  # the filter's days are the users' (Asia/Ho_Chi_Minh) days
    by_date = client.get(f"/admin/audit/?from={today:%d/%m/%Y}&to={today:%d/%m/%Y}")
    assert "4 sự kiện" in by_date.get_data(as_text=True)  # the view, the export and the two logins
    yesterday = today - timedelta(days=1)
    assert "0 sự kiện" in client.get(f"/admin/audit/?from={yesterday:%d/%m/%Y}&to={yesterday:%d/%m/%Y}"
                                     ).get_data(as_text=True)
    assert "0 sự kiện" in client.get("/admin/audit/?from=01/01/2001&to=02/01/2001").get_data(as_text=True)
    assert client.get("/admin/audit/?from=rác&actor=x&page=-1").status_code == 200
    details = json.dumps([e.details for e in db.session.scalars(select(AuditEvent))], ensure_ascii=False)
    assert "001080000001" not in details and "Nguyễn" not in details and "+8490" not in details
