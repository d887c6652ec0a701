"""A member reads and downloads their own data; each access is audited; nobody else's data is included."""
from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select

from handbook.audit import service as audit
from handbook.audit.models import AuditEvent
from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.members.models import MemberStatus, MemberStatusHistory
from handbook.notify.models import Notification, PushSubscription
from handbook.org.models import OrgKind, Role
from handbook.regulations.models import Bookmark
from tests.support import login


def _scene(factory):
    cell = factory.org("Chi bộ A", OrgKind.CHI_BO)
    me = factory.user("dv@test.vn", name="Trần Văn Minh")
    member = factory.member(cell, me, name="Trần Văn Minh")
    leader = factory.user("bithu@test.vn", name="Nguyễn Thị Hồng")
    factory.member(cell, leader, name="Nguyễn Thị Hồng")
    factory.grant(leader, cell, Role.BI_THU)
    other = factory.user("khac@test.vn", name="Người Khác")
    doc = factory.document(None, title="Điều lệ Đảng")
    factory.commit()
    db.session.add_all([
        MemberStatusHistory(member_id=member.id, status=MemberStatus.CHINH_THUC, from_date=date(2020, 5, 19)),
        Notification(user_id=me.id, kind="test", title="Họp chi bộ tháng 6", body="…", url="/", tag="a",
                     dedupe_key="mine"),
        Notification(user_id=other.id, kind="test", title="Thư của người khác", body="…", url="/", tag="b",
                     dedupe_key="theirs"),
        PushSubscription(user_id=me.id, endpoint="https://fcm.googleapis.com/fcm/send/secret-endpoint",
                         p256dh="secret-key", auth="secret-auth", user_agent="Chrome Android"),
        Bookmark(user_id=me.id, article_id=doc.articles[0].id),
    ])
    audit.record("member.view", audit.Actor(user_id=leader.id), target_type="member", target_id=member.id)
    db.session.commit()
    return member


def test_my_data_page_and_download(app, client, factory):
    member = _scene(factory)
    login(client, "dv@test.vn")
    page = client.get("/me/data")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    for text in ("Dữ liệu của tôi", "Trần Văn Minh", "Họp chi bộ tháng 6", "19/05/2020", "Chrome Android",
                 "fcm.googleapis.com", "Nguyễn Thị Hồng"):
        assert text in html, text
    assert "Thư của người khác" not in html and "secret-endpoint" not in html and "secret-key" not in html

    download = client.get("/me/data.json")
    assert download.status_code == 200 and download.mimetype == "application/json"
    assert download.headers["Cache-Control"] == "no-store"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(download.get_data(as_text=True))
    assert data["member"][0]["full_name"] == "Trần Văn Minh" and data["member"][0]["cell"] == "Chi bộ A"
    assert data["status_history"][0]["from_date"] == "2020-05-19"
    assert [n["title"] for n in data["notifications"]] == ["Họp chi bộ tháng 6"]
    assert data["devices"] == [{"browser": "Chrome Android", "push_service": "fcm.googleapis.com",
                                "created_at": data["devices"][0]["created_at"], "last_success_at": None}]
    assert len(data["bookmarks"]) == 1
    views = [(v["action"], v["by"]) for v in data["record_views"]]
    assert ("member.view", "Nguyễn Thị Hồng") in views and ("personal_data.export", "Trần Văn Minh") in views
    assert "password_hash" not in download.get_data(as_text=True)

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "personal_data.export")
                                .order_by(AuditEvent.id)).all()
    assert [(e.target_id, e.details["format"]) for e in events] == [(member.id, "html"), (member.id, "json")]


def test_account_without_member_record(app, client, factory):
    factory.user("canbo@test.vn")
    factory.commit()
    login(client, "canbo@test.vn")
    data = client.get("/me/data.json").get_json()
    assert data["account"][0]["email"] == "canbo@test.vn" and "member" not in data
    assert client.get("/me/data").status_code == 200


def test_sign_in_required(client):
    assert client.get("/me/data").status_code == 302
    assert client.get("/me/data.json").status_code == 302


def test_audit_purge_keeps_the_retention_period(app, runner, factory, monkeypatch):
    user = factory.user("a@test.vn")
    factory.commit()
    now = utcnow()
    for days in (1, 100, 800, 900, 1000):
        db.session.add(AuditEvent(actor_id=user.id, action="member.view", created_at=now - timedelta(days=days),
                                  details={}))
    db.session.commit()
    monkeypatch.setitem(app.config, "AUDIT_RETENTION_DAYS", 730)
    result = runner.invoke(args=["audit", "purge", "--batch", "2"])  # three batches: 2 + 1 + an empty one
    assert result.exit_code == 0 and "3" in result.output
    db.session.expire_all()
    assert sorted((now - e.created_at.replace(tzinfo=now.tzinfo)).days for e in db.session.scalars(
        select(AuditEvent))) == [1, 100]
    assert runner.invoke(args=["audit", "purge", "--days", "50"]).exit_code == 0
    assert db.session.scalar(select(db.func.count(AuditEvent.id))) == 1


def test_ended_sessions_are_purged_live_ones_kept(app, factory):
    from handbook.auth.models import UserSession
    from handbook.ops.retention import purge_sessions

    user = factory.user("a@test.vn")
    factory.commit()
    now = utcnow()
    rows = {"live": (now - timedelta(hours=1), None), "revoked": (now - timedelta(hours=1), now),
            "expired": (now - timedelta(hours=13), None)}
    for name, (created, revoked) in rows.items():
        db.session.add(UserSession(id=name, user_id=user.id, created_at=created, last_seen_at=created,
                                   revoked_at=revoked))
    db.session.commit()
    assert purge_sessions(batch=1, now=now) == 2  # SESSION_MAX_HOURS is 12 by default
    assert [s.id for s in db.session.scalars(select(UserSession))] == ["live"]


