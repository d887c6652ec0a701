"""A leader schedules a meeting → reminders run → dispatch → every invitee's device gets a Vietnamese reminder
that the fake push service decrypts (and whose VAPID JWT it verifies)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from handbook.core.timeutil import to_local, utcnow
from handbook.extensions import db
from handbook.notify import subscriptions
from handbook.notify.models import Delivery, Notification
from tests.support import get_csrf, login


def _devices(push, scene):
    """dv0 has a phone and a laptop, dv1 and the leader a phone each, the exempt member a phone."""
    devices = {}
    for user in scene["members"] + [scene["leader"], scene["exempt"]]:
        count = 2 if user is scene["members"][0] else 1
        devices[user.id] = []
        for _ in range(count):
            sub = push.subscription()
            subscriptions.save(user.id, sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"], "Chrome/1 Android")
            devices[user.id].append(sub["endpoint"])
    return devices


def _schedule(client, scene, starts_at):
    login(client, "bithu@test.vn")
    token = get_csrf(client, "/meetings")
    resp = client.post("/api/v1/meetings", headers={"X-CSRFToken": token}, json={
        "organisation_id": scene["cell"].id, "kind": "thuong_ky", "title": "Sinh hoạt chi bộ thường kỳ tháng 12/2026",
        "starts_at": starts_at.isoformat(), "ends_at": (starts_at + timedelta(hours=2)).isoformat(),
        "place": "Nhà văn hóa khu dân cư số 3",
    })
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def test_leader_schedules_reminder_reaches_every_device_once(app, client, runner, push, cell_scene):
    devices = _devices(push, cell_scene)
    starts_at = (utcnow() + timedelta(hours=20)).replace(second=0, microsecond=0)
    meeting_id = _schedule(client, cell_scene, starts_at)

    # "created" went into the outbox with the meeting, for every invitee with an account
    created = db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == "meeting_change"))
    assert created == 4  # 2 members, the leader, and the exempt member (who still hears of changes)

    first = runner.invoke(args=["reminders", "run"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["reminders", "run"])  # idempotent: nothing new
    assert "Tổng cộng 0 thông báo mới" in second.output
    reminders = db.session.scalars(select(Notification).where(Notification.kind == "meeting_reminder")).all()
    assert sorted(n.user_id for n in reminders) == sorted(u.id for u in cell_scene["members"] + [cell_scene["leader"]])

    result = runner.invoke(args=["notify", "dispatch", "--once"])
    assert result.exit_code == 0, result.output
    local = to_local(starts_at)
    weekday = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"][local.weekday()]
    for user_id, endpoints in devices.items():
        for endpoint in endpoints:
            got = {p["title"].split(":")[0]: p for p in push.payloads(endpoint)}
            assert "Lịch sinh hoạt mới" in got
            if user_id == cell_scene["exempt"].id:
                assert "Nhắc lịch" not in got  # exempt members are not reminded
                continue
            reminder = got["Nhắc lịch"]
            assert reminder == {
                "title": "Nhắc lịch: Sinh hoạt chi bộ thường kỳ tháng 12/2026",
                "body": f"{local:%H:%M} {weekday}, {local:%d/%m/%Y} tại Nhà văn hóa khu dân cư số 3. "
                        "Nếu vắng mặt, đồng chí vui lòng báo vắng trong ứng dụng.",
                "url": f"/meetings/{meeting_id}", "tag": f"meeting-{meeting_id}",
            }
    # created to 5 devices, reminders to 5 devices minus the exempt one, and the leader: no documents yet (from the
    # 10th of a month the dues reminders also go, in December the evaluation's, to other addresses: not counted)
    meeting_pushes = [r for r in push.received if r["payload"]["url"].startswith("/meetings/")]
    assert len(meeting_pushes) == 5 + 4 + 1
    to_leader = [r["payload"] for r in push.received if r["payload"]["title"].startswith("Chưa có tài liệu")]
    assert [r["path"] for r in push.received if r["payload"] in to_leader] == [
        e.replace(push.origin, "") for e in devices[cell_scene["leader"].id]]
    assert max(push.counts("title").values()) == 1  # nothing twice
    for record in meeting_pushes:
        assert record["aud"] == push.origin and 0 < record["ttl"] <= 86400 and record["size"] < 3000
        assert record["urgency"] == "normal"
    topics = {r["topic"] for r in push.received if r["payload"]["tag"] == f"meeting-{meeting_id}"}
    assert len(topics) == 1  # one meeting: a newer message replaces an undelivered older one
    assert db.session.scalar(select(func.count(Delivery.id)).where(Delivery.status != "sent")) == 0

    # the inbox shows the same notifications
    member = app.test_client()
    login(member, "dv0@test.vn")
    inbox = member.get("/api/v1/notifications").get_json()
    # (on some days other features' reminders are there too — dues from the 10th, the evaluation in December)
    meeting_items = [i for i in inbox["items"] if i["url"].startswith("/meetings/")]
    assert [i["title"].split(":")[0] for i in meeting_items] == ["Nhắc lịch", "Lịch sinh hoạt mới"]
    assert inbox["unread"] == len(inbox["items"])  # nothing read yet


def test_a_moved_meeting_gets_new_reminders_with_the_same_topic(app, client, runner, push, cell_scene):
    from handbook.meetings import scheduling
    from handbook.meetings.models import Meeting

    _devices(push, cell_scene)
    starts_at = (utcnow() + timedelta(hours=20)).replace(second=0, microsecond=0)
    meeting_id = _schedule(client, cell_scene, starts_at)
    runner.invoke(args=["reminders", "run"])
    meeting = db.session.get(Meeting, meeting_id)
    new_start = starts_at + timedelta(hours=1)
    data = scheduling.MeetingInput(kind=meeting.kind, format=meeting.format, title=meeting.title,
                                   starts_at=new_start, ends_at=new_start + timedelta(hours=2), place=meeting.place,
                                   online_url=None, combined_thematic=False, recording_held=False, agenda=[])
    scheduling.update_meeting(meeting, data)
    runner.invoke(args=["reminders", "run"])
    runner.invoke(args=["notify", "dispatch", "--once"])
    leader_phone = [p for p in push.received if p["payload"]["title"].startswith("Đổi lịch")]
    assert len(leader_phone) == 5
    reminders = [r for r in push.received if r["payload"]["title"].startswith("Nhắc lịch")]
    assert len(reminders) == 2 * 4  # the old time's reminder and the new one, each to 4 devices
    mine = [r for r in push.received if r["payload"]["tag"] == f"meeting-{meeting_id}"]
    assert len(mine) == 5 + 5 + 8 and len({r["topic"] for r in mine}) == 1  # the phone shows only the newest


def test_cancelling_tells_invitees_at_once(app, client, runner, push, cell_scene):
    from handbook.meetings import scheduling
    from handbook.meetings.models import Meeting

    _devices(push, cell_scene)
    meeting_id = _schedule(client, cell_scene, utcnow() + timedelta(days=5))
    scheduling.cancel_meeting(db.session.get(Meeting, meeting_id), "Trùng lịch họp của phường")
    runner.invoke(args=["notify", "dispatch", "--once"])
    cancelled = [r["payload"] for r in push.received if r["payload"]["title"].startswith("Hủy buổi sinh hoạt")]
    assert len(cancelled) == 5
    assert cancelled[0]["body"].endswith("đã hủy. Lý do: Trùng lịch họp của phường")
