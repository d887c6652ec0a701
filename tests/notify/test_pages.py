"""The inbox page (works without JavaScript), settings, the admin health page and `flask notify status`."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.notify import inbox, subscriptions
from handbook.notify.models import Delivery, Notification, NotificationPreference, WorkerHeartbeat
from handbook.notify.outbox import NotificationSpec, enqueue
from handbook.notify.rules import beat
from tests.support import csrf_from, login


def _notify(user, n=1, **kw):
    enqueue([NotificationSpec(user.id, "meeting_change", f"Đổi lịch {i}", "Chuyển sang 19:30 Thứ Năm", f"/meetings/{i}",
                              f"page:{user.id}:{i}", **kw) for i in range(n)])
    db.session.commit()


def test_inbox_lists_counts_and_marks_read_without_javascript(app, client, cell_scene):
    user = cell_scene["members"][0]
    _notify(user, 3)
    _notify(cell_scene["members"][1], 1)  # someone else's
    login(client, "dv0@test.vn")
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count("Đổi lịch") == 3 and 'class="badge"' in page and ">3</b>" in page
    first = db.session.scalar(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    resp = client.get(f"/notifications/{first.id}")
    assert resp.status_code == 302 and resp.headers["Location"] == "/meetings/0"
    assert ">2</b>" in client.get("/").get_data(as_text=True)
    token = csrf_from(page)
    assert client.post("/notifications/read-all", data={"csrf_token": token}).status_code == 302
    assert 'class="badge"' not in client.get("/notifications").get_data(as_text=True)
    other = db.session.scalar(select(Notification.id).where(Notification.user_id == cell_scene["members"][1].id))
    assert client.get(f"/notifications/{other}").status_code == 404


def test_inbox_pages_and_api(app, client, cell_scene):
    _notify(cell_scene["members"][0], 25)
    login(client, "dv0@test.vn")
    data = client.get("/api/v1/notifications?page=2").get_json()
    assert data["total"] == 25 and data["page"] == 2 and len(data["items"]) == 5 and data["unread"] == 25
    assert set(data["items"][0]) >= {"id", "title", "body", "url", "created_at", "read_at"}
    assert "Cũ hơn" in client.get("/notifications").get_data(as_text=True)
    token = csrf_from(client.get("/notifications/settings").get_data(as_text=True))
    one = client.post("/api/v1/notifications/read", json={"id": data["items"][0]["id"]}, headers={"X-CSRFToken": token})
    assert one.get_json() == {"marked": 1, "unread": 24}
    assert client.post("/api/v1/notifications/read", json={}, headers={"X-CSRFToken": token}).get_json()["unread"] == 0
    assert client.get("/api/v1/notifications?page=0").status_code == 422


@pytest.mark.parametrize("count, page, expected_items, expected_total", [
    (0, 1, 0, 0), (5, 1, 5, 5), (20, 1, 20, 20), (25, 1, 20, 25), (25, 2, 5, 25), (25, 3, 0, 25), (40, 2, 20, 40),
])
def test_inbox_page_total_with_and_without_counting(app, cell_scene, count, page, expected_items, expected_total):
    """A first page that is not full is the total (not counted again); any other page counts."""
    user = cell_scene["members"][0]
    _notify(user, count)
    _notify(user, 2, not_before=utcnow() + timedelta(hours=3))  # held by quiet hours: in neither figure
    _notify(cell_scene["members"][1], 3)  # someone else's
    items, total = inbox.page_of(user.id, page)
    assert (len(items), total) == (expected_items, expected_total)
    assert all(item.user_id == user.id for item in items)


def test_quiet_hours_hold_the_inbox_too(app, client, cell_scene):
    _notify(cell_scene["members"][0], 1, not_before=utcnow() + timedelta(hours=3))
    login(client, "dv0@test.vn")
    assert client.get("/api/v1/notifications").get_json()["total"] == 0


def test_settings_devices_test_button_and_preferences(app, client, push, cell_scene):
    user = cell_scene["members"][0]
    login(client, "dv0@test.vn")
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "Bật nhắc lịch sinh hoạt" in page and "push.js" in page and "Chưa có thiết bị nào" in page
    token = csrf_from(page)
    client.post("/notifications/settings/test", data={"csrf_token": token})
    assert db.session.scalar(select(func.count(Notification.id))) == 0  # no device: nothing to test
    sub = push.subscription()
    client.post("/api/v1/push/subscriptions", json=sub, headers={"X-CSRFToken": token,
                "User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36"})
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "Chrome · Android" in page and "chưa nhận thông báo nào" in page
    resp = client.post("/notifications/settings/test", data={"csrf_token": token}, follow_redirects=True)
    assert "Đã gửi thông báo thử" in resp.get_data(as_text=True)
    from handbook.notify.push.dispatch import dispatch

    dispatch(once=True)
    assert push.payloads()[0]["title"] == "Thông báo thử"
    assert "nhận thông báo gần nhất lúc" in client.get("/notifications/settings").get_data(as_text=True)
    client.post("/notifications/settings/preferences", data={"csrf_token": token, "kind_meeting_change": "on"})
    off = set(db.session.scalars(select(NotificationPreference.kind).where(
        NotificationPreference.user_id == user.id, NotificationPreference.push_enabled.is_(False))))
    # the committee's reminders are not offered to a member: left as they were (the exemption's, the evaluation's
    # and the dues' are a member's own)
    assert off == {"meeting_reminder", "exemption", "evaluation_self", "dues_unpaid"}
    device = subscriptions.devices(user.id)[0]
    client.post(f"/notifications/settings/devices/{device.id}/delete", data={"csrf_token": token})
    assert subscriptions.devices(user.id) == []
    assert client.post("/notifications/settings/test", data={}).status_code == 400  # CSRF


def test_admin_page_and_cli_show_a_stopped_worker(app, client, runner, factory, cell_scene):
    factory.user("quantri@test.vn", admin=True)
    factory.commit()
    _notify(cell_scene["members"][0], 2)
    db.session.add(Delivery(notification_id=db.session.scalar(select(func.min(Notification.id))),
                            subscription_id=None, next_attempt_at=utcnow() - timedelta(minutes=30)))
    db.session.commit()
    login(client, "quantri@test.vn")
    page = client.get("/admin/notify").get_data(as_text=True)
    assert "Cảnh báo" in page and "dispatch" in page and "reminders" in page and "Thông báo chờ gửi lâu nhất" in page
    result = runner.invoke(args=["notify", "status"])
    assert result.exit_code == 1 and "CẢNH BÁO" in result.output and "pending 1" in result.output
    beat("reminders")
    beat("dispatch")
    assert "Cảnh báo" not in client.get("/admin/notify").get_data(as_text=True)
    assert runner.invoke(args=["notify", "status"]).exit_code == 0
    old = utcnow() - timedelta(minutes=6)
    db.session.execute(WorkerHeartbeat.__table__.update().where(WorkerHeartbeat.name == "dispatch")
                       .values(last_ok_at=old, last_run_at=old))
    db.session.commit()
    assert "Cảnh báo" in client.get("/admin/notify").get_data(as_text=True)
