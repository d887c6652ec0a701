"""Monthly reminders from the configured day: members with an account whose month is not recorded (not the exempt),
once per month; the cell's leaders get the count. Hà Nội's date decides the day (00:00–07:00 there is still the
previous day in UTC)."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from handbook.dues import payments, service
from handbook.dues.payments import SheetRow
from handbook.extensions import db
from handbook.notify.models import Notification
from handbook.notify.rules import run_rules
from tests.dues.scene import build

# 00:30 on 10/11/2026 in Hà Nội is still 09/11 in UTC
TENTH_EARLY = datetime(2026, 11, 9, 17, 30, tzinfo=UTC)
NINTH = datetime(2026, 11, 9, 3, 0, tzinfo=UTC)


@pytest.fixture
def scene(factory):
    scene = build(factory)
    # one more member with an account, exempt this month; and one admitted 50 years ago this month
    poor = factory.member(scene.cell, factory.user("ngheo@test.vn"), name="Bùi Thị Miễn")
    old = factory.member(scene.cell, factory.user("lao@test.vn"), name="Cao Văn Lão", admission_date=date(1976, 11, 3))
    factory.commit()
    service.add_relief(poor, "poor", None, date(2026, 1, 1), None, "2-QĐ", date(2026, 1, 1), scene.actor,
                       today=date(2026, 11, 1))
    scene.poor, scene.old = poor, old
    return scene


def _sent():
    return db.session.execute(select(Notification.user_id, Notification.kind, Notification.title, Notification.body,
                                     Notification.url).order_by(Notification.id)).all()


def test_nothing_before_the_day(app, scene):
    assert run_rules(NINTH, names=["dues_unpaid"]) == {"dues_unpaid": 0}


def test_members_and_leaders_on_the_day_once_per_month(app, scene):
    payments.record_sheet(scene.cell, date(2026, 11, 1), {scene.student.id: SheetRow(True, 5000)}, "cash",
                          date(2026, 11, 5), scene.actor, today=date(2026, 11, 9))
    assert run_rules(TENTH_EARLY, names=["dues_unpaid"]) == {"dues_unpaid": 4}
    sent = _sent()
    members = {row.user_id: row for row in sent if row.kind == "dues_unpaid"}
    # the bí thư, the member with an account and cell B's member owe; the student paid; the exempt and the
    # 50-year member are skipped; members without an account get nothing
    assert set(members) == {scene.leader.user_id, scene.member.user_id, scene.other.user_id}
    text = members[scene.member.user_id]
    assert text.title == "Đảng phí tháng 11/2026" and text.url == "/dues/me"
    assert "Hãy nộp cho người thu đảng phí của chi bộ" in text.body
    leader = [row for row in sent if row.kind == "dues_cell"]
    assert [(row.user_id, row.title) for row in leader] == [
        (scene.leader.user_id, "4 đảng viên chưa đóng đảng phí tháng 11/2026")]
    assert leader[0].url == f"/dues/cells/{scene.cell.id}?month=2026-11"
    # the next day, and the next hour: nothing again this month
    assert run_rules(datetime(2026, 11, 11, 3, 0, tzinfo=UTC), names=["dues_unpaid"]) == {"dues_unpaid": 0}
    # December, from its day
    assert run_rules(datetime(2026, 12, 10, 3, 0, tzinfo=UTC), names=["dues_unpaid"])["dues_unpaid"] == 4


def test_the_day_is_a_setting(app, scene, monkeypatch):
    monkeypatch.setitem(app.config, "DUES_REMINDER_DAY", 9)
    assert run_rules(NINTH, names=["dues_unpaid"])["dues_unpaid"] == 4
