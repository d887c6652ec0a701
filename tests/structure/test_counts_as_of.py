"""Member counts as of a date: a committee's figures before a merger, a move or a status change stay as they were."""
from __future__ import annotations

from datetime import date

import time_machine
from sqlalchemy import delete

from handbook.audit.service import Actor
from handbook.extensions import db
from handbook.members.counts import counts_on
from handbook.members.models import MemberStatus, MemberStatusHistory
from handbook.members.records import record_status
from handbook.org.history import Decision
from handbook.org.models import OrgKind
from handbook.org.service import move_organisation
from handbook.structure.services import merge_organisations

ACTOR = Actor()


def test_counts_the_day_before_a_merger_are_unchanged_after_it(factory):
    traveller = time_machine.travel("2025-08-01 09:00 +07:00", tick=False)  # the tree recorded before its changes
    traveller.start()
    city = factory.org("Thành phố", OrgKind.DANG_BO_TINH)
    ward_a = factory.org("Phường A", OrgKind.DANG_BO_XA, city)
    ward_b = factory.org("Phường B", OrgKind.DANG_BO_XA, city)
    a1, a2 = factory.org("Chi bộ A1", OrgKind.CHI_BO, ward_a), factory.org("Chi bộ A2", OrgKind.CHI_BO, ward_a)
    b1 = factory.org("Chi bộ B1", OrgKind.CHI_BO, ward_b)
    for cell, n in ((a1, 3), (a2, 2), (b1, 4)):
        for _ in range(n):
            factory.member(cell, admission_date=date(2010, 1, 1))
    gone = factory.member(a1, admission_date=date(2010, 1, 1))
    factory.commit()
    traveller.stop()
    with time_machine.travel("2025-10-01 09:00 +07:00", tick=False):
        _after(city, ward_a, ward_b, a1, a2, b1, gone)


def _after(city, ward_a, ward_b, a1, a2, b1, gone):
    record_status(gone, MemberStatus.CHINH_THUC, date(2011, 1, 1), None, ACTOR)
    record_status(gone, MemberStatus.DA_MAT, date(2025, 9, 10), None, ACTOR)
    ids = [city.id, ward_a.id, ward_b.id, a1.id, a2.id, b1.id]
    before = counts_on(ids, date(2025, 9, 1))
    assert before == {city.id: 10, ward_a.id: 6, ward_b.id: 4, a1.id: 4, a2.id: 2, b1.id: 4}

    merge_organisations([a2], a1, decision=Decision("1-QĐ"), on=date(2025, 9, 20), actor=ACTOR)
    move_organisation(a1, ward_b, decision=Decision("2-QĐ"), on=date(2025, 9, 25), actor=ACTOR)

    assert counts_on(ids, date(2025, 9, 1)) == before
    assert counts_on(ids, date(2025, 9, 22)) == {city.id: 9, ward_a.id: 5, ward_b.id: 4, a1.id: 5, a2.id: 0,
                                                 b1.id: 4}
    assert counts_on(ids, date(2025, 9, 30)) == {city.id: 9, ward_a.id: 0, ward_b.id: 9, a1.id: 5, a2.id: 0,
                                                 b1.id: 4}


def test_statuses_count_from_their_first_day_and_stop_on_the_day_they_end(factory, statements):
    """Each member counts on day D by their latest status on or before D (the later recorded on a tie): one who left,
    died or transferred out counts until the day before, one re-admitted from that day, one admitted that day from
    it; a record without any status history counts by its current status. Three statements for a day not counted
    yet (the version, the cells, the tree of that day), one for it again."""
    with time_machine.travel("2025-10-01 09:00 +07:00", tick=False):
        ward = factory.org("Phường A", OrgKind.DANG_BO_XA)
        cell = factory.org("Chi bộ 1", OrgKind.CHI_BO, ward)
        people = {key: factory.member(cell, admission_date=date(2010, 1, 1))
                  for key in ("left", "died", "out", "back", "new", "same_day", "stays", "unrecorded")}
        factory.commit()
        edge = date(2025, 9, 10)
        for key, member in people.items():
            if key != "unrecorded":
                record_status(member, MemberStatus.CHINH_THUC, date(2011, 1, 1), None, ACTOR)
        record_status(people["left"], MemberStatus.RA_KHOI_DANG, edge, None, ACTOR)
        record_status(people["died"], MemberStatus.DA_MAT, edge, None, ACTOR)
        record_status(people["out"], MemberStatus.CHUYEN_DI, edge, None, ACTOR)
        record_status(people["back"], MemberStatus.RA_KHOI_DANG, date(2020, 5, 1), None, ACTOR)
        record_status(people["back"], MemberStatus.DU_BI, edge, None, ACTOR)
        new = people["new"]
        db.session.execute(delete(MemberStatusHistory).where(MemberStatusHistory.member_id == new.id))
        record_status(new, MemberStatus.DU_BI, edge, None, ACTOR)  # admitted that day: not a member before it
        record_status(people["same_day"], MemberStatus.CHUYEN_DI, edge, None, ACTOR)
        record_status(people["same_day"], MemberStatus.CHINH_THUC, edge, "nhận lại trong ngày", ACTOR)
        db.session.execute(delete(MemberStatusHistory).where(
            MemberStatusHistory.member_id == people["unrecorded"].id))
        db.session.commit()

        day_before = date(2025, 9, 9)
        # stays, left, died, out, same_day, unrecorded (current status) on the day before; back and new not yet
        assert counts_on([ward.id, cell.id], day_before) == {ward.id: 6, cell.id: 6}
        with statements() as seen:
            # stays, back, new, same_day (recorded last: chính thức), unrecorded
            assert counts_on([ward.id, cell.id], edge) == {ward.id: 5, cell.id: 5}
        assert len(seen) == 3
        with statements() as again:
            assert counts_on([ward.id, cell.id], edge) == {ward.id: 5, cell.id: 5}
        assert len(again) == 1
        assert counts_on([ward.id], date(2025, 9, 11)) == {ward.id: 5}
        assert counts_on([ward.id], date(2015, 1, 1)) == {ward.id: 7}  # all but new (back left only in 2020)
