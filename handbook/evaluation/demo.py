"""Demo evaluations, useful on any day of the year: last year's round in the demo cell through the services (each
member's self-assessment written in December, the cell's ratings with a spread of levels, an exempt member not
rated), and last year's ratings in every other cell bulk-inserted in bounded batches so the committees' figures have
numbers — this year's too in half of the cells once December has come. This year's round opens by itself on
1 November (rules.OPENS), so from then on the demo members find it on their home page."""
from __future__ import annotations

import random
from datetime import UTC, date, datetime

from sqlalchemy import insert, select

from handbook.audit.service import Actor
from handbook.auth.models import User
from handbook.core.timeutil import local_today, utcnow
from handbook.evaluation import assessments, people, ratings, rules
from handbook.evaluation.models import Rating
from handbook.evaluation.ratings import RatingInput
from handbook.extensions import db
from handbook.members.models import ACTIVE_STATUSES, Member, MemberStatus, MemberStatusHistory
from handbook.org.models import CELL_KINDS, Organisation

BATCH = 5000
TEXTS = {
    "politics": "Luôn kiên định mục tiêu, lý tưởng; chấp hành nghiêm chủ trương của Đảng, pháp luật của Nhà nước.",
    "ethics": "Giữ gìn phẩm chất đạo đức, lối sống giản dị; gương mẫu ở nơi công tác và nơi cư trú.",
    "discipline": "Dự đầy đủ sinh hoạt chi bộ, đóng đảng phí đúng quy định; thẳng thắn góp ý đồng chí.",
    "tasks": "Hoàn thành các nhiệm vụ được giao đúng tiến độ; có sản phẩm cụ thể trong năm.",
    "leadership": "Lãnh đạo chi bộ hoàn thành các chỉ tiêu nghị quyết đề ra.",
    "party_tasks": "Tham gia tuyên truyền, vận động nhân dân ở khu dân cư theo phân công của chi bộ.",
    "residence": "Thực hiện tốt nghĩa vụ công dân, quy ước của khu dân cư.",
    "shortcomings": "Có lúc chưa sắp xếp thời gian học tập nghị quyết đầy đủ.",
    "remedies": "Năm tới dành thời gian nghiên cứu nghị quyết, chủ động hơn trong công việc được giao.",
}
#: (score, all tasks done, share exceeding) in turn for the demo cell's members: every level appears
SPREAD = (("95", True, 40), ("86", True, 10), ("78,5", True, None), ("92", True, 20), ("73", True, None),
          ("64", False, None), ("88", True, 15), ("81", True, None), ("45", False, None), ("91,5", True, 35))


def seed_demo_evaluation(secretary_email: str, now: datetime | None = None, seed: int = 366) -> int:
    """Everything above as seen on `now`; returns the number of ratings written."""
    now = now or utcnow()
    today = local_today(now)
    last = today.year - 1
    secretary = db.session.scalar(select(User).where(User.email == secretary_email))
    cell = db.session.scalar(select(Organisation).join(Member, Member.cell_id == Organisation.id)
                             .where(Member.user_id == secretary.id))
    actor = Actor(secretary.id, None)
    _one_exempt(cell, date(last, 6, 1))
    written = datetime(last, 12, 10, 3, 0, tzinfo=UTC)  # 10:00 on 10/12 in Hà Nội
    count = 0
    for index, member in enumerate(people.reviewed_at(cell)):
        if rules.not_rated(member.status):
            continue
        kind = assessments.form_of(member, cell, last)
        level = rules.highest_level(*_spread(index))
        assessments.save(member, cell, last, {code: TEXTS[code] for code in rules.SECTIONS[kind]}, level,
                         submit=True, actor=actor, now=written)
        score, done, share = SPREAD[index % len(SPREAD)]
        ratings.record(member, cell, last, RatingInput(score, None, done, share, None, date(last, 12, 20)), actor,
                       today=date(last, 12, 20))
        count += 1
    rng = random.Random(seed)
    count += _bulk(last, cell.id, rng, share_of_cells=1.0, decided=date(last, 12, 22))
    if today.month == 12:
        count += _bulk(today.year, cell.id, rng, share_of_cells=0.5, decided=today)
    return count


def _spread(index: int):
    score, done, share = SPREAD[index % len(SPREAD)]
    return rules.parse_score(score), done, share


def _one_exempt(cell: Organisation, since: date) -> None:
    """The demo cell has an exempt member (not rated): an elderly member without an account and without a post,
    exempt since `since`, when the generated cell has none."""
    statuses = set(db.session.scalars(select(Member.status).where(Member.cell_id == cell.id)))
    if statuses & set(rules.NOT_RATED):
        return
    candidates = [m for m in db.session.scalars(select(Member).where(
        Member.cell_id == cell.id, Member.status == MemberStatus.CHINH_THUC, Member.user_id.is_(None))
        .order_by(Member.birth_date, Member.id))]
    if not candidates:
        return
    member = candidates[0]
    member.status = MemberStatus.MIEN_SINH_HOAT
    db.session.add(MemberStatusHistory(member_id=member.id, status=MemberStatus.MIEN_SINH_HOAT, from_date=since,
                                       reason="Tuổi cao, sức khỏe yếu; chi bộ đồng ý miễn công tác và sinh hoạt đảng"))
    db.session.flush()


def _bulk(year: int, skip_cell_id: int, rng: random.Random, share_of_cells: float, decided: date) -> int:
    """Ratings of `year` for the members of every other cell (of `share_of_cells` of them), in batches."""
    rated = [s for s in ACTIVE_STATUSES if not rules.not_rated(s)]
    rows, count, keep_cell = [], 0, {}
    stream = db.session.execute(
        select(Member.id, Member.cell_id).join(Organisation, Organisation.id == Member.cell_id)
        .where(Organisation.kind.in_(CELL_KINDS), Member.status.in_(rated), Member.cell_id != skip_cell_id)
        .order_by(Member.cell_id, Member.id).execution_options(yield_per=BATCH))
    now = utcnow()
    for member_id, cell_id in stream:
        if cell_id not in keep_cell:
            keep_cell[cell_id] = rng.random() < share_of_cells
        if not keep_cell[cell_id]:
            continue
        score = rng.choice((96, 92, 88, 86, 84, 82, 80, 78, 76, 74, 72, 68, 60, 45))
        done = score >= 70 or rng.random() < 0.5
        share = rng.choice((None, 10, 30, 40)) if score >= 90 else None
        level = rules.highest_level(rules.parse_score(score), done, share)
        rows.append({"member_id": member_id, "organisation_id": cell_id, "year": year, "score_tenths": score * 10,
                     "level": level, "all_tasks_done": done, "exceeding_share": share, "note": None,
                     "decided_on": decided, "recorded_by_id": None, "recorded_at": now})
        if len(rows) >= BATCH:
            count += _write(rows)
    return count + _write(rows)


def _write(rows: list[dict]) -> int:
    if rows:
        db.session.execute(insert(Rating).execution_options(render_nulls=True), rows)
    written = len(rows)
    rows.clear()
    return written

