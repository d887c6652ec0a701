"""The one statement at the start of every signed-in page (`auth.signed_in`): what it brings must be what the
separate lookups gave, and the pages must stop asking again."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import event

from handbook.auth import sessions
from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.members.service import titles_for_user
from handbook.notify.models import Notification
from handbook.org.access import load_access
from handbook.org.models import OrgKind, Role, Scope
from tests.meetings.conftest import signed_in


@pytest.fixture
def people(factory):
    ward = factory.org("Đảng bộ phường Thạch Thang", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ Khu dân cư số 3", OrgKind.CHI_BO, ward)
    group = factory.org("Tổ đảng số 2", OrgKind.TO_DANG, cell)
    other = factory.org("Chi bộ Khu dân cư số 4", OrgKind.CHI_BO, ward)
    member = factory.user("dangvien@test.vn", name="Trần Văn Minh")
    factory.member(cell, member, group_id=group.id, temporary_cell_id=other.id)
    leader = factory.user("bithu@test.vn", name="Nguyễn Thị Hồng")
    factory.member(cell, leader)
    factory.grant(leader, cell, Role.BI_THU)
    factory.grant(leader, ward, Role.CAN_BO, Scope.UNIT)
    staff = factory.user("canbo@test.vn", name="Lê Văn Cán")  # committee staff without a member record here
    factory.grant(staff, ward, Role.CAN_BO)
    factory.commit()
    return {"member": member, "leader": leader, "staff": staff}


def _counted(fn):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        return fn(), statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@pytest.mark.parametrize("who", ["member", "leader", "staff"])
def test_the_access_it_brings_is_the_access_loaded_on_its_own(app, people, who):
    user = people[who]
    token = sessions.start(user, "127.0.0.1", "pytest")
    with app.test_request_context("/"):
        found = sessions.user_for(token, str(user.id))
        assert found is not None and found.id == user.id
        preloaded, statements = _counted(lambda: load_access(found))
        titles = titles_for_user(user.id)
        for name in ("signed_in", "_access_cache", "nav_unread"):
            g.pop(name, None)
        assert load_access(found) == preloaded
        assert titles_for_user(user.id) == titles
    # only someone holding a position still needs a query of their own (the positions)
    assert len(statements) == (0 if who == "member" else 1)
    assert bool(preloaded.grants) is (who != "member")
    assert (preloaded.member_id is None) is (who == "staff")
    if who == "member":
        assert preloaded.group_id is not None and preloaded.temporary_cell_id is not None


def test_an_ended_session_brings_nothing(app, people):
    user = people["member"]
    token = sessions.start(user, "127.0.0.1", "pytest")
    sessions.revoke_token(token)
    with app.test_request_context("/"):
        assert sessions.user_for(token, str(user.id)) is None
        assert g.get("signed_in") is None and "nav_unread" not in g


def test_the_badge_counts_only_my_due_unread_notifications(app, people):
    me, other = people["member"], people["leader"]
    now = utcnow()
    rows = [(me, None, None), (me, None, None), (me, now, None), (me, None, now + timedelta(hours=8)),
            (other, None, None)]  # two unread; one read, one held until morning, one someone else's
    db.session.add_all([
        Notification(user_id=user.id, kind="test", title=f"Thông báo {i}", body="…", url="/", tag=f"t{i}",
                     dedupe_key=f"badge-{i}", read_at=read_at, not_before=not_before)
        for i, (user, read_at, not_before) in enumerate(rows)
    ])
    db.session.commit()
    client = signed_in(app, "dangvien@test.vn")
    response, statements = _counted(lambda: client.get("/meetings"))
    assert response.status_code == 200
    assert 'aria-label="2 chưa đọc"' in response.get_data(as_text=True)
    # the session lookup brought the badge, the placement and "no positions": none of them is asked again
    lookup, rest = statements[0], statements[1:]
    assert "FROM user_sessions" in lookup and "JOIN members" in lookup
    assert not [s for s in rest if "positions" in s or "count(notifications.id)" in s or "FROM members" in s]


def test_a_member_who_left_costs_no_statement_and_brings_only_their_own_record(app, people):
    """The status is in the session lookup's one statement: deciding on it adds nothing — not even the positions
    of a bí thư who left and still holds them, which no longer count."""
    from sqlalchemy import update

    from handbook.members.models import Member, MemberStatus

    leader = people["leader"]
    db.session.execute(update(Member).where(Member.user_id == leader.id).values(status=MemberStatus.CHUYEN_DI))
    db.session.commit()
    token = sessions.start(leader, "127.0.0.1", "pytest")
    with app.test_request_context("/"):
        found = sessions.user_for(token, str(leader.id))
        access, statements = _counted(lambda: load_access(found))
    assert statements == []
    assert access.member_id is not None and access.member is None and access.has_left
    assert (access.cell_id, access.cell_path, access.grants, access.is_leader) == (None, None, [], False)
