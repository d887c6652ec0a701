"""Request, decision, the status change on the start day and back on the day after the end, early end; overlaps and
bad input refused with nothing written."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from handbook.audit.models import AuditEvent
from handbook.audit.service import Actor
from handbook.exemptions import service
from handbook.exemptions.models import Exemption, ExemptionKind, ExemptionReason, ExemptionStatus
from handbook.exemptions.rules import ExemptionError
from handbook.extensions import db
from handbook.members.counts import status_on
from handbook.members.models import MemberStatus, MemberStatusHistory
from handbook.notify.rules import run_rules
from tests.exemptions import scene

TODAY = date(2026, 12, 10)
TAM, MIEN = ExemptionKind.TAM_MIEN, ExemptionKind.MIEN
FAR, OLD = ExemptionReason.LAM_AN_XA, ExemptionReason.TUOI_CAO


def _ask(member, starts_on, until, kind=TAM, reason=FAR, today=TODAY, detail=None):
    return service.request_exemption(member, kind, reason, detail, starts_on, until, Actor(member.user_id),
                                     today=today)


def _history(member):
    return db.session.execute(select(MemberStatusHistory.status, MemberStatusHistory.from_date)
                              .where(MemberStatusHistory.member_id == member.id)
                              .order_by(MemberStatusHistory.from_date, MemberStatusHistory.id)).all()


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_approved_today_changes_the_status_and_the_worker_returns_it_the_day_after_the_end(app, factory):
    s = scene.build(factory)
    leader = Actor(s.leader.user_id)
    exemption = _ask(s.member, TODAY, date(2027, 3, 31))
    assert exemption.status is ExemptionStatus.PENDING and s.member.status is MemberStatus.CHINH_THUC
    service.approve(exemption, "12-NQ/CB", TODAY, leader, today=TODAY)
    assert s.member.status is MemberStatus.TAM_MIEN
    assert _history(s.member) == [(MemberStatus.CHINH_THUC, date(2006, 5, 19)), (MemberStatus.TAM_MIEN, TODAY)]
    assert service.exempt_on([s.member.id, s.offline.id], TODAY) == {s.member.id: TAM}
    assert service.apply_due(date(2027, 3, 31)) == (0, 0)  # the last day: still exempt
    assert s.member.status is MemberStatus.TAM_MIEN
    assert service.apply_due(date(2027, 4, 1)) == (0, 1)
    assert s.member.status is MemberStatus.CHINH_THUC
    assert exemption.status is ExemptionStatus.ENDED and exemption.ended_on == date(2027, 4, 1)
    assert _history(s.member)[-1] == (MemberStatus.CHINH_THUC, date(2027, 4, 1))
    statuses = {day: db.session.scalar(select(status_on(s.member.id, day)))
                for day in (date(2026, 12, 9), TODAY, date(2027, 3, 31), date(2027, 4, 1))}
    assert statuses == {date(2026, 12, 9): MemberStatus.CHINH_THUC, TODAY: MemberStatus.TAM_MIEN,
                        date(2027, 3, 31): MemberStatus.TAM_MIEN, date(2027, 4, 1): MemberStatus.CHINH_THUC}
    assert service.exempt_on([s.member.id], date(2027, 3, 31)) == {s.member.id: TAM}
    assert service.exempt_on([s.member.id], date(2027, 4, 1)) == {}
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"exemption.request", "exemption.approve", "exemption.expired", "member.status"} <= actions


def test_a_future_start_applies_on_its_day_through_the_worker(app, factory):
    s = scene.build(factory)
    exemption = _ask(s.member, date(2026, 12, 20), date(2027, 1, 19))
    service.approve(exemption, "13-NQ/CB", TODAY, Actor(s.leader.user_id), today=TODAY)
    assert s.member.status is MemberStatus.CHINH_THUC and not exemption.started
    assert service.apply_due(date(2026, 12, 19)) == (0, 0)
    assert service.apply_due(date(2026, 12, 20)) == (1, 0)
    assert s.member.status is MemberStatus.TAM_MIEN and exemption.previous_status is MemberStatus.CHINH_THUC
    assert service.apply_due(date(2026, 12, 20)) == (0, 0)  # a second round adds nothing


def test_a_probationary_member_returns_to_du_bi(app, factory):
    s = scene.build(factory)
    s.member.status = MemberStatus.DU_BI
    db.session.commit()
    exemption = _ask(s.member, TODAY, date(2027, 1, 5))
    service.approve(exemption, "1", TODAY, Actor(s.leader.user_id), today=TODAY)
    service.apply_due(date(2027, 1, 6))
    assert s.member.status is MemberStatus.DU_BI


def test_mien_without_end_and_the_cell_ends_it_early(app, factory):
    s = scene.build(factory)
    exemption = _ask(s.offline, TODAY, None, kind=MIEN, reason=OLD)
    service.approve(exemption, "14-NQ/CB", TODAY, Actor(s.leader.user_id), today=TODAY)
    assert s.offline.status is MemberStatus.MIEN_SINH_HOAT
    assert service.apply_due(date(2030, 1, 1)) == (0, 0)  # no end day: stays exempt
    with pytest.raises(ExemptionError) as refused:
        service.end_early(exemption, date(2027, 2, 1), None, Actor(s.leader.user_id), today=date(2027, 1, 15))
    assert refused.value.field == "back_on"  # not in the future
    with pytest.raises(ExemptionError):
        service.end_early(exemption, TODAY, None, Actor(s.leader.user_id), today=date(2027, 1, 15))
    service.end_early(exemption, date(2027, 1, 15), "Sức khỏe đã tốt", Actor(s.leader.user_id),
                      today=date(2027, 1, 15))
    assert s.offline.status is MemberStatus.CHINH_THUC and exemption.ended_on == date(2027, 1, 15)


def test_ending_an_exemption_not_yet_started_cancels_it(app, factory):
    s = scene.build(factory)
    exemption = _ask(s.member, date(2027, 1, 1), date(2027, 2, 1))
    service.approve(exemption, "2", TODAY, Actor(s.leader.user_id), today=TODAY)
    service.end_early(exemption, None, None, Actor(s.leader.user_id), today=TODAY)
    assert exemption.status is ExemptionStatus.CANCELLED
    assert service.apply_due(date(2027, 1, 1)) == (0, 0)
    assert s.member.status is MemberStatus.CHINH_THUC and _history(s.member) == []


def test_the_day_before_an_exemption_still_counts_the_member_as_they_were(app, factory):
    s = scene.build(factory)
    exemption = _ask(s.member, TODAY, date(2027, 1, 5))
    service.approve(exemption, "1", TODAY, Actor(s.leader.user_id), today=TODAY)
    assert db.session.scalar(select(status_on(s.member.id, date(2026, 12, 9)))) == MemberStatus.CHINH_THUC


def test_refuse_needs_a_reason_and_withdraw_only_while_pending(app, factory):
    s = scene.build(factory)
    exemption = _ask(s.member, TODAY, date(2027, 1, 5))
    with pytest.raises(ExemptionError, match="lý do"):
        service.refuse(exemption, "  ", Actor(s.leader.user_id))
    service.refuse(exemption, "Chưa đủ căn cứ", Actor(s.leader.user_id))
    assert exemption.status is ExemptionStatus.REFUSED
    with pytest.raises(ExemptionError):
        service.withdraw(exemption, Actor(s.member.user_id))
    again = _ask(s.member, TODAY, date(2027, 1, 5))  # a refused request does not block a new one
    service.withdraw(again, Actor(s.member.user_id))
    assert again.status is ExemptionStatus.WITHDRAWN


@pytest.mark.parametrize(("starts_on", "until", "kind", "reason", "field", "words"), [
    (date(2026, 12, 9), date(2027, 1, 1), TAM, FAR, "starts_on", "trước hôm nay"),
    (date(2027, 1, 10), date(2027, 1, 9), TAM, FAR, "until", "từ ngày bắt đầu"),
    (TODAY, None, TAM, FAR, "until", "cần có ngày kết thúc"),
    (TODAY, date(2027, 12, 10), TAM, FAR, "until", "09/12/2027"),  # under 12 months: at most 09/12/2027
    (TODAY, None, MIEN, FAR, "reason", "Lý do này"),
    (None, None, MIEN, OLD, "starts_on", "ngày bắt đầu"),
    (date(2028, 1, 1), date(2028, 2, 1), TAM, FAR, "starts_on", "quá xa"),
])
def test_bad_periods_are_refused_and_nothing_is_written(app, factory, starts_on, until, kind, reason, field, words):
    s = scene.build(factory)
    with pytest.raises(ExemptionError, match=words) as refused:
        _ask(s.member, starts_on, until, kind=kind, reason=reason)
    assert refused.value.field == field
    db.session.rollback()
    assert _count(Exemption) == 0 and _count(AuditEvent) == 0


def test_the_longest_temporary_exemption_from_a_leap_day(app, factory):
    s = scene.build(factory)
    leap = date(2028, 2, 29)
    with pytest.raises(ExemptionError, match="27/02/2029"):
        _ask(s.member, leap, date(2029, 2, 28), today=date(2028, 2, 1))
    assert _ask(s.member, leap, date(2029, 2, 27), today=date(2028, 2, 1)).until == date(2029, 2, 27)


def test_overlapping_requests_are_refused(app, factory):
    s = scene.build(factory)
    first = _ask(s.member, date(2027, 1, 1), date(2027, 3, 31))
    for starts_on, until in ((date(2027, 3, 31), date(2027, 5, 1)), (date(2026, 12, 20), date(2027, 1, 1)),
                             (date(2026, 12, 20), date(2027, 6, 1))):
        with pytest.raises(ExemptionError, match="trùng"):
            _ask(s.member, starts_on, until)
    with pytest.raises(ExemptionError, match="trùng"):
        _ask(s.member, date(2026, 12, 20), None, kind=MIEN, reason=OLD)  # without end: meets everything after
    assert _ask(s.member, date(2027, 4, 1), date(2027, 5, 1)).status is ExemptionStatus.PENDING  # right after
    service.approve(first, "3", TODAY, Actor(s.leader.user_id), today=TODAY)
    with pytest.raises(ExemptionError, match="trùng"):
        _ask(s.member, date(2027, 2, 1), date(2027, 2, 2))
    assert _count(Exemption) == 2


def test_approval_is_checked_whole(app, factory):
    s = scene.build(factory)
    exemption = _ask(s.member, TODAY, date(2027, 1, 5))
    leader = Actor(s.leader.user_id)
    for number, day, field in (("", TODAY, "number"), ("1", None, "decided_on"), ("1", date(2026, 12, 11),
                                                                                   "decided_on")):
        with pytest.raises(ExemptionError) as refused:
            service.approve(exemption, number, day, leader, today=TODAY)
        assert refused.value.field == field
        db.session.rollback()
    assert exemption.status is ExemptionStatus.PENDING and _history(s.member) == []
    with pytest.raises(ExemptionError, match="đã qua"):
        service.approve(exemption, "1", date(2027, 1, 6), leader, today=date(2027, 1, 6))
    service.approve(exemption, "1", TODAY, leader, today=TODAY)
    with pytest.raises(ExemptionError, match="đã được xem xét"):
        service.approve(exemption, "1", TODAY, leader, today=TODAY)


def test_a_member_who_left_meanwhile_is_not_given_a_status_back(app, factory):
    s = scene.build(factory)
    exemption = _ask(s.member, TODAY, date(2027, 1, 5))
    service.approve(exemption, "1", TODAY, Actor(s.leader.user_id), today=TODAY)
    from handbook.members.records import record_status
    record_status(s.member, MemberStatus.CHUYEN_DI, date(2026, 12, 20), None, Actor(s.leader.user_id),
                  today=date(2026, 12, 20))
    service.apply_due(date(2027, 1, 6))
    assert s.member.status is MemberStatus.CHUYEN_DI and exemption.status is ExemptionStatus.ENDED
    assert run_rules(datetime(2027, 1, 6, 3, 0, tzinfo=UTC), names=["exemption_back"]) == {"exemption_back": 0}


def test_merging_two_records_carries_the_exemptions(app, factory):
    from handbook.members import duplicates

    s = scene.build(factory)
    exemption = _ask(s.offline, TODAY, None, kind=MIEN, reason=OLD)
    duplicates.merge(s.member, s.offline, Actor(s.leader.user_id))
    assert db.session.get(Exemption, exemption.id).member_id == s.member.id


def test_a_request_of_a_member_who_left_before_its_start_is_not_approved(app, factory):
    s = scene.build(factory)
    exemption = _ask(s.member, date(2026, 12, 20), date(2027, 1, 5))
    from handbook.members.records import record_status
    record_status(s.member, MemberStatus.CHUYEN_DI, TODAY, None, Actor(s.leader.user_id), today=TODAY)
    with pytest.raises(ExemptionError, match="không còn sinh hoạt tại chi bộ"):
        service.approve(exemption, "1", TODAY, Actor(s.leader.user_id), today=TODAY)
    db.session.rollback()
    assert db.session.get(Exemption, exemption.id).status is ExemptionStatus.PENDING


def test_no_reminder_of_the_end_to_a_member_who_left_meanwhile(app, factory):
    s = scene.build(factory)
    exemption = _ask(s.member, TODAY, date(2027, 1, 5))
    service.approve(exemption, "1", TODAY, Actor(s.leader.user_id), today=TODAY)
    from handbook.members.records import record_status
    record_status(s.member, MemberStatus.CHUYEN_DI, date(2026, 12, 20), None, Actor(s.leader.user_id),
                  today=date(2026, 12, 20))
    assert run_rules(datetime(2026, 12, 28, 3, 0, tzinfo=UTC), names=["exemption_ending"]) == {"exemption_ending": 0}


def test_the_temporary_exemptions_end_reminder_is_not_sent_for_a_mien_with_an_end_day(app, factory):
    """Its words speak of tạm miễn: a miễn given an end day is announced once the member is back."""
    s = scene.build(factory)
    exemption = _ask(s.member, TODAY, date(2026, 12, 20), kind=MIEN, reason=OLD)
    service.approve(exemption, "1", TODAY, Actor(s.leader.user_id), today=TODAY)
    assert run_rules(datetime(2026, 12, 12, 3, 0, tzinfo=UTC), names=["exemption_ending"]) == {"exemption_ending": 0}


def test_a_new_exemption_from_the_day_after_the_last_one_follows_it(app, factory):
    """The reminder before the end asks for a new request "before that day": approved, it starts the day after the
    first one's last day, in the same round of the worker that ends the first."""
    s = scene.build(factory)
    leader = Actor(s.leader.user_id)
    first = _ask(s.member, TODAY, date(2026, 12, 31))
    service.approve(first, "1", TODAY, leader, today=TODAY)
    renewal = _ask(s.member, date(2027, 1, 1), date(2027, 3, 31), today=date(2026, 12, 20))
    service.approve(renewal, "2", date(2026, 12, 20), leader, today=date(2026, 12, 20))
    assert service.apply_due(date(2027, 1, 1)) == (1, 1)
    assert (first.status, renewal.status) == (ExemptionStatus.ENDED, ExemptionStatus.APPROVED)
    assert s.member.status is MemberStatus.TAM_MIEN and renewal.previous_status is MemberStatus.CHINH_THUC
    assert service.exempt_on([s.member.id], date(2027, 1, 1)) == {s.member.id: TAM}
    assert service.apply_due(date(2027, 4, 1)) == (0, 1)
    assert s.member.status is MemberStatus.CHINH_THUC
