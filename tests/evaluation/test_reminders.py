"""Reminders through the outbox: members who have not submitted, from 7 days before the deadline and on the day
(once each); the leaders once all are in, or on the deadline when some are missing; nothing before the window."""
from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from sqlalchemy import select

from handbook.evaluation import assessments
from handbook.evaluation.models import Level
from handbook.evaluation.reminders import LEADERS, SELF
from handbook.extensions import db
from handbook.notify.models import Notification
from handbook.notify.rules import run_rules
from tests.evaluation.scene import YEAR, build

FULL = {code: "Nội dung" for code in ("politics", "ethics", "discipline", "tasks", "leadership", "party_tasks",
                                       "residence", "shortcomings", "remedies")}


def _hanoi(day: int, month: int = 12, hour: int = 8) -> datetime:
    return datetime(YEAR, month, day, hour - 7, 0, tzinfo=UTC) if hour >= 7 else datetime(
        YEAR, month, day - 1, hour + 17, 0, tzinfo=UTC)


def _sent(kind: str) -> list[tuple[int, str]]:
    return sorted(db.session.execute(select(Notification.user_id, Notification.title).where(
        Notification.kind == kind)).all())


def test_members_then_leaders(app, factory):
    scene = build(factory)
    with time_machine.travel(_hanoi(7), tick=False):  # 8 days before 15/12: not yet
        run_rules(names=["evaluation_self_assessments"])
    assert _sent(SELF) == []
    with time_machine.travel(_hanoi(8, hour=0), tick=False):  # 00:00 on 8/12 in Hà Nội (7/12 in UTC): 7 days before
        run_rules(names=["evaluation_self_assessments"])
        run_rules(names=["evaluation_self_assessments"])  # twice in a day: nothing new
    members = {scene.leader.user_id, scene.civil.user_id, scene.retired.user_id}  # not the exempt member
    early = _sent(SELF)
    assert {user for user, _title in early} == members and len(early) == 3
    assert all(title == "Nộp bản tự kiểm điểm năm 2026" for _user, title in early)
    body = db.session.scalar(select(Notification.body).where(Notification.kind == SELF).limit(1))
    assert "15/12/2026" in body and "Nộp" in body
    with time_machine.travel(_hanoi(15), tick=False):  # the deadline: members again, leaders told who is missing
        run_rules(names=["evaluation_self_assessments"])
    assert len(_sent(SELF)) == 6
    assert _sent(LEADERS) == [(scene.leader.user_id, "Còn 3 đảng viên chưa nộp bản tự kiểm điểm")]


def test_leaders_told_when_all_are_in(app, factory):
    scene = build(factory)
    with time_machine.travel(_hanoi(10), tick=False):
        for member in (scene.leader, scene.civil, scene.retired):
            assessments.save(member, scene.cell, YEAR, FULL, Level.TOT, submit=True, actor=scene.actor)
        run_rules(names=["evaluation_self_assessments"])
    assert _sent(SELF) == []
    assert _sent(LEADERS) == [(scene.leader.user_id, "Đã đủ bản tự kiểm điểm năm 2026")]
    with time_machine.travel(_hanoi(16), tick=False):  # after the deadline: nothing more
        run_rules(names=["evaluation_self_assessments"])
    assert len(_sent(LEADERS)) == 1


def test_the_rule_reads_a_few_statements_however_many_cells(app, factory, statements):
    from handbook.evaluation.reminders import evaluation_reminders
    from handbook.org.models import OrgKind

    scene = build(factory)
    with time_machine.travel(_hanoi(10), tick=False), statements() as seen:
        few = list(evaluation_reminders(_hanoi(10)))
    for n in range(8):  # eight more cells with members in the window
        cell = factory.org(f"Chi bộ thêm {n}", OrgKind.CHI_BO, scene.ward)
        factory.member(cell, factory.user(f"them{n}@test.vn"))
    factory.commit()
    with time_machine.travel(_hanoi(10), tick=False), statements() as more:
        many = list(evaluation_reminders(_hanoi(10)))
    assert len(many) == len(few) + 8
    assert len(more) == len(seen) <= 8
