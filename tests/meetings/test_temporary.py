"""Sinh hoạt tạm thời: the receiving cell asks (card number + birth date or CCCD), the member's own cell confirms or
refuses; the answer to the asking cell never says whether the number named a member; invited to the temporary
cell's meetings, not voting, not counted."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from handbook.audit.models import AuditEvent
from handbook.audit.service import Actor
from handbook.caller import load_access
from handbook.core.timeutil import local_today, to_local
from handbook.extensions import db
from handbook.meetings import attendance, minutes, queries
from handbook.meetings.audience import can_see_meeting
from handbook.meetings.models import AttendanceStatus
from handbook.members import transfers
from handbook.members.models import ArrivalStatus, Member, MemberChange, TemporaryArrival, TemporaryReason
from handbook.notify.models import Notification
from handbook.org.access import can_manage_org, can_see_org
from handbook.org.models import OrgKind, Role
from tests.meetings.scenes import NOW, make_meeting
from tests.support import csrf_from, signed_in

TODAY = date(2026, 11, 22)  # NOW's day in Hà Nội
BORN = date(1980, 1, 1)     # the factory's birth date
WORK = TemporaryReason.CONG_TAC


@pytest.fixture
def visitor(app, cell, factory):
    """The outsider (official member of the other cell, which has its own bí thư) with a card number."""
    cell.outsider.card_number = "48012345"
    home_leader = factory.user("bithu2@test.vn", name="Bí thư chi bộ 2")
    factory.grant(home_leader, cell.other_cell, Role.BI_THU)
    cell.home_leader = home_leader
    db.session.commit()
    return cell.outsider


def _ask(cell_org, card="48012345", *, birth_date=BORN, cccd=None, reason=WORK, months=4, by=None, now=NOW):
    """A request made at `now` (None: the real clock) for `months` from that day."""
    day = to_local(now).date() if now is not None else local_today()
    return transfers.request_arrival(cell_org, card, birth_date=birth_date, cccd=cccd, reason=reason,
                                     until=day + relativedelta(months=months), actor=Actor(getattr(by, "id", None)),
                                     now=now)


def _host(cell, visitor, months=4):
    """The receiving cell asks and the member's cell confirms: the member attends `cell.org` temporarily."""
    arrival = _ask(cell.org, months=months, by=cell.leader_user)
    access = load_access(cell.home_leader)
    transfers.confirm_arrival(cell.other_cell, arrival.id, visitor.temporary_cell_id, access,
                              Actor(cell.home_leader.id), now=NOW)
    return arrival


