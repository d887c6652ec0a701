"""The worker's round starts and ends exemptions on Hà Nội's day (00:00–07:00 there is the day before in UTC), across
the year end; the reminders go once: before the end, on the day back, and to the leaders while a request waits."""
from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import select

from handbook.audit.service import Actor
from handbook.exemptions import service
from handbook.exemptions.models import ExemptionKind, ExemptionReason, ExemptionStatus
from handbook.extensions import db
from handbook.members.models import MemberStatus
from handbook.notify.models import Notification
from handbook.notify.rules import run_rules
from handbook.ops.worker import Worker
from tests.exemptions import scene

RULES = ["exemption_waiting", "exemption_ending", "exemption_back"]


class Clock:
    now = 0.0

    def __call__(self):
        return self.now


def _round(*objects):
    """One worker round; then `objects` read again (the round ends its session)."""
    ids = [(type(o), o.id) for o in objects]
    Worker(rules_every=60, processes=1, stop=lambda: False, clock=Clock()).round()
    return [db.session.get(model, key) for model, key in ids]


def _approved(s, starts_on, until, today):
    exemption = service.request_exemption(s.member, ExemptionKind.TAM_MIEN, ExemptionReason.LAM_AN_XA, None,
                                          starts_on, until, Actor(s.member.user_id), today=today)
    service.approve(exemption, "7-NQ/CB", today, Actor(s.leader.user_id), today=today)
    return exemption


def _sent():
    return db.session.execute(select(Notification.user_id, Notification.kind, Notification.title,
                                     Notification.body).order_by(Notification.id)).all()


def test_the_year_end_return_happens_at_midnight_in_ha_noi_not_at_utc_midnight(app, factory):
    s = scene.build(factory)
    exemption = _approved(s, date(2026, 12, 1), date(2026, 12, 31), date(2026, 12, 1))
    with time_machine.travel(datetime(2026, 12, 31, 16, 59, tzinfo=UTC), tick=False):  # 23:59 on 31/12 in Hà Nội
        member, exemption = _round(s.member, exemption)
    assert member.status is MemberStatus.TAM_MIEN
    with time_machine.travel(datetime(2026, 12, 31, 17, 5, tzinfo=UTC), tick=False):  # 00:05 on 01/01/2027 there
        member, exemption = _round(member, exemption)
    assert member.status is MemberStatus.CHINH_THUC
    assert exemption.status is ExemptionStatus.ENDED and exemption.ended_on == date(2027, 1, 1)


def test_a_future_start_applies_in_the_early_hours_of_its_day_in_ha_noi(app, factory):
    s = scene.build(factory)
    with time_machine.travel(datetime(2027, 3, 1, 3, 0, tzinfo=UTC), tick=False):
        exemption = _approved(s, date(2027, 3, 10), date(2027, 5, 31), date(2027, 3, 1))
    with time_machine.travel(datetime(2027, 3, 9, 16, 30, tzinfo=UTC), tick=False):  # 23:30 on 09/03 in Hà Nội
        member, exemption = _round(s.member, exemption)
    assert member.status is MemberStatus.CHINH_THUC and not exemption.started
    with time_machine.travel(datetime(2027, 3, 9, 18, 0, tzinfo=UTC), tick=False):  # 01:00 on 10/03, UTC still 09/03
        member, exemption = _round(member, exemption)
    assert member.status is MemberStatus.TAM_MIEN and exemption.started


def test_reminders_before_the_end_and_on_the_day_back_each_go_once(app, factory):
    s = scene.build(factory)
    app.config["EXEMPTION_REMINDER_DAYS"] = 14
    exemption = _approved(s, date(2027, 1, 4), date(2027, 2, 28), date(2027, 1, 4))
    member_user, leader_user = s.member.user_id, s.leader.user_id
    assert run_rules(datetime(2027, 2, 13, 10, 0, tzinfo=UTC), names=RULES)["exemption_ending"] == 0  # 15 days
    assert run_rules(datetime(2027, 2, 14, 2, 0, tzinfo=UTC), names=RULES)["exemption_ending"] == 2  # 14 days
    assert run_rules(datetime(2027, 2, 20, 2, 0, tzinfo=UTC), names=RULES)["exemption_ending"] == 0  # once
    sent = _sent()
    assert {(user, kind) for user, kind, _t, _b in sent} == {(member_user, "exemption"),
                                                             (leader_user, "exemption_task")}
    mine = next(body for user, _k, _t, body in sent if user == member_user)
    assert "28/02/2027" in mine and "01/03/2027" in mine
    with time_machine.travel(datetime(2027, 2, 28, 18, 0, tzinfo=UTC), tick=False):  # 01:00 on 01/03 in Hà Nội
        member, exemption = _round(s.member, exemption)
    assert exemption.status is ExemptionStatus.ENDED and member.status is MemberStatus.CHINH_THUC
    back = [(user, title) for user, _k, title, _b in _sent()[2:]]
    assert back == [(member_user, "Đồng chí đã trở lại sinh hoạt"), (leader_user, "Lê Thị Xa đã trở lại sinh hoạt")]
    with time_machine.travel(datetime(2027, 3, 2, 2, 0, tzinfo=UTC), tick=False):
        _round()
    assert len(_sent()) == 4


def test_the_leaders_hear_once_of_a_request_waiting(app, factory):
    s = scene.build(factory)
    service.request_exemption(s.offline, ExemptionKind.MIEN, ExemptionReason.TUOI_CAO, None, date(2027, 1, 4), None,
                              Actor(s.leader.user_id), today=date(2027, 1, 4))
    now = datetime(2027, 1, 4, 3, 0, tzinfo=UTC)
    assert run_rules(now, names=RULES)["exemption_waiting"] == 1
    assert run_rules(now, names=RULES)["exemption_waiting"] == 0
    [(user, kind, title, body)] = _sent()
    assert (user, kind, title) == (s.leader.user_id, "exemption_task",
                                   "Đơn xin miễn sinh hoạt chờ xem xét: Phạm Văn Già")
    assert "miễn công tác và sinh hoạt đảng từ ngày 04/01/2027" in body
