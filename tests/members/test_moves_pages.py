"""The moves through the pages and the API: a member asks for a permanent move to another ward, their cell issues the
letter, the receiving cell confirms, the member arrives with their history; refusals on the forms (400, nothing
written); the member's state and working days left in GET /api/v1/me/transfer; reminders before the deadlines."""
from __future__ import annotations

from datetime import date

import time_machine
from sqlalchemy import func, select

from handbook.extensions import db
from handbook.members.move_models import MemberTransfer, MoveState
from handbook.notify.models import Notification
from handbook.notify.rules import run_rules
from tests.members.moves_scene import MONDAY, _ask
from tests.support import get_csrf, signed_in


def _moves() -> int:
    return db.session.scalar(select(func.count(MemberTransfer.id)))


@time_machine.travel(MONDAY, tick=False)
def test_a_member_moves_to_another_ward_through_the_pages(app, world):
    w = world
    member = signed_in(app, "dv@test.vn")
    found = member.get("/me/moves/new?q=phố 9")
    assert found.status_code == 200 and "9 Lê Lợi" in found.get_data(as_text=True)
    token = get_csrf(member, "/me/moves/new")
    form = {"csrf_token": token, "kind": "chinh_thuc", "reason": "cu_tru", "change_day": "26/01/2026",
            "destination": str(w["inside"].id)}
    for bad, message in (({"change_day": ""}, "Vui lòng nhập ngày có sự thay đổi"),
                         ({"change_day": "31/02/2026"}, "không hợp lệ"),
                         ({"destination": "999999"}, "không còn trong danh bạ"),
                         ({"destination": "", "destination_name": ""}, "chọn nơi chuyển đến"),
                         ({"kind": "vinh_vien"}, "Lựa chọn không hợp lệ")):
        page = member.post("/me/moves/new", data={**form, **bad})
        assert page.status_code == 400 and message in page.get_data(as_text=True), bad
    assert _moves() == 0
    assert member.post("/me/moves/new", data=form).status_code == 302
    again = member.post("/me/moves/new", data=form)
    assert again.status_code == 400 and "chưa xong" in again.get_data(as_text=True)
    move = db.session.scalar(select(MemberTransfer))
    mine = member.get("/me/moves").get_data(as_text=True)
    assert "Chờ chi bộ làm giấy giới thiệu" in mine and "Còn 56 ngày làm việc" in mine  # 02/02 itself to 28/04

    leader_a = signed_in(app, "la@test.vn")
    sending = leader_a.get(f"/org/{w['cell_a'].id}/moves").get_data(as_text=True)
    assert "Phạm Văn Chuyển" in sending and "Ghi giấy giới thiệu" in sending
    token_a = get_csrf(leader_a, f"/org/{w['cell_a'].id}/moves")
    bad = leader_a.post(f"/moves/{move.id}/letter", data={"csrf_token": token_a, "number": "", "day": "02/02/2026"})
    assert bad.status_code == 400 and "Vui lòng nhập số giấy giới thiệu" in bad.get_data(as_text=True)
    assert leader_a.post(f"/moves/{move.id}/letter",
                         data={"csrf_token": token_a, "number": "12-GGT/ĐU", "day": "02/02/2026"}).status_code == 302
    assert leader_a.post(f"/moves/{move.id}/receive", data={"csrf_token": token_a, "cell": str(w["cell_b"].id),
                                                            "day": "02/02/2026"}).status_code == 403

    leader_b = signed_in(app, "lb@test.vn")
    receiving = leader_b.get(f"/org/{w['cell_b'].id}/moves").get_data(as_text=True)
    assert "Phạm Văn Chuyển" in receiving and "Còn 30 ngày làm việc để xuất trình" in receiving
    token_b = get_csrf(leader_b, f"/org/{w['cell_b'].id}/moves")
    assert leader_b.post(f"/moves/{move.id}/letter", data={"csrf_token": token_b, "number": "1",
                                                           "day": "02/02/2026"}).status_code == 403
    late = leader_b.post(f"/moves/{move.id}/receive", data={"csrf_token": token_b, "cell": str(w["cell_b"].id),
                                                            "day": "03/02/2026"})
    assert late.status_code == 400 and "tương lai" in late.get_data(as_text=True)
    assert leader_b.post(f"/moves/{move.id}/receive", data={"csrf_token": token_b, "cell": str(w["cell_b"].id),
                                                            "day": "02/02/2026"}).status_code == 302
    db.session.expire_all()
    assert w["member"].cell_id == w["cell_b"].id and move.state is MoveState.RECEIVED
    history = member.get("/me/moves").get_data(as_text=True)  # the same session: access follows
    assert "Chi bộ khu phố 1" in history and "Chi bộ khu phố 9" in history and "12-GGT/ĐU" in history
    assert leader_a.get(f"/members/{w['member'].id}").status_code == 404  # no longer the sending cell's
    assert leader_b.get(f"/members/{w['member'].id}").status_code == 200


