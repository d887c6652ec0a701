"""The periodic reviews' lists on a small ward, counted by hand: retired members on workplace cells (the retirement
cutoffs to the day, statuses, unit types) and members who stopped attending (the window's edges in Hà Nội's time,
presence elsewhere, absences with and without reason); recording a review and who is new since."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from handbook.audit.models import AuditEvent
from handbook.audit.service import Actor
from handbook.extensions import db
from handbook.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingKind, MeetingStatus
from handbook.members.models import Gender, MemberStatus, OccupationGroup
from handbook.org.models import OrgKind, UnitType
from handbook.reports import reviews
from handbook.reports.models import PeriodicReviewMember, ReviewKind
from handbook.reports.reviews import ReviewError, record_review, review_list

TODAY = date(2026, 5, 10)
UTC = ZoneInfo("UTC")
NOW = datetime(2026, 5, 10, 3, 0, tzinfo=UTC)
HN = ZoneInfo("Asia/Ho_Chi_Minh")
RETIRED, ABSENT = ReviewKind.RETIRED_AT_WORKPLACE, ReviewKind.NO_ATTENDANCE
NAM, NU = Gender.NAM, Gender.NU


def build(factory):
    """Ward W: workplace cell T (cơ quan), residential cell K, cell U without a unit type, đảng bộ cơ sở D with a
    firm's cell D1, cell A (attendance); another ward with a retired member at a workplace."""
    ward = factory.org("Phường Thử", OrgKind.DANG_BO_XA)
    t = factory.org("Chi bộ Trường", parent=ward)
    k = factory.org("Chi bộ Khu dân cư", parent=ward)
    u = factory.org("Chi bộ Chưa rõ", parent=ward)
    d = factory.org("Đảng bộ D", OrgKind.DANG_BO_CO_SO, parent=ward)
    d1 = factory.org("Chi bộ D1", parent=d)
    a = factory.org("Chi bộ A", parent=ward)
    other = factory.org("Phường Khác", OrgKind.DANG_BO_XA)
    other_cell = factory.org("Chi bộ Cơ quan khác", parent=other)
    t.unit_type, k.unit_type, d1.unit_type = UnitType.CO_QUAN, UnitType.DAN_CU, UnitType.DOANH_NGHIEP
    a.unit_type, other_cell.unit_type = UnitType.DAN_CU, UnitType.CO_QUAN
    # men reach it on 10/05/2026 if born on or before 10/11/1964 (61 years 6 months), women on 10/05/1969 (57 years)
    m = {
        "man_on_the_day": factory.member(t, name="Ông Đúng Ngày", birth_date=date(1964, 11, 10), gender=NAM,
                                         residence="Tổ 5, phường Thử"),
        "man_a_day_young": factory.member(t, name="Ông Thiếu Một Ngày", birth_date=date(1964, 11, 11), gender=NAM),
        "woman_on_the_day": factory.member(t, name="Bà Đúng Ngày", birth_date=date(1969, 5, 10), gender=NU,
                                           status=MemberStatus.MIEN_SINH_HOAT),
        "woman_a_day_young": factory.member(t, name="Bà Thiếu Một Ngày", birth_date=date(1969, 5, 11), gender=NU),
        "retired_young": factory.member(t, name="Anh Hưu Sớm", birth_date=date(1975, 1, 1), gender=NAM,
                                        occupation_group=OccupationGroup.HUU_TRI),
        "moved_away": factory.member(t, birth_date=date(1950, 1, 1), status=MemberStatus.CHUYEN_DI),
        "no_birth_date": factory.member(t, birth_date=None),
        "firm": factory.member(d1, name="Ông Doanh Nghiệp", birth_date=date(1960, 3, 3), gender=NAM,
                               status=MemberStatus.TAM_MIEN),
        "residential": factory.member(k, birth_date=date(1950, 1, 1)),
        "untyped": factory.member(u, birth_date=date(1950, 1, 1)),
        "other_ward": factory.member(other_cell, birth_date=date(1950, 1, 1)),
    }
    factory.commit()
    return {"ward": ward, "t": t, "k": k, "u": u, "d": d, "d1": d1, "a": a, "other": other,
            "other_cell": other_cell, **m}


def meeting(cell, local: datetime, kind=MeetingKind.THUONG_KY, status=MeetingStatus.HELD) -> Meeting:
    row = Meeting(organisation_id=cell.id, kind=kind, title="Sinh hoạt", status=status, checkin_secret="A" * 32,
                  starts_at=local.replace(tzinfo=HN).astimezone(UTC))
    db.session.add(row)
    db.session.flush()
    return row


