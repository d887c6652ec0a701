"""The pages: a member asks, the leader decides (and records a request for a member without a phone); refused input
shows its message with a 400 and writes nothing; the member's state; the cell's list shows the exempt apart; an
exempt member is invited but not expected, and not counted among the voters; the composition counts them apart."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from handbook.audit.service import Actor
from handbook.exemptions import service
from handbook.exemptions.models import Exemption, ExemptionKind, ExemptionReason, ExemptionStatus
from handbook.extensions import db
from handbook.meetings import attendance, minutes
from handbook.meetings.models import AttendanceStatus
from handbook.members.models import Member, MemberStatus
from handbook.reports.composition import composition
from tests.exemptions import scene
from tests.meetings.scenes import make_meeting
from tests.support import csrf_from, signed_in

NOW = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)  # 09:00 on 10/12/2026 in Hà Nội


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Exemption))


def _post(client, path, data):
    token = csrf_from(client.get(path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


@time_machine.travel(NOW, tick=False)
def test_a_member_asks_and_the_leader_approves(app, factory):
    s = scene.build(factory)
    member = signed_in(app, "dv@test.vn")
    page = member.get("/me/exemptions").get_data(as_text=True)
    assert "Đồng chí đang sinh hoạt bình thường." in page
    response = _post(member, "/me/exemptions", {"kind": "tam_mien", "reason": "lam_an_xa", "detail": "Đi làm xa",
                                                 "starts_on": "10/12/2026", "until": "09/03/2027"})
    assert response.status_code == 302
    exemption = db.session.scalar(select(Exemption))
    assert "Chờ chi bộ xem xét" in member.get("/me/exemptions").get_data(as_text=True)
    leader = signed_in(app, "bithu@test.vn")
    cell_page = leader.get(f"/cells/{s.cell.id}/exemptions").get_data(as_text=True)
    assert "Lê Thị Xa" in cell_page and "Đơn chờ chi bộ xem xét (1)" in cell_page
    response = _post(leader, f"/exemptions/{exemption.id}", {"outcome": "approve", "number": "15-NQ/CB",
                                                             "decided_on": "10/12/2026"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Member, s.member.id).status is MemberStatus.TAM_MIEN
    page = member.get("/me/exemptions").get_data(as_text=True)
    assert "Đồng chí đang được tạm miễn sinh hoạt đảng." in page and "còn 89 ngày" in page
    cell_page = leader.get(f"/cells/{s.cell.id}/exemptions").get_data(as_text=True)
    assert "đến hết 09/03/2027 (còn 89 ngày)" in cell_page
    directory = leader.get(f"/org/{s.cell.id}").get_data(as_text=True)
    assert "Trong đó miễn công tác và sinh hoạt đảng: 0; tạm miễn sinh hoạt: 1." in directory
    history = leader.get(f"/members/{s.member.id}/exemptions").get_data(as_text=True)
    assert "Nghị quyết số 15-NQ/CB ngày 10/12/2026" in history


@time_machine.travel(NOW, tick=False)
def test_refused_input_shows_its_message_and_writes_nothing(app, factory):
    scene.build(factory)
    member = signed_in(app, "dv@test.vn")
    cases = [
        ({"kind": "tam_mien", "reason": "lam_an_xa", "starts_on": "10/12/2026", "until": ""}, "cần có ngày kết thúc"),
        ({"kind": "tam_mien", "reason": "lam_an_xa", "starts_on": "10/12/2026", "until": "10/12/2027"},
         "muộn nhất là 09/12/2027"),
        ({"kind": "tam_mien", "reason": "lam_an_xa", "starts_on": "20/12/2026", "until": "01/12/2026"},
         "từ ngày bắt đầu trở đi"),
        ({"kind": "tam_mien", "reason": "lam_an_xa", "starts_on": "31/02/2027", "until": ""}, "Ngày không hợp lệ"),
        ({"kind": "mien", "reason": "khac", "starts_on": "10/12/2026"}, "Hãy ghi rõ lý do."),
        ({"kind": "nghi", "reason": "lam_an_xa", "starts_on": "10/12/2026"}, "Lựa chọn không hợp lệ"),
        ({"kind": "mien", "reason": "tuoi_cao", "starts_on": "10/12/2026", "detail": "x" * 501}, "Dài quá"),
    ]
    for data, words in cases:
        response = _post(member, "/me/exemptions", data)
        assert response.status_code == 400, data
        assert words in response.get_data(as_text=True), data
    assert _count() == 0


@time_machine.travel(NOW, tick=False)
def test_the_leader_records_a_request_for_a_member_without_a_phone_and_refuses_a_bad_decision(app, factory):
    s = scene.build(factory)
    leader = signed_in(app, "bithu@test.vn")
    response = _post(leader, f"/cells/{s.cell.id}/exemptions/new",
                     {"member_id": str(s.offline.id), "kind": "mien", "reason": "tuoi_cao", "starts_on": "15/12/2026"})
    assert response.status_code == 302
    exemption = db.session.scalar(select(Exemption))
    assert exemption.member_id == s.offline.id and exemption.requested_by_id == s.leader.user_id
    outsider = _post(leader, f"/cells/{s.cell.id}/exemptions/new",
                     {"member_id": str(s.outsider.id), "kind": "mien", "reason": "tuoi_cao", "starts_on": "15/12/2026"})
    assert outsider.status_code == 400 and _count() == 1  # not a member of this cell
    for data, words in (({"outcome": "approve", "number": "", "decided_on": "10/12/2026"}, "số nghị quyết"),
                        ({"outcome": "approve", "number": "1", "decided_on": "11/12/2026"}, "tương lai"),
                        ({"outcome": "refuse", "reason": ""}, "lý do không chấp thuận")):
        response = _post(leader, f"/exemptions/{exemption.id}", data)
        assert response.status_code == 400 and words in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Exemption, exemption.id).status is ExemptionStatus.PENDING


@time_machine.travel(NOW, tick=False)
def test_the_member_may_not_decide_and_others_do_not_see(app, factory):
    s = scene.build(factory)
    exemption = service.request_exemption(s.member, ExemptionKind.TAM_MIEN, ExemptionReason.LAM_AN_XA, None,
                                          date(2026, 12, 10), date(2027, 1, 10), Actor(s.member.user_id))
    member = signed_in(app, "dv@test.vn")
    assert member.get(f"/exemptions/{exemption.id}").status_code == 403
    assert member.get(f"/cells/{s.cell.id}/exemptions").status_code == 403
    other = signed_in(app, "khac@test.vn")
    assert other.get(f"/exemptions/{exemption.id}").status_code == 404
    assert other.get(f"/cells/{s.cell.id}/exemptions").status_code == 404
    assert other.get(f"/members/{s.member.id}/exemptions").status_code == 404
    token = csrf_from(other.get("/me/exemptions").get_data(as_text=True))
    assert other.post(f"/me/exemptions/{exemption.id}/withdraw", data={"csrf_token": token}).status_code == 404
    assert _post(member, "/me/exemptions", {}).status_code == 400
    token = csrf_from(member.get("/me/exemptions").get_data(as_text=True))
    assert member.post(f"/me/exemptions/{exemption.id}/withdraw", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Exemption, exemption.id).status is ExemptionStatus.WITHDRAWN


def test_exempt_members_are_invited_not_expected_and_not_voters(app, factory):
    s = scene.build(factory)
    today = date(2026, 12, 10)
    for member, kind, reason, until in ((s.member, ExemptionKind.TAM_MIEN, ExemptionReason.LAM_AN_XA,
                                         date(2027, 3, 1)),
                                        (s.offline, ExemptionKind.MIEN, ExemptionReason.TUOI_CAO, None)):
        exemption = service.request_exemption(member, kind, reason, None, today, until, Actor(member.user_id),
                                              today=today)
        service.approve(exemption, "1", today, Actor(s.leader.user_id), today=today)
    meeting = make_meeting(s.cell, NOW + timedelta(minutes=10), now=NOW)
    lines = {line.member.id: line.status for line in attendance.attendance_sheet(meeting)}
    assert lines == {s.leader.id: None, s.member.id: AttendanceStatus.MIEN, s.offline.id: AttendanceStatus.MIEN}
    attendance.record_sheet(meeting, {}, s.leader.user_id, rest_present=True, now=NOW)
    lines = {line.member.id: line.status for line in attendance.attendance_sheet(meeting)}
    assert lines[s.leader.id] is AttendanceStatus.CO_MAT and lines[s.member.id] is AttendanceStatus.MIEN
    assert minutes.tally(meeting).entitled_ids == [s.leader.id]
    figures = composition(s.ward, today, today=today).figures
    assert (figures["st_tam_mien"], figures["st_mien_sinh_hoat"], figures["st_chinh_thuc"]) == (1, 1, 2)
    before = composition(s.ward, today - timedelta(days=1), today=today).figures
    assert (before["st_tam_mien"], before["st_mien_sinh_hoat"], before["st_chinh_thuc"]) == (0, 0, 4)