def _audit(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


# --- the flow, in the services ------------------------------------------------------------------------

def test_a_request_changes_nothing_until_the_members_cell_confirms(app, cell, visitor):
    arrival = _ask(cell.org, by=cell.leader_user)
    assert visitor.temporary_cell_id is None and transfers.temporary_members(cell.org) == []
    home = load_access(cell.home_leader)
    assert [a.id for a in transfers.pending_for(cell.other_cell, home, now=NOW)] == [arrival.id]
    assert transfers.pending_for(cell.org, load_access(cell.leader_user), now=NOW) == []  # the asking cell

    transfers.confirm_arrival(cell.other_cell, arrival.id, None, home, Actor(cell.home_leader.id), now=NOW)
    db.session.expire_all()
    visitor = db.session.get(Member, visitor.id)
    assert (visitor.temporary_cell_id, visitor.temporary_until) == (cell.org.id, TODAY + relativedelta(months=4))
    assert [m.id for m in transfers.temporary_members(cell.org)] == [visitor.id]
    assert db.session.get(TemporaryArrival, arrival.id).status is ArrivalStatus.CONFIRMED
    change = db.session.scalar(select(MemberChange).where(MemberChange.member_id == visitor.id))
    assert change.field == "temporary_cell_id" and cell.org.name in change.new_value

    request, = _audit("member.temporary_request")
    assert (request.actor_id, request.target_type, request.target_id) == (cell.leader_user.id, "organisation",
                                                                         cell.org.id)
    assert request.details == {"request_id": arrival.id, "member_id": visitor.id, "status": "matched"}
    confirm, = _audit("member.temporary_confirm")
    assert (confirm.actor_id, confirm.target_type, confirm.target_id) == (cell.home_leader.id, "member", visitor.id)
    assert confirm.details == {"organisation_id": cell.org.id, "request_id": arrival.id}
    notices = db.session.scalars(select(Notification.user_id).order_by(Notification.id)).all()
    assert notices == [cell.home_leader.id, cell.leader_user.id]  # asked; confirmed
    assert visitor.full_name not in " ".join(db.session.scalars(select(Notification.body)))  # not on a lock screen

    transfers.end_temporary(cell.org, visitor.id, Actor(cell.leader_user.id))
    assert db.session.get(Member, visitor.id).temporary_cell_id is None


def test_the_receiving_cell_cannot_answer_its_own_request(app, cell, visitor):
    arrival = _ask(cell.org, by=cell.leader_user)
    for org in (cell.org, cell.other_cell):  # its own page, or the member's cell's page
        with pytest.raises(LookupError):
            transfers.confirm_arrival(org, arrival.id, None, load_access(cell.leader_user),
                                      Actor(cell.leader_user.id), now=NOW)
    assert db.session.get(Member, visitor.id).temporary_cell_id is None


def test_a_refusal_changes_nothing_and_reads_like_a_number_that_matched_nobody(app, cell, visitor):
    refused = _ask(cell.org, by=cell.leader_user)
    nobody = _ask(cell.org, "11112222", by=cell.leader_user)
    lapsed = _ask(cell.org, "11113333", by=cell.leader_user, now=NOW - timedelta(days=40))
    transfers.refuse_arrival(cell.other_cell, refused.id, load_access(cell.home_leader),
                             Actor(cell.home_leader.id), now=NOW + timedelta(days=1))
    assert db.session.get(Member, visitor.id).temporary_cell_id is None
    event, = _audit("member.temporary_refuse")
    assert (event.actor_id, event.target_type, event.target_id) == (cell.home_leader.id, "member", visitor.id)
    # to the asking cell, the refused request waits exactly like the unmatched one, and lapses with it
    for days, expected in ((1, "pending"), (29, "pending"), (31, None)):
        states = {r.arrival.id: r.state for r in transfers.sent_requests(cell.org, now=NOW + timedelta(days=days))}
        assert (states.get(refused.id), states.get(nobody.id)) == (expected, expected), days
        assert lapsed.id not in states  # older than 30 days: gone
    # asking again replaces either one: one row per number, waiting again
    again, again_nobody = _ask(cell.org, by=cell.leader_user, now=NOW + timedelta(days=2)), \
        _ask(cell.org, "11112222", by=cell.leader_user, now=NOW + timedelta(days=2))
    assert (again.id, again_nobody.id) == (refused.id, nobody.id)
    assert db.session.get(TemporaryArrival, refused.id).status is ArrivalStatus.PENDING
    home = load_access(cell.home_leader)
    assert [a.id for a in transfers.pending_for(cell.other_cell, home, now=NOW + timedelta(days=2))] == [refused.id]


def test_the_asking_cells_page_shows_a_refusal_as_waiting(app, cell, visitor):
    receiving = signed_in(app, "bithu@test.vn")
    for card in ("48012345", "99999999"):  # the visitor's number, and nobody's
        assert _post_request(receiving, cell.org.id, card_number=card).status_code == 302
    arrival = db.session.scalar(select(TemporaryArrival).where(TemporaryArrival.member_id == visitor.id))
    home = signed_in(app, "bithu2@test.vn")
    token = csrf_from(home.get(f"/org/{cell.other_cell.id}/temporary").get_data(as_text=True))
    assert home.post(f"/org/{cell.other_cell.id}/temporary/requests/{arrival.id}/refuse",
                     data={"csrf_token": token}).status_code == 302
    page = receiving.get(f"/org/{cell.org.id}/temporary").get_data(as_text=True)
    assert page.count("chờ chi bộ nơi đảng viên sinh hoạt xác nhận") == 2 and "không được xác nhận" not in page


def test_notices_skip_position_holders_who_left(app, cell, visitor, factory):
    from handbook.members.models import MemberStatus

    gone_leader = factory.user("bithucu@test.vn", name="Bí thư cũ")
    factory.member(cell.other_cell, gone_leader, name="Bí thư cũ", status=MemberStatus.CHUYEN_DI)
    factory.grant(gone_leader, cell.other_cell, Role.PHO_BI_THU)  # the position outlived the status
    factory.commit()
    _ask(cell.org, by=cell.leader_user)
    told = db.session.scalars(select(Notification.user_id)).all()
    assert told == [cell.home_leader.id]


def test_the_page_loads_the_members_cells_with_them(app, cell, visitor, factory, statements):
    """The list of those attending temporarily and the requests waiting show each member's own cell: loaded with
    the query, whatever the number of members."""
    def counts():
        page = signed_in(app, "bithu@test.vn")
        home = signed_in(app, "bithu2@test.vn")
        with statements() as hosting:
            assert page.get(f"/org/{cell.org.id}/temporary").status_code == 200
        with statements() as answering:
            assert home.get(f"/org/{cell.other_cell.id}/temporary").status_code == 200
        return len(hosting), len(answering)

    _host(cell, visitor)
    _ask(cell.org, "48099999", by=cell.leader_user)  # matches nobody yet
    one = counts()
    for n in range(3):
        far = factory.org(f"Chi bộ xa {n}", OrgKind.CHI_BO, cell.ward)
        guest = factory.member(far, name=f"Khách {n}", card_number=f"4809000{n}", temporary_cell_id=cell.org.id,
                               temporary_until=TODAY + relativedelta(months=4))
        waiting = factory.member(cell.other_cell, name=f"Chờ {n}", card_number=f"4807000{n}")
        factory.commit()
        _ask(cell.org, waiting.card_number, by=cell.leader_user)
        assert guest.id
    assert counts() == one


def test_an_unanswered_request_lapses_after_thirty_days(app, cell, visitor):
    arrival = _ask(cell.org, by=cell.leader_user, now=NOW - timedelta(days=31))
    with pytest.raises(transfers.TransferError, match="quá 30 ngày"):
        transfers.confirm_arrival(cell.other_cell, arrival.id, None, load_access(cell.home_leader),
                                  Actor(cell.home_leader.id), now=NOW)
    assert transfers.pending_for(cell.other_cell, load_access(cell.home_leader), now=NOW) == []


def test_a_committee_above_the_members_cell_may_answer(app, cell, visitor, factory):
    staff = factory.user("canbo@test.vn")
    factory.grant(staff, cell.ward, Role.CAN_BO)
    factory.commit()
    arrival = _ask(cell.org, by=cell.leader_user)
    access = load_access(staff)
    assert [a.id for a in transfers.pending_for(cell.ward, access, now=NOW)] == [arrival.id]
    transfers.confirm_arrival(cell.ward, arrival.id, None, access, Actor(staff.id), now=NOW)
    assert db.session.get(Member, visitor.id).temporary_cell_id == cell.org.id


def test_an_existing_placement_is_replaced_only_knowingly_and_its_host_is_told(app, cell, visitor, factory):
    far = factory.org("Chi bộ xa", OrgKind.CHI_BO, cell.ward)
    far_leader = factory.user("bithu3@test.vn")
    factory.grant(far_leader, far, Role.BI_THU)
    factory.commit()
    first = _ask(far, by=far_leader)
    home = load_access(cell.home_leader)
    transfers.confirm_arrival(cell.other_cell, first.id, None, home, Actor(cell.home_leader.id), now=NOW)
    second = _ask(cell.org, by=cell.leader_user)
    with pytest.raises(transfers.TransferError, match="vừa thay đổi"):  # the page showed no placement
        transfers.confirm_arrival(cell.other_cell, second.id, None, home, Actor(cell.home_leader.id), now=NOW)
    assert db.session.get(Member, visitor.id).temporary_cell_id == far.id

    transfers.confirm_arrival(cell.other_cell, second.id, far.id, home, Actor(cell.home_leader.id), now=NOW)
    db.session.expire_all()
    assert db.session.get(Member, visitor.id).temporary_cell_id == cell.org.id
    assert db.session.get(TemporaryArrival, second.id).previous_cell_id == far.id
    told = db.session.scalars(select(Notification).where(Notification.user_id == far_leader.id)).all()
    assert [n.title for n in told] == ["Đề nghị sinh hoạt tạm thời đã được xác nhận",
                                       "Đảng viên chuyển nơi sinh hoạt tạm thời"]
    assert _audit("member.temporary_confirm")[-1].details["previous_id"] == far.id


@pytest.mark.parametrize("reason,until,message", [
    (WORK, TODAY + relativedelta(months=3) - timedelta(days=1), "từ 3 tháng trở lên"),
    (WORK, TODAY + relativedelta(months=12), "dưới 12 tháng"),
    (TemporaryReason.HOC_TAP, TODAY + relativedelta(months=24) + timedelta(days=1), "không quá 24 tháng"),
    (WORK, TODAY, "phải sau hôm nay"),
    (WORK, None, "phải sau hôm nay"),
])
def test_the_period_follows_the_rules(app, cell, visitor, reason, until, message):
    with pytest.raises(transfers.TransferError, match=message):
        transfers.check_period(reason, until, TODAY)


def test_the_longest_periods_are_accepted(app, cell):
    transfers.check_period(WORK, TODAY + relativedelta(months=12) - timedelta(days=1), TODAY)
    transfers.check_period(TemporaryReason.HOC_TAP, TODAY + relativedelta(months=24), TODAY)
    transfers.check_period(WORK, TODAY + relativedelta(months=3), TODAY)


@pytest.mark.parametrize("card,birth_date,cccd,message", [
    ("", BORN, None, "Vui lòng nhập số thẻ"),
    ("48A12345", BORN, None, "chỉ gồm chữ số"),
    ("48012345", None, None, "ngày sinh hoặc số CCCD"),
    ("48012345", None, "0123", "đúng 12 chữ số"),
])
def test_bad_requests_are_refused_with_a_message(app, cell, visitor, card, birth_date, cccd, message):
    with pytest.raises(transfers.TransferError, match=message):
        _ask(cell.org, card, birth_date=birth_date, cccd=cccd)
    assert db.session.scalar(select(TemporaryArrival.id)) is None


def test_own_cell_member_cannot_be_requested(app, cell):
    cell.member.card_number = "48000001"
    db.session.commit()
    with pytest.raises(transfers.TransferError, match="đã thuộc chi bộ"):
        _ask(cell.org, "48000001")


def test_a_second_factor_that_does_not_match_reaches_nobody(app, cell, visitor):
    visitor.cccd = "001080000009"
    db.session.commit()
    for birth_date, cccd in ((date(1981, 1, 1), None), (None, "001080000008"), (BORN, "001080000008")):
        assert _ask(cell.org, birth_date=birth_date, cccd=cccd).member_id is None
    assert _ask(cell.org, birth_date=None, cccd="0010 8000 0009").member_id == visitor.id
    assert db.session.scalar(select(func.count(TemporaryArrival.id))) == 1  # one pending row per number, updated


# --- meetings at the temporary cell -------------------------------------------------------------------

def test_temporary_member_is_invited_but_does_not_vote(app, cell, visitor):
    _host(cell, visitor)
    meeting = make_meeting(cell.org, NOW - timedelta(hours=1), by=cell.leader_user)
    assert attendance.is_invited(meeting, visitor)
    sheet = {line.member.id: line for line in attendance.attendance_sheet(meeting)}
    assert sheet[visitor.id].temporary and not sheet[cell.member.id].temporary
    before = minutes.tally(meeting).entitled
    attendance.record_sheet(meeting, {visitor.id: (AttendanceStatus.CO_MAT, None),
                                      cell.member.id: (AttendanceStatus.CO_MAT, None)}, cell.leader_user.id)
    tally = minutes.tally(meeting)
    assert visitor.id not in tally.entitled_ids and tally.entitled == before
    assert tally.present_ids == [cell.member.id]


def test_temporary_member_sees_and_answers_the_meetings(app, cell, visitor):
    _host(cell, visitor)
    meeting = make_meeting(cell.org, NOW + timedelta(days=3), by=cell.leader_user)
    assert cell.org.id in queries.member_orgs(visitor)
    access = load_access(_account(visitor))
    assert can_see_meeting(access, meeting) and not can_manage_org(access, cell.org)
    assert not can_see_org(access, cell.org)  # the meetings, not the cell's directory
    attendance.send_absence(meeting, visitor, "Về quê", now=NOW)


def test_a_placement_past_its_end_day_counts_for_nothing_and_the_daily_round_clears_it(app, cell, visitor):
    from handbook.meetings.audience import attends_temporarily

    _host(cell, visitor)
    until = local_today() - timedelta(days=1)
    visitor.temporary_until = until
    db.session.commit()
    before = make_meeting(cell.org, to_utc_evening(until), by=cell.leader_user, now=NOW)  # on its last day
    after = make_meeting(cell.org, to_utc_evening(until + timedelta(days=2)), by=cell.leader_user, now=NOW)
    access = load_access(_account(visitor))
    assert access.temporary_cell_id is None and not attends_temporarily(access, cell.org)
    assert not can_see_meeting(access, after)
    assert cell.org.id not in queries.member_orgs(visitor)
    assert cell.org.id in queries.member_orgs(visitor, today=until)  # on its last day it still counted
    assert attendance.is_invited(before, visitor) and not attendance.is_invited(after, visitor)
    assert transfers.temporary_members(cell.org) == []

    assert transfers.end_expired() == 1
    db.session.expire_all()
    visitor = db.session.get(Member, visitor.id)
    assert (visitor.temporary_cell_id, visitor.temporary_until) == (None, None)
    change = db.session.scalars(select(MemberChange).where(MemberChange.member_id == visitor.id)
                                .order_by(MemberChange.id)).all()[-1]
    assert (change.field, change.old_value, change.new_value, change.changed_by_id) == (
        "temporary_cell_id", f"{cell.org.name} (đến {until:%d/%m/%Y})", "", None)
    event, = _audit("member.temporary_expired")
    assert (event.actor_id, event.target_type, event.target_id, event.details) == (
        None, "member", visitor.id, {"organisation_id": cell.org.id})
    assert transfers.end_expired() == 0


def test_a_placement_ending_today_still_counts(app, cell, visitor):
    _host(cell, visitor)
    visitor.temporary_until = local_today()
    db.session.commit()
    assert load_access(_account(visitor)).temporary_cell_id == cell.org.id
    assert transfers.end_expired() == 0


def to_utc_evening(day):
    """19:30 in Hà Nội on `day`, as UTC."""
    from datetime import time

    from handbook.meetings.scheduling import local_datetime

    return local_datetime(day, time(19, 30))


def _account(member, email="khach@test.vn"):
    from tests.factories import Factory

    user = Factory().user(email)
    member.user_id = user.id
    db.session.commit()
    return user


# --- the pages -----------------------------------------------------------------------------------------

def _post_request(client, org_id: int, **fields):
    page = client.get(f"/org/{org_id}/temporary").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "card_number": "48012345", "birth_date": "01/01/1980", "cccd": "",
            "reason": "cong_tac", "until": (local_today() + relativedelta(months=4)).isoformat()}
    data.update(fields)
    return client.post(f"/org/{org_id}/temporary", data=data)


