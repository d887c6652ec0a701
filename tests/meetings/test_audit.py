"""Changes to meetings and their records leave one audit row each (who, what, which meeting), written in the
same transaction as the change; refused changes leave none. The admin reads them in Vietnamese."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from handbook.audit.models import AuditEvent
from handbook.core.timeutil import local_today
from handbook.extensions import db
from handbook.meetings import scheduling
from handbook.meetings.models import Meeting, MeetingSeries, MinutesRevision, Resolution, Vote
from handbook.meetings.validation import MeetingError
from tests.meetings.scenes import NOW, meeting_input
from tests.support import csrf_from, signed_in


def _text(response) -> str:
    return response.get_data(as_text=True)


def _rows(prefix: str = "meeting.") -> list[tuple]:
    db.session.expire_all()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.startswith(prefix))
                                .order_by(AuditEvent.id))
    return [(e.action, e.actor_id, e.target_type, e.target_id, e.ip) for e in events]


def _details(action: str) -> list[dict]:
    db.session.expire_all()
    return [e.details for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                                  .order_by(AuditEvent.id))]


def _form(page_html: str, **fields) -> dict:
    values = {"csrf_token": csrf_from(page_html), "kind": "thuong_ky", "format": "truc_tiep", "title": "",
              "start": "19:30", "end": "21:00", "place": "Nhà văn hóa tổ 5", "online_url": "", "agenda": ""}
    values.update(fields)
    return values


@pytest.fixture
def leader(app, cell):
    return signed_in(app, "bithu@test.vn")


def _create(leader, cell, **fields) -> Meeting:
    page = _text(leader.get(f"/meetings/new?org={cell.org.id}"))
    response = leader.post(f"/meetings/new?org={cell.org.id}", data=_form(page, **fields))
    assert response.status_code == 302, _text(response)
    return db.session.get(Meeting, int(re.search(r"/meetings/(\d+)$", response.headers["Location"]).group(1)))


def test_create_edit_document_cancel_each_leave_one_row(app, cell, leader):
    uid = cell.leader_user.id
    day = (local_today() + timedelta(days=10)).isoformat()
    meeting = _create(leader, cell, day=day)
    assert _rows() == [("meeting.create", uid, "meeting", meeting.id, "127.0.0.1")]
    assert _details("meeting.create") == [{"organisation_id": cell.org.id}]

    page = _text(leader.get(f"/meetings/{meeting.id}/edit"))
    assert leader.post(f"/meetings/{meeting.id}/edit", data=_form(page, day=day, place="Hội trường")).status_code == 302
    assert leader.post(f"/meetings/{meeting.id}/edit", data=_form(page, day=day, place="Hội trường")).status_code == 302
    assert _rows()[1:] == [("meeting.update", uid, "meeting", meeting.id, "127.0.0.1")]  # the unchanged save: none
    assert _details("meeting.update") == [{"organisation_id": cell.org.id, "fields": ["place"]}]

    link = leader.post(f"/meetings/{meeting.id}/documents", data={
        "csrf_token": csrf_from(page), "title": "Dự thảo", "link_url": "https://example.vn/du-thao"})
    assert link.status_code == 302
    assert _rows()[2:] == [("meeting.document", uid, "meeting", meeting.id, "127.0.0.1")]

    refused = leader.post(f"/meetings/{meeting.id}/cancel", data={"csrf_token": csrf_from(page), "reason": ""})
    assert refused.status_code == 400 and len(_rows()) == 3
    cancel = leader.post(f"/meetings/{meeting.id}/cancel", data={"csrf_token": csrf_from(page), "reason": "Bão"})
    assert cancel.status_code == 302
    assert _rows()[3:] == [("meeting.cancel", uid, "meeting", meeting.id, "127.0.0.1")]


def test_a_refused_meeting_leaves_no_row(app, cell, leader):
    page = _text(leader.get(f"/meetings/new?org={cell.org.id}"))
    day = (local_today() + timedelta(days=10)).isoformat()
    assert leader.post(f"/meetings/new?org={cell.org.id}", data=_form(page, day=day, end="19:40")).status_code == 400
    assert _rows() == []


def test_series_creation_is_one_row_for_the_cell(app, cell, leader):
    url = f"/meetings/series/new?org={cell.org.id}"
    year = local_today().year + 1
    data = {"csrf_token": csrf_from(_text(leader.get(url))), "year": str(year), "day_of_month": "3",
            "local_time": "19:30", "place": "Nhà văn hóa tổ 5"}
    assert leader.post(url, data=data).status_code == 200  # the preview changes nothing
    assert _rows() == []
    assert leader.post(url, data={**data, "confirm": "1"}).status_code == 302
    series = db.session.scalar(select(MeetingSeries))
    assert _rows() == [("meeting.series", cell.leader_user.id, "organisation", cell.org.id, "127.0.0.1")]
    assert _details("meeting.series") == [{"series_id": series.id, "count": 12}]


def test_attendance_minutes_votes_and_resolutions_each_leave_one_row(app, cell, leader):
    uid = cell.leader_user.id
    meeting = _create(leader, cell, day=(local_today() - timedelta(days=1)).isoformat(), recording_held="y",
                      agenda="Kết nạp đảng viên")
    sheet = _text(leader.get(f"/meetings/{meeting.id}/attendance"))
    entries = {"csrf_token": csrf_from(sheet), f"status_{cell.leader.id}": "co_mat",
               f"status_{cell.member.id}": "co_mat", f"status_{cell.probation.id}": "vang_co_ly_do",
               f"reason_{cell.probation.id}": "Ốm"}
    assert leader.post(f"/meetings/{meeting.id}/attendance", data=entries).status_code == 302
    refused = leader.post(f"/meetings/{meeting.id}/attendance", data={
        "csrf_token": csrf_from(sheet), f"status_{cell.outsider.id}": "co_mat"})
    assert refused.status_code == 400
    assert _rows()[1:] == [("meeting.attendance", uid, "meeting", meeting.id, "127.0.0.1")]
    assert _details("meeting.attendance") == [{"rows": 3, "changed": 3, "present": 2}]

    page = _text(leader.get(f"/meetings/{meeting.id}/minutes"))
    second = "Chi bộ họp lúc 19:30; bổ sung ý kiến."
    for body in ("Chi bộ họp lúc 19:30.", second, second):
        assert leader.post(f"/meetings/{meeting.id}/minutes",
                           data={"csrf_token": csrf_from(page), "body": body}).status_code == 302
    revisions = db.session.scalars(select(MinutesRevision.id).order_by(MinutesRevision.id)).all()
    assert _rows()[2:] == [("meeting.minutes", uid, "meeting", meeting.id, "127.0.0.1")] * 2  # not the same text
    assert _details("meeting.minutes") == [{"revision_id": r} for r in revisions]

    vote = leader.post(f"/meetings/{meeting.id}/votes", data={
        "csrf_token": csrf_from(page), "question": "Kết nạp quần chúng Nguyễn Văn A", "rule": "two_thirds",
        "votes_for": "2", "votes_against": "0", "votes_abstain": "0"})
    too_many = leader.post(f"/meetings/{meeting.id}/votes", data={
        "csrf_token": csrf_from(page), "question": "Sai", "rule": "half", "votes_for": "9", "votes_against": "0",
        "votes_abstain": "0"})
    assert vote.status_code == 302 and too_many.status_code == 400
    resolution = leader.post(f"/meetings/{meeting.id}/resolutions", data={
        "csrf_token": csrf_from(page), "title": "Nghị quyết tháng", "body": "Chi bộ thống nhất."})
    assert resolution.status_code == 302
    assert _rows()[4:] == [("meeting.vote", uid, "meeting", meeting.id, "127.0.0.1"),
                           ("meeting.resolution", uid, "meeting", meeting.id, "127.0.0.1")]
    assert _details("meeting.vote") == [{"vote_id": db.session.scalar(select(Vote.id))}]
    assert _details("meeting.resolution") == [{"resolution_id": db.session.scalar(select(Resolution.id))}]


def test_the_api_records_who_scheduled(app, cell):
    from tests.support import get_csrf, login

    client = app.test_client()
    login(client, "bithu@test.vn")
    token = get_csrf(client, "/activate")
    starts = NOW + timedelta(days=400)
    response = client.post("/api/v1/meetings", json={
        "organisation_id": cell.org.id, "kind": "thuong_ky", "format": "truc_tuyen",
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "online_url": "https://meet.jit.si/chibo"}, headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.get_json()
    assert _rows() == [("meeting.create", cell.leader_user.id, "meeting", response.get_json()["id"], "127.0.0.1")]


def test_services_write_the_row_in_the_changes_transaction(app, cell):
    """A refused change rolls back with nothing audited; the command line's changes have no actor."""
    meeting = scheduling.create_meeting(cell.org, meeting_input(NOW + timedelta(days=3)), None, now=NOW)
    with pytest.raises(MeetingError):
        scheduling.cancel_meeting(meeting, " ")
    db.session.rollback()
    assert _rows() == [("meeting.create", None, "meeting", meeting.id, None)]


def test_the_admin_reads_them_in_vietnamese(app, cell, leader, factory):
    _create(leader, cell, day=(local_today() + timedelta(days=10)).isoformat())
    factory.user("admin@test.vn", admin=True)
    factory.commit()
    admin = signed_in(app, "admin@test.vn")
    page = _text(admin.get("/admin/audit/?action=meeting.create"))
    assert '<td title="meeting.create">Lên lịch buổi họp</td>' in page and "Buổi họp #" in page
    options = _text(admin.get("/admin/audit/"))
    for label in ("Lưu điểm danh buổi họp", "Lưu biên bản (phiên bản mới)", "Ghi kết quả biểu quyết",
                  "Lưu nghị quyết buổi họp", "Hủy buổi họp", "Sửa buổi họp", "Lập lịch sinh hoạt thường kỳ cả năm",
                  "Xem tình trạng gửi thông báo"):
        assert label in options


def test_reading_the_delivery_status_is_audited(app, factory):
    admin_user = factory.user("admin@test.vn", admin=True)
    factory.commit()
    admin = signed_in(app, "admin@test.vn")
    assert admin.get("/admin/notify").status_code == 200
    assert _rows("notify.") == [("notify.delivery_status", admin_user.id, None, None, "127.0.0.1")]

