"""What the evaluation tells people through the outbox: members who have not submitted their self-assessment, from
EVALUATION_REMIND_DAYS days before their organisation's deadline; and the leaders, once all are in, or on the
deadline when some are missing."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from handbook.admission.reminders import cell_leaders
from handbook.core.i18n import gettext as _
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import local_today
from handbook.evaluation import people, rounds, rules
from handbook.evaluation.models import AssessmentStatus, EvaluationRound, SelfAssessment
from handbook.extensions import db
from handbook.meetings.reminders import is_leader
from handbook.notify.kinds import register_kind
from handbook.notify.models import Urgency
from handbook.notify.outbox import NotificationSpec, topic_for
from handbook.notify.rules import reminder_rule
from handbook.org.models import CELL_KINDS, Organisation

DAY = 86400
REMIND_DAYS = 7  #: the default of EVALUATION_REMIND_DAYS

SELF = register_kind("evaluation_self", _l("Nhắc nộp bản tự kiểm điểm cuối năm"))
LEADERS = register_kind("evaluation_round", _l("Tình hình nộp bản tự kiểm điểm của chi bộ"), audience=is_leader)


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def open_rounds(today: date) -> list[EvaluationRound]:
    """Rounds open today: recorded ones, and — for the review year, from its opening day — every cell's round
    that opened by itself (materialised only in memory)."""
    year = rounds.review_year(today)
    recorded = list(db.session.scalars(select(EvaluationRound).where(EvaluationRound.year == year)))
    found = [r for r in recorded if r.opened_on <= today and (r.closed_on is None or today <= r.closed_on)]
    if today >= rules.opens_on(year, rounds.opens_setting()) and today.year == year:
        have = {r.organisation_id for r in recorded}
        for org_id in db.session.scalars(select(Organisation.id).where(Organisation.kind.in_(CELL_KINDS),
                                                                        Organisation.dissolved_on.is_(None))):
            if org_id not in have:
                found.append(EvaluationRound(organisation_id=org_id, year=year, opened_on=rules.opens_on(
                    year, rounds.opens_setting()), deadline=rules.due_on(year, rounds.due_setting())))
    return found


@reminder_rule("evaluation_self_assessments")
def evaluation_reminders(now: datetime) -> Iterator[NotificationSpec]:
    """Members not yet submitted (from EVALUATION_REMIND_DAYS days before the deadline, and on the day); the
    leaders once all are in, or on the deadline with how many are missing. A handful of queries for every round
    in its window, however many cells there are."""
    today = local_today(now)
    remind_days = int(current_app.config.get("EVALUATION_REMIND_DAYS", REMIND_DAYS))
    due = [r for r in open_rounds(today) if r.deadline - timedelta(days=remind_days) <= today <= r.deadline]
    if not due:
        return
    ids = [r.organisation_id for r in due]
    orgs = {}
    for start in range(0, len(ids), people.CHUNK):
        orgs.update((o.id, o) for o in db.session.scalars(select(Organisation).where(
            Organisation.id.in_(ids[start:start + people.CHUNK]))))
    reviewed = people.reviewed_at_many([orgs[i] for i in ids if i in orgs])
    submitted = set()
    for year in {r.year for r in due}:
        for start in range(0, len(ids), people.CHUNK):
            submitted.update(db.session.execute(select(SelfAssessment.organisation_id, SelfAssessment.member_id).where(
                SelfAssessment.organisation_id.in_(ids[start:start + people.CHUNK]), SelfAssessment.year == year,
                SelfAssessment.status == AssessmentStatus.SUBMITTED)).all())
    leaders = {}
    for start in range(0, len(ids), people.CHUNK):
        leaders.update(cell_leaders(ids[start:start + people.CHUNK]))
    for round_ in due:
        org = orgs.get(round_.organisation_id)
        if org is None:
            continue
        members = {mid: user for mid, (user, status) in reviewed.get(org.id, {}).items() if not rules.not_rated(status)}
        if not members:
            continue
        missing = [mid for mid in members if (org.id, mid) not in submitted]
        yield from _to_members(round_, org, today, missing, members)
        yield from _to_leaders(round_, org, today, missing, len(members), leaders.get(org.id, []))


def _to_members(round_, org, today: date, missing: list[int], accounts: dict[int, int | None]):
    url = f"/evaluation/{round_.year}/orgs/{org.id}/self"
    stage = "last" if today == round_.deadline else "early"  # at most twice: N days before, and on the day
    for member_id in missing:
        if accounts[member_id] is None:
            continue
        yield NotificationSpec(
            user_id=accounts[member_id], kind=SELF, title=_("Nộp bản tự kiểm điểm năm %(year)d", year=round_.year),
            body=_("Hạn nộp bản tự kiểm điểm tại %(org)s là ngày %(due)s. Hãy viết và bấm “Nộp” trong ứng dụng "
                   "(mục Đánh giá, xếp loại).", org=org.name, due=_day(round_.deadline)),
            url=url, dedupe_key=f"evaluation:{org.id}:{round_.year}:self:{stage}:m{member_id}",
            tag=f"evaluation-self-{org.id}", urgency=Urgency.NORMAL, ttl_seconds=2 * DAY,
            topic=topic_for("evaluation", org.id, "self"))


def _to_leaders(round_, org, today: date, missing: list[int], total: int, leaders: list[int]):
    if not missing:
        title = _("Đã đủ bản tự kiểm điểm năm %(year)d", year=round_.year)
        body = _("Tất cả %(n)d đảng viên của %(org)s đã nộp bản tự kiểm điểm. Chi bộ có thể họp kiểm điểm và "
                 "ghi xếp loại trong ứng dụng.", n=total, org=org.name)
        event = "all"
    elif today == round_.deadline:
        title = _("Còn %(n)d đảng viên chưa nộp bản tự kiểm điểm", n=len(missing))
        body = _("Hôm nay là hạn nộp bản tự kiểm điểm tại %(org)s; còn %(n)d/%(total)d đảng viên chưa nộp. Hãy "
                 "nhắc các đồng chí hoặc gia hạn đợt đánh giá.", org=org.name, n=len(missing), total=total)
        event = "missing"
    else:
        return
    for user_id in leaders:
        yield NotificationSpec(
            user_id=user_id, kind=LEADERS, title=title, body=body, url=f"/evaluation/orgs/{org.id}?year={round_.year}",
            dedupe_key=f"evaluation:{org.id}:{round_.year}:{event}:u{user_id}", tag=f"evaluation-{org.id}",
            urgency=Urgency.NORMAL, ttl_seconds=3 * DAY, topic=topic_for("evaluation", org.id, event))
