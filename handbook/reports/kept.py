"""Reports that are slow to compute — a province's thousands of cells — kept for a few minutes in this process.

A report over a ward takes tens of milliseconds and is always computed afresh. Over a whole province (the 140,000
members of benchmarks/committee_reports.py, SQLite) the month's compliance took 0.3–0.45 s, the reach 0.37–0.43 s,
the attendance of a quarter 1.1–1.2 s, the reports' home 2 s and the composition's first count after a change to
the records 4–5 s: a result that took longer than
`REPORTS_KEEP_SLOWER_THAN_MS` is kept for `REPORTS_KEEP_SECONDS`, and the page says when it was computed and offers
to compute it again (`?fresh=1`). Only the figures are kept — a page still decides who may see them, and what it
links to, at every request. At most `BOUND` results are kept (a province's attendance, the largest, is a few MB).
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace
from datetime import datetime
from typing import TypeVar
from urllib.parse import urlencode

from flask import current_app, g, has_request_context, request
from flask_babel import get_locale

from handbook.core.timeutil import utcnow
from handbook.extensions import db

T = TypeVar("T")
BOUND = 16

_kept: OrderedDict[tuple, tuple[float, object, datetime]] = OrderedDict()
_lock = threading.Lock()


def kept(name: str, key: tuple, compute: Callable[[], T], *, org=None) -> T:
    """`compute()`'s result, or the one kept under (`name`, `key`, the language) while it lasts; in a request,
    `g.kept_at` says when a kept one was computed and `g.fresh_url` computes it again (reports/_kept.html).

    A kept report holds the organisation it was computed for, loaded by another request's session: it is given
    `org` (this request's) in its place, here and in the reports it holds, before anything reads it."""
    fresh = has_request_context() and request.args.get("fresh") == "1"
    value, made_at = kept_with_time(name, (*key, str(get_locale())), compute, fresh=fresh)
    if has_request_context():
        g.kept_at = made_at
        args = {k: v for k, v in request.args.items() if k != "fresh"}
        g.fresh_url = request.path + "?" + urlencode({**args, "fresh": "1"})
    return _rebound(value, org) if org is not None and made_at is not None else value


def _rebound(value, org):
    """`value` (a report dataclass) with `org` as its organisation, and so the reports among its fields."""
    if not is_dataclass(value):
        return value
    changes = {}
    for item in fields(value):
        current = getattr(value, item.name)
        if item.name == "org":
            changes["org"] = org
        elif is_dataclass(current) and hasattr(current, "org"):
            changes[item.name] = _rebound(current, org)
    return replace(value, **changes) if changes else value


def kept_with_time(name: str, key: tuple, compute: Callable[[], T], *,
                   fresh: bool = False) -> tuple[T, datetime | None]:
    """`compute()`'s result, or the one kept under (`name`, `key`) while it lasts: (result, when it was computed —
    None when computed now). `fresh` computes it again (and keeps the new one if it was slow again)."""
    seconds = current_app.config.get("REPORTS_KEEP_SECONDS", 0)
    if seconds <= 0:
        return compute(), None
    full = (db.engine.url.render_as_string(hide_password=True), name, *key)
    now = time.monotonic()
    if not fresh:
        with _lock:
            found = _kept.get(full)
            if found is not None and found[0] > now:
                _kept.move_to_end(full)
                return found[1], found[2]  # type: ignore[return-value]
    started = time.perf_counter()
    value = compute()
    if (time.perf_counter() - started) * 1000 >= current_app.config.get("REPORTS_KEEP_SLOWER_THAN_MS", 250):
        with _lock:
            _kept[full] = (now + seconds, value, utcnow())
            while len(_kept) > BOUND:
                _kept.popitem(last=False)
    return value, None


def forget() -> None:
    """Drop everything kept (tests)."""
    with _lock:
        _kept.clear()