CODES = ("chinh_thuc", "du_bi", "co_mat", "vang_co_ly_do", "member.view", "member.status", "personal_data.export",
         "notice", "leader", "meeting_reminder", "photo_file")


def _coded_scene(factory):
    from datetime import UTC, datetime

    from handbook.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingKind
    from handbook.members.models import MemberChange
    from handbook.notify.models import NotificationPreference

    member = _scene(factory)
    member.phone = "+84901234567"
    user = member.user_id
    meetings = [Meeting(organisation_id=member.cell_id, kind=MeetingKind.THUONG_KY, title=f"Sinh hoạt tháng {m}",
                        starts_at=datetime(2026, m, 3, 12, tzinfo=UTC), checkin_secret="A" * 32) for m in (3, 4)]
    db.session.add_all(meetings)
    db.session.flush()
    db.session.add_all([
        Attendance(meeting_id=meetings[0].id, member_id=member.id, status=AttendanceStatus.CO_MAT, source="leader"),
        Attendance(meeting_id=meetings[1].id, member_id=member.id, status=AttendanceStatus.VANG_CO_LY_DO,
                   reason="Đi công tác", source="notice"),
        MemberChange(member_id=member.id, field="status", old_value="du_bi", new_value="chinh_thuc (19/05/2020)"),
        NotificationPreference(user_id=user, kind="meeting_reminder", push_enabled=False),
    ])
    db.session.commit()
    return member


def test_my_data_page_speaks_vietnamese_not_codes(app, client, factory):
    import re

    _coded_scene(factory)
    login(client, "dv@test.vn")
    html = client.get("/me/data").get_data(as_text=True)
    values = [re.sub(r"<[^>]+>", "", v).strip() for v in re.findall(r"<dd>(.*?)</dd>", html, re.S)]
    for words in ("Chính thức", "Nam", "Có mặt", "Vắng có lý do", "Chi ủy điểm danh", "Tự báo vắng", "Trạng thái",
                  "Dự bị", "Chính thức (19/05/2020)", "Xem hồ sơ",
                  "Nhắc lịch sinh hoạt", "19/05/2020", "19:00 03/03/2026", "Không"):
        assert words in values, words
    assert not [v for v in values if any(code in v for code in CODES)], values
    assert not re.search(r"\d{4}-\d{2}-\d{2}", " ".join(values))  # no ISO dates: dd/mm/yyyy
    # rows are small cards (headings beside values), not a wide table a phone cuts off
    assert "<table" not in html and 'class="records"' in html


def test_my_data_download_keeps_codes_and_adds_words(app, client, factory):
    _coded_scene(factory)
    login(client, "dv@test.vn")
    data = client.get("/me/data.json").get_json()
    record = data["member"][0]
    assert (record["status"], record["status_label"]) == ("chinh_thuc", "Chính thức")
    assert (record["gender"], record["gender_label"]) == ("nam", "Nam")
    assert [(a["status"], a["status_label"], a["source"], a["source_label"]) for a in data["attendance"]] == [
        ("co_mat", "Có mặt", "leader", "Chi ủy điểm danh"), ("vang_co_ly_do", "Vắng có lý do", "notice", "Tự báo vắng")]
    change = data["record_changes"][0]
    assert change == {"field": "status", "field_label": "Trạng thái", "old_value": "du_bi", "old_value_label": "Dự bị",
                      "new_value": "chinh_thuc (19/05/2020)", "new_value_label": "Chính thức (19/05/2020)",
                      "changed_at": change["changed_at"]}
    assert {(v["action"], v["action_label"]) for v in data["record_views"]} >= {("member.view", "Xem hồ sơ")}
    assert data["notification_preferences"] == [{"kind": "meeting_reminder", "kind_label": "Nhắc lịch sinh hoạt",
                                                 "push_enabled": False}]
    assert list(record)[:2] == ["full_name", "birth_name"]  # a label follows its code; the order stays the record's


def test_my_data_includes_what_the_reports_read(app, client, factory):
    """The installed app's last report, the meeting documents first opened and the occupation group are the
    member's data too."""
    from handbook.auth.models import User
    from handbook.meetings.models import DocumentRead
    from handbook.members.models import OccupationGroup
    from tests.meetings.scenes import make_meeting

    member = _scene(factory)
    member.occupation_group = OccupationGroup.HUU_TRI
    account = db.session.scalar(select(User).where(User.email == "dv@test.vn"))
    account.app_seen_at = utcnow() - timedelta(days=2)
    meeting = make_meeting(member.cell, utcnow() - timedelta(days=5), place="Hội trường")
    db.session.add(DocumentRead(meeting_id=meeting.id, member_id=member.id, first_read_at=utcnow() - timedelta(days=6)))
    db.session.commit()
    login(client, "dv@test.vn")
    data = json.loads(client.get("/me/data.json").get_data(as_text=True))
    assert data["account"][0]["app_seen_at"] is not None
    assert data["member"][0]["occupation_group"] == "huu_tri"
    assert [row["meeting"] for row in data["document_reads"]] == [meeting.title]
    html = client.get("/me/data").get_data(as_text=True)
    assert "Tài liệu buổi sinh hoạt đã mở" in html and "Hưu trí" in html
