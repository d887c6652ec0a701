"""The directory of receiving organisations: kept by committee staff for their scope (audited), searched by members
choosing where to move (names, addresses, phones and hours only), and its pages."""
from __future__ import annotations

from sqlalchemy import select

from handbook.audit.models import AuditEvent
from handbook.audit.service import Actor
from handbook.caller import load_access
from handbook.extensions import db
from handbook.members import directory
from handbook.members.move_models import ReceivingOrganisation
from handbook.org.access import can_keep_directory
from tests.support import get_csrf, signed_in


def test_add_edit_search_and_remove_are_audited(world):
    w = world
    actor = Actor(w["staff_b"].id)
    w["cell_b"].code = "CB9"
    entry = directory.add(w["ward_b"], {"name": "  Đảng ủy   phường Cửa Nam ", "address": "1 Tràng Thi",
                                        "phone": "+84 24 3825 1111", "hours": "Thứ Hai–Thứ Sáu, 8:00–11:00",
                                        "code": "CB9"}, actor)
    assert (entry.name, entry.organisation_id) == ("Đảng ủy phường Cửa Nam", w["cell_b"].id)
    assert [e.id for e in directory.search("cửa nam")] == [entry.id]
    assert [e.id for e in directory.search("tràng")] == [entry.id]
    assert directory.search("100%") == []  # the pattern's own characters are text
    directory.update(entry, {"name": "Đảng ủy phường Hoàn Kiếm", "code": ""}, actor)
    assert entry.organisation_id is None and entry.address is None
    directory.remove(entry, actor)
    assert db.session.get(ReceivingOrganisation, entry.id) is None
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("member.directory%"))
                                      .order_by(AuditEvent.id)))
    assert actions == ["member.directory_add", "member.directory_edit", "member.directory_remove"]


def test_bad_entries_are_refused(world):
    w = world
    for values, message in (({"name": " "}, "tên"), ({"name": "A" * 201}, "dài quá 200"),
                            ({"name": "A", "phone": "gọi tôi"}, "chữ số"),
                            ({"name": "A", "code": "KHONGCO"}, "Không có tổ chức")):
        try:
            directory.add(w["ward_b"], values, Actor(w["staff_b"].id))
        except directory.DirectoryError as exc:
            assert message in str(exc)
        else:
            raise AssertionError(values)
        db.session.rollback()
    assert db.session.scalar(select(ReceivingOrganisation.id).where(ReceivingOrganisation.name == "A")) is None


def test_committee_staff_keep_their_scope_only(world):
    w = world
    staff, leader = load_access(w["staff_b"]), load_access(w["leader_b"])
    assert can_keep_directory(staff, w["ward_b"]) and can_keep_directory(staff, w["cell_b"])
    assert not can_keep_directory(staff, w["ward_a"])
    assert not can_keep_directory(leader, w["cell_b"])  # a cell's leaders do not keep it
    try:
        directory.kept_entry(w["inside"].id, load_access(w["leader_a"]))
    except LookupError:
        pass
    else:
        raise AssertionError("kept by a cell leader of another ward")


def test_the_directory_pages(app, world):
    w = world
    staff = signed_in(app, "sb@test.vn")
    page = staff.get(f"/org/{w['ward_b'].id}/move-directory")
    assert page.status_code == 200 and "Đảng ủy Công ty X" in page.get_data(as_text=True)
    token = get_csrf(staff, f"/org/{w['ward_b'].id}/move-directory")
    bad = staff.post(f"/org/{w['ward_b'].id}/move-directory", data={"csrf_token": token, "name": ""})
    assert bad.status_code == 400 and "Vui lòng nhập tên tổ chức đảng." in bad.get_data(as_text=True)
    done = staff.post(f"/org/{w['ward_b'].id}/move-directory",
                      data={"csrf_token": token, "name": "Chi bộ Thôn Đông", "phone": "0912 345 678"})
    assert done.status_code == 302
    entry = db.session.scalar(select(ReceivingOrganisation).where(ReceivingOrganisation.name == "Chi bộ Thôn Đông"))
    assert staff.post(f"/move-directory/{entry.id}/edit", data={"csrf_token": token, "name": "Chi bộ Thôn Tây"}
                      ).status_code == 302
    assert staff.post(f"/move-directory/{entry.id}/delete", data={"csrf_token": token}).status_code == 302
    assert db.session.scalar(select(ReceivingOrganisation.id).where(ReceivingOrganisation.id == entry.id)) is None
    leader = signed_in(app, "lb@test.vn")  # sees the ward? no: 404; their own cell: 403
    assert leader.get(f"/org/{w['ward_b'].id}/move-directory").status_code == 404
    assert leader.get(f"/org/{w['cell_b'].id}/move-directory").status_code == 403
    assert leader.get(f"/move-directory/{w['inside'].id}/edit").status_code == 404