def test_wrong_numbers_get_the_same_answer_as_a_member(app, cell, visitor):
    client = signed_in(app, "bithu@test.vn")
    answers = []
    for fields in ({"card_number": "99999999"}, {"birth_date": "02/01/1980"}, {}):  # nobody, wrong date, the visitor
        response = _post_request(client, cell.org.id, **fields)
        flashed = client.get(response.headers["Location"]).get_data(as_text=True)
        answers.append((response.status_code, response.headers["Location"], transfers.recorded_message() in flashed))
    assert answers == [(302, f"/org/{cell.org.id}/temporary", True)] * 3
    page = client.get(f"/org/{cell.org.id}/temporary").get_data(as_text=True)
    assert page.count("chờ chi bộ nơi đảng viên sinh hoạt xác nhận") == 2  # one row per number
    assert visitor.full_name not in page and "Đỗ Văn Ngoài" not in page
    events = _audit("member.temporary_request")
    assert [e.details["status"] for e in events] == ["unmatched", "unmatched", "matched"]
    assert all(e.actor_id == cell.leader_user.id and e.ip == "127.0.0.1" for e in events)
    assert db.session.get(Member, visitor.id).temporary_cell_id is None


def test_requests_are_throttled_per_user_and_audited(app, cell, visitor, monkeypatch):
    monkeypatch.setitem(app.config, "TEMPORARY_REQUESTS_PER_DAY", 2)
    client = signed_in(app, "bithu@test.vn")
    assert _post_request(client, cell.org.id, card_number="11110000").status_code == 302
    bad = _post_request(client, cell.org.id, until=local_today().isoformat())  # a form error: not counted
    assert bad.status_code == 400 and "phải sau hôm nay" in bad.get_data(as_text=True)
    assert _post_request(client, cell.org.id, card_number="11110001").status_code == 302
    third = _post_request(client, cell.org.id)
    assert third.status_code == 429
    assert "Đồng chí đã gửi quá 2 đề nghị tiếp nhận trong một ngày" in third.get_data(as_text=True)
    assert db.session.scalar(select(TemporaryArrival.id).where(TemporaryArrival.card_number == "48012345")) is None
    assert [e.details.get("status") for e in _audit("member.temporary_request")] == ["unmatched", "unmatched", 429]


