"""The admission rules' figures and deadlines (admission.steps; docs/domain.md: Admission): age in whole months at
the cell's consideration, the competent committee's 60 (+30) working days, the ceremony's 30, the 12 months of
probation and the 30 working days for recognition — across Tết and the year end; and the step catalogue with
the forms of the procedure manual. Pure: no app, no database."""
from __future__ import annotations

from datetime import date

from handbook.admission import steps
from handbook.admission.steps import (
    ADMISSION,
    MAX_AGE_MONTHS,
    MIN_AGE_MONTHS,
    RECOGNITION,
    age_in_months,
    ceremony_due,
    decision_due,
    probation_end,
    recognition_due,
)
from handbook.core.workdays import is_working_day, working_days_between

D = date


# --- age in whole months -------------------------------------------------------------------------------------

def test_age_on_the_eve_and_the_day_of_the_18th_birthday():
    born = D(2008, 3, 15)
    assert age_in_months(born, D(2026, 3, 14)) == MIN_AGE_MONTHS - 1
    assert age_in_months(born, D(2026, 3, 15)) == MIN_AGE_MONTHS == 216


def test_age_of_someone_born_on_29_february():
    # no 29/02 in 2026: the 18 years are complete at the end of February (the last day of the month)
    born = D(2008, 2, 29)
    assert age_in_months(born, D(2026, 2, 27)) == MIN_AGE_MONTHS - 1
    assert age_in_months(born, D(2026, 2, 28)) == MIN_AGE_MONTHS
    assert age_in_months(born, D(2028, 2, 28)) == 20 * 12 - 1  # a leap year: the birthday itself is there
    assert age_in_months(born, D(2028, 2, 29)) == 20 * 12


def test_age_counts_whole_months_only():
    born = D(2008, 1, 31)
    assert age_in_months(born, D(2026, 1, 30)) == MIN_AGE_MONTHS - 1
    assert age_in_months(born, D(2026, 2, 27)) == MIN_AGE_MONTHS  # 18 years and 27 days
    assert age_in_months(born, D(2026, 2, 28)) == MIN_AGE_MONTHS + 1  # February has no 31st: a month is complete


def test_sixty_years_and_some_days_is_still_sixty_in_months():
    born = D(1966, 5, 31)
    assert age_in_months(born, D(2026, 5, 30)) == MAX_AGE_MONTHS - 1
    assert age_in_months(born, D(2026, 6, 29)) == MAX_AGE_MONTHS == 720
    assert age_in_months(born, D(2026, 6, 30)) == MAX_AGE_MONTHS + 1


# --- the competent committee's decision: 60 working days, extended by at most 30 ------------------------------

def test_decision_due_across_tet_2027():
    # From Monday 4/1/2027: 19 working days in January, 3 before the Tết break (4–10/02) and 2 after it in its
    # week, 5 + 5 more in February, 23 in March, then 1, 2 and 5 April.
    resolution = D(2027, 1, 4)
    due = decision_due(resolution, extended=False)
    assert due == D(2027, 4, 5)
    assert working_days_between(resolution, due) == 60
    # the extension: 30 more working days, skipping Giỗ Tổ (16/4), 30/4 and the 1/5 holiday taken on Monday 3/5
    assert decision_due(resolution, extended=True) == D(2027, 5, 20)


def test_decision_due_across_tet_2028_and_the_year_end():
    resolution = D(2027, 12, 15)
    due = decision_due(resolution, extended=False)
    assert due == D(2028, 3, 16)
    assert working_days_between(resolution, due) == 60
    extended = decision_due(resolution, extended=True)
    assert working_days_between(due, extended) == 30
    assert extended == D(2028, 4, 28)  # Giỗ Tổ (4/4) skipped


# --- the ceremony: 30 working days --------------------------------------------------------------------------

def test_ceremony_due_across_tet_2028():
    # Thursday 20/1/2028: Friday 21/1, then the break (24–29/01), Monday 31/1 … 9/3/2028
    assert ceremony_due(D(2028, 1, 20)) == D(2028, 3, 9)
    assert working_days_between(D(2028, 1, 20), D(2028, 3, 9)) == 30


# --- probation and recognition --------------------------------------------------------------------------------

def test_probation_ends_twelve_months_after_the_ceremony():
    assert probation_end(D(2027, 1, 31)) == D(2028, 1, 31)
    assert probation_end(D(2026, 9, 3)) == D(2027, 9, 3)


def test_probation_from_29_february_ends_on_28_february():
    assert probation_end(D(2028, 2, 29)) == D(2029, 2, 28)


def test_the_official_date_does_not_move_when_it_is_a_holiday():
    # admitted on 2/9/2026: the probation ends on 2/9/2027, Quốc khánh — that day stays the official date, and
    # the cell's 30 working days start after it (3/9 is off too): 6/9 is the first, 15/10/2027 the last
    admitted = D(2026, 9, 2)
    assert probation_end(admitted) == D(2027, 9, 2)
    assert not is_working_day(probation_end(admitted))
    assert recognition_due(admitted) == D(2027, 10, 15)


def test_recognition_due_across_tet_2028():
    admitted = D(2027, 1, 14)  # probation ends Friday 14/1/2028
    due = recognition_due(admitted)
    assert working_days_between(D(2028, 1, 14), due) == 30
    # 17–21/1 are the first five, the break (24–29/01) counts none, Monday 31/1 is the sixth … Friday 3/3 the 30th
    assert due == D(2028, 3, 3)


# --- the step catalogue ------------------------------------------------------------------------------------

def test_admission_steps_come_before_recognition_steps():
    phases = [step.phase for step in steps.STEPS]
    assert phases == sorted(phases, key=[ADMISSION, RECOGNITION].index)
    assert [steps.ORDER[step.code] for step in steps.STEPS] == list(range(len(steps.STEPS)))
    assert len(steps.BY_CODE) == len(steps.STEPS)


def test_the_forms_of_the_procedure_manual():
    """4-KNĐ is the Youth Union's (4A-KNĐ the trade union's) resolution introducing the candidate; 5-KNĐ and
    12-KNĐ sum up the comments of the organisations and of the residence's cell committee, recorded on the
    residence step (the last of the two); the cell's resolution for recognition is 13-KNĐ, the đảng ủy bộ
    phận's report 14-KNĐ, the đảng ủy cơ sở's resolution 15-KNĐ, the decision 16-KNĐ."""
    forms = {step.code: step.form for step in steps.STEPS}
    assert forms == {
        "awareness": None,
        "application": "1-KNĐ",
        "background": "2-KNĐ",
        "verification": None,
        "youth_union": "4-KNĐ",
        "introducers": "3-KNĐ",
        "org_comments": None,
        "residence_comments": "5-KNĐ",
        "cell_resolution": "6-KNĐ",
        "unit_report": "7-KNĐ",
        "grassroots_resolution": "8-KNĐ",
        "decision": "9-KNĐ",
        "ceremony": None,
        "self_review": "10-KNĐ",
        "sponsor_comments": "11-KNĐ",
        "recog_org_comments": None,
        "recog_residence_comments": "12-KNĐ",
        "recog_cell_resolution": "13-KNĐ",
        "recog_unit_report": "14-KNĐ",
        "recog_grassroots_resolution": "15-KNĐ",
        "recog_decision": "16-KNĐ",
    }
    # each numbered form belongs to one step only
    numbered = [form for form in forms.values() if form]
    assert len(numbered) == len(set(numbered)) == 16


def test_the_optional_steps():
    assert {step.code for step in steps.STEPS if step.optional} == {"youth_union", "unit_report", "recog_unit_report"}
