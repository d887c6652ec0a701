"""The cell directory: Vietnamese name order (ICU), what members and leaders see, and its query count."""
from __future__ import annotations

import unicodedata

from handbook.members.collation import name_sort_key, sort_by_name
from handbook.members.models import MemberStatus
from handbook.org.models import OrgKind, Role
from tests.support import login


def test_vietnamese_order_by_given_name_then_the_rest(app):
    names = ["Trần Văn Ưng", "Lê Thị Ơn", "Nguyễn Văn Đức", "Phạm Văn Dũng", "Hoàng Thị Ân", "Bùi Văn Ăn",
             "Vũ Thị An", "Đỗ Văn An", "Nguyễn Thị Uyên", "Lê Văn Ôn", "Nguyễn Văn Bình", "Ngô Thị Ánh"]
    ordered = sorted(names, key=name_sort_key)
    assert ordered == [
        "Đỗ Văn An",        # equal given names: by the rest, and Đ after D…
        "Vũ Thị An",
        "Ngô Thị Ánh",      # a, then its tones
        "Bùi Văn Ăn",       # ă after a
        "Hoàng Thị Ân",     # â after ă
        "Nguyễn Văn Bình",
        "Phạm Văn Dũng",
        "Nguyễn Văn Đức",   # đ after d
        "Lê Văn Ôn",
        "Lê Thị Ơn",        # ơ after ô
        "Nguyễn Thị Uyên",
        "Trần Văn Ưng",     # ư after u
    ]


def test_equal_given_names_sort_by_family_name_with_d_before_dj(app):
    assert sorted(["Đặng Văn An", "Dương Văn An", "Ân Văn An"], key=name_sort_key) == [
        "Ân Văn An", "Dương Văn An", "Đặng Văn An"]


def test_nfd_names_sort_like_nfc(app):
    nfd = unicodedata.normalize("NFD", "Trần Văn Ưng")
    assert name_sort_key(nfd) == name_sort_key("Trần Văn Ưng")
    assert sort_by_name(["Ư", "U"], name=lambda x: x) == ["U", "Ư"]


def _scene(factory, size=5):
    cell = factory.org("Chi bộ Khu phố 3", OrgKind.CHI_BO)
    leader = factory.user("bt@test.vn", name="Bí thư")
    factory.member(cell, leader, name="Phạm Văn Đức", phone="+84901000001")
    factory.grant(leader, cell, Role.BI_THU)
    deputy = factory.user("pbt@test.vn")
    factory.member(cell, deputy, name="Nguyễn Thị Ánh")
    factory.grant(deputy, cell, Role.PHO_BI_THU)
    own = factory.user("dv@test.vn")
    factory.member(cell, own, name="Lê Văn An", phone="+84901000002")
    for i in range(size):
        factory.member(cell, name=f"Trần Văn Ơn {i}", phone=f"+8490200{i:04d}")
    factory.member(cell, name="Người Đã Chuyển", status=MemberStatus.CHUYEN_DI)
    factory.commit()
    return cell


def test_member_sees_names_positions_and_phones_only(app, client, factory):
    cell = _scene(factory)
    login(client, "dv@test.vn")
    page = client.get(f"/org/{cell.id}").get_data(as_text=True)
    assert page.index("Lê Văn An") < page.index("Nguyễn Thị Ánh") < page.index("Phạm Văn Đức")
    assert "Bí thư" in page and "Phó Bí thư" in page
    assert 'href="tel:+84901000001"' in page
    assert "/members/" not in page and "Chính thức" not in page and "Người Đã Chuyển" not in page
    assert "members.xlsx" not in page


def test_leader_sees_status_links_and_former_members(app, client, factory):
    cell = _scene(factory)
    login(client, "bt@test.vn")
    page = client.get(f"/org/{cell.id}").get_data(as_text=True)
    assert "Chính thức" in page and "/members/" in page and "Người Đã Chuyển" in page
    assert f"/org/{cell.id}/members.xlsx" in page


def _counts(app, cell_id: int, statements) -> tuple[int, int]:
    leader, member = app.test_client(), app.test_client()
    login(leader, "bt@test.vn")
    login(member, "dv@test.vn")
    with statements() as directory:
        assert leader.get(f"/org/{cell_id}").status_code == 200
    with statements() as profile:
        assert member.get("/profile").status_code == 200
    return len(directory), len(profile)


def test_directory_and_profile_query_counts_stay_flat(app, factory, statements):
    cell = _scene(factory, size=150)
    small = _counts(app, cell.id, statements)
    assert small[0] <= 12 and small[1] <= 10, small  # the profile: + own sessions and second factor
    other = factory.org("Chi bộ khác", OrgKind.CHI_BO)
    for i in range(300):
        factory.member(other, name=f"Khác {i}")
    for i in range(50):
        factory.member(cell, name=f"Mới Văn Thêm {i}")
    factory.commit()
    assert _counts(app, cell.id, statements) == small  # more members, here and elsewhere: the same number of queries


def _groups_scene(factory, groups: int):
    cell = _scene(factory, size=0)
    tos = [factory.org(f"Tổ đảng số {i + 1}", OrgKind.TO_DANG, cell) for i in range(groups)]
    for i, to in enumerate(tos):
        for j in range(i + 1):  # tổ 1 has one member, tổ 2 two, …
            factory.member(cell, name=f"Tổ viên {i}-{j}", group_id=to.id)
    factory.commit()
    return cell, tos


def test_each_party_group_shows_its_members_count(app, client, factory):
    cell, tos = _groups_scene(factory, 3)
    empty = factory.org("Tổ đảng trống", OrgKind.TO_DANG, cell)
    factory.commit()
    login(client, "dv@test.vn")
    page = client.get(f"/org/{cell.id}").get_data(as_text=True)
    for to, n in zip(tos, (1, 2, 3), strict=True):
        entry = page[page.index(f'href="/org/{to.id}"'):]
        assert f"Tổ đảng · {n} đảng viên" in entry[:entry.index("</li>")], to.name
    entry = page[page.index(f'href="/org/{empty.id}"'):]
    assert "Tổ đảng · 0 đảng viên" in entry[:entry.index("</li>")]
    # the cell itself counts all its members once, grouped or not
    from handbook.members.service import count_members_by_org
    assert count_members_by_org([cell.id, *(t.id for t in tos)]) == {
        cell.id: 3 + 1 + 2 + 3 + 1, tos[0].id: 1, tos[1].id: 2, tos[2].id: 3}


def test_a_party_group_page_lists_its_members(app, client, factory):
    cell, tos = _groups_scene(factory, 2)
    login(client, "dv@test.vn")
    page = client.get(f"/org/{tos[1].id}").get_data(as_text=True)
    assert "Đảng viên (2)" in page and "Tổ viên 1-0" in page and "Tổ viên 1-1" in page
    assert "Tổ viên 0-0" not in page and "Lê Văn An" not in page


def test_party_group_counts_cost_no_query_per_group(app, factory, statements):
    cell, _tos = _groups_scene(factory, 2)
    few = _counts(app, cell.id, statements)
    for i in range(6):
        to = factory.org(f"Tổ thêm {i}", OrgKind.TO_DANG, cell)
        factory.member(cell, name=f"Thêm {i}", group_id=to.id)
    factory.commit()
    assert _counts(app, cell.id, statements) == few
