"""`flask worker`: the background process. Each round runs the reminder rules when they are due (every
`rules_every` seconds; first the exemptions whose start or end day has come change the members' status), the
retention purges once a day (audit rows past AUDIT_RETENTION_DAYS, ended sessions, temporary placements past
their end day, member-import uploads past their day), then delivers what the outbox has due; then it waits
`interval` seconds.

Any number of workers may run at once: the rules' dedupe keys make a second run add nothing, claiming is safe
across processes and the purges delete in small batches. A failing round is rolled back and reported, and the
next one starts as usual (the heartbeats on `/admin/notify` and `/healthz` show a worker that keeps failing).
SIGTERM or SIGINT ends the loop once the current step is done; the dispatcher sends what it claimed first."""
from __future__ import annotations

import signal
import time
from collections.abc import Callable

import click

from handbook.extensions import db

PURGE_EVERY = 86400.0  # seconds between two retention purges


def stop_on_signals() -> Callable[[], bool]:
    """A flag that SIGTERM and SIGINT raise, for loops that check it between steps."""
    state = {"stop": False}

    def handler(signum, frame):
        state["stop"] = True

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    return lambda: state["stop"]


class Worker:
    """The rounds of one worker process and when its periodic jobs are next due (monotonic clock)."""

    def __init__(self, rules_every: float, processes: int, stop: Callable[[], bool], clock=time.monotonic):
        self.rules_every = rules_every
        self.processes = processes
        self.stop = stop
        self.clock = clock
        self.next_rules = self.next_purge = 0.0

    def round(self) -> None:
        """Rules if due, purges if due, then the outbox; an error is reported and the round given up."""
        from handbook.exemptions.service import apply_due
        from handbook.members.activation import purge_batches
        from handbook.members.import_previews import purge_previews
        from handbook.members.moves import lapse_overdue
        from handbook.members.transfers import end_expired
        from handbook.notify.push.dispatch import dispatch
        from handbook.notify.rules import run_rules
        from handbook.ops.retention import purge_audit, purge_sessions

        try:
            if self.clock() >= self.next_rules:
                apply_due()  # exemptions starting or ended today change the status before the rules read it
                run_rules()
                self.next_rules = self.clock() + self.rules_every
            if self.clock() >= self.next_purge:
                self.next_purge = self.clock() + PURGE_EVERY
                purge_audit()
                purge_sessions()
                end_expired()
                lapse_overdue()
                purge_previews()
                purge_batches()
            dispatch(once=True, stop=self.stop, processes=self.processes)
        except Exception as exc:  # keep the loop alive; the heartbeat shows the failure
            db.session.rollback()
            click.echo(f"Lỗi: {exc}", err=True)
        db.session.remove()


def run(interval: float, rules_every: float, processes: int, stop: Callable[[], bool]) -> None:
    """Rounds `interval` seconds apart until `stop()` says so."""
    worker = Worker(rules_every, processes, stop)
    while not stop():
        worker.round()
        deadline = time.monotonic() + interval
        while not stop() and time.monotonic() < deadline:
            time.sleep(0.1)
