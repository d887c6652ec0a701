"""Granting and removing positions from the command line: audited, sessions ended, bad input refused."""
from __future__ import annotations

from sqlalchemy import select

from handbook.audit.models import AuditEvent
from handbook.extensions import db
from handbook.org.models import OrgKind, Position
from tests.support import login


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_grant_is_audited_and_ends_the_holders_sessions(app, client, runner, factory):
    ward = factory.org("Phường 1", OrgKind.DANG_BO_XA)
    user = factory.user("a@test.vn")
    factory.commit()
    assert login(client, "a@test.vn").status_code == 302
    assert client.get("/").status_code == 200

    result = runner.invoke(args=["positions", "grant", "a@test.vn", "--org", str(ward.id), "--role", "can_bo"])
    assert result.exit_code == 0, result.output
    assert "Đã giao" in result.output
    position = db.session.scalar(select(Position).where(Position.user_id == user.id))
    assert position.organisation_id == ward.id and position.scope.value == "subtree"
    [event] = _events("position.grant")
    assert event.target_id == user.id and event.actor_id is None
    assert event.details == {"organisation_id": ward.id, "role": "can_bo", "mode": "subtree"}
    # the old session is gone: the next login needs the second factor a committee position requires
    assert client.get("/").status_code == 302

    listed = runner.invoke(args=["positions", "list", "a@test.vn"])
    assert "Cán bộ" in listed.output and str(position.id) in listed.output

    result = runner.invoke(args=["positions", "revoke", str(position.id)])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Position).where(Position.user_id == user.id)) is None
    [event] = _events("position.revoke")
    assert event.details["role"] == "can_bo"


def test_grant_refuses_bad_input_without_writing(app, runner, factory):
    ward = factory.org("Phường 1", OrgKind.DANG_BO_XA)
    user = factory.user("a@test.vn")
    factory.grant(user, ward)
    factory.commit()
    cases = [
        (["positions", "grant", "khongco@test.vn", "--org", str(ward.id), "--role", "bi_thu"], "Không có tài khoản"),
        (["positions", "grant", "a@test.vn", "--org", "999999", "--role", "bi_thu"], "Không có tổ chức số 999999"),
        (["positions", "grant", "a@test.vn", "--org", str(ward.id), "--role", "vua"], "vua"),
        (["positions", "grant", "a@test.vn", "--org", str(ward.id), "--role", "bi_thu"], "đã giữ chức vụ đó"),
        (["positions", "revoke", "999999"], "Không có chức vụ số 999999"),
    ]
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    assert len(db.session.scalars(select(Position)).all()) == 1
    assert _events("position.grant") == [] and _events("position.revoke") == []