def test_pages_ask_confirm_show_and_end(app, cell, visitor):
    receiving = signed_in(app, "bithu@test.vn")
    assert _post_request(receiving, cell.org.id).status_code == 302
    arrival = db.session.scalar(select(TemporaryArrival))

    member = signed_in(app, _account(visitor, "ngoai@test.vn").email)
    profile = member.get("/profile").get_data(as_text=True)
    assert f"{cell.org.name} đề nghị tiếp nhận đồng chí sinh hoạt tạm thời" in profile

    # the receiving cell cannot answer; a plain member cannot either
    token = csrf_from(receiving.get(f"/org/{cell.org.id}/temporary").get_data(as_text=True))
    assert receiving.post(f"/org/{cell.org.id}/temporary/requests/{arrival.id}/confirm",
                          data={"csrf_token": token, "current": "0"}).status_code == 404
    assert member.post(f"/org/{cell.other_cell.id}/temporary/requests/{arrival.id}/confirm",
                       data={"csrf_token": csrf_from(profile), "current": "0"}).status_code == 403

    home = signed_in(app, "bithu2@test.vn")
    page = home.get(f"/org/{cell.other_cell.id}/temporary").get_data(as_text=True)
    assert visitor.full_name in page and f"Nơi tiếp nhận: {cell.org.name}" in page and "Xác nhận</button>" in page
    token = csrf_from(page)
    assert home.post(f"/org/{cell.other_cell.id}/temporary/requests/{arrival.id}/confirm",
                     data={"csrf_token": token}).status_code == 400  # which placement it saw is required
    confirmed = home.post(f"/org/{cell.other_cell.id}/temporary/requests/{arrival.id}/confirm",
                          data={"csrf_token": token, "current": "0"})
    assert confirmed.status_code == 302
    assert "Đã xác nhận" in home.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert f"tạm thời tại {cell.org.name} đến ngày" in member.get("/profile").get_data(as_text=True)
    listing = receiving.get(f"/org/{cell.org.id}/temporary").get_data(as_text=True)
    assert visitor.full_name in listing and "đã được xác nhận" in listing

    end = receiving.post(f"/org/{cell.org.id}/temporary/{visitor.id}/end", data={"csrf_token": csrf_from(listing)})
    assert end.status_code == 302
    db.session.expire_all()
    assert db.session.get(Member, visitor.id).temporary_cell_id is None


def test_a_committee_page_lists_the_requests_of_its_cells(app, cell, visitor, factory):
    staff = factory.user("canbo@test.vn")
    factory.grant(staff, cell.ward, Role.CAN_BO)
    factory.commit()
    _ask(cell.org, by=cell.leader_user, now=None)
    page = signed_in(app, "canbo@test.vn").get(f"/org/{cell.ward.id}/temporary").get_data(as_text=True)
    assert "Đề nghị chờ xác nhận (1)" in page and visitor.full_name in page and "Gửi đề nghị" not in page
