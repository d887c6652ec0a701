"""The rating the organisation records for a member's year at it: the score on 100 points, the level (derived from
the score and the "xuất sắc" conditions, or a lower one the organisation decides), a note and the decision day."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import local_today
from handbook.evaluation import people, rules
from handbook.evaluation.errors import EvaluationError
from handbook.evaluation.models import Level, Rating
from handbook.extensions import db
from handbook.members.models import Member
from handbook.org.models import Organisation

NOTE_MAX = 2000


@dataclass(frozen=True)
class RatingInput:
    score: object  #: as typed ("87,5"); rules.parse_score reads it
    level: Level | None  #: None: the highest the score and conditions allow
    all_tasks_done: bool
    exceeding_share: int | None
    note: str | None
    decided_on: date | None


def find(member_id: int, org_id: int, year: int) -> Rating | None:
    return db.session.scalar(select(Rating).where(Rating.member_id == member_id, Rating.organisation_id == org_id,
                                                  Rating.year == year))


def record(member: Member, org: Organisation, year: int, given: RatingInput, actor: Actor,
           today: date | None = None) -> Rating:
    """Record (or correct) the rating. Refused with a message, nothing written: a member not rated (exempt) or not
    reviewed at `org`, a year to come, a score outside 0–100, a level the score and conditions do not allow, a
    decision day in the future or before the year. One commit."""
    today = today or local_today()
    if rules.not_rated(member.status):
        raise EvaluationError(_("Đảng viên được miễn công tác và sinh hoạt đảng không đánh giá, xếp loại."))
    if not people.is_reviewed_at(member, org):
        raise EvaluationError(_("Đồng chí không kiểm điểm tại tổ chức này."))
    if year > today.year or year < 2000:
        raise EvaluationError(_("Không xếp loại được cho năm %(year)d.", year=year), "year")
    score = rules.parse_score(given.score)
    level = rules.decide_level(score, given.level, given.all_tasks_done, given.exceeding_share)
    decided_on = given.decided_on or today
    if decided_on > today:
        raise EvaluationError(_("Ngày quyết định không được sau hôm nay."), "decided_on")
    if decided_on.year < year:
        raise EvaluationError(_("Ngày quyết định phải trong năm %(year)d hoặc sau đó.", year=year), "decided_on")
    note = (given.note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        raise EvaluationError(_("Ghi chú dài quá %(max)d ký tự.", max=NOTE_MAX), "note")
    row = find(member.id, org.id, year) or Rating(member_id=member.id, organisation_id=org.id, year=year)
    row.score_tenths = int(score * 10)
    row.level, row.all_tasks_done, row.exceeding_share = level, given.all_tasks_done, given.exceeding_share
    row.note, row.decided_on, row.recorded_by_id = note, decided_on, actor.user_id
    db.session.add(row)
    db.session.flush()
    audit.record("evaluation.rate", actor, target_type="member", target_id=member.id, organisation_id=org.id)
    db.session.commit()
    return row
