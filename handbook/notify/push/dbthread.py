"""The dispatcher's database side: one thread with its own app context and session (claims, results), and the
bounded queue of result groups on their way to it."""
from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from handbook.extensions import db


class DbThread:
    """The dispatcher's database work (claims, results) on one thread with its own app context and session,
    so commits never stall the sending loop and the next batch is claimed while this one is on the wire."""

    def __init__(self, app):
        self._local = threading.local()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="notify-db", initializer=self._enter, initargs=(app,))

    def _enter(self, app) -> None:
        self._local.ctx = app.app_context()
        self._local.ctx.push()

    def _leave(self) -> None:
        db.session.remove()
        self._local.ctx.pop()

    def call(self, fn, *args) -> asyncio.Future:
        return asyncio.get_running_loop().run_in_executor(self._pool, partial(fn, *args))

    def close(self) -> None:
        self._pool.submit(self._leave).result()
        self._pool.shutdown()


class Recorder:
    """Result groups on their way to the database thread; the senders wait while more than `max_waiting` are
    not yet committed (what a crash could send twice stays bounded)."""

    def __init__(self, dbt: DbThread, write, stats, max_waiting: int):
        self.dbt = dbt
        self.write = write  # deliveries.record
        self.stats = stats
        self.max_waiting = max_waiting
        self.writes: list[asyncio.Future] = []

    def submit(self, outcomes: list) -> None:
        if outcomes:
            self.writes.append(self.dbt.call(self.write, outcomes))
            for outcome in outcomes:
                self.stats.add(outcome)
        while self.writes and self.writes[0].done():
            self.writes.pop(0).result()  # surface a failed write

    def full(self) -> bool:
        return len(self.writes) > self.max_waiting

    async def room(self) -> None:
        while len(self.writes) > self.max_waiting:
            first = self.writes[0]
            await first  # several workers may wait for the same write
            if self.writes and self.writes[0] is first:
                self.writes.pop(0)

    async def drain(self) -> None:
        await asyncio.gather(*self.writes)
        self.writes.clear()
