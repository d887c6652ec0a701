"""The committee's view on the 140,000-member demo: every report page and API as the city committee's staff and as
the first ward's (Hải Châu) staff — p50/p95 ms and SQL statements, the first (cold) request and the warm ones — and
the Excel export of the whole city's composition in a fresh process (wall time, peak RSS) at 14,000 and 140,000
members, beside a signed-in home page.

    python benchmarks/committee_reports.py                    # SQLite: seeds the demos once (cached by seed code)
    python benchmarks/committee_reports.py --database-url postgresql+psycopg://postgres@127.0.0.1:5433/hb_bench_rep

The demo is `flask seed-demo --members N` with its year of meetings, attendance, accounts and reads
(handbook/demo/activity.py). SQLite seeds are kept in /tmp/handbook-reports/ under a digest of handbook/demo/, so a
change to the demo seeds again; each run works on a copy brought to the migration head. A PostgreSQL database is
dropped and seeded again unless --keep finds it seeded (the export's 14,000-member row runs on SQLite then).

Requests go through the WSGI app in-process, signed in with a live server-side session as the other benchmarks do
(the password and TOTP rounds belong to the login's own tests): the city's staff is a generated cán bộ of the city
committee, the ward's is canbo@demo.vn. A page answering 404 (not built yet) shows as "missing", not a failure.
Target: each dashboard ≤ 300 ms; the export ≤ 10 s with memory that stays flat when the data grows tenfold.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import resource
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import tree_pages  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from handbook import create_app  # noqa: E402
from handbook.demo.seed import seed_demo  # noqa: E402
from handbook.extensions import db  # noqa: E402
from handbook.members.models import Member  # noqa: E402
from handbook.org.models import Organisation, OrgKind, Position, Role  # noqa: E402

CACHE = Path("/tmp/handbook-reports")
WARD_STAFF = "canbo@demo.vn"
DASHBOARD_MS = 300
EXPORT_S = 10


def demo_digest() -> str:
    """A digest of the demo's code: a cached seed made by other code is not reused."""
    digest = hashlib.sha1()
    for path in sorted((ROOT / "handbook" / "demo").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def sqlite_copy(members: int, name: str = "run") -> str:
    """A fresh copy of the cached seed of `members` (seeded first if missing)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    seeded = CACHE / f"seed-{members}-{demo_digest()}.db"
    if not seeded.exists():
        part = seeded.with_suffix(".part")
        part.unlink(missing_ok=True)
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{part}", "INSTANCE_PATH": str(CACHE)})
        with app.app_context():
            upgrade()
            print(f"seeding {members:,} members once into {seeded} …", flush=True)
            started = time.perf_counter()
            seed_demo(members=members)
            print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
            db.engine.dispose()
        part.replace(seeded)
    run = CACHE / f"{name}-{members}.db"
    shutil.copyfile(seeded, run)
    return f"sqlite:///{run}"


def accepted(user) -> None:
    from handbook.auth import consent

    if not consent.has_accepted(user.id):
        consent.accept(user.id, "127.0.0.1")
        db.session.commit()


def city_staff():
    """A generated cán bộ of the city's committee (the seed makes one or two), with the notice accepted."""
    from handbook.auth.models import User

    city = db.session.scalar(select(Organisation).where(Organisation.parent_id.is_(None)).order_by(Organisation.id))
    user = db.session.scalar(select(User).join(Position, Position.user_id == User.id).where(
        Position.organisation_id == city.id, Position.role == Role.CAN_BO).order_by(User.id).limit(1))
    accepted(user)
    return user, city


def ward_staff():
    from handbook.auth.models import User

    user = db.session.scalar(select(User).where(User.email == WARD_STAFF))
    ward = db.session.scalar(select(Organisation).join(Position, Position.organisation_id == Organisation.id)
                             .where(Position.user_id == user.id))
    accepted(user)
    return user, ward


def request(client, counter, path: str) -> tuple[int, float, int]:
    counter.n = 0
    start = time.perf_counter()
    response = client.get(path)
    response.get_data()
    return response.status_code, (time.perf_counter() - start) * 1000, counter.n


def measure(client, counter, path: str, runs: int) -> dict:
    """The first request (cold: nothing kept yet in this process for it) and `runs` warm ones."""
    status, cold_ms, cold_statements = request(client, counter, path)
    row = {"status": status, "cold_ms": cold_ms, "cold_statements": cold_statements}
    if status != 200:
        return row
    samples, statements = [], 0
    for _ in range(runs):
        status, ms, count = request(client, counter, path)
        samples.append(ms)
        statements = max(statements, count)
    p50, p95 = tree_pages.percentiles(samples) if len(samples) > 1 else (samples[0], samples[0])
    return {**row, "p50": p50, "p95": p95, "statements": statements}


def paths(org_id: int, this_month: str, last_month: str, past_day: str) -> list[tuple[str, str, bool]]:
    """(label, path, is a dashboard held to the 300 ms target)."""
    org = f"organisation_id={org_id}"
    return [
        ("/reports", f"/reports?{org}", True),
        ("/reports/composition", f"/reports/composition?{org}", True),
        (f"/reports/composition?as_of={past_day}", f"/reports/composition?{org}&as_of={past_day}", True),
        (f"/reports/meetings (this month {this_month})", f"/reports/meetings?{org}&month={this_month}", True),
        (f"/reports/meetings (last month {last_month})", f"/reports/meetings?{org}&month={last_month}", True),
        ("/reports/attendance", f"/reports/attendance?{org}", True),
        ("/reports/reviews?kind=retired_workplace", f"/reports/reviews?{org}&kind=retired_workplace", True),
        ("/reports/reviews?kind=no_attendance", f"/reports/reviews?{org}&kind=no_attendance", True),
        ("/reports/reach", f"/reports/reach?{org}", True),
        ("GET /api/v1/reports/composition", f"/api/v1/reports/composition?{org}", True),
        ("GET /api/v1/reports/meetings", f"/api/v1/reports/meetings?{org}&month={last_month}", True),
    ]


def export_child(url: str) -> None:
    """In a fresh process: the city's composition workbook, once; prints JSON (wall s, peak RSS MiB, bytes)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(CACHE)})
    with app.app_context():
        user, city = city_staff()
        client = tree_pages.signed_in(app, user)
        members = db.session.scalar(select(func.count(Member.id)))
        client.get("/")  # the app's own first-request work is not the export's
        ready = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.perf_counter()
        response = client.get(f"/reports/composition.xlsx?organisation_id={city.id}")
        body = response.get_data()
        wall = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"members": members, "status": response.status_code, "seconds": wall, "ready_mib": ready,
                      "peak_mib": peak, "bytes": len(body)}))


def export(url: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--export-child", url], capture_output=True, text=True,
                         check=False)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode or not lines:
        return {"status": f"failed: {(out.stderr or out.stdout).strip().splitlines()[-1:]}"}
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description="Đo các báo cáo của cấp ủy trên dữ liệu mẫu 140.000 đảng viên.")
    parser.add_argument("--database-url", default=None, help="PostgreSQL (dropped and seeded unless --keep)")
    parser.add_argument("--keep", action="store_true", help="reuse the database at --database-url if seeded")
    parser.add_argument("--members", type=int, default=140_000)
    parser.add_argument("--small", type=int, default=14_000, help="the export's smaller demo (SQLite)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-export", action="store_true")
    parser.add_argument("--export-child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_child:
        export_child(args.export_child)
        return
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
        from handbook.core.timeutil import local_today

        today = local_today()
        this_month = today.strftime("%Y-%m")
        last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        past_day = today.replace(year=today.year - 1, month=12, day=31).strftime("%d/%m/%Y")
        members = db.session.scalar(select(func.count(Member.id)))
        wards = db.session.scalar(select(func.count(Organisation.id)).where(Organisation.kind == OrgKind.DANG_BO_XA))
        counter = tree_pages.Counter()
        table = []
        for role, (user, org) in (("city", city_staff()), ("ward", ward_staff())):
            client = tree_pages.signed_in(app, user)
            table.append((role, "baseline: home /", measure(client, counter, "/", args.runs), False))
            for label, path, dashboard in paths(org.id, this_month, last_month, past_day):
                table.append((role, label, measure(client, counter, path, args.runs), dashboard))
    exports = []
    if not args.no_export:
        small = sqlite_copy(args.small, "export")
        exports.append(export(small))
        exports.append(export(url))
    print(f"\ndatabase: {url.split('@')[-1]} · members: {members:,} · wards: {wards} · runs: {args.runs} · "
          f"months {last_month} and {this_month}, as of {past_day}")
    print(f"{'as':<5}{'request':<46}{'cold ms':>9}{'stmts':>7}{'p50 ms':>9}{'p95 ms':>9}{'stmts':>7}  target")
    worst = []
    for role, label, row, dashboard in table:
        if row["status"] == 404:
            print(f"{role:<5}{label:<46}{'missing (404)':>32}")
            continue
        if row["status"] != 200:
            print(f"{role:<5}{label:<46}{'HTTP ' + str(row['status']):>32}")
            continue
        verdict = ""
        if dashboard:
            verdict = f"≤ {DASHBOARD_MS} ms: " + ("met" if row["p95"] <= DASHBOARD_MS else "NOT met")
            worst.append((row["p95"], role, label))
        print(f"{role:<5}{label:<46}{row['cold_ms']:>9.1f}{row['cold_statements']:>7}{row['p50']:>9.1f}"
              f"{row['p95']:>9.1f}{row['statements']:>7}  {verdict}")
    if worst:
        p95, role, label = max(worst)
        print(f"slowest dashboard (p95): {role} {label} {p95:.1f} ms")
    for row in exports:
        if row.get("status") != 200:
            print(f"export /reports/composition.xlsx (city): {row.get('status')}"
                  + (" — missing" if row.get("status") == 404 else ""))
            continue
        verdict = "met" if row["seconds"] <= EXPORT_S else "NOT met"
        print(f"export /reports/composition.xlsx (city, {row['members']:,} members, fresh process): "
              f"{row['seconds']:.2f} s ({verdict} ≤ {EXPORT_S} s), {row['bytes'] / 1024:.0f} KiB, peak RSS "
              f"{row['peak_mib']:.0f} MiB ({row['peak_mib'] - row['ready_mib']:+.0f} over ready)")
    if len(exports) == 2 and all(row.get("status") == 200 for row in exports):
        small, large = exports
        print(f"tenfold data: peak RSS × {large['peak_mib'] / small['peak_mib']:.2f}, growth over ready "
              f"{small['peak_mib'] - small['ready_mib']:+.0f} → {large['peak_mib'] - large['ready_mib']:+.0f} MiB, "
              f"time × {large['seconds'] / small['seconds']:.1f}")


if __name__ == "__main__":
    main()
