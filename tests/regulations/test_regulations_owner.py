"""A regulation belongs to the organisation that issues it: only those who manage that organisation (its committee,
and those above it by scope) publish it, change its status or discard it — not the cell it is addressed to.
Every publication, status change and discard leaves an audit row."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from handbook.audit.models import AuditEvent
from handbook.extensions import db
from handbook.org.models import OrgKind, Role
from handbook.regulations.models import Document, DocumentStatus
from tests.support import get_csrf, login

BODY = "Điều 1. Phạm vi\nNội dung điều một.\n\nĐiều 2. Hiệu lực\nNội dung điều hai."


@pytest.fixture
def scene(factory):
    city = factory.org("Thành phố", OrgKind.DANG_BO_TINH)
    ward = factory.org("Phường A", OrgKind.DANG_BO_XA, city)
    cell = factory.org("Chi bộ A", OrgKind.CHI_BO, ward)
    users = {name: factory.user(f"{name}@test.vn") for name in ("staff", "secretary", "city", "admin")}
    users["admin"].is_admin = True
    factory.member(cell, users["secretary"])
    factory.grant(users["staff"], ward, Role.CAN_BO)
    factory.grant(users["secretary"], cell, Role.BI_THU)
    factory.grant(users["city"], city, Role.CAN_BO)
    factory.commit()
    return {"users": users, "ward": ward, "cell": cell, "city": city}


def _draft(client, audience_id: int, number: str = "07-QĐ/ĐU") -> Document:
    data = {"kind": "quy_dinh", "number": number, "title": "Quy định về sinh hoạt của chi bộ A",
            "issuer": "Đảng ủy phường A", "issue_date": "2026-03-01", "effective_date": "",
            "audience": str(audience_id), "body": BODY, "csrf_token": get_csrf(client, "/regulations/new")}
    response = client.post("/regulations/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(select(Document).where(Document.number == number))


def _post(client, path: str, **data):
    return client.post(path, data={"csrf_token": get_csrf(client, "/regulations/new"), **data})


def _events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_the_cell_cannot_publish_discard_or_change_the_committees_document_for_it(app, scene):
    staff, secretary = app.test_client(), app.test_client()
    login(staff, "staff@test.vn")
    login(secretary, "secretary@test.vn")
    draft = _draft(staff, scene["cell"].id)
    assert draft.owner_org_id == scene["ward"].id and draft.audience_org_id == scene["cell"].id

    # the cell's secretary does not even see the committee's draft, and cannot act on it
    assert secretary.get(f"/regulations/{draft.id}").status_code == 404
    assert _post(secretary, f"/regulations/{draft.id}/publish", replaces="0").status_code == 404
    assert _post(secretary, f"/regulations/{draft.id}/discard").status_code == 404
    db.session.expire_all()
    assert db.session.get(Document, draft.id).published_at is None

    assert _post(staff, f"/regulations/{draft.id}/publish", replaces="0").status_code == 302
    page = secretary.get(f"/regulations/{draft.id}").get_data(as_text=True)
    assert "Cập nhật tình trạng" not in page  # a reader: no status form
    refused = _post(secretary, f"/regulations/{draft.id}/status", status="amended", replaced_by="0")
    assert refused.status_code == 403
    db.session.expire_all()
    assert db.session.get(Document, draft.id).status is DocumentStatus.IN_FORCE

    # the committee above the owner may change it
    city = app.test_client()
    login(city, "city@test.vn")
    assert _post(city, f"/regulations/{draft.id}/status", status="amended", replaced_by="0").status_code == 302
    db.session.expire_all()
    assert db.session.get(Document, draft.id).status is DocumentStatus.AMENDED


def test_a_cell_still_publishes_its_own_documents(app, scene):
    secretary = app.test_client()
    login(secretary, "secretary@test.vn")
    draft = _draft(secretary, scene["cell"].id, number="01-NQ/CB")
    assert draft.owner_org_id == scene["cell"].id
    assert _post(secretary, f"/regulations/{draft.id}/publish", replaces="0").status_code == 302
    db.session.expire_all()
    assert db.session.get(Document, draft.id).is_published


def test_publication_status_changes_and_discards_are_audited(app, scene):
    staff = app.test_client()
    login(staff, "staff@test.vn")
    user = scene["users"]["staff"]
    old = _draft(staff, scene["ward"].id, number="01-QĐ/ĐU")
    assert _events("regulation.create")[-1].target_id == old.id
    assert _post(staff, f"/regulations/{old.id}/publish", replaces="0").status_code == 302
    new = _draft(staff, scene["ward"].id, number="02-QĐ/ĐU")
    assert _post(staff, f"/regulations/{new.id}/publish", replaces=str(old.id)).status_code == 302
    assert _post(staff, f"/regulations/{new.id}/status", status="amended", replaced_by="0").status_code == 302
    throwaway = _draft(staff, scene["ward"].id, number="03-QĐ/ĐU").id
    assert _post(staff, f"/regulations/{throwaway}/discard").status_code == 302

    creates = _events("regulation.create")
    assert [(e.actor_id, e.target_type, e.target_id) for e in creates] == [
        (user.id, "regulation", old.id), (user.id, "regulation", new.id), (user.id, "regulation", throwaway)]
    publishes = _events("regulation.publish")
    assert [(e.actor_id, e.target_type, e.target_id) for e in publishes] == [
        (user.id, "regulation", old.id), (user.id, "regulation", new.id)]
    assert publishes[0].details["organisation_id"] == scene["ward"].id and publishes[0].ip == "127.0.0.1"
    statuses = _events("regulation.status")
    assert [(e.actor_id, e.target_id, e.details["old_status"], e.details["new_status"]) for e in statuses] == [
        (user.id, old.id, "in_force", "superseded"),   # replaced by the new one when it was published
        (user.id, new.id, "in_force", "amended"),
    ]
    discards = _events("regulation.discard")
    assert [(e.actor_id, e.target_type, e.target_id) for e in discards] == [(user.id, "regulation", throwaway)]

    admin = app.test_client()
    login(admin, "admin@test.vn")
    page = admin.get("/admin/audit/").get_data(as_text=True)
    for label in ("Soạn văn bản (bản nháp)", "Ban hành văn bản", "Đổi tình trạng văn bản", "Xoá bản nháp văn bản"):
        assert label in page


def test_refused_actions_leave_no_audit_row(app, scene):
    staff, secretary = app.test_client(), app.test_client()
    login(staff, "staff@test.vn")
    login(secretary, "secretary@test.vn")
    draft = _draft(staff, scene["cell"].id)
    _post(secretary, f"/regulations/{draft.id}/publish", replaces="0")
    _post(secretary, f"/regulations/{draft.id}/discard")
    assert _events("regulation.publish") == [] and _events("regulation.discard") == []
