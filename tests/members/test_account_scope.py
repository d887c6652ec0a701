"""What a record's manager may do to the account behind it, and how far a committee position reaches: a cell leader
cannot take over the ward's staff through their member record; merging two records closes the dropped account; a
position over a committee alone does not read the cells below it; a member who left reads no regulation."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from handbook.audit.models import AuditEvent
from handbook.audit.service import Actor
from handbook.auth.models import ActivationCode, User
from handbook.auth.service import create_api_token
from handbook.extensions import db
from handbook.members import duplicates
from handbook.members.models import Member, MemberStatus
from handbook.org.models import OrgKind, Position, Role, Scope
from tests.support import csrf_from, signed_in


@pytest.fixture
def ward(factory):
    ward = factory.org("Đảng bộ phường Hải Châu", OrgKind.DANG_BO_XA)
    one = factory.org("Chi bộ 1", OrgKind.CHI_BO, ward)
    two = factory.org("Chi bộ 2", OrgKind.CHI_BO, ward)
    leader = factory.user("bithu@test.vn")
    factory.member(one, leader, name="Nguyễn Thị Bí Thư")
    factory.grant(leader, one, Role.BI_THU)
    staff = factory.user("canbo@test.vn")  # ward staff, and a member of cell 1
    staff_record = factory.member(one, staff, name="Phạm Văn Cán Bộ")
    factory.grant(staff, ward, Role.CAN_BO)
    plain = factory.user("dv@test.vn")
    plain_record = factory.member(one, plain, name="Trần Văn Thường")
    secret = factory.member(two, name="Lê Thị Bí Mật", cccd="001080000001")
    unit = factory.user("donvi@test.vn")  # staff of the ward committee itself, not of the cells below
    factory.grant(unit, ward, Role.CAN_BO, Scope.UNIT)
    admin = factory.user("admin@test.vn", admin=True)
    factory.commit()
    return {"ward": ward, "one": one, "two": two, "staff": staff_record, "plain": plain_record, "secret": secret,
            "admin": admin}


def _post_on_record(client, member_id: int, path: str, **data):
    page = client.get(f"/members/{member_id}").get_data(as_text=True)
    return client.post(f"/members/{member_id}/{path}", data={"csrf_token": csrf_from(page), **data})


def test_a_cell_leader_cannot_reset_or_end_the_ward_staffs_account(app, ward):
    leader = signed_in(app, "bithu@test.vn")
    staff = ward["staff"]
    refused = _post_on_record(leader, staff.id, "activation-code")
    assert refused.status_code == 403 and "cấp ủy cấp trên" in refused.get_data(as_text=True)
    assert db.session.scalar(select(ActivationCode.id)) is None
    ended = _post_on_record(leader, staff.id, "status", status="ra_khoi_dang", from_date="01/12/2026", reason="x")
    assert ended.status_code == 403
    assert db.session.get(Member, staff.id).status is not MemberStatus.RA_KHOI_DANG

    # an ordinary member of the cell: the leader may, and the code is audited
    assert _post_on_record(leader, ward["plain"].id, "activation-code").status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.activation_code"))
    assert event is not None and event.target_id == ward["plain"].user_id


def test_those_above_the_staffs_committee_may(app, ward):
    assert _post_on_record(signed_in(app, "admin@test.vn"), ward["staff"].id, "activation-code").status_code == 200


def test_merging_two_records_with_accounts_closes_the_dropped_one(app, factory, ward):
    keep, drop = ward["plain"], ward["staff"]  # the dropped one's account holds the ward position
    old_session = signed_in(app, "canbo@test.vn")
    token = create_api_token(db.session.get(User, drop.user_id))
    dropped_user = drop.user_id
    duplicates.merge(keep, drop, Actor(ward["admin"].id))
    account = db.session.get(User, dropped_user)
    assert not account.is_active_account and account.phone is None
    assert db.session.scalar(select(Position.id).where(Position.user_id == dropped_user)) is None
    assert old_session.get("/org/").status_code == 302  # signed out
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "auth.account_closed")) is not None


def test_a_unit_position_over_the_ward_reads_no_cell_below_it(app, ward):
    client = signed_in(app, "donvi@test.vn")
    listed = client.get(f"/api/v1/organisations/{ward['ward'].id}/members").get_json()
    assert [m for m in listed["items"] if m.get("cccd") == "001080000001"] == [] and listed["total"] == 0
    printed = client.get(f"/org/{ward['ward'].id}/members/print").get_data(as_text=True)
    assert "Lê Thị Bí Mật" not in printed
    # the subtree's own staff read it, and reading full records through the API is audited like an export
    staff = signed_in(app, "canbo@test.vn")
    listed = staff.get(f"/api/v1/organisations/{ward['ward'].id}/members").get_json()
    assert "001080000001" in {m.get("cccd") for m in listed["items"]}
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "members.export",
                                                         AuditEvent.details["format"].as_string() == "api"))


def test_a_member_who_left_reads_no_regulation_not_even_the_deployments(app, factory, ward):
    everyone = factory.document(None)
    factory.commit()
    client = signed_in(app, "dv@test.vn")
    assert client.get(f"/regulations/{everyone.id}").status_code == 200
    record = db.session.get(Member, ward["plain"].id)
    record.status = MemberStatus.CHUYEN_DI  # as the status change leaves it (the session is kept on purpose here)
    db.session.commit()
    assert client.get(f"/regulations/{everyone.id}").status_code == 404
    assert client.get("/api/v1/regulations").get_json()["items"] == []
    me = client.get("/api/v1/me").get_json()
    assert me["organisation_id"] is None and me["positions"] == []