def mark(row: Meeting, member, status=AttendanceStatus.CO_MAT) -> None:
    db.session.add(Attendance(meeting_id=row.id, member_id=member.id, status=status, source="leader"))


def build_attendance(factory, scene):
    """Cell A's meetings around the window's first day (10/02/2026 00:00 in Hà Nội, 3 months before today)."""
    a = scene["a"]
    names = ["present", "excused", "unexcused", "no_row", "long_ago", "exempt", "elsewhere", "edge_in", "edge_out"]
    m = {name: factory.member(a, name=f"Đảng viên {name}") for name in names}
    m["exempt"].status = MemberStatus.MIEN_SINH_HOAT
    march, april = meeting(a, datetime(2026, 3, 3, 19, 30)), meeting(a, datetime(2026, 4, 3, 19, 30))
    mark(march, m["present"])
    mark(march, m["excused"], AttendanceStatus.VANG_CO_LY_DO)
    mark(april, m["excused"], AttendanceStatus.VANG_KHONG_LY_DO)
    mark(march, m["unexcused"], AttendanceStatus.VANG_KHONG_LY_DO)
    mark(meeting(a, datetime(2025, 12, 3, 19, 30)), m["long_ago"])
    mark(meeting(a, datetime(2026, 2, 10, 0, 30), MeetingKind.BAT_THUONG), m["edge_in"])    # in the window
    mark(meeting(a, datetime(2026, 2, 9, 23, 30), MeetingKind.BAT_THUONG), m["edge_out"])   # the day before
    mark(meeting(scene["k"], datetime(2026, 4, 5, 8, 0)), m["elsewhere"])  # attends another cell for a while
    # cell K took attendance too: its member present there is fine; cell U's only meeting has absence notices
    notices = meeting(scene["u"], datetime(2026, 4, 5, 8, 0))
    mark(notices, scene["untyped"], AttendanceStatus.VANG_CO_LY_DO)
    # a cancelled meeting with presence marks, and one later today, count for nothing
    mark(meeting(a, datetime(2026, 4, 20, 19, 30), status=MeetingStatus.CANCELLED), m["no_row"])
    mark(meeting(a, datetime(2026, 5, 10, 19, 30), status=MeetingStatus.SCHEDULED), m["no_row"])
    factory.commit()
    return m


def names(result) -> list[str]:
    return [row.full_name for row in result.rows]


def test_retired_members_on_workplace_cells(factory):
    scene = build(factory)
    result = review_list(scene["ward"], RETIRED, today=TODAY, now=NOW)
    assert result.total == 4
    assert sorted(names(result)) == sorted(["Ông Đúng Ngày", "Bà Đúng Ngày", "Anh Hưu Sớm", "Ông Doanh Nghiệp"])
    counts = {child.name: child.count for child in result.children}
    assert counts == {"Chi bộ A": 0, "Chi bộ Chưa rõ": 0, "Chi bộ Khu dân cư": 0, "Chi bộ Trường": 3,
                      "Đảng bộ D": 1}
    assert result.untyped_cells == 1
    row = next(r for r in result.rows if r.full_name == "Ông Đúng Ngày")
    assert (row.age, row.status, row.cell_name, row.under, row.residence) == (
        61, MemberStatus.CHINH_THUC, "Chi bộ Trường", "Chi bộ Trường", "Tổ 5, phường Thử")
    firm = next(r for r in result.rows if r.full_name == "Ông Doanh Nghiệp")
    assert (firm.cell_name, firm.under, firm.status) == ("Chi bộ D1", "Đảng bộ D", MemberStatus.TAM_MIEN)
    # the day before, neither of those born on the cutoff day had reached it
    earlier = review_list(scene["ward"], RETIRED, today=date(2026, 5, 9), now=NOW)
    assert sorted(names(earlier)) == ["Anh Hưu Sớm", "Ông Doanh Nghiệp"]


def test_retired_paging_and_a_cells_own_list(factory):
    scene = build(factory)
    first = review_list(scene["ward"], RETIRED, today=TODAY, now=NOW, per_page=3)
    second = review_list(scene["ward"], RETIRED, today=TODAY, now=NOW, page=2, per_page=3)
    assert (first.pages, len(first.rows), len(second.rows)) == (2, 3, 1)
    assert set(names(first)).isdisjoint(names(second))
    own = review_list(scene["t"], RETIRED, today=TODAY, now=NOW)
    assert own.total == 3 and own.children == [] and {row.under for row in own.rows} == {"Chi bộ Trường"}


