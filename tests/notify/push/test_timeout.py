"""A push service that does not answer in time: the delivery goes back to the outbox for a later attempt
(nothing is lost, the dispatcher is not stuck), and is sent once the service answers again."""
from __future__ import annotations

import functools
import time

from sqlalchemy import select

from handbook.core.timeutil import as_utc, utcnow
from handbook.extensions import db
from handbook.notify import subscriptions
from handbook.notify.models import Delivery
from handbook.notify.outbox import NotificationSpec, enqueue
from handbook.notify.push import dispatch
from tests.notify.fake_push import FakePushService


def test_push_service_timeout_is_retried_later(app, factory, monkeypatch):
    user = factory.user("nguoinhan@test.vn")
    factory.commit()
    monkeypatch.setattr(dispatch, "Sender", functools.partial(dispatch.Sender, timeout=0.5))
    with FakePushService(delay=2.0) as slow:
        monkeypatch.setitem(app.config, "PUSH_ALLOWED_HOSTS", [slow.host])
        monkeypatch.setitem(app.config, "PUSH_ALLOW_HTTP", True)
        sub = slow.subscription()
        subscriptions.save(user.id, sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"], None)
        enqueue([NotificationSpec(user_id=user.id, kind="test", title="Tiêu đề", body="Nội dung", url="/",
                                  dedupe_key="timeout")])
        db.session.commit()

        started = time.monotonic()
        stats = dispatch.dispatch(once=True)
        assert time.monotonic() - started < 2.0  # gave up after the timeout, did not wait for the answer
        assert (stats.sent, stats.failed, stats.retried) == (0, 0, 1)
        db.session.expire_all()
        row = db.session.scalars(select(Delivery)).one()
        assert row.status == "pending" and row.attempts == 1 and "Timeout" in row.last_error
        assert as_utc(row.next_attempt_at) > utcnow()  # backed off, not hammered

        slow.delay = 0.0  # the service answers again; the retry falls due
        row.next_attempt_at = utcnow()
        db.session.commit()
        stats = dispatch.dispatch(once=True)
        assert (stats.sent, stats.retried) == (1, 0)
        db.session.expire_all()
        assert db.session.scalars(select(Delivery)).one().status == "sent"
        time.sleep(2.0)  # let the first, slow request finish inside the fake service before it stops
        assert not slow.errors
