"""Recording dues: the month's sheet for the whole cell, one payment covering several months, profiles with their
history, reliefs — and every refusal with its message and nothing written."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from handbook.audit.models import AuditEvent
from handbook.audit.service import Actor
from handbook.dues import payments, service, sheet
from handbook.dues.errors import DuesError
from handbook.dues.models import Category, DuesPayment, DuesProfile, DuesRelief, Method, ReliefKind
from handbook.dues.payments import SheetRow
from handbook.extensions import db
from handbook.members.models import MemberStatus, MemberStatusHistory
from tests.dues.scene import build

TODAY = date(2026, 11, 20)
NOV = date(2026, 11, 1)


@pytest.fixture
def scene(factory):
    return build(factory)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_sheet_lists_every_member_with_the_expected_amount(scene):
    current = sheet.cell_sheet(scene.cell, NOV, today=TODAY)
    amounts = {line.member.full_name: line.expected.amount for line in current.lines}
    assert amounts == {"Trần Văn Bí": 15_930, "Nguyễn Thị Đóng": 90_000, "Lê Văn Hưu": 30_000,
                       "Phạm Sinh Viên": 5_000, "Đỗ Văn Khác": None}
    assert (current.members, current.expected, current.unknown, current.region) == (5, 140_930, 1, 1)


def test_a_month_recorded_for_the_cell_corrected_then_removed(scene):
    rows = {scene.member.id: SheetRow(True, "90.000"), scene.student.id: SheetRow(True, 5000),
            scene.pensioner.id: SheetRow(False)}
    assert payments.record_sheet(scene.cell, NOV, rows, "cash", date(2026, 11, 15), scene.actor, today=TODAY) == 2
    current = sheet.cell_sheet(scene.cell, NOV, today=TODAY)
    assert (current.paid_count, current.paid, current.unpaid_count) == (2, 95_000, 3)
    # a correction and a removal: audited as such
    rows = {scene.member.id: SheetRow(True, "95000"), scene.student.id: SheetRow(False)}
    assert payments.record_sheet(scene.cell, NOV, rows, "cash", date(2026, 11, 16), scene.actor, today=TODAY) == 2
    assert db.session.scalars(select(DuesPayment.amount)).all() == [95_000]
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "dues.correct")) == 1


def test_a_portal_payment_needs_its_reference(scene):
    rows = {scene.member.id: SheetRow(True, "90000", "")}
    with pytest.raises(DuesError) as refused:
        payments.record_sheet(scene.cell, NOV, rows, "portal", TODAY, scene.actor, today=TODAY)
    assert str(refused.value) == "Nộp qua Cổng Dịch vụ công quốc gia: hãy ghi mã giao dịch."
    assert refused.value.field == f"reference_{scene.member.id}"
    rows = {scene.member.id: SheetRow(True, "90000", " DVC-2026-000123 ")}
    payments.record_sheet(scene.cell, NOV, rows, "portal", TODAY, scene.actor, today=TODAY)
    paid = db.session.scalar(select(DuesPayment))
    assert (paid.method, paid.reference, paid.expected) == (Method.PORTAL, "DVC-2026-000123", 90_000)


@pytest.mark.parametrize(("amount", "message"), [
    ("-5000", "Số tiền phải là số nguyên đồng, từ 1 đ đến 10.000.000 đ."),
    ("0", "Số tiền phải là số nguyên đồng, từ 1 đ đến 10.000.000 đ."),
    ("10000001", "Số tiền phải là số nguyên đồng, từ 1 đ đến 10.000.000 đ."),
    ("9e9", "Số tiền phải là số nguyên đồng, từ 1 đ đến 10.000.000 đ."),
    ("", "Số tiền phải là số nguyên đồng, từ 1 đ đến 10.000.000 đ."),
])
def test_bad_amounts_on_the_sheet_write_nothing(scene, amount, message):
    rows = {scene.student.id: SheetRow(True, "5000"), scene.member.id: SheetRow(True, amount)}
    with pytest.raises(DuesError, match=message):
        payments.record_sheet(scene.cell, NOV, rows, "cash", TODAY, scene.actor, today=TODAY)
    db.session.rollback()
    assert _count(DuesPayment) == 0


def test_sheet_refusals_of_the_whole_sheet(scene):
    with pytest.raises(DuesError, match="Ngày nộp không được ở tương lai."):
        payments.record_sheet(scene.cell, NOV, {}, "cash", date(2026, 11, 21), scene.actor, today=TODAY)
    with pytest.raises(DuesError, match="Hãy chọn hình thức nộp"):
        payments.record_sheet(scene.cell, NOV, {}, "bitcoin", TODAY, scene.actor, today=TODAY)
    with pytest.raises(DuesError, match="không thuộc bảng thu"):
        payments.record_sheet(scene.cell, NOV, {scene.other.id: SheetRow(True, "1000")}, "cash", TODAY,
                              scene.actor, today=TODAY)
    assert _count(DuesPayment) == 0


def test_months_in_advance_and_late_in_one_payment(scene):
    made = payments.record_months(scene.student, date(2026, 9, 1), date(2027, 2, 1), "", "cash", None,
                                  date(2026, 11, 18), scene.actor, today=TODAY)
    assert [(p.month, p.amount) for p in made] == [(date(2026, m, 1), 5000) for m in (9, 10, 11, 12)] + \
        [(date(2027, m, 1), 5000) for m in (1, 2)]
    with pytest.raises(DuesError, match="Đã ghi nhận đảng phí tháng 12/2026"):
        payments.record_months(scene.student, date(2026, 12, 1), None, "5000", "cash", None, TODAY, scene.actor,
                               today=TODAY)


def test_a_month_beyond_the_advance_allowed_is_refused(app, scene, monkeypatch):
    monkeypatch.setitem(app.config, "DUES_MAX_ADVANCE_MONTHS", 3)
    with pytest.raises(DuesError) as refused:
        payments.record_months(scene.member, date(2026, 12, 1), date(2027, 3, 1), "90000", "cash", None, TODAY,
                               scene.actor, today=TODAY)
    assert str(refused.value) == ("Chỉ ghi nhận đóng trước đến tháng 02/2027 (tối đa 3 tháng sau tháng hiện tại); "
                                  "tháng 03/2027 là quá xa.")
    assert _count(DuesPayment) == 0


def test_months_before_joining_or_after_leaving_are_refused(scene):
    with pytest.raises(DuesError, match="vào Đảng ngày 01/05/2024: không ghi đảng phí cho tháng 04/2024"):
        payments.record_months(scene.student, date(2024, 4, 1), None, "5000", "cash", None, TODAY, scene.actor,
                               today=TODAY)
    db.session.add(MemberStatusHistory(member_id=scene.plain.id, status=MemberStatus.CHUYEN_DI,
                                       from_date=date(2026, 9, 10)))
    scene.plain.status = MemberStatus.CHUYEN_DI
    db.session.commit()
    with pytest.raises(DuesError, match="đã rời chi bộ từ tháng 09/2026: không ghi đảng phí cho tháng 10/2026"):
        payments.record_months(scene.plain, date(2026, 9, 1), date(2026, 10, 1), "15930", "cash", None, TODAY,
                               scene.actor, today=TODAY)
    assert _count(DuesPayment) == 0
    assert scene.plain not in [line.member for line in sheet.cell_sheet(scene.cell, NOV, today=TODAY).lines]


def test_a_profile_change_applies_from_its_month_on(scene):
    service.set_profile(scene.member, "wage", "10.000.000", date(2026, 12, 1), scene.actor, today=TODAY)
    november = {line.member.id: line.expected.amount for line in sheet.cell_sheet(scene.cell, NOV, today=TODAY).lines}
    assert november[scene.member.id] == 90_000
    december = {line.member.id: line.expected.amount for line in sheet.cell_sheet(scene.cell, date(2026, 12, 1),
                                                                                      today=TODAY).lines}
    assert december[scene.member.id] == 100_000
    assert _count(DuesProfile) == 5


@pytest.mark.parametrize(("category", "base", "month", "message"), [
    ("", "1", date(2026, 12, 1), "Hãy chọn đối tượng đóng đảng phí."),
    ("wage", "", date(2026, 12, 1), "Số tiền phải là số nguyên đồng"),
    ("pension", "-1", date(2026, 12, 1), "Số tiền phải là số nguyên đồng"),
    ("wage", "1000", None, "Tháng không hợp lệ"),
    ("wage", "1000", date(2028, 1, 1), "Chỉ đặt trước được tối đa 12 tháng."),
])
def test_bad_profiles_write_nothing(scene, category, base, month, message):
    with pytest.raises(DuesError, match=message):
        service.set_profile(scene.member, category, base, month, scene.actor, today=TODAY)
    db.session.rollback()
    assert _count(DuesProfile) == 4


def test_a_reduction_and_an_exemption_with_their_decisions(scene):
    service.add_relief(scene.member, "reduction", "50", date(2026, 11, 1), date(2027, 10, 1), "12-QĐ/ĐU",
                       date(2026, 10, 30), scene.actor, today=TODAY)
    service.add_relief(scene.pensioner, "poor", None, date(2026, 11, 1), None, "13-QĐ/ĐU", date(2026, 10, 30),
                       scene.actor, today=TODAY)
    current = sheet.cell_sheet(scene.cell, NOV, today=TODAY)
    by_id = {line.member.id: line.expected for line in current.lines}
    assert (by_id[scene.member.id].amount, by_id[scene.member.id].percent) == (45_000, 50)
    assert by_id[scene.pensioner.id].amount == 0
    assert (current.exempt, current.reduced) == (1, 1)
    assert db.session.scalar(select(DuesRelief.kind).where(DuesRelief.member_id == scene.pensioner.id)) \
        is ReliefKind.POOR


@pytest.mark.parametrize(("kind", "percent", "first", "last", "number", "day", "message"), [
    ("reduction", "50", date(2026, 11, 1), date(2027, 11, 1), "1", date(2026, 11, 1),
     "Mỗi quyết định giảm đảng phí chỉ áp dụng tối đa 12 tháng; thời gian đã nhập là 13 tháng."),
    ("reduction", "40", date(2026, 11, 1), date(2027, 1, 1), "1", date(2026, 11, 1),
     "Mức giảm phải là 30 %, 50 % hoặc 70 %."),
    ("reduction", "30", date(2026, 11, 1), None, "1", date(2026, 11, 1), "Hãy ghi tháng kết thúc"),
    ("poor", None, date(2026, 11, 1), None, "", date(2026, 11, 1), "Hãy ghi số quyết định."),
    ("poor", None, date(2026, 11, 1), None, "1", None, "Hãy ghi ngày quyết định"),
    ("poor", None, date(2026, 11, 1), None, "1", date(2026, 11, 21), "Ngày quyết định không được ở tương lai."),
    ("illness", None, date(2026, 11, 1), date(2026, 10, 1), "1", date(2026, 11, 1),
     "Tháng kết thúc phải từ tháng bắt đầu trở đi."),
    ("nope", None, date(2026, 11, 1), None, "1", date(2026, 11, 1), "Hãy chọn lý do miễn hoặc giảm."),
])
def test_bad_reliefs_write_nothing(scene, kind, percent, first, last, number, day, message):
    with pytest.raises(DuesError, match=message):
        service.add_relief(scene.member, kind, percent, first, last, number, day, scene.actor, today=TODAY)
    db.session.rollback()
    assert _count(DuesRelief) == 0


def test_overlapping_reliefs_are_refused(scene):
    service.add_relief(scene.member, "illness", None, date(2026, 6, 1), date(2026, 12, 1), "7-QĐ", date(2026, 5, 1),
                       scene.actor, today=TODAY)
    with pytest.raises(DuesError, match="trùng với quyết định số 7-QĐ"):
        service.add_relief(scene.member, "reduction", "30", date(2026, 12, 1), date(2027, 3, 1), "8-QĐ",
                           date(2026, 11, 1), scene.actor, today=TODAY)
    assert _count(DuesRelief) == 1


def test_three_unpaid_months_in_the_year(scene):
    paid = {scene.leader: range(2, 11), scene.member: range(1, 8), scene.pensioner: range(1, 11),
            scene.student: range(1, 11), scene.plain: range(1, 11)}
    for person, months in paid.items():
        for m in months:
            db.session.add(DuesPayment(member_id=person.id, cell_id=scene.cell.id, month=date(2026, m, 1),
                                       amount=5000, method=Method.CASH, paid_on=date(2026, m, 5)))
    db.session.commit()
    found = sheet.unpaid_in_year(scene.cell, 2026, today=TODAY)
    # the member missed August, September, October; the leader only January; November is not over
    assert [(m.full_name, n) for m, n in found] == [("Nguyễn Thị Đóng", 3)]
    service.add_relief(scene.member, "illness", None, date(2026, 9, 1), date(2026, 9, 1), "9-QĐ", date(2026, 9, 1),
                       Actor(), today=TODAY)
    assert sheet.unpaid_in_year(scene.cell, 2026, today=TODAY) == []  # an exempt month is not unpaid


def test_the_member_year_shows_expected_and_paid(scene):
    db.session.add(DuesPayment(member_id=scene.student.id, cell_id=scene.cell.id, month=date(2026, 3, 1), amount=5000,
                               method=Method.PORTAL, reference="DVC-1", paid_on=date(2026, 3, 2)))
    db.session.commit()
    months = sheet.member_year(scene.student, 2026, today=TODAY)
    assert months[0].expected.status == "before_rule"
    assert (months[2].expected.amount, months[2].payment.reference) == (5000, "DVC-1")
    assert [line.month.month for line in months if line.unpaid] == [1, 2, 4, 5, 6, 7, 8, 9, 10]
    assert sheet.member_year(scene.student, 2024, today=TODAY)[3].expected is None  # before joining


def test_profiles_kept_in_history(scene):
    service.set_profile(scene.plain, Category.STUDENT.value, None, date(2026, 3, 1), scene.actor, today=TODAY)
    service.set_profile(scene.plain, "other", "", date(2026, 9, 1), scene.actor, today=TODAY)
    months = sheet.member_year(scene.plain, 2026, today=TODAY)
    assert [months[i].expected.amount for i in (2, 7, 8)] == [5000, 5000, 15_930]
