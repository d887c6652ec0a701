"""The set-up checklist on the home page: administrators and committee staff of an empty or young deployment see
the four steps (tree, members, positions, activation codes) with their counts in their scope, each linking to its
page; it disappears once every step is done; members and cell leaders never see it, nor pay for it."""
from __future__ import annotations

import re

from handbook.members.models import MemberStatus
from handbook.org.models import OrgKind, Role
from tests.support import signed_in


def _steps(html: str) -> dict[str, tuple[bool, str]]:
    """step key → (done, its text)."""
    found = {}
    for state, key, body in re.findall(r'<li class="(done|todo)" data-step="(\w+)">(.*?)</li>', html, re.S):
        found[key] = (state == "done", " ".join(re.sub(r"<[^>]+>", " ", body).split()))
    return found


def test_an_empty_deployment_shows_every_step_not_done(app, factory):
    factory.user("admin@test.vn", admin=True)
    factory.commit()
    html = signed_in(app, "admin@test.vn").get("/").get_data(as_text=True)
    assert "Các bước thiết lập" in html
    steps = _steps(html)
    assert list(steps) == ["tree", "members", "positions", "codes"]
    assert not any(done for done, _text in steps.values())
    assert "0 chi bộ" in steps["tree"][1] and "0 đảng viên" in steps["members"][1]
    assert "0/0 chi bộ đã có bí thư" in steps["positions"][1]
    assert 'href="/members/import"' in html  # each step links to its page


def test_steps_fill_in_then_the_checklist_goes(app, factory):
    factory.user("admin@test.vn", admin=True)
    ward = factory.org("Đảng bộ phường A", OrgKind.DANG_BO_XA)
    cell_a, cell_b = factory.org("Chi bộ 1", parent=ward), factory.org("Chi bộ 2", parent=ward)
    leader = factory.user("bithu@test.vn")
    factory.member(cell_a, leader)
    waiting = factory.member(cell_a, phone="+84901234567")
    factory.member(cell_b)  # no phone, no e-mail: cannot get a code, not waiting for one
    factory.member(cell_b, phone="+84901234568", status=MemberStatus.CHUYEN_DI)  # left: not counted
    factory.grant(leader, cell_a, Role.BI_THU)
    factory.commit()
    client = signed_in(app, "admin@test.vn")

    steps = _steps(client.get("/").get_data(as_text=True))
    assert steps["tree"] == (True, "Tạo hoặc nhập cây tổ chức đảng Đã xong 2 chi bộ")
    assert steps["members"][0] and "3 đảng viên" in steps["members"][1]
    assert not steps["positions"][0] and "1/2 chi bộ đã có bí thư" in steps["positions"][1]
    assert not steps["codes"][0] and "1 đảng viên đã có tài khoản, 1 đang chờ mã" in steps["codes"][1]

    factory.grant(factory.user("bithu2@test.vn"), cell_b, Role.BI_THU)
    waiting.user_id = factory.user(phone="+84901234567").id
    factory.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Các bước thiết lập" not in html and 'data-step=' not in html


def test_committee_staff_see_their_own_scope_only(app, factory):
    ward, other = factory.org("Phường A", OrgKind.DANG_BO_XA), factory.org("Phường B", OrgKind.DANG_BO_XA)
    factory.member(factory.org("Chi bộ A1", parent=ward))
    for n in range(3):
        factory.member(factory.org(f"Chi bộ B{n}", parent=other))
    factory.grant(factory.user("canbo@test.vn"), ward, Role.CAN_BO)
    factory.commit()
    steps = _steps(signed_in(app, "canbo@test.vn").get("/").get_data(as_text=True))
    assert "1 chi bộ" in steps["tree"][1] and "1 đảng viên" in steps["members"][1]


def test_members_and_cell_leaders_neither_see_nor_pay_for_it(app, factory, statements):
    cell = factory.org("Chi bộ 1")
    leader, member = factory.user("bithu@test.vn"), factory.user("dv@test.vn")
    factory.member(cell, leader)
    factory.member(cell, member)
    factory.grant(leader, cell, Role.BI_THU)
    factory.commit()
    for email in ("dv@test.vn", "bithu@test.vn"):
        client = signed_in(app, email)
        client.get("/")
        with statements() as seen:
            html = client.get("/").get_data(as_text=True)
        assert "Các bước thiết lập" not in html
        assert seen and not any("AS waiting" in s for s in seen), email


def test_the_admin_pays_one_statement(app, factory, statements):
    factory.user("admin@test.vn", admin=True)
    factory.commit()
    client = signed_in(app, "admin@test.vn")
    client.get("/")
    with statements() as seen:
        client.get("/")
    checklist = [s for s in seen if "AS waiting" in s]
    assert len(checklist) == 1 and checklist[0].lower().count("count(") == 5


def test_a_dissolved_cell_needs_no_bi_thu(app, factory):
    from datetime import date

    factory.user("admin@test.vn", admin=True)
    ward = factory.org("Đảng bộ phường A", OrgKind.DANG_BO_XA)
    cell, gone = factory.org("Chi bộ 1", parent=ward), factory.org("Chi bộ cũ", parent=ward)
    gone.dissolved_on = date(2025, 9, 1)
    leader = factory.user("bithu@test.vn")
    factory.member(cell, leader)
    factory.member(cell, phone="+84901234567")  # still waiting for a code: the checklist stays
    factory.grant(leader, cell, Role.BI_THU)
    factory.commit()
    steps = _steps(signed_in(app, "admin@test.vn").get("/").get_data(as_text=True))
    assert steps["positions"][0] and "1/1 chi bộ đã có bí thư" in steps["positions"][1]
    assert "1 chi bộ" in steps["tree"][1]


def test_only_those_who_can_set_up_see_it(app, factory):
    """A committee's deputy secretary may not import or restructure: the steps would lead to refusals."""
    ward = factory.org("Đảng bộ phường A", OrgKind.DANG_BO_XA)
    factory.org("Chi bộ 1", parent=ward)
    factory.grant(factory.user("pbt@test.vn"), ward, Role.PHO_BI_THU)
    factory.grant(factory.user("canbo@test.vn"), ward, Role.CAN_BO)
    factory.commit()
    assert "Các bước thiết lập" not in signed_in(app, "pbt@test.vn").get("/").get_data(as_text=True)
    staff = signed_in(app, "canbo@test.vn")
    html = staff.get("/").get_data(as_text=True)
    assert "Các bước thiết lập" in html
    for link in set(re.findall(r'<li class="(?:done|todo)" data-step="\w+">.*?href="([^"]+)"', html, re.S)):
        assert staff.get(link).status_code == 200, link
