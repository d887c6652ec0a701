"""The dispatcher: claim due deliveries (safe with any number of processes), send them concurrently over
reused connections, record every result promptly.

Claiming commits `status = sending` with a lease (claimed_by, claimed_at) before anything is sent; results
are committed in small groups while the batch is still sending. A process killed mid-batch leaves its
unanswered rows `sending`; once the lease expires another run sends them again. Web Push has no idempotency
key, so a row whose request was in flight at the kill may reach the push service twice — the notification
keeps its `tag`, so the phone replaces it rather than showing two.

deliveries.py claims the rows and records the results; per push, sender.py (allow-list, VAPID, ece.py's
RFC 8291 encryption, pushhttp.py's libcurl POST) from a fixed set of worker coroutines; dbthread.py runs the
database work on its own thread; processes.py forks helper dispatchers."""
from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import uvloop
from flask import current_app

from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.notify.models import DeliveryStatus
from handbook.notify.push.dbthread import DbThread, Recorder
from handbook.notify.push.deliveries import BATCH, LEASE, Job, Outcome, claim, classify, due, record
from handbook.notify.push.sender import Sender
from handbook.notify.push.vapid import VapidSigner

CONCURRENCY = 128       # requests in flight per process
FLUSH_EVERY = 100       # results committed per group …
FLUSH_SECONDS = 0.05    # … or after this long, whichever comes first
MAX_UNRECORDED_GROUPS = 2  # result groups handed to the database thread and not yet committed


@dataclass
class Stats:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    retried: int = 0
    gone: int = 0

    def merge(self, other: Stats) -> None:
        for name in ("claimed", "sent", "failed", "retried", "gone"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def add(self, outcome: Outcome) -> None:
        if outcome.status is DeliveryStatus.SENT:
            self.sent += 1
        elif outcome.status is DeliveryStatus.FAILED:
            self.failed += 1
            self.gone += outcome.gone
        else:
            self.retried += 1



async def send_all(sender: Sender, jobs: list[Job], recorder: Recorder, concurrency: int) -> None:
    """Send the jobs with `concurrency` worker coroutines (each takes the next job when it is free) and hand
    the results to the recorder in groups of FLUSH_EVERY, or after FLUSH_SECONDS."""
    todo = iter(jobs)
    group: list[Outcome] = []
    last_flush = time.monotonic()

    async def worker() -> None:
        nonlocal group, last_flush
        for job in todo:
            if recorder.full():
                await recorder.room()  # back-pressure: no new request while the database lags
            status, error, retry_after = await sender.send(job)
            group.append(classify(job, status, error, retry_after, utcnow()))
            if len(group) >= FLUSH_EVERY or time.monotonic() - last_flush > FLUSH_SECONDS:
                recorder.submit(group)
                group, last_flush = [], time.monotonic()

    await asyncio.gather(*(worker() for _ in range(min(concurrency, len(jobs)))))
    recorder.submit(group)


def signer_from_config() -> VapidSigner:
    cfg = current_app.config
    return VapidSigner(cfg["VAPID_PRIVATE_KEY"], cfg["VAPID_SUBJECT"])


async def _dispatch(app, once: bool, batch: int, concurrency: int, lease: timedelta, idle: float, stop) -> Stats:
    stats = Stats()
    dbt = DbThread(app)
    recorder = Recorder(dbt, record, stats, MAX_UNRECORDED_GROUPS)
    sender = Sender(signer_from_config())
    try:
        upcoming = dbt.call(claim, batch, lease)
        while True:
            jobs = await upcoming
            stats.claimed += len(jobs)
            if not jobs:
                if once or stop():
                    break
                await recorder.drain()
                await dbt.call(beat_ok)
                await asyncio.sleep(idle)
                upcoming = dbt.call(claim, batch, lease)
                continue
            # claim the next batch while this one is sent (rows claimed are always sent, even when stopping)
            upcoming = dbt.call(claim, batch, lease) if not stop() else _nothing()
            await send_all(sender, jobs, recorder, concurrency)
        await recorder.drain()
    finally:
        await sender.close()
        await asyncio.gather(*recorder.writes, return_exceptions=True)
        dbt.close()
    return stats


async def _nothing() -> list[Job]:
    return []


def beat_ok() -> None:
    from handbook.notify.rules import beat

    beat("dispatch")


def dispatch(once: bool = True, batch: int = BATCH, concurrency: int = CONCURRENCY, lease: timedelta = LEASE,
             idle: float = 2.0, stop=lambda: False, processes: int = 1) -> Stats:
    """Deliver what is due (`once`), or keep delivering until `stop()` says so. Records a heartbeat.

    `processes` > 1 forks helper dispatchers (processes.py): with `once`, only as many as the backlog needs
    (none when at most one batch is due), so a worker polling an empty outbox forks nothing."""
    from handbook.notify.push import processes as procs
    from handbook.notify.rules import beat

    db.session.commit()  # whatever the caller wrote is visible to the dispatcher's own session
    app = current_app._get_current_object()
    def run() -> Stats:
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:  # libuv: cheaper socket watching
            return runner.run(_dispatch(app, once, batch, concurrency, lease, idle, stop))

    def run_in_thread() -> Stats:  # the caller already runs an event loop (e.g. Playwright's)
        with app.app_context():
            return run()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        in_loop = False
    else:
        in_loop, processes = True, 1  # no forking under someone else's event loop
    helpers = []
    if processes > 1:
        wanted = processes - 1
        if once:
            wanted = min(wanted, procs.backlog(due(utcnow(), lease), batch * processes) // batch)
        if wanted > 0:
            helpers = procs.start(app, wanted, {"once": once, "batch": batch, "concurrency": concurrency,
                                                "lease": lease, "idle": idle})
    try:
        if in_loop:
            with ThreadPoolExecutor(1) as pool:
                stats = pool.submit(run_in_thread).result()
        else:
            stats = run()
    except Exception as exc:
        db.session.rollback()
        beat("dispatch", ok=False, note=f"{exc.__class__.__name__}: {exc}"[:300])
        raise
    finally:
        if not once:
            procs.stop(helpers)  # they send what they claimed, then stop
        helper_stats = procs.join(helpers)
    for other in helper_stats:
        stats.merge(other)
    beat("dispatch", note=f"sent {stats.sent}, failed {stats.failed}, retried {stats.retried}")
    return stats
