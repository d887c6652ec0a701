"""The outbox (quiet hours, preferences, dedupe) and the meetings feature's reminder rules."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.meetings.models import Meeting, MeetingKind, MeetingStatus, MinutesRevision
from handbook.notify import inbox, subscriptions
from handbook.notify.models import Delivery, DeliveryStatus, Notification, Urgency
from handbook.notify.outbox import MAX_PAYLOAD, NotificationSpec, enqueue, payload, quiet_until
from handbook.notify.push import deliveries
from handbook.notify.rules import RULES, reminder_rule, run_rules

VN = timedelta(hours=7)


def local(y, mo, d, h, mi=0) -> datetime:
    """A Hà Nội wall-clock time as UTC."""
    return datetime(y, mo, d, h, mi, tzinfo=UTC) - VN


def _meeting(cell, starts_at, kind=MeetingKind.THUONG_KY, **kw) -> Meeting:
    meeting = Meeting(organisation_id=cell.id, kind=kind, title="Sinh hoạt chi bộ thường kỳ tháng 12/2026",
                      starts_at=starts_at, duration_minutes=120, place="Nhà văn hóa khu dân cư số 3",
                      checkin_secret="A" * 32, **kw)
    db.session.add(meeting)
    db.session.commit()
    return meeting


def _titles(kind=None):
    query = select(Notification.title)
    if kind:
        query = query.where(Notification.kind == kind)
    return db.session.scalars(query.order_by(Notification.id)).all()


@pytest.mark.parametrize("now,until", [
    (local(2026, 12, 3, 22, 0), local(2026, 12, 4, 6, 30)),
    (local(2026, 12, 3, 5, 0), local(2026, 12, 3, 6, 30)),
    (local(2026, 12, 3, 21, 30), local(2026, 12, 4, 6, 30)),
    (local(2026, 12, 3, 6, 30), None),
    (local(2026, 12, 3, 12, 0), None),
])
def test_quiet_hours_end_in_the_morning(app, monkeypatch, now, until):
    monkeypatch.setitem(app.config, "QUIET_HOURS", "21:30-06:30")
    assert quiet_until(now) == until


def test_quiet_hours_off(app, monkeypatch):
    monkeypatch.setitem(app.config, "QUIET_HOURS", "")
    assert quiet_until(local(2026, 12, 3, 23, 0)) is None


def test_non_urgent_notifications_wait_for_morning_urgent_ones_do_not(app, push, factory, monkeypatch):
    monkeypatch.setitem(app.config, "QUIET_HOURS", "21:30-06:30")
    user = factory.user()
    factory.commit()
    sub = push.subscription()
    subscriptions.save(user.id, sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"], None)
    night = local(2026, 12, 3, 22, 15)
    enqueue([NotificationSpec(user.id, "test", "Bình thường", "…", "/", "n1", ttl_seconds=3 * 86400),
             NotificationSpec(user.id, "test", "Gấp", "…", "/", "n2", urgency=Urgency.HIGH, ttl_seconds=3 * 86400)],
            now=night)
    db.session.commit()
    normal = db.session.scalar(select(Notification).where(Notification.dedupe_key == "n1"))
    assert normal.not_before.replace(tzinfo=UTC) == local(2026, 12, 4, 6, 30)
    jobs = deliveries.claim(10, now=night + timedelta(minutes=1))
    assert [j.data for j in jobs] == [payload("Gấp", "…", "/", "n2")]
    deliveries.record([deliveries.Outcome(jobs[0], DeliveryStatus.SENT)])
    assert deliveries.claim(10, now=local(2026, 12, 4, 6, 29)) == []
    assert len(deliveries.claim(10, now=local(2026, 12, 4, 6, 31))) == 1


def test_push_preference_off_keeps_the_inbox(app, push, factory):
    user = factory.user()
    factory.commit()
    sub = push.subscription()
    subscriptions.save(user.id, sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"], None)
    inbox.set_preferences(user.id, {"meeting_reminder": False})
    enqueue([NotificationSpec(user.id, "meeting_reminder", "Nhắc lịch", "…", "/", "a"),
             NotificationSpec(user.id, "meeting_change", "Đổi lịch", "…", "/", "b")])
    db.session.commit()
    assert db.session.scalar(select(func.count(Notification.id))) == 2
    assert db.session.scalar(select(func.count(Delivery.id))) == 1
    assert inbox.preferences(user.id)["meeting_reminder"] is False


def test_the_same_dedupe_key_makes_one_row(app, factory):
    user = factory.user()
    factory.commit()
    spec = NotificationSpec(user.id, "test", "A", "B", "/", "same-key")
    assert enqueue([spec]) == 1
    assert enqueue([spec, spec]) == 0
    db.session.commit()
    assert db.session.scalar(select(func.count(Notification.id))) == 1


def test_payload_stays_under_3_kb_and_only_same_origin_links(app, factory):
    raw = payload("Tiêu đề", "ư" * 5000, "/meetings/1", "t")
    assert len(raw) <= MAX_PAYLOAD and set(json.loads(raw)) == {"title", "body", "url", "tag"}
    user = factory.user()
    factory.commit()
    enqueue([NotificationSpec(user.id, "test", "A", "B", "https://evil.example/x", "k"),
             NotificationSpec(user.id, "test", "A", "B", "//evil.example/x", "k2")])
    assert set(db.session.scalars(select(Notification.url))) == {"/"}


def test_reminders_at_24_hours_and_2_hours_before(app, cell_scene):
    starts = local(2026, 12, 3, 19, 30)  # a Thursday
    meeting = _meeting(cell_scene["cell"], starts)
    run_rules(now=starts - timedelta(hours=25))
    assert _titles("meeting_reminder") == []
    run_rules(now=starts - timedelta(hours=23, minutes=59))
    run_rules(now=starts - timedelta(hours=20))  # again: nothing new
    day_before = db.session.scalars(select(Notification).where(Notification.kind == "meeting_reminder")).all()
    assert len(day_before) == 3  # two members and the leader; not the exempt member, not the one without account
    assert day_before[0].body.startswith("19:30 Thứ Năm, 03/12/2026 tại Nhà văn hóa khu dân cư số 3.")
    assert day_before[0].urgency == "normal" and day_before[0].ttl_seconds <= 86400
    run_rules(now=starts - timedelta(hours=1, minutes=59))
    soon = db.session.scalars(select(Notification).where(Notification.title.startswith("Sắp đến giờ"))).all()
    assert len(soon) == 3 and soon[0].urgency == "high" and soon[0].ttl_seconds <= 2 * 3600
    assert soon[0].topic == day_before[0].topic
    assert meeting.id


def test_leaders_hear_of_missing_documents_and_records(app, cell_scene):
    now = utcnow()
    soon = _meeting(cell_scene["cell"], now + timedelta(hours=10))
    past = _meeting(cell_scene["cell"], now - timedelta(days=3), status=MeetingStatus.HELD)
    run_rules(now=now)
    leader = cell_scene["leader"].id
    rows = db.session.scalars(select(Notification).where(Notification.kind == "leader_task")).all()
    assert {(n.user_id, n.url, n.title.split(":")[0]) for n in rows} == {
        (leader, f"/meetings/{soon.id}", "Chưa có tài liệu"),
        (leader, f"/meetings/{past.id}", "Chưa ghi biên bản hoặc điểm danh"),
    }
    db.session.add(MinutesRevision(meeting_id=past.id, body="Biên bản"))
    db.session.commit()
    run_rules(now=now + timedelta(minutes=1))  # still no attendance: no second notification either
    assert db.session.scalar(select(func.count()).where(Notification.kind == "leader_task")) == 2


def test_next_months_regular_meeting_unscheduled_from_the_25th(app, cell_scene):
    run_rules(now=local(2026, 11, 24, 9))
    assert _titles("leader_task") == []
    run_rules(now=local(2026, 11, 25, 9))
    run_rules(now=local(2026, 11, 26, 9))
    assert _titles("leader_task") == ["Chưa lên lịch sinh hoạt tháng 12/2026"]
    _meeting(cell_scene["cell"], local(2027, 1, 3, 19, 30))
    run_rules(now=local(2026, 12, 25, 9))
    assert _titles("leader_task") == ["Chưa lên lịch sinh hoạt tháng 12/2026"]  # January is planned


def test_adding_a_rule_is_one_function(app, factory, monkeypatch):
    user = factory.user()
    factory.commit()
    monkeypatch.setattr("handbook.notify.rules.RULES", dict(RULES))

    @reminder_rule("dues_demo")
    def dues(now):
        yield NotificationSpec(user.id, "test", "Đóng đảng phí", "Tháng này", "/", f"dues:{now:%Y-%m}:u{user.id}")

    from handbook.notify import rules

    assert "dues_demo" in rules.RULES
    assert rules.run_rules(names=["dues_demo"]) == {"dues_demo": 1}
    assert rules.run_rules(names=["dues_demo"]) == {"dues_demo": 0}


def test_a_broken_rule_does_not_stop_the_others_and_shows_in_the_heartbeat(app, factory, monkeypatch):
    from handbook.notify import rules
    from handbook.notify.models import WorkerHeartbeat

    monkeypatch.setattr(rules, "RULES", {})

    @rules.reminder_rule("broken")
    def broken(now):
        raise RuntimeError("boom")
        yield

    rules.run_rules()
    beat = db.session.get(WorkerHeartbeat, "reminders")
    assert beat.last_ok_at is None and "broken" in beat.note
