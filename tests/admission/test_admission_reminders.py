"""The reminder rule: the cell's leaders get one notice per overdue or soon item, once for its due day, naming the
day; 30 days before a probation ends the sponsor is told too."""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from handbook.admission.models import CandidateStatus
from handbook.extensions import db
from handbook.members.models import MemberStatus
from handbook.notify.kinds import kinds_for
from handbook.notify.models import Notification
from handbook.notify.rules import run_rules
from handbook.org.models import OrgKind, Role
from tests.admission.probation_scene import add_step

NOW = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)  # 08:00 on Monday 01/03/2027 in Vietnam


def _scene(factory):
    ward = factory.org("Đảng bộ phường Mỹ An", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ Khu phố 3", OrgKind.CHI_BO, ward)
    people = {}
    for key, role in (("bithu", Role.BI_THU), ("chiuy", Role.CAP_UY_VIEN), ("giupdo", None), ("khac", None)):
        user = factory.user(f"{key}@test.vn")
        people[key] = (user, factory.member(cell, user))
        if role:
            factory.grant(user, cell, role)
    gone_user = factory.user("dachuyen@test.vn")  # a former leader who left keeps the position, not the reminders
    factory.member(cell, gone_user, status=MemberStatus.CHUYEN_DI)
    factory.grant(gone_user, cell, Role.PHO_BI_THU)
    staff = factory.user("phuong@test.vn")
    factory.grant(staff, ward, Role.CAN_BO)
    late = factory.candidate(cell, name="Đinh Thị Muộn", created_at=datetime(2026, 10, 1, 3, 0, tzinfo=UTC))
    add_step(late, "cell_resolution", date(2026, 11, 2))  # the decision was due on 27/01/2027
    ending = factory.candidate(cell, name="Lý Văn Sắp", status=CandidateStatus.DU_BI, admitted_on=date(2026, 3, 20),
                               sponsor_id=people["giupdo"][1].id)
    factory.commit()
    return people, late, ending


def _sent():
    return db.session.execute(select(Notification.user_id, Notification.title, Notification.body,
                                     Notification.kind, Notification.url)
                              .order_by(Notification.id)).all()


def test_leaders_and_the_sponsor_are_told_once_naming_the_due_day(app, factory):
    people, late, ending = _scene(factory)
    bithu, chiuy, giupdo = (people[k][0].id for k in ("bithu", "chiuy", "giupdo"))
    assert run_rules(NOW, names=["admission_deadlines"]) == {"admission_deadlines": 7}
    sent = _sent()
    by_user = {}
    for user_id, title, body, kind, url in sent:
        assert kind == "admission_task"
        by_user.setdefault(user_id, []).append((title, body, url))
    assert set(by_user) == {bithu, chiuy, giupdo}  # not the member who left, not the ward's staff, not others
    leader = {title: (body, url) for title, body, url in by_user[bithu]}
    assert leader["Quá hạn: Đinh Thị Muộn"] == (
        "Hạn quyết định kết nạp của cấp ủy có thẩm quyền cho quần chúng Đinh Thị Muộn là ngày 27/01/2027 và đã "
        "qua. Hãy làm ngay hoặc báo cáo cấp ủy cấp trên.", f"/admission/candidates/{late.id}")
    body, url = leader["Sắp hết thời gian dự bị: Lý Văn Sắp"]
    assert "20/03/2027" in body and "05/05/2027" in body and url == f"/admission/candidates/{ending.id}"
    assert "Rà soát danh sách quần chúng ưu tú" in leader  # the cell never reviewed its list
    # the sponsor hears of their member's probation only
    assert [t for t, _b, _u in by_user[giupdo]] == ["Sắp hết thời gian dự bị: Lý Văn Sắp"]
    # once: the next runs (the same day, the next day) add nothing
    assert run_rules(NOW, names=["admission_deadlines"]) == {"admission_deadlines": 0}
    assert run_rules(datetime(2027, 3, 2, 1, 0, tzinfo=UTC), names=["admission_deadlines"]) == {
        "admission_deadlines": 0}
    assert len(_sent()) == 7


def test_the_kind_is_offered_to_leaders_and_sponsors_only(app, factory):
    people, _late, _ending = _scene(factory)
    assert "admission_task" in kinds_for(people["bithu"][0].id)
    assert "admission_task" in kinds_for(people["giupdo"][0].id)
    assert "admission_task" not in kinds_for(people["khac"][0].id)
