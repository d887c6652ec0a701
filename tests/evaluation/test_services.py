"""Self-assessments (draft, submit, reopen, the form by kind and the leaders' choice), ratings (one per member, year
and organisation; bad input refused with its message and nothing written), exempt members not rated, a member with
two posts reviewed at each, history and the figures counted by hand."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from handbook.audit.models import AuditEvent
from handbook.evaluation import assessments, history, people, ratings, rounds, summary
from handbook.evaluation.errors import EvaluationError
from handbook.evaluation.models import AssessmentStatus, EvaluationRound, FormKind, Level, Rating, SelfAssessment
from handbook.evaluation.ratings import RatingInput
from handbook.extensions import db
from tests.evaluation.scene import TODAY, YEAR, build

NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội
FULL = {code: f"Nội dung {code}" for code in
        ("politics", "ethics", "discipline", "tasks", "leadership", "party_tasks", "residence", "shortcomings",
         "remedies")}


@pytest.fixture
def scene(factory):
    return build(factory)


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _rate(scene, member, score="85", level=None, done=True, share=None, org=None, **extra):
    return ratings.record(member, org or scene.cell, YEAR, RatingInput(score, level, done, share, extra.get("note"),
                                                                       extra.get("decided_on")),
                          scene.actor, today=TODAY)


def test_forms_follow_posts_and_occupation(scene):
    assert assessments.form_of(scene.leader, scene.cell, YEAR) is FormKind.A
    assert assessments.form_of(scene.civil, scene.cell, YEAR) is FormKind.B
    assert assessments.form_of(scene.retired, scene.cell, YEAR) is FormKind.C
    assessments.choose_form(scene.retired, scene.cell, YEAR, FormKind.B, scene.actor)
    assert assessments.form_of(scene.retired, scene.cell, YEAR) is FormKind.B


def test_draft_submit_reopen(scene):
    with time_machine.travel(NOW, tick=False):
        row = assessments.save(scene.civil, scene.cell, YEAR, {"politics": "Vững vàng"}, None, submit=False,
                               actor=scene.actor)
        assert row.status is AssessmentStatus.DRAFT and row.answers["politics"] == "Vững vàng"
        assert db.session.scalar(select(EvaluationRound.id)) is not None  # the round that opened by itself, kept
        with pytest.raises(EvaluationError, match="Hãy viết mục “Đạo đức, lối sống") as caught:
            assessments.save(scene.civil, scene.cell, YEAR, {"politics": "Vững vàng"}, Level.TOT, submit=True,
                             actor=scene.actor)
        assert caught.value.field == "ethics"
        db.session.rollback()
        assert assessments.find(scene.civil.id, scene.cell.id, YEAR).status is AssessmentStatus.DRAFT
        with pytest.raises(EvaluationError, match="Hãy chọn mức tự xếp loại"):
            assessments.save(scene.civil, scene.cell, YEAR, FULL, None, submit=True, actor=scene.actor)
        db.session.rollback()
        row = assessments.save(scene.civil, scene.cell, YEAR, FULL, Level.TOT, submit=True, actor=scene.actor)
        assert row.status is AssessmentStatus.SUBMITTED and row.submitted_at is not None
        assert set(row.answers) == {"politics", "ethics", "discipline", "tasks", "shortcomings", "remedies"}  # 2B
        with pytest.raises(EvaluationError, match="đã nộp"):
            assessments.save(scene.civil, scene.cell, YEAR, {}, None, submit=False, actor=scene.actor)
        with pytest.raises(EvaluationError, match="đã nộp; hãy mở lại"):
            assessments.choose_form(scene.civil, scene.cell, YEAR, FormKind.C, scene.actor)
        db.session.rollback()
        assessments.reopen(row, scene.actor)
        assert row.status is AssessmentStatus.DRAFT and row.reopened_at is not None
        with pytest.raises(EvaluationError, match="chưa nộp"):
            assessments.reopen(row, scene.actor)
        assert {e.action for e in db.session.scalars(select(AuditEvent))} >= {"evaluation.submit",
                                                                              "evaluation.reopen"}


def test_no_self_assessment_before_the_round_opens_or_after_it_closes(scene):
    with time_machine.travel(datetime(2026, 10, 31, 16, 59, tzinfo=UTC), tick=False):  # 23:59 on 31/10 in Hà Nội
        with pytest.raises(EvaluationError, match="chưa mở hoặc đã đóng"):
            assessments.save(scene.civil, scene.cell, YEAR, FULL, None, submit=False, actor=scene.actor)
        db.session.rollback()
    with time_machine.travel(datetime(2026, 10, 31, 17, 0, tzinfo=UTC), tick=False):  # 00:00 on 1/11 in Hà Nội
        assessments.save(scene.civil, scene.cell, YEAR, FULL, None, submit=False, actor=scene.actor)
    with time_machine.travel(NOW, tick=False):
        rounds.close_round(scene.cell, YEAR, scene.actor, today=TODAY)
    with time_machine.travel(datetime(2026, 12, 7, 3, 0, tzinfo=UTC), tick=False):
        with pytest.raises(EvaluationError, match="chưa mở hoặc đã đóng"):
            assessments.save(scene.civil, scene.cell, YEAR, FULL, Level.TOT, submit=True, actor=scene.actor)
        db.session.rollback()
    assert assessments.find(scene.civil.id, scene.cell.id, YEAR).status is AssessmentStatus.DRAFT


def test_leaders_open_early_with_a_deadline(scene):
    row = rounds.open_round(scene.cell, YEAR, date(2026, 12, 20), scene.actor, today=date(2026, 10, 15))
    assert (row.opened_on, row.deadline) == (date(2026, 10, 15), date(2026, 12, 20))
    assert rounds.state(scene.cell, YEAR).is_open(date(2026, 10, 15))
    with pytest.raises(EvaluationError, match="từ hôm nay trở đi"):
        rounds.open_round(scene.cell, YEAR, date(2026, 10, 1), scene.actor, today=date(2026, 10, 15))
    with pytest.raises(EvaluationError, match="năm nay hoặc năm trước"):
        rounds.open_round(scene.cell, 2024, None, scene.actor, today=date(2026, 10, 15))


def test_exempt_members_are_not_rated_and_write_nothing(scene):
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(EvaluationError, match="miễn công tác và sinh hoạt đảng"):
            assessments.save(scene.exempt, scene.cell, YEAR, FULL, None, submit=False, actor=scene.actor)
        db.session.rollback()
    with pytest.raises(EvaluationError, match="không đánh giá, xếp loại"):
        _rate(scene, scene.exempt)
    db.session.rollback()
    assert _count(Rating) == 0 and _count(SelfAssessment) == 0


@pytest.mark.parametrize(("kwargs", "message", "field"), [
    ({"score": "100.5"}, "Điểm phải từ 0 đến 100.", "score"),
    ({"score": "-3"}, "Điểm phải từ 0 đến 100.", "score"),
    ({"score": "tám"}, "Điểm phải là một số", "score"),
    ({"score": "95", "level": Level.XUAT_SAC, "share": 20}, "ít nhất 30 %", "level"),
    ({"score": "95", "level": Level.XUAT_SAC, "done": False, "share": 50}, "100 % nhiệm vụ", "level"),
    ({"score": "60", "level": Level.TOT}, "chỉ cho phép xếp loại từ mức", "level"),
    ({"score": "80", "decided_on": date(2026, 12, 7)}, "không được sau hôm nay", "decided_on"),
    ({"score": "80", "decided_on": date(2025, 12, 31)}, "trong năm 2026", "decided_on"),
    ({"score": "80", "note": "x" * 2001}, "Ghi chú dài quá", "note"),
])
def test_bad_ratings_are_refused_and_nothing_is_written(scene, kwargs, message, field):
    with pytest.raises(EvaluationError, match=message) as caught:
        _rate(scene, scene.civil, **kwargs)
    assert caught.value.field == field
    db.session.rollback()
    assert _count(Rating) == 0
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "evaluation.rate")) == 0


def test_a_rating_is_recorded_and_corrected(scene):
    row = _rate(scene, scene.civil, "92,5", share=40, note="Gương mẫu")
    assert (row.score_tenths, row.level, row.decided_on) == (925, Level.XUAT_SAC, TODAY)
    row = _rate(scene, scene.civil, "92,5", share=10)  # the conditions not met: "tốt" at most, no refusal
    assert row.level is Level.TOT and _count(Rating) == 1


def test_someone_with_two_posts_is_reviewed_at_each(scene):
    assert [o.id for o in people.posts_of(scene.leader)] == [scene.cell.id, scene.ward.id]
    assert [m.id for m in people.reviewed_at(scene.ward)] == [scene.leader.id]
    with pytest.raises(EvaluationError, match="không kiểm điểm tại tổ chức này"):
        _rate(scene, scene.civil, org=scene.ward)
    db.session.rollback()
    _rate(scene, scene.leader, "91", share=35)
    ratings.record(scene.leader, scene.ward, YEAR, RatingInput("78", None, True, None, None, None), scene.staff,
                   today=TODAY)
    ratings.record(scene.leader, scene.cell, 2025, RatingInput("65", None, True, None, None, date(2025, 12, 20)),
                   scene.actor, today=TODAY)
    years = history.by_year(history.history(scene.leader.id))
    assert [(y, [(e.organisation.id, e.rating.level) for e in entries]) for y, entries in years] == [
        (2026, [(scene.cell.id, Level.XUAT_SAC), (scene.ward.id, Level.TOT)]),
        (2025, [(scene.cell.id, Level.HOAN_THANH)])]


def test_figures_of_a_cell_and_of_the_ward_by_hand(scene):
    with time_machine.travel(NOW, tick=False):
        assessments.save(scene.civil, scene.cell, YEAR, FULL, Level.TOT, submit=True, actor=scene.actor)
    _rate(scene, scene.leader, "95", share=30)
    _rate(scene, scene.civil, "80")
    ratings.record(scene.b_members[0], scene.cell_b, YEAR, RatingInput("45", None, False, None, None, None),
                   scene.actor, today=TODAY)
    ratings.record(scene.leader, scene.ward, YEAR, RatingInput("88", None, True, None, None, None), scene.staff,
                   today=TODAY)  # a post's rating: not counted twice in the ward's figures
    cell = summary.org_figures(scene.cell, summary.org_lines(scene.cell, YEAR))
    assert (cell.members, cell.exempt, cell.to_rate, cell.submitted, cell.rated, cell.not_yet) == (4, 1, 3, 1, 2, 1)
    assert cell.levels == {Level.XUAT_SAC: 1, Level.TOT: 1}
    assert cell.share(Level.XUAT_SAC) == 50.0 and cell.over_cap  # 1 xuất sắc > 20 % of 1 tốt
    ward = summary.committee(scene.ward, YEAR)
    assert [line.name for line in ward.lines] == ["Chi bộ khu phố 1", "Chi bộ khu phố 2"]
    a, b = ward.lines
    assert (a.members, a.exempt, a.rated, a.submitted) == (4, 1, 2, 1)
    assert (b.members, b.rated, b.not_yet, b.levels[Level.KHONG_HOAN_THANH]) == (2, 1, 1, 1)
    t = ward.total
    assert (t.members, t.exempt, t.to_rate, t.rated, t.not_yet) == (6, 1, 5, 3, 2)
    assert summary.committee(scene.ward, 2025).total.rated == 0
