"""The admissions report's figures on a small ward: exact counts per group and per organisation below, ages at the
edge of 30, spellings of Kinh, the term against the previous term's same period, idle cells, cells without a
member, and targets (with the statements it takes: a fixed number, whatever the size of the ward)."""
from __future__ import annotations

from datetime import date

import pytest

from handbook.admission.models import AdmissionTarget, CandidateStatus, OccupationGroup, ProfessionalLevel
from handbook.admission.report import GROUPS, admissions_report, term_bounds
from handbook.extensions import db
from handbook.members.models import Gender, MemberStatus
from handbook.org.models import OrgKind

TODAY = date(2026, 12, 6)
DU_BI = CandidateStatus.DU_BI


def build(factory):
    """Ward W: cells A, B, E (no member), F and đảng bộ cơ sở D with cell D1; another ward with one admission."""
    ward = factory.org("Phường Thử", OrgKind.DANG_BO_XA)
    a = factory.org("Chi bộ A", parent=ward)
    b = factory.org("Chi bộ B", parent=ward)
    e = factory.org("Chi bộ E", parent=ward)
    f = factory.org("Chi bộ F", parent=ward)
    d = factory.org("Đảng bộ D", OrgKind.DANG_BO_CO_SO, parent=ward)
    d1 = factory.org("Chi bộ D1", parent=d)
    other = factory.org("Phường Khác", OrgKind.DANG_BO_XA)
    other_cell = factory.org("Chi bộ Khác", parent=other)

    # A: four admitted in 2026, one still on the list, one taken off, one admitted in 2025 (this term)
    member1 = factory.member(a, status=MemberStatus.DU_BI, admission_date=date(2026, 3, 15))
    factory.candidate(a, status=DU_BI, admitted_on=date(2026, 3, 15), birth_date=date(1995, 4, 15),  # 30y11m
                      gender=Gender.NU, youth_union=True, ethnicity="Kinh", member_id=member1.id)
    factory.candidate(a, status=DU_BI, admitted_on=date(2026, 3, 15), birth_date=date(1995, 3, 15),  # 31y0m
                      gender=Gender.NAM, youth_union=False, ethnicity="kinh", religion="Phật giáo",
                      professional_level=ProfessionalLevel.DAI_HOC, occupation_group=OccupationGroup.CONG_NHAN)
    factory.candidate(a, status=CandidateStatus.CHINH_THUC, admitted_on=date(2026, 1, 10),
                      birth_date=date(2000, 1, 1), gender=Gender.NU, youth_union=False, ethnicity="KINH",
                      professional_level=ProfessionalLevel.THAC_SI, occupation_group=OccupationGroup.DN_TU_NHAN)
    factory.candidate(a, status=CandidateStatus.KHONG_CONG_NHAN, admitted_on=date(2026, 6, 1),
                      birth_date=date(1980, 6, 1), gender=Gender.NAM, youth_union=False, ethnicity="Tày",
                      religion="Không", professional_level=ProfessionalLevel.TIEN_SI)
    factory.candidate(a)  # on the list
    factory.candidate(a, status=CandidateStatus.DUNG, admitted_on=date(2026, 2, 1))  # not an admission
    factory.candidate(a, status=DU_BI, admitted_on=date(2025, 11, 1))  # last year, this term
    # B: admitted in the previous term's same period (a file and a record without one), nothing since
    factory.member(b, admission_date=date(2021, 5, 1))
    factory.candidate(b, status=CandidateStatus.CHINH_THUC, admitted_on=date(2021, 11, 20))
    # D1: two admitted in 2026 (25 years old, women, Youth Union), a record without a file admitted this term
    factory.candidate(d1, status=DU_BI, admitted_on=date(2026, 5, 1))
    factory.candidate(d1, status=DU_BI, admitted_on=date(2026, 5, 2))
    factory.member(d1, admission_date=date(2026, 2, 2))
    factory.member(d1)  # admitted 2005
    # F: members admitted long ago; E: no member at all
    factory.member(f)
    # another ward's admission is not this ward's
    factory.candidate(other_cell, status=DU_BI, admitted_on=date(2026, 4, 4))
    factory.member(other_cell)
    db.session.add_all([AdmissionTarget(organisation_id=a.id, year=2026, target=10),
                        AdmissionTarget(organisation_id=d.id, year=2026, target=4),
                        AdmissionTarget(organisation_id=a.id, year=2025, target=99)])
    db.session.commit()
    return {"ward": ward, "a": a, "b": b, "d": d, "d1": d1, "e": e, "f": f, "other": other}