@time_machine.travel(MONDAY, tick=False)
def test_a_leader_records_a_request_for_a_member_without_a_phone(app, world):
    w = world
    leader = signed_in(app, "la@test.vn")
    path = f"/org/{w['cell_a'].id}/moves/new/{w['member'].id}"
    assert leader.get(path).status_code == 200
    token = get_csrf(leader, path)
    done = leader.post(path, data={"csrf_token": token, "kind": "chinh_thuc", "reason": "nghi_huu",
                                   "change_day": "30/01/2026", "destination_name": "Chi bộ Tổ dân phố 3, xã Y"})
    assert done.status_code == 302
    move = db.session.scalar(select(MemberTransfer))
    assert (move.to_org_id, move.destination_name, move.requested_by_id) == (
        None, "Chi bộ Tổ dân phố 3, xã Y", w["leader_a"].id)
    assert signed_in(app, "lb@test.vn").get(path).status_code == 404  # another ward's leader


@time_machine.travel(MONDAY, tick=False)
def test_the_api_gives_the_member_their_moves_with_the_working_days_left(app, world):
    w = world
    move = _ask(w)
    member = signed_in(app, "dv@test.vn")
    body = member.get("/api/v1/me/transfer").get_json()
    [current] = body["current"]
    assert (current["id"], current["state"], current["kind"]) == (move.id, "requested", "chinh_thuc")
    assert (current["deadline"], current["working_days_left"]) == ("2026-04-28", 56)
    assert body["temporary"] is None and len(body["history"]) == 1
    other = signed_in(app, "lb@test.vn").get("/api/v1/me/transfer").get_json()
    assert other["history"] == []  # their own moves only
    assert app.test_client().get("/api/v1/me/transfer").status_code == 401
    assert "/api/v1/me/transfer" in app.test_client().get("/api/v1/openapi.json").get_json()["paths"]


def test_reminders_before_the_presentation_deadline_go_once_to_the_member_and_both_sides(app, world):
    w = world
    with time_machine.travel(MONDAY, tick=False):
        from handbook.audit.service import Actor
        from handbook.caller import load_access
        from handbook.members import moves

        move = _ask(w)
        moves.issue_letter(move, "12", date(2026, 2, 2), actor=Actor(w["leader_a"].id),
                           access=load_access(w["leader_a"]))
    reminders = select(Notification.user_id).where(Notification.dedupe_key.like(f"move:{move.id}:present:%"))
    with time_machine.travel("2026-03-13 09:00 +07:00", tick=False):  # 6 working days left (13/03 to 23/03)
        run_rules(names=["member_moves"])
        assert list(db.session.scalars(reminders)) == []
    with time_machine.travel("2026-03-17 06:30 +07:00", tick=False):  # 5 left; 23:30 UTC the day before
        run_rules(names=["member_moves"])
        run_rules(names=["member_moves"])
        assert sorted(db.session.scalars(reminders)) == sorted(
            [w["member_user"].id, w["leader_a"].id, w["leader_b"].id])
        text = db.session.scalar(select(Notification.body).where(Notification.user_id == w["member_user"].id,
                                                                 Notification.dedupe_key.like("%:present:%")))
        assert "Còn 5 ngày làm việc (đến ngày 23/03/2026)" in text
    with time_machine.travel("2026-03-23 09:00 +07:00", tick=False):  # the last day: once more
        run_rules(names=["member_moves"])
        assert len(list(db.session.scalars(reminders))) == 6


