"""More than one dispatcher process from one command (`flask worker --processes N`, `flask notify dispatch
--processes N`): helpers forked from the caller, each a complete dispatcher with its own connections.

Claiming is already safe across processes (SKIP LOCKED on PostgreSQL, BEGIN IMMEDIATE on SQLite), so the
helpers need no coordination: each claims, sends and records its own batches. A helper stops when the caller
tells it to (SIGTERM, after its claimed rows are sent), when there is nothing due (`once`), or when the caller
dies (PR_SET_PDEATHSIG); a helper killed outright leaves its rows to the lease, like any dispatcher."""
from __future__ import annotations

import contextlib
import ctypes
import multiprocessing as mp
import os
import signal
from dataclasses import dataclass

from sqlalchemy import func, select

from handbook.extensions import db

_PR_SET_PDEATHSIG = 1


@dataclass
class Helper:
    process: mp.Process
    results: object  # the read end of a pipe: the helper's Stats


def backlog(due_clause, limit: int) -> int:
    """How many rows are due, counting at most `limit`."""
    from handbook.notify.models import Delivery

    ids = select(Delivery.id).where(due_clause).limit(limit).subquery()
    count = db.session.scalar(select(func.count()).select_from(ids))
    db.session.commit()
    return count


def start(app, count: int, options: dict) -> list[Helper]:
    """Fork `count` dispatcher processes running `dispatch(**options)`."""
    ctx = mp.get_context("fork")
    helpers = []
    for _ in range(count):
        receive, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_main, args=(app, send, options, os.getpid()), daemon=False,
                           name="notify-dispatch-helper")
        proc.start()
        send.close()
        helpers.append(Helper(proc, receive))
    return helpers


def stop(helpers: list[Helper]) -> None:
    for helper in helpers:
        if helper.process.is_alive():
            os.kill(helper.process.pid, signal.SIGTERM)


def join(helpers: list[Helper]) -> list:
    """Wait for the helpers; their Stats (a helper that died has none)."""
    results = []
    for helper in helpers:
        helper.process.join()
        if helper.results.poll():
            with contextlib.suppress(EOFError):
                results.append(helper.results.recv())
        helper.results.close()
    return results


def _die_with_parent(parent: int) -> None:
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the parent's SIGTERM still reaches us
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(0)


def _main(app, send, options: dict, parent: int) -> None:
    from handbook.notify.push.dispatch import dispatch

    _die_with_parent(parent)
    state = {"stop": False}

    def handler(signum, frame):
        state["stop"] = True

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    with app.app_context():
        db.engine.dispose(close=False)  # the parent's pooled connections are not ours to use
        stats = dispatch(**options, processes=1, stop=lambda: state["stop"] or os.getppid() != parent)
        send.send(stats)
        send.close()
