"""Sinh hoạt tạm thời: invited to the temporary cell's meetings, not voting, not counted; set and ended by
the receiving cell's leader."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from handbook.audit.service import Actor
from handbook.extensions import db
from handbook.meetings import attendance, queries, records
from handbook.meetings.models import AttendanceStatus
from handbook.members import transfers
from handbook.org import access as acl
from tests.conftest import csrf_from
from tests.meetings.conftest import NOW, make_meeting, signed_in

TODAY = date(2026, 11, 22)


@pytest.fixture
def visitor(app, cell):
    """The outsider (official member of the other cell) with a card and an account, hosted by `cell`."""
    cell.outsider.card_number = "48012345"
    db.session.commit()
    return cell.outsider


def test_leader_hosts_by_card_number_and_it_is_recorded(app, cell, visitor):
    member = transfers.host_temporarily(cell.org, " 4801 2345 ", TODAY + timedelta(days=120),
                                        Actor(cell.leader_user.id), today=TODAY)
    assert member.id == visitor.id and member.temporary_cell_id == cell.org.id
    assert [m.id for m in transfers.temporary_members(cell.org)] == [visitor.id]
    transfers.end_temporary(cell.org, visitor.id, Actor(cell.leader_user.id))
    assert visitor.temporary_cell_id is None and transfers.temporary_members(cell.org) == []


@pytest.mark.parametrize("card,until,message", [
    ("", 120, "Vui lòng nhập số thẻ"),
    ("99999999", 120, "Không tìm thấy đảng viên"),
    ("48012345", 0, "không quá 24 tháng"),
    ("48012345", 800, "không quá 24 tháng"),
])
def test_bad_arrivals_are_refused(app, cell, visitor, card, until, message):
    with pytest.raises(transfers.TransferError, match=message):
        transfers.host_temporarily(cell.org, card, TODAY + timedelta(days=until), Actor(), today=TODAY)
    assert visitor.temporary_cell_id is None


def test_own_cell_member_cannot_be_hosted(app, cell):
    cell.member.card_number = "48000001"
    db.session.commit()
    with pytest.raises(transfers.TransferError, match="đã thuộc chi bộ"):
        transfers.host_temporarily(cell.org, "48000001", TODAY + timedelta(days=90), Actor(), today=TODAY)


def test_temporary_member_is_invited_but_does_not_vote(app, cell, visitor):
    transfers.host_temporarily(cell.org, "48012345", TODAY + timedelta(days=120), Actor(), today=TODAY)
    meeting = make_meeting(cell.org, NOW - timedelta(hours=1), by=cell.leader_user)
    assert attendance.is_invited(meeting, visitor)
    sheet = {line.member.id: line for line in attendance.attendance_sheet(meeting)}
    assert sheet[visitor.id].temporary and not sheet[cell.member.id].temporary
    before = records.tally(meeting).entitled
    attendance.record_sheet(meeting, {visitor.id: (AttendanceStatus.CO_MAT, None),
                                      cell.member.id: (AttendanceStatus.CO_MAT, None)}, cell.leader_user.id)
    tally = records.tally(meeting)
    assert visitor.id not in tally.entitled_ids and tally.entitled == before
    assert tally.present_ids == [cell.member.id]


def test_temporary_member_sees_and_answers_the_meetings(app, cell, visitor):
    transfers.host_temporarily(cell.org, "48012345", TODAY + timedelta(days=120), Actor(), today=TODAY)
    meeting = make_meeting(cell.org, NOW + timedelta(days=3), by=cell.leader_user)
    assert cell.org.id in queries.member_orgs(visitor)
    access = acl.load_access(_account(visitor))
    assert acl.can_see_org(access, cell.org) and not acl.can_manage_org(access, cell.org)
    attendance.send_absence(meeting, visitor, "Về quê", now=NOW)


def _account(member):
    from tests.factories import Factory

    user = Factory().user("khach@test.vn")
    member.user_id = user.id
    db.session.commit()
    return user


def test_page_hosts_and_ends(app, cell, visitor):
    client = signed_in(app, "bithu@test.vn")
    page = client.get(f"/org/{cell.org.id}/temporary")
    assert page.status_code == 200 and "Tiếp nhận đảng viên" in page.get_data(as_text=True)
    token = csrf_from(page.get_data(as_text=True))
    bad = client.post(f"/org/{cell.org.id}/temporary", data={"csrf_token": token, "card_number": "000",
                                                             "until": (date.today() + timedelta(days=60)).isoformat()})
    assert bad.status_code == 400 and "Không tìm thấy đảng viên" in bad.get_data(as_text=True)
    ok = client.post(f"/org/{cell.org.id}/temporary", data={"csrf_token": token, "card_number": "48012345",
                                                            "until": (date.today() + timedelta(days=60)).isoformat()})
    assert ok.status_code == 302
    assert visitor.full_name in client.get(f"/org/{cell.org.id}/temporary").get_data(as_text=True)
    end = client.post(f"/org/{cell.org.id}/temporary/{visitor.id}/end", data={"csrf_token": token})
    assert end.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(visitor), visitor.id).temporary_cell_id is None
