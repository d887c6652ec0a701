"""The organisation tree's pages on a province: latency and SQL statements per request, beside a plain page.

    python benchmarks/tree_pages.py                    # SQLite: seeds the 140,000-member demo once (cached)
    python benchmarks/tree_pages.py --database-url postgresql+psycopg://postgres@127.0.0.1:5433/hb_bench_tree

The province is `flask seed-demo --members 140000` (Faker vi_VN, seeded): one đảng bộ thành phố, 91 phường/xã,
đảng bộ cơ sở and bộ phận, about 5,000 cells, 3,400 tổ đảng. The SQLite seed is kept in /tmp/handbook-tree/ and
each run works on a copy brought to the current migration head (so a new migration's backfill runs on it too); a
PostgreSQL database given by --database-url is dropped and seeded again unless --keep finds it seeded.

Requests go through the WSGI app in-process (Flask's test client), signed in as a staff member (cán bộ) of the
province's committee: the server's own work — routing, access, queries, templates. Target: p95 ≤ 100 ms each,
and statements per request that do not grow with the organisation.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, func, select  # noqa: E402

from handbook import create_app  # noqa: E402
from handbook.demo.seed import seed_demo  # noqa: E402
from handbook.extensions import db  # noqa: E402
from handbook.members.models import Member  # noqa: E402
from handbook.org.models import CELL_KINDS, Organisation, OrgKind, Role  # noqa: E402

CACHE = Path("/tmp/handbook-tree")
STAFF_EMAIL = "canbo.tinh@bench.vn"
PAST_DAY = "30/06/2025"  # the day before the 2025 reorganisation took effect


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94]


def sqlite_copy(members: int) -> str:
    """A fresh copy of the cached seeded SQLite database (seeded first if missing)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    seeded = CACHE / f"seed-{members}.db"
    if not seeded.exists():
        part = CACHE / f"seed-{members}.part.db"
        part.unlink(missing_ok=True)
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{part}", "INSTANCE_PATH": str(CACHE)})
        with app.app_context():
            upgrade()
            print(f"seeding {members:,} members once into {seeded} …", flush=True)
            seed_demo(members=members)
            db.engine.dispose()
        part.replace(seeded)
    run = CACHE / "run.db"
    shutil.copyfile(seeded, run)
    return f"sqlite:///{run}"


def province_staff():
    """A cán bộ of the province's committee (subtree scope), with the privacy notice accepted."""
    from handbook.auth import consent
    from handbook.auth.models import User
    from handbook.org.service import grant_position

    province = db.session.scalar(select(Organisation).where(Organisation.parent_id.is_(None)))
    user = db.session.scalar(select(User).where(User.email == STAFF_EMAIL))
    if user is None:
        user = User(email=STAFF_EMAIL, display_name="Cán bộ Ban Tổ chức", is_active_account=True)
        db.session.add(user)
        db.session.flush()
        grant_position(user.id, province, Role.CAN_BO)
        db.session.commit()
        consent.accept(user.id, "127.0.0.1")
        db.session.commit()
    return user, province


def signed_in(app, user):
    """A test client with a live server-side session, as the login page makes (no password round)."""
    from handbook.auth import consent, sessions

    client = app.test_client()
    token = sessions.start(user, "127.0.0.1", "benchmark")
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"], session["sid"] = str(user.id), True, token
        session["consent"] = consent.NOTICE_VERSION
    return client


class Counter:
    """SQL statements run on the engine since the last reset."""

    def __init__(self) -> None:
        self.n = 0
        event.listen(db.engine, "before_cursor_execute", self._count)

    def _count(self, *_args) -> None:
        self.n += 1


def measure(client, counter: Counter, path: str, runs: int, expect: str | None = None,
            before=None) -> tuple[list[float], int]:
    response = client.get(path)  # warm up (and check)
    assert response.status_code == 200, (path, response.status_code)
    if expect is not None:
        assert expect in response.get_data(as_text=True), (path, expect)
    samples = []
    statements = 0
    for _ in range(runs):
        if before is not None:
            before()
        counter.n = 0
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        statements = max(statements, counter.n)
        assert response.status_code == 200, (path, response.status_code)
    return samples, statements


def changed() -> None:
    """What any write to placements, statuses or the tree does to the kept counts (a new version), committed."""
    from handbook.members.counts import bump

    bump(db.session.connection())
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description="Đo các trang cây tổ chức trên một tỉnh 140.000 đảng viên.")
    parser.add_argument("--database-url", default=None, help="PostgreSQL (dropped and seeded unless --keep)")
    parser.add_argument("--keep", action="store_true", help="reuse the database at --database-url if seeded")
    parser.add_argument("--members", type=int, default=140_000)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    url = args.database_url or sqlite_copy(args.members)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(CACHE)})
    with app.app_context():
        if args.database_url and not args.keep:
            db.drop_all()
            db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
        upgrade()
        if db.session.scalar(select(func.count(Member.id))) == 0:
            print(f"seeding {args.members:,} members…", flush=True)
            seed_demo(members=args.members)
        user, province = province_staff()
        members = db.session.scalar(select(func.count(Member.id)))
        orgs = db.session.scalar(select(func.count(Organisation.id)))
        cells = db.session.scalar(select(func.count(Organisation.id)).where(Organisation.kind.in_(CELL_KINDS)))
        ward = db.session.scalar(select(Organisation).where(Organisation.kind == OrgKind.DANG_BO_XA,
                                                            Organisation.name.like("%Hải Châu%")))
        ward_id, province_id = ward.id, province.id
        client = signed_in(app, user)
        counter = Counter()
        pages = [
            ("baseline: home /", "/", None),
            ("/tree (province, today)", "/tree", "Đà Nẵng"),
            ("lazy expand: 91 wards", f"/tree/{province_id}/children", "Hải Châu"),
            ("search 'phuong hai chau'", "/tree?q=phuong+hai+chau", "Hải Châu"),
            ("organisation page (ward)", f"/tree/{ward_id}", "Hải Châu"),
            (f"/tree?as_of={PAST_DAY}", f"/tree?as_of={PAST_DAY}", "Đà Nẵng"),
            (f"province page, as of {PAST_DAY}", f"/tree/{province_id}?as_of={PAST_DAY}", "Đà Nẵng"),
        ]
        rows = []
        for label, path, expect in pages:
            samples, statements = measure(client, counter, path, args.runs, expect)
            rows.append((label, *percentiles(samples), statements))
        # the counts of a day are kept until the next write to what they count (members.counts): the first page
        # after a change counts again; each run here replaces the version as any such write does
        samples, statements = measure(client, counter, "/tree", max(5, args.runs // 4), "Đà Nẵng", changed)
        rows.append(("/tree right after a change", *percentiles(samples), statements))
    base = rows[0]
    print(f"\ndatabase: {url.split('@')[-1]} · organisations: {orgs:,} (cells {cells:,}) · members: {members:,}"
          f" · runs: {args.runs}")
    print(f"{'request':<34}{'p50 ms':>9}{'p95 ms':>9}{'× base p95':>12}{'statements':>12}")
    for label, p50, p95, statements in rows:
        print(f"{label:<34}{p50:>9.1f}{p95:>9.1f}{p95 / base[2]:>12.1f}{statements:>12}")
    worst = max(rows[1:-1], key=lambda r: r[2])
    print(f"target p95 ≤ 100 ms each: {'met' if worst[2] <= 100 else 'NOT met'} (slowest: {worst[0]}, "
          f"{worst[2]:.1f} ms)")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
