"""What every signed-in page pays before it does anything: the session check (one statement, the session and its
user only), the caller's Access (one statement for a member's placement, one more for those holding positions)
and, where the layout shows it, the menu's unread badge (one statement)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from handbook.auth import sessions
from handbook.caller import load_access
from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.members.models import Member, MemberStatus
from handbook.notify.models import Notification
from handbook.org.models import OrgKind, Role, Scope
from tests.support import signed_in


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
    return {"member": member, "leader": leader, "staff": staff, "cell": cell, "group": group, "other": other,
            "ward": ward}


@pytest.mark.parametrize("who", ["member", "leader", "staff"])
def test_the_session_check_reads_the_session_and_its_user_only(app, people, statements, who):
    user = people[who]
    token, user_id = sessions.start(user, "127.0.0.1", "pytest"), str(user.id)
    with app.test_request_context("/"), statements() as seen:
        found = sessions.user_for(token, user_id)
    assert found is not None and found.id == int(user_id)
    assert len(seen) == 1 and "FROM user_sessions JOIN users" in seen[0]
    assert not any(table in seen[0] for table in ("members", "positions", "notifications"))


@pytest.mark.parametrize(("who", "cost"), [("member", 1), ("leader", 2), ("staff", 2)])
def test_the_access_costs_one_statement_and_one_more_for_positions(app, people, statements, who, cost):
    user = people[who]
    user.id  # noqa: B018 - loaded before counting (the commit expired it)
    with app.test_request_context("/"), statements() as seen:
        access = load_access(user)
    assert len(seen) == cost
    assert bool(access.grants) is (who != "member")
    assert (access.member_id is None) is (who == "staff")
    if who == "member":
        assert (access.cell_id, access.group_id, access.temporary_cell_id) == (
            people["cell"].id, people["group"].id, people["other"].id)
        assert access.cell_path == people["cell"].path


def test_an_ended_session_signs_nobody_in(app, people):
    user = people["member"]
    token = sessions.start(user, "127.0.0.1", "pytest")
    sessions.revoke_token(token)
    with app.test_request_context("/"):
        assert sessions.user_for(token, str(user.id)) is None


def test_the_badge_counts_only_my_due_unread_notifications(app, people, statements):
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
    with statements() as seen:
        response = client.get("/meetings")
    assert response.status_code == 200
    assert 'aria-label="2 chưa đọc"' in response.get_data(as_text=True)
    # the session, the placement and the badge each once; a member without positions is not asked for them
    assert len([s for s in seen if "FROM user_sessions" in s]) == 1
    assert len([s for s in seen if "count(notifications.id)" in s]) == 1
    assert not [s for s in seen if s.startswith("SELECT positions.organisation_id")]


def test_a_member_who_left_brings_only_their_own_record(app, people, statements):
    """The status is read with the placement: deciding on it adds nothing — not even the positions of a bí thư
    who left and still holds them, which no longer count."""
    leader = people["leader"]
    db.session.execute(update(Member).where(Member.user_id == leader.id).values(status=MemberStatus.CHUYEN_DI))
    db.session.commit()
    leader.id  # noqa: B018 - loaded before counting (the commit expired it)
    with app.test_request_context("/"), statements() as seen:
        access = load_access(leader)
    assert len(seen) == 1
    assert access.member_id is not None and access.member is None and access.has_left
    assert (access.cell_id, access.cell_path, access.grants, access.is_leader) == (None, None, [], False)
