"""The demo, seeded on any day: a temporary exemption ending in ten days, an old-age exemption, a request waiting —
none of them the demo accounts'; the statuses follow."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from handbook.auth.models import User
from handbook.demo.seed import MEMBER, SECRETARY, seed_demo
from handbook.exemptions.models import Exemption, ExemptionKind, ExemptionStatus
from handbook.extensions import db
from handbook.members.models import Member, MemberStatus
from tests.support import build_app


@pytest.mark.parametrize("now", [datetime(2027, 1, 1, 17, 30, tzinfo=UTC),  # 00:30 on 02/01 in Hà Nội
                                 datetime(2028, 2, 29, 3, 0, tzinfo=UTC)], ids=["new_year", "leap_day"])
def test_the_demo_has_its_three_exemptions_on_any_day(tmp_path, now):
    app = build_app(tmp_path, "exemption-demo")
    with app.app_context():
        seed_demo(now=now)
        today = (now + timedelta(hours=7)).date()
        rows = db.session.scalars(select(Exemption).order_by(Exemption.id)).all()
        assert [(r.kind, r.status) for r in rows] == [
            (ExemptionKind.MIEN, ExemptionStatus.APPROVED), (ExemptionKind.TAM_MIEN, ExemptionStatus.APPROVED),
            (ExemptionKind.TAM_MIEN, ExemptionStatus.PENDING)]
        old_age, away, waiting = rows
        assert away.until == today + timedelta(days=10) and waiting.starts_on > today
        assert (old_age.member.status, away.member.status) == (MemberStatus.MIEN_SINH_HOAT, MemberStatus.TAM_MIEN)
        accounts = set(db.session.scalars(select(Member.id).join(User, User.id == Member.user_id)
                                          .where(User.email.in_((SECRETARY["email"], MEMBER["email"])))))
        assert not accounts & {r.member_id for r in rows}
        db.session.remove()