def test_counts_per_organisation_and_group(factory, statements):
    scene = build(factory)
    admissions_report(scene["ward"], 2026, today=TODAY)  # today's member counts are kept from then on
    with statements() as seen:
        report = admissions_report(scene["ward"], 2026, today=TODAY)
    # the children, the files, the records, the cells, the counts' token, the targets: whatever the ward's size
    assert len(seen) == 6, seen
    by_name = {line.name: line for line in report.children}
    assert list(by_name) == ["Chi bộ A", "Chi bộ B", "Chi bộ E", "Chi bộ F", "Đảng bộ D"]
    a, d = by_name["Chi bộ A"], by_name["Đảng bộ D"]
    assert (a.admitted, a.target, a.percent) == (4, 10, 40.0)
    assert (d.admitted, d.target, d.percent) == (2, 4, 50.0)  # rolled up from D1
    assert by_name["Chi bộ B"].admitted == 0 and by_name["Chi bộ B"].target is None
    total = report.total
    assert total.admitted == 6
    assert (total.target, report.target_from_children, total.percent) == (14, True, 42.9)
    expected = dict.fromkeys(GROUPS, 0) | {
        "women": 4, "youth_union": 3, "minority": 1, "religious": 1, "age_18_30": 4,
        "dai_hoc": 1, "thac_si": 1, "tien_si": 1,
        "occ_cong_nhan": 1, "occ_dn_tu_nhan": 1, "occ_khac": 4,
    }
    assert total.groups == expected
    assert total.university_or_more == 3
    assert a.groups["age_18_30"] == 2  # 30 years 11 months and 26 count; 31 years 0 months and 46 do not
    assert a.groups["minority"] == 1  # Kinh, kinh and KINH are one ethnicity
    assert d.groups["women"] == 2 and d.groups["youth_union"] == 2


def test_term_so_far_against_the_previous_terms_same_period(factory):
    scene = build(factory)
    report = admissions_report(scene["ward"], 2026, today=TODAY)
    assert (report.term_start, report.previous_start, report.previous_end) == (
        date(2025, 10, 1), date(2020, 10, 1), date(2021, 12, 6))
    by_name = {line.name: line for line in report.children}
    # A: five files admitted since 01/10/2025 (the record made by the first is not counted again)
    assert by_name["Chi bộ A"].term == 5
    # D: two files and one record without a file
    assert by_name["Đảng bộ D"].term == 3
    # B: a file and a record without one, both in the previous term's same period
    assert (by_name["Chi bộ B"].term, by_name["Chi bộ B"].previous_term) == (0, 2)
    assert (report.total.term, report.total.previous_term, report.total.term_percent) == (8, 2, 400.0)


def test_idle_cells_and_cells_without_members(factory):
    scene = build(factory)
    report = admissions_report(scene["ward"], 2026, today=TODAY)
    idle = {cell.name: cell for cell in report.idle_cells}
    assert set(idle) == {"Chi bộ B", "Chi bộ E", "Chi bộ F"}
    assert idle["Chi bộ B"].last_admission == date(2021, 11, 20)
    assert idle["Chi bộ E"].last_admission is None
    assert idle["Chi bộ F"].last_admission is None  # admitted 2005: before the earliest day the report reads
    assert report.since == date(2020, 10, 1)
    assert [cell.name for cell in report.empty_cells] == ["Chi bộ E"]
    assert report.cells == 5
    d1 = db.session.get(type(scene["d1"]), scene["d1"].id)
    assert d1.name not in idle


def test_a_cell_sees_its_own_figures_and_targets_of_another_year_do_not_count(factory):
    scene = build(factory)
    report = admissions_report(scene["a"], 2025, today=TODAY)
    assert report.children == []
    assert (report.total.admitted, report.total.target, report.total.percent) == (1, 99, 1.0)
    assert report.target_from_children is False


def test_the_idle_window_is_a_setting(app, factory):
    scene = build(factory)
    app.config["ADMISSION_IDLE_YEARS"] = 10
    try:
        report = admissions_report(scene["ward"], 2026, today=TODAY)
    finally:
        app.config["ADMISSION_IDLE_YEARS"] = 3
    assert {cell.name for cell in report.idle_cells} == {"Chi bộ E", "Chi bộ F"}


@pytest.mark.parametrize(("today", "start"), [
    (date(2025, 9, 30), date(2020, 10, 1)),
    (date(2025, 10, 1), date(2025, 10, 1)),
    (date(2031, 2, 1), date(2030, 10, 1)),
])
def test_the_term_moves_by_whole_terms(app, today, start):
    assert term_bounds(today)[0] == start
