"""The in-app inbox: the same notifications as the pushes, for everyone (with or without push)."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import bindparam, func, select, update

from handbook.core.i18n import gettext as _
from handbook.core.rows import column_rows
from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.notify.models import Notification, NotificationPreference, Urgency
from handbook.notify.outbox import NotificationSpec, enqueue

PER_PAGE = 20


def _due_for(user_id, now):
    """The conditions of "this user's notification, due by `now`" (values or bound parameters)."""
    return Notification.user_id == user_id, Notification.not_before.is_(None) | (Notification.not_before <= now)


def visible(user_id: int, now: datetime | None = None):
    """A user's notifications that are due (quiet hours hold the inbox too, so both agree)."""
    return select(Notification).where(*_due_for(user_id, now or utcnow()))


def page_of(user_id: int, page: int = 1, per_page: int = PER_PAGE) -> tuple[list[Notification], int]:
    """One page of the inbox and the total; a first page that is not full is the total, so it is not counted."""
    page = max(page, 1)
    query = visible(user_id)
    items = list(db.session.scalars(query.order_by(Notification.created_at.desc(), Notification.id.desc())
                                    .limit(per_page).offset((page - 1) * per_page)))
    if page == 1 and len(items) < per_page:
        return items, len(items)
    return items, db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def unread_clauses(user_id, now):
    """The conditions of "this user's notification, due by `now` and not read yet" (the menu's badge)."""
    return *_due_for(user_id, now), Notification.read_at.is_(None)


# the menu's badge, on every page (built once: benchmarks/load.py, see core/rows.py)
_UNREAD = select(func.count(Notification.id)).where(*unread_clauses(bindparam("user_id"), bindparam("now")))


def unread_count(user_id: int) -> int:
    return column_rows(_UNREAD, {"user_id": user_id, "now": utcnow()}).scalar() or 0


def mark_read(user_id: int, notification_id: int | None = None) -> int:
    """Mark one (or all) of this user's notifications read. Commits."""
    query = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    count = db.session.execute(query.values(read_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return count


def get(user_id: int, notification_id: int) -> Notification | None:
    return db.session.scalar(visible(user_id).where(Notification.id == notification_id))


def send_test(user_id: int) -> None:
    """'Gửi thử': a notification to all of my devices right away. Commits."""
    enqueue([NotificationSpec(
        user_id=user_id, kind="test", title=_("Thông báo thử"),
        body=_("Nếu đồng chí thấy thông báo này, nhắc lịch sinh hoạt sẽ đến được thiết bị này."),
        url="/notifications/settings", dedupe_key=f"test:u{user_id}:{uuid.uuid4().hex}", tag="test",
        urgency=Urgency.HIGH, ttl_seconds=600,
    )])
    db.session.commit()


def preferences(user_id: int) -> dict[str, bool]:
    from handbook.notify.kinds import KINDS

    off = set(db.session.scalars(select(NotificationPreference.kind).where(
        NotificationPreference.user_id == user_id, NotificationPreference.push_enabled.is_(False))))
    return {kind: kind not in off for kind in KINDS}


def set_preferences(user_id: int, enabled: dict[str, bool]) -> None:
    rows = {p.kind: p for p in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user_id))}
    for kind, on in enabled.items():
        row = rows.get(kind) or NotificationPreference(user_id=user_id, kind=kind)
        row.push_enabled = bool(on)
        db.session.add(row)
    db.session.commit()