@time_machine.travel(MONDAY, tick=False)
def test_my_data_has_my_moves_and_my_cells(app, world):
    w = world
    _ask(w, entry="outside")
    data = signed_in(app, "dv@test.vn").get("/me/data.json").get_json()
    [move] = data["moves"]
    assert (move["kind"], move["kind_label"], move["state"], move["destination_name"]) == (
        "chinh_thuc", "Chuyển sinh hoạt chính thức", "requested", "Đảng ủy Công ty X (tỉnh khác)")
    assert move["from_cell"] == "Chi bộ khu phố 1" and move["change_day"] == "2026-01-26"
    assert [p["cell"] for p in data["placements"]] == ["Chi bộ khu phố 1"]


@time_machine.travel(MONDAY, tick=False)
def test_the_record_shows_every_move_with_its_letter_to_those_who_manage_it(app, world):
    w = world
    from handbook.audit.service import Actor
    from handbook.caller import load_access
    from handbook.members import moves

    move = _ask(w)
    moves.issue_letter(move, "31-GGT/ĐU", date(2026, 2, 2), actor=Actor(w["leader_a"].id),
                       access=load_access(w["leader_a"]))
    page = signed_in(app, "la@test.vn").get(f"/members/{w['member'].id}").get_data(as_text=True)
    assert 'id="moves"' in page and "Giấy giới thiệu số 31-GGT/ĐU ngày 02/02/2026" in page
    own = signed_in(app, "dv@test.vn").get(f"/members/{w['member'].id}").get_data(as_text=True)
    assert 'id="moves"' not in own  # the member reads theirs on their own page (/me/moves)


def test_reminders_while_the_letter_is_awaited_go_to_the_member_and_the_sending_cell_only(app, world):
    w = world
    with time_machine.travel(MONDAY, tick=False):
        move = _ask(w)  # the letter due by 28/04/2026
    reminders = select(Notification.user_id).where(Notification.dedupe_key.like(f"move:{move.id}:letter:%"))
    with time_machine.travel("2026-04-21 09:00 +07:00", tick=False):  # 21–24, 28: 5 left (27/04 is a holiday)
        run_rules(names=["member_moves"])
        assert sorted(db.session.scalars(reminders)) == sorted([w["member_user"].id, w["leader_a"].id])
    with time_machine.travel("2026-04-29 09:00 +07:00", tick=False):  # overdue: the page says so, no more reminders
        run_rules(names=["member_moves"])
        assert len(list(db.session.scalars(reminders))) == 2


@time_machine.travel(MONDAY, tick=False)
def test_merging_two_records_of_one_person_carries_their_moves(app, world, factory):
    from handbook.audit.service import Actor
    from handbook.members.duplicates import merge

    w = world
    move = _ask(w)
    twin = factory.member(w["cell_a"], name="Phạm Văn Chuyển")
    factory.commit()
    merge(twin, w["member"], Actor(w["leader_a"].id))
    assert db.session.get(MemberTransfer, move.id).member_id == twin.id


@time_machine.travel(MONDAY, tick=False)
def test_the_home_page_counts_down_and_the_notice_setting_is_offered_once_there_is_a_move(app, world):
    from handbook.notify.kinds import kinds_for

    w = world
    client = signed_in(app, "dv@test.vn")
    assert "Còn 56 ngày làm việc" not in client.get("/").get_data(as_text=True)
    assert "member_transfer" not in kinds_for(w["member_user"].id) and "member_transfer" in kinds_for(
        w["leader_b"].id)
    _ask(w)
    home = client.get("/").get_data(as_text=True)
    assert "Còn 56 ngày làm việc để có giấy giới thiệu (đến hết ngày 28/04/2026)" in home
    assert "member_transfer" in kinds_for(w["member_user"].id)


