"""A year's round per organisation: opened by its leaders, or by itself from the configured day (rules.OPENS) of
its year; self-assessments are due on its deadline; closing it ends self-assessments (ratings may still be
recorded)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import local_today
from handbook.evaluation import rules
from handbook.evaluation.errors import EvaluationError
from handbook.evaluation.models import EvaluationRound
from handbook.extensions import db
from handbook.org.models import Organisation


def _setting(name: str, default: tuple[int, int]) -> tuple[int, int]:
    value = current_app.config.get(name) if current_app else None
    return tuple(value) if value else default


def opens_setting() -> tuple[int, int]:
    return _setting("EVALUATION_OPENS", rules.OPENS)


def due_setting() -> tuple[int, int]:
    return _setting("EVALUATION_DUE", rules.DUE)


def review_year(today: date | None = None) -> int:
    return rules.review_year(today or local_today(), opens_setting())


@dataclass(frozen=True)
class RoundState:
    """A round as the pages show it: recorded (`row`) or the one that opens by itself."""

    org_id: int
    year: int
    opens_on: date
    deadline: date
    closed_on: date | None
    row: EvaluationRound | None

    def is_open(self, today: date) -> bool:
        return self.opens_on <= today and (self.closed_on is None or today <= self.closed_on)

    def has_opened(self, today: date) -> bool:
        return self.opens_on <= today

    def takes_self_assessments(self, today: date) -> bool:
        """Open today, and of this year or the year before: a round that opened by itself is never closed, and the
        years before are the ones the leaders cannot open either (`open_round`)."""
        return self.year >= today.year - 1 and self.is_open(today)


def state(org: Organisation, year: int) -> RoundState:
    row = db.session.scalar(select(EvaluationRound).where(EvaluationRound.organisation_id == org.id,
                                                          EvaluationRound.year == year))
    if row is not None:
        return RoundState(org.id, year, row.opened_on, row.deadline, row.closed_on, row)
    return RoundState(org.id, year, rules.opens_on(year, opens_setting()), rules.due_on(year, due_setting()),
                      None, None)


def open_round(org: Organisation, year: int, deadline: date | None, actor: Actor, today: date | None = None
               ) -> EvaluationRound:
    """Open `org`'s round of `year` today (reopen it when closed), self-assessments due on `deadline` (the
    configured day when None). One commit."""
    today = today or local_today()
    if year > today.year or year < today.year - 1:
        raise EvaluationError(_("Chỉ mở được đợt đánh giá của năm nay hoặc năm trước."), "year")
    deadline = deadline or rules.due_on(year, due_setting())
    if deadline < today:
        raise EvaluationError(_("Hạn nộp bản tự kiểm điểm phải từ hôm nay trở đi."), "deadline")
    if deadline.year > year + 1:
        raise EvaluationError(_("Hạn nộp bản tự kiểm điểm quá xa năm đánh giá."), "deadline")
    current = state(org, year)
    row = current.row or EvaluationRound(organisation_id=org.id, year=year)
    row.opened_on = min(today, current.opens_on) if current.row else today
    row.deadline, row.closed_on, row.opened_by_id = deadline, None, actor.user_id
    db.session.add(row)
    db.session.flush()
    audit.record("evaluation.open", actor, target_type="organisation", target_id=org.id, organisation_id=org.id)
    db.session.commit()
    return row


def close_round(org: Organisation, year: int, actor: Actor, today: date | None = None) -> EvaluationRound:
    """No more self-assessments for `org`'s round of `year` after today. One commit."""
    today = today or local_today()
    current = state(org, year)
    if not current.has_opened(today):
        raise EvaluationError(_("Đợt đánh giá này chưa mở."))
    row = current.row or EvaluationRound(organisation_id=org.id, year=year, opened_on=current.opens_on,
                                         deadline=current.deadline)
    row.closed_on = today
    db.session.add(row)
    db.session.flush()
    audit.record("evaluation.close", actor, target_type="organisation", target_id=org.id, organisation_id=org.id)
    db.session.commit()
    return row


def materialise(current: RoundState) -> EvaluationRound:
    """The round's row, added to the session when it opened by itself (the caller commits)."""
    if current.row is not None:
        return current.row
    row = EvaluationRound(organisation_id=current.org_id, year=current.year, opened_on=current.opens_on,
                          deadline=current.deadline)
    db.session.add(row)
    return row
