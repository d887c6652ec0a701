"""A member's own data export carries their self-assessments and ratings; merging two records of one person carries
them to the kept record (the kept record's own row of the same year and organisation stays)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from handbook.audit.service import Actor
from handbook.evaluation.models import AssessmentStatus, FormKind, Level, Rating, SelfAssessment
from handbook.extensions import db
from handbook.members import duplicates
from handbook.privacy.service import collect
from tests.evaluation.scene import build


def _rating(member, org, year, tenths, level):
    db.session.add(Rating(member_id=member.id, organisation_id=org.id, year=year, score_tenths=tenths, level=level,
                          all_tasks_done=True, decided_on=date(year, 12, 20)))


def test_my_data_has_my_evaluations(app, factory):
    scene = build(factory)
    db.session.add(SelfAssessment(member_id=scene.civil.id, organisation_id=scene.cell.id, year=2025,
                                  form=FormKind.B, answers={"politics": "Vững vàng"}, proposed_level=Level.TOT,
                                  status=AssessmentStatus.SUBMITTED))
    _rating(scene.civil, scene.cell, 2025, 855, Level.TOT)
    db.session.commit()
    section = next(s for s in collect(_user(scene.civil)) if s.key == "evaluations")
    [row] = section.export_rows()
    assert (row["year"], row["score"], row["level"], row["answers"]) == (2025, "85.5", Level.TOT, "Vững vàng")
    assert row["level_label"] == "Hoàn thành tốt nhiệm vụ" and row["form_label"].startswith("Mẫu 2B")


def _user(member):
    from handbook.auth.models import User

    return db.session.get(User, member.user_id)


def test_a_merge_carries_evaluations(app, factory):
    scene = build(factory)
    keep, drop = scene.civil, factory.member(scene.cell, name="LÊ THỊ CÔNG CHỨC")
    _rating(keep, scene.cell, 2026, 800, Level.TOT)
    _rating(drop, scene.cell, 2026, 500, Level.HOAN_THANH)  # the same year and cell: the kept record's stays
    _rating(drop, scene.cell, 2025, 700, Level.TOT)
    db.session.commit()
    keep_id = keep.id
    duplicates.merge(keep, drop, Actor(None))
    db.session.expire_all()
    rows = sorted(db.session.execute(select(Rating.member_id, Rating.year, Rating.score_tenths)).all())
    assert rows == [(keep_id, 2025, 700), (keep_id, 2026, 800)]
