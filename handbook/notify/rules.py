"""Reminder rules: a feature adds one with `@reminder_rule("name")` — a function of `now` yielding
`NotificationSpec`s with deterministic dedupe keys. `run_rules` (`flask reminders run`) puts them in the outbox."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import select

from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.notify.models import WorkerHeartbeat
from handbook.notify.outbox import NotificationSpec, enqueue

log = logging.getLogger(__name__)

Rule = Callable[[datetime], Iterable[NotificationSpec]]
RULES: dict[str, Rule] = {}


def reminder_rule(name: str) -> Callable[[Rule], Rule]:
    def register(func: Rule) -> Rule:
        RULES[name] = func
        return func
    return register


def run_rules(now: datetime | None = None, names: Iterable[str] | None = None) -> dict[str, int]:
    """Run every rule (each in its own transaction); return the new notifications per rule."""
    now = now or utcnow()
    result, errors = {}, []
    for name, rule in RULES.items():
        if names is not None and name not in names:
            continue
        try:
            result[name] = enqueue(list(rule(now)), now=now)
            db.session.commit()
        except Exception as exc:  # one broken rule must not stop the others
            db.session.rollback()
            log.exception("reminder rule %s failed", name)
            errors.append(f"{name}: {exc.__class__.__name__}")
    beat("reminders", ok=not errors, note="; ".join(errors) or None)
    return result


def beat(name: str, ok: bool = True, note: str | None = None, now: datetime | None = None) -> None:
    """Record a worker's run (and its success) in its own small transaction."""
    now = now or utcnow()
    row = db.session.scalar(select(WorkerHeartbeat).where(WorkerHeartbeat.name == name))
    if row is None:
        row = WorkerHeartbeat(name=name)
        db.session.add(row)
    row.last_run_at = now
    if ok:
        row.last_ok_at = now
    row.note = note
    try:
        db.session.commit()
    except Exception:  # two workers creating the row at once: the other one's row is as good
        db.session.rollback()
