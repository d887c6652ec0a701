"""The tree in the API: an organisation's children paged, its changes, and JSON errors for bad paging."""
from __future__ import annotations

import time_machine

from handbook.audit.service import Actor
from handbook.org.history import Decision
from handbook.org.models import OrgKind, Role
from handbook.org.service import rename_organisation
from tests.support import signed_in


@time_machine.travel("2025-10-01 09:00 +07:00", tick=False)
def test_children_are_paged_and_changes_listed(app, factory):
    ward = factory.org("Phường A", OrgKind.DANG_BO_XA)
    cells = [factory.org(f"Chi bộ {n:02d}", OrgKind.CHI_BO, ward) for n in range(1, 6)]
    staff = factory.user("staff@test.vn")
    factory.grant(staff, ward, Role.CAN_BO)
    factory.commit()
    rename_organisation(cells[0], "Chi bộ 00", decision=Decision("9-QĐ/ĐU", "Lê C"), actor=Actor())
    client = signed_in(app, "staff@test.vn")
    body = client.get(f"/api/v1/organisations/{ward.id}?page=2&per_page=2").get_json()
    assert [c["name"] for c in body["children"]] == ["Chi bộ 03", "Chi bộ 04"]  # "Chi bộ 00" (renamed) first
    assert (body["total_children"], body["pages"], body["page"]) == (5, 3, 2)
    changes = client.get(f"/api/v1/organisations/{cells[0].id}/changes").get_json()
    assert [c["kind"] for c in changes["items"]] == ["rename", "create"]
    assert changes["items"][0]["decision_number"] == "9-QĐ/ĐU" and changes["items"][0]["signer"] == "Lê C"
    too_many = client.get(f"/api/v1/organisations/{ward.id}?per_page=201")
    assert too_many.status_code == 422 and "error" in too_many.get_json()
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/organisations/{org_id}/changes" in spec["paths"]