def test_members_who_stopped_attending(factory):
    scene = build(factory)
    m = build_attendance(factory, scene)
    result = review_list(scene["ward"], ABSENT, today=TODAY, now=NOW)
    assert result.window_start == date(2026, 2, 10) and result.months == 3
    by_name = {row.full_name: row for row in result.rows}
    # cell K took attendance (someone attending it for a while was present): its own member was not
    assert sorted(by_name) == sorted([*(f"Đảng viên {n}" for n in ("excused", "unexcused", "no_row", "long_ago",
                                                                   "edge_out")), scene["residential"].full_name])
    assert result.total == 6
    counts = {c.name: c.count for c in result.children}
    assert (counts["Chi bộ A"], counts["Chi bộ Khu dân cư"], counts["Chi bộ Chưa rõ"], counts["Chi bộ Trường"]) == (
        5, 1, 0, 0)
    excused = by_name["Đảng viên excused"]
    assert (excused.excused, excused.unexcused, excused.last_present, excused.months_since) == (1, 1, None, None)
    assert (by_name["Đảng viên unexcused"].excused, by_name["Đảng viên unexcused"].unexcused) == (0, 1)
    assert (by_name["Đảng viên long_ago"].last_present, by_name["Đảng viên long_ago"].months_since) == (
        date(2025, 12, 3), 5)
    assert by_name["Đảng viên edge_out"].last_present == date(2026, 2, 9)
    assert by_name["Đảng viên edge_out"].months_since == 3
    assert m["exempt"].full_name not in by_name


def test_the_window_is_a_setting(app, factory, monkeypatch):
    scene = build(factory)
    build_attendance(factory, scene)
    monkeypatch.setitem(app.config, "REPORTS_NO_ATTENDANCE_MONTHS", 6)
    result = review_list(scene["ward"], ABSENT, today=TODAY, now=NOW)
    assert "Đảng viên long_ago" not in names(result) and "Đảng viên edge_out" not in names(result)


def test_recording_a_review_keeps_the_list_and_marks_who_is_new(factory):
    scene = build(factory)
    staff = factory.user("canbo@phuong.vn")
    factory.commit()
    review = record_review(scene["ward"], RETIRED, date(2026, 5, 9), "  Đã gặp từng người  ", Actor(staff.id),
                           today=TODAY, now=NOW)
    assert (review.listed, review.note, review.reviewed_by_id) == (4, "Đã gặp từng người", staff.id)
    kept = set(db.session.scalars(select(PeriodicReviewMember.member_id).where(
        PeriodicReviewMember.review_id == review.id)))
    assert kept == {scene[k].id for k in ("man_on_the_day", "woman_on_the_day", "retired_young", "firm")}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reports.review_recorded"))
    assert event.target_id == scene["ward"].id and event.details["count"] == 4
    factory.member(scene["t"], name="Ông Mới Hưu", birth_date=date(1955, 1, 1))
    factory.commit()
    result = review_list(scene["ward"], RETIRED, today=TODAY, now=NOW)
    assert {row.full_name for row in result.rows if row.is_new} == {"Ông Mới Hưu"}
    assert result.last_review.id == review.id and result.reviewers == {staff.id: "Người dùng"}
    # the other list is reviewed on its own
    assert review_list(scene["ward"], ABSENT, today=TODAY, now=NOW).last_review is None


@pytest.mark.parametrize(("day", "note", "message"), [
    (None, None, "Hãy nhập ngày xem xét"),
    (date(2026, 5, 11), None, "ở tương lai"),
    (date(2025, 5, 1), None, "trong vòng một năm"),
    (date(2026, 5, 1), "x" * 1001, "Dài quá 1000 ký tự"),
])
def test_a_review_refused(factory, day, note, message):
    scene = build(factory)
    with pytest.raises(ReviewError, match=message):
        record_review(scene["ward"], RETIRED, day, note, Actor(None), today=TODAY, now=NOW)
    assert reviews.last_review(scene["ward"], RETIRED) is None


def test_the_list_takes_a_fixed_number_of_statements(factory, statements):
    scene = build(factory)
    build_attendance(factory, scene)
    for kind in (RETIRED, ABSENT):
        with statements() as seen:
            review_list(scene["ward"], kind, today=TODAY, now=NOW)
        assert len(seen) <= 7, seen
