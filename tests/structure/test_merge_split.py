"""Merging organisations and splitting a cell: members follow with the decision, everything else stays where it
belongs, and a refusal writes nothing."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from handbook.audit.models import AuditEvent
from handbook.audit.service import Actor
from handbook.extensions import db
from handbook.meetings.models import Meeting
from handbook.members.models import MemberPlacement, MemberStatus
from handbook.members.placements import cell_on, placements_of
from handbook.org.history import Decision, changes_of, org_as_of
from handbook.org.models import OrgChange, OrgChangeKind, OrgKind, Position, Role
from handbook.structure.services import StructureError, merge_organisations, split_organisation
from tests.meetings.scenes import make_meeting

ACTOR = Actor()
TODAY = "2025-10-01 09:00 +07:00"


@pytest.fixture
def ward(factory):
    with time_machine.travel("2025-08-01 09:00 +07:00", tick=False):
        ward = factory.org("Phường Hải Châu", OrgKind.DANG_BO_XA)
        a = factory.org("Chi bộ Khu dân cư 1", OrgKind.CHI_BO, ward)
        b = factory.org("Chi bộ Khu dân cư 2", OrgKind.CHI_BO, ward)
        target = factory.org("Chi bộ Khu dân cư 3", OrgKind.CHI_BO, ward)
        group = factory.org("Tổ đảng 1", OrgKind.TO_DANG, a)
        factory.commit()
    return ward, a, b, target, group


def _written():
    return (db.session.scalar(select(func.count(OrgChange.id))),
            db.session.scalar(select(func.count(MemberPlacement.id))),
            db.session.scalar(select(func.count(AuditEvent.id))))


@time_machine.travel(TODAY, tick=False)
def test_merge_moves_members_dissolves_the_sources_ends_positions_and_leaves_meetings(ward, factory):
    _ward, a, b, target, group = ward
    in_a = factory.member(a, group_id=group.id)
    in_b = factory.member(b)
    left = factory.member(b, status=MemberStatus.CHUYEN_DI)
    leader = factory.user()
    factory.grant(leader, a, Role.BI_THU)
    meeting = make_meeting(a, datetime(2025, 9, 3, 12, 0, tzinfo=UTC), now=datetime(2025, 9, 1, tzinfo=UTC))
    factory.commit()

    moved = merge_organisations([a, b], target, decision=Decision("15-QĐ/ĐU", "Trần Văn B"),
                                on=date(2025, 9, 20), actor=ACTOR)
    assert moved == 2
    db.session.expire_all()
    assert in_a.cell_id == in_b.cell_id == target.id and in_a.group_id is None
    assert left.cell_id == b.id  # who left keeps the cell they left from
    assert cell_on(in_a.id, date(2025, 9, 19)) == a.id and cell_on(in_a.id, date(2025, 9, 20)) == target.id
    assert placements_of(in_b.id)[0].decision_number == "15-QĐ/ĐU"
    assert a.dissolved_on == b.dissolved_on == group.dissolved_on == date(2025, 9, 20)
    assert db.session.get(Meeting, meeting.id).organisation_id == a.id  # meetings stay with the merged cell
    assert db.session.scalar(select(Position).where(Position.organisation_id == a.id)) is None
    assert org_as_of(a.id, date(2025, 9, 19)).name == "Chi bộ Khu dân cư 1"
    [merge, _created] = changes_of(target.id)
    assert merge.kind is OrgChangeKind.MERGE and merge.details["merged_ids"] == [a.id, b.id]
    assert changes_of(a.id)[0].details["into_id"] == target.id
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"org.merge", "org.dissolve", "position.revoke"} <= actions


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("case, message", [
    ("across_kinds", "cùng loại"), ("into_itself", "chính nó"), ("nothing", "ít nhất một"),
    ("future", "tương lai"), ("outside", "ngoài phạm vi"),
])
def test_bad_merges_are_refused_and_write_nothing(ward, factory, case, message):
    ward_org, a, b, target, group = ward
    member = factory.member(a)
    factory.commit()
    from handbook.caller import load_access

    sources, into, on, access = [a, b], target, date(2025, 9, 20), None
    if case == "across_kinds":
        sources = [a, group]
    elif case == "into_itself":
        sources = [a, target]
    elif case == "nothing":
        sources = []
    elif case == "future":
        on = date(2025, 10, 2)
    elif case == "outside":
        other = factory.org("Phường khác", OrgKind.DANG_BO_XA)
        staff = factory.user()
        factory.grant(staff, other, Role.CAN_BO)
        factory.commit()
        access = load_access(staff)
    before = _written()
    with pytest.raises(StructureError, match=message):
        merge_organisations(sources, into, on=on, actor=ACTOR, access=access)
    db.session.expire_all()
    assert _written() == before and member.cell_id == a.id and a.dissolved_on is None and ward_org is not None


@time_machine.travel(TODAY, tick=False)
def test_a_half_done_merge_rolls_back_entirely(ward, factory):
    """The second source cannot be emptied (a member moved there on a later day): the first stays as it was."""
    _ward, a, b, target, _group = ward
    in_a = factory.member(a)
    in_b = factory.member(b, admission_date=date(2025, 9, 25))
    factory.commit()
    before = _written()
    with pytest.raises(StructureError, match="không được trước"):
        merge_organisations([a, b], target, on=date(2025, 9, 20), actor=ACTOR)
    db.session.expire_all()
    assert _written() == before
    assert (in_a.cell_id, in_b.cell_id, a.dissolved_on) == (a.id, b.id, None)


@time_machine.travel(TODAY, tick=False)
def test_split_moves_the_chosen_members_and_keeps_the_rest(ward, factory):
    ward_org, a, _b, _target, _group = ward
    stay, go_one, go_two = factory.member(a), factory.member(a), factory.member(a)
    factory.commit()
    [new] = split_organisation(a, [("Chi bộ Khu dân cư 1B", [go_one, go_two])],
                               decision=Decision("20-QĐ/ĐU"), on=date(2025, 9, 25), actor=ACTOR)
    db.session.expire_all()
    assert (new.parent_id, new.kind) == (ward_org.id, OrgKind.CHI_BO)
    assert stay.cell_id == a.id and go_one.cell_id == go_two.cell_id == new.id
    assert placements_of(go_one.id)[0].reason == "Chia tách chi bộ"
    [split, _created] = changes_of(a.id)
    assert split.kind is OrgChangeKind.SPLIT and split.details["new_ids"] == [new.id]
    assert changes_of(new.id)[0].decision_number == "20-QĐ/ĐU"


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("case, message", [
    ("not_in_source", "không thuộc chi bộ"), ("twice", "chỉ được chọn"), ("not_a_cell", "Chỉ chia tách"),
    ("no_parts", "ít nhất một"), ("no_name", "nhập tên"),
])
def test_bad_splits_are_refused_and_write_nothing(ward, factory, case, message):
    ward_org, a, b, _target, _group = ward
    mine, other = factory.member(a), factory.member(b)
    factory.commit()
    source, parts = a, [("Chi bộ mới", [mine])]
    if case == "not_in_source":
        parts = [("Chi bộ mới", [other])]
    elif case == "twice":
        parts = [("Chi bộ mới", [mine]), ("Chi bộ mới 2", [mine])]
    elif case == "not_a_cell":
        source = ward_org
    elif case == "no_parts":
        parts = []
    elif case == "no_name":
        parts = [("  ", [mine])]
    before = _written()
    with pytest.raises(StructureError, match=message):
        split_organisation(source, parts, on=date(2025, 9, 25), actor=ACTOR)
    db.session.expire_all()
    assert _written() == before and mine.cell_id == a.id


def test_a_merged_cells_meeting_page_and_minutes_keep_its_name_then(app, ward, factory, statements):
    from tests.support import signed_in

    _ward, a, _b, target, _group = ward
    admin = factory.user("admin@test.vn", admin=True)
    with time_machine.travel("2025-09-01 09:00 +07:00", tick=False):
        meeting = make_meeting(a, datetime(2025, 9, 3, 12, 0, tzinfo=UTC), now=datetime(2025, 9, 1, tzinfo=UTC))
        factory.commit()
    client = signed_in(app, admin.email)
    with statements() as before:
        client.get(f"/meetings/{meeting.id}")
    with time_machine.travel(TODAY, tick=False):
        merge_organisations([a], target, on=date(2025, 9, 20), actor=ACTOR)
        from handbook.org.service import rename_organisation

        rename_organisation(target, "Chi bộ Khu dân cư Hợp nhất", on=date(2025, 9, 21), actor=ACTOR)
    with statements() as after:
        page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Chi bộ Khu dân cư 1" in page
    assert len(after) == len(before)  # the name of the day: one query, whatever the history
    printed = client.get(f"/meetings/{meeting.id}/minutes/print").get_data(as_text=True)
    assert "Chi bộ Khu dân cư 1" in printed


def test_a_split_or_merge_dated_before_the_recorded_history_is_refused(app, ward):
    _ward, a, b, target, _group = ward
    with time_machine.travel(TODAY, tick=False):
        with pytest.raises(StructureError):
            split_organisation(a, [("Chi bộ mới", [])], on=date(1900, 1, 1), actor=ACTOR)
        with pytest.raises(StructureError):
            merge_organisations([b], target, on=date(1900, 1, 1), actor=ACTOR)
    assert db.session.scalar(select(func.count(OrgChange.id)).where(OrgChange.on < date(2000, 1, 1))) == 0
