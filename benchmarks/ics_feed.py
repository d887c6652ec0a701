"""Latency of a member's private ICS feed on a large organisation, beside the app's lightest route.

    python benchmarks/ics_feed.py                      # builds a 140,000-member SQLite database first
    python benchmarks/ics_feed.py --database-url sqlite:////tmp/b140/x.db   # reuse a seeded database
    python benchmarks/ics_feed.py --database-url postgresql+psycopg://postgres@127.0.0.1:5433/bench

Requests go through the WSGI app in-process (Flask's test client), so the numbers are the server's own
work: routing, queries, building the calendar. Target: p95 ≤ 20 ms at 140k members.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from handbook import create_app  # noqa: E402
from handbook.auth.models import User  # noqa: E402
from handbook.demo.seed import seed_demo  # noqa: E402
from handbook.extensions import db  # noqa: E402
from handbook.meetings.calendar import issue_token, rendered_feeds  # noqa: E402
from handbook.members.models import Member  # noqa: E402


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def timed(client, path: str, runs: int, before=None, headers=None, status=200) -> list[float]:
    client.get(path)  # warm up
    out = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        response = client.get(path, headers=headers or {})
        out.append((time.perf_counter() - start) * 1000)
        assert response.status_code == status, (path, response.status_code)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="Đo độ trễ của lịch ICS riêng của đảng viên.")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--members", type=int, default=140_000)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    url = args.database_url or f"sqlite:///{tmp}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": tmp})
    with app.app_context():
        upgrade()
        if db.session.scalar(select(func.count(Member.id))) == 0:
            print(f"seeding {args.members:,} members…", flush=True)
            seed_demo(members=args.members)
        members = db.session.scalar(select(func.count(Member.id)))
        member = db.session.scalar(select(Member).join(User, User.id == Member.user_id)
                                   .where(User.email == "dangvien@demo.vn"))
        token = issue_token(member)
    client = app.test_client()
    path = f"/calendar/{token}.ics"
    cold = timed(client, path, args.runs, before=rendered_feeds.clear)  # every request builds the calendar
    warm = timed(client, path, args.runs)  # unchanged meetings: the rendered feed is reused
    etag = client.get(path).headers["ETag"]
    conditional = timed(client, path, args.runs, headers={"If-None-Match": etag}, status=304)
    baseline = timed(client, "/login", args.runs)  # a template render with no query: the app's floor
    rows = [("ICS feed (warm)", *percentiles(warm)), ("ICS feed (cold build)", *percentiles(cold)),
            ("ICS feed (304)", *percentiles(conditional)), ("baseline: GET /login", *percentiles(baseline))]
    print(f"\ndatabase: {url.split('@')[-1]} · members: {members:,} · runs: {args.runs}")
    print(f"{'route':<24}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for name, p50, p95, p99 in rows:
        print(f"{name:<24}{p50:>9.2f}{p95:>9.2f}{p99:>9.2f}")
    for name, *cuts in rows[:3]:
        print(f"{'ratio ' + name.split('(')[1].rstrip(')') + '/baseline':<24}"
              + "".join(f"{a / b:>9.2f}" for a, b in zip(cuts, rows[3][1:], strict=True)))
    print(f"target p95 ≤ 20 ms (warm feed): {'met' if rows[0][2] <= 20 else 'NOT met'}")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
