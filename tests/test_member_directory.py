"""The cell directory: Vietnamese name order (ICU), what members and leaders see, and its query count."""
from __future__ import annotations

import unicodedata
from contextlib import contextmanager

from sqlalchemy import event

from handbook.extensions import db
from handbook.members.collation import name_sort_key, sort_by_name
from handbook.members.models import MemberStatus
from handbook.org.models import OrgKind, Role
from tests.conftest import login


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


@contextmanager
def count_queries():
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def _counts(app, cell_id: int) -> tuple[int, int]:
    leader, member = app.test_client(), app.test_client()
    login(leader, "bt@test.vn")
    login(member, "dv@test.vn")
    with count_queries() as directory:
        assert leader.get(f"/org/{cell_id}").status_code == 200
    with count_queries() as profile:
        assert member.get("/profile").status_code == 200
    return len(directory), len(profile)


def test_directory_and_profile_query_counts_stay_flat(app, factory):
    cell = _scene(factory, size=150)
    small = _counts(app, cell.id)
    assert small[0] <= 12 and small[1] <= 10, small  # the profile: + own sessions and second factor
    other = factory.org("Chi bộ khác", OrgKind.CHI_BO)
    for i in range(300):
        factory.member(other, name=f"Khác {i}")
    for i in range(50):
        factory.member(cell, name=f"Mới Văn Thêm {i}")
    factory.commit()
    assert _counts(app, cell.id) == small  # more members, here and elsewhere: the same number of queries