@time_machine.travel(MONDAY, tick=False)
def test_a_step_posted_by_the_wrong_side_shows_no_list_of_the_other_side(app, world, factory):
    """A bad form posted for a step the caller may not take is refused before the page of the other side's
    organisation is drawn: its members' names do not leak to the receiving side, nor to the member."""
    w = world
    factory.member(w["cell_a"], name="Đỗ Thị Ởnhà")
    factory.member(w["cell_b"], name="Ngô Văn Nơiđến")
    factory.commit()
    move = _ask(w)
    leader_b = signed_in(app, "lb@test.vn")
    token_b = get_csrf(leader_b, f"/org/{w['cell_b'].id}/moves")
    for path in (f"/moves/{move.id}/letter", f"/moves/{move.id}/outside"):
        refused = leader_b.post(path, data={"csrf_token": token_b, "day": "x" * 11})
        assert "Đỗ Thị Ởnhà" not in refused.get_data(as_text=True)
        assert refused.status_code == 403, path
    member = signed_in(app, "dv@test.vn")
    token = get_csrf(member, "/me/moves/new")
    refused = member.post(f"/moves/{move.id}/receive", data={"csrf_token": token, "day": "x" * 11})
    assert "Ngô Văn Nơiđến" not in refused.get_data(as_text=True)
    assert refused.status_code == 403
    assert db.session.get(MemberTransfer, move.id).state is MoveState.REQUESTED


@time_machine.travel(MONDAY, tick=False)
def test_what_a_move_writes_in_the_record_is_vietnamese_whatever_the_leaders_language(app, world):
    """The record's history is read by everyone after: a leader using the English interface writes it in Vietnamese."""
    from handbook.members.models import MemberStatus, MemberStatusHistory
    from handbook.members.placements import placements_of

    w = world
    leaders = []
    for email in ("la@test.vn", "lb@test.vn"):
        client = signed_in(app, email)
        with client.session_transaction() as session:
            session["lang"] = "en"
        leaders.append(client)
    leader_a, leader_b = leaders
    inside = _ask(w)
    token_a = get_csrf(leader_a, f"/org/{w['cell_a'].id}/moves")
    assert leader_a.post(f"/moves/{inside.id}/letter",
                         data={"csrf_token": token_a, "number": "12-GGT", "day": "02/02/2026"}).status_code == 302
    token_b = get_csrf(leader_b, f"/org/{w['cell_b'].id}/moves")
    assert leader_b.post(f"/moves/{inside.id}/receive", data={"csrf_token": token_b, "cell": str(w["cell_b"].id),
                                                              "day": "02/02/2026"}).status_code == 302
    assert placements_of(w["member"].id)[0].reason == "Chuyển sinh hoạt đảng chính thức"
    # the same member, now in cell B, moves on to an organisation outside the deployment

    outside = _ask(w, entry="outside", who="leader_b", change=date(2026, 2, 2))
    assert leader_b.post(f"/moves/{outside.id}/letter",
                         data={"csrf_token": token_b, "number": "13-GGT", "day": "02/02/2026"}).status_code == 302
    assert leader_b.post(f"/moves/{outside.id}/outside",
                         data={"csrf_token": token_b, "day": "02/02/2026"}).status_code == 302
    row = db.session.scalar(select(MemberStatusHistory).where(MemberStatusHistory.member_id == w["member"].id,
                                                              MemberStatusHistory.status == MemberStatus.CHUYEN_DI))
    assert row.reason.startswith("Chuyển sinh hoạt đảng chính thức đến")


def _incoming_page_statements(app, world, factory, statements, n: int, total: int) -> int:
    from handbook.audit.service import Actor
    from handbook.caller import load_access
    from handbook.members import moves
    from handbook.members.move_models import MoveKind, MoveReason

    w = world
    sending = load_access(w["leader_a"])
    for _n in range(n):
        member = factory.member(w["cell_a"])
        factory.commit()
        move = moves.request_move(member, kind=MoveKind.PERMANENT, reason=MoveReason.CU_TRU,
                                  change_day=date(2026, 1, 26), destination=moves.Destination(org=w["ward_b"]),
                                  actor=Actor(w["leader_a"].id), access=sending)
        moves.issue_letter(move, "1", date(2026, 2, 2), actor=Actor(w["leader_a"].id), access=sending)
    staff = signed_in(app, "sb@test.vn")
    with statements() as seen:
        page = staff.get(f"/org/{w['ward_b'].id}/moves")
    assert page.status_code == 200 and page.get_data(as_text=True).count("Xác nhận tiếp nhận") == total
    return len(seen)


@time_machine.travel(MONDAY, tick=False)
def test_a_committees_incoming_moves_cost_the_same_statements_for_2_or_12(app, world, factory, statements):
    few = _incoming_page_statements(app, world, factory, statements, 2, 2)
    many = _incoming_page_statements(app, world, factory, statements, 10, 12)
    assert many == few
