"""Member import benchmark: generate N-row .xlsx files, then validate + import each in a fresh process.

    .venv/bin/python benchmarks/member_import.py                 # 1,000 (baseline) and 10,000 rows
    .venv/bin/python benchmarks/member_import.py --sizes 1000 10000 100000
    .venv/bin/python benchmarks/member_import.py --database-url postgresql+psycopg://postgres@127.0.0.1:5433/bench

Each size runs in its own process (so peak RSS is that run's own) on a fresh, migrated database with one
cell; the table shows the wall time to validate and to import, this process's CPU time (the machine may be
shared), rows/s, peak RSS since the app was ready, and ratios to the first size.
The goal from the issue: 10,000 rows validated and imported in ≤ 20 s.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _status_mb(key: str) -> float:
    """VmRSS (now) or VmHWM (peak since the last reset) from /proc, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """This process's CPU seconds: on a busy shared machine, wall time overstates the import's own cost."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _reset_peak() -> None:
    """Start the peak-RSS count here, so app start-up and migrations do not hide the import's own peak."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def child(path: str, database_url: str | None, workdir: str) -> dict:
    """Validate and import one file into a fresh database; print one JSON line."""
    from flask_migrate import upgrade

    from handbook import create_app
    from handbook.audit.service import CLI
    from handbook.extensions import db
    from handbook.members import importer
    from handbook.org.models import OrgKind
    from handbook.org.service import create_organisation

    url = database_url or f"sqlite:///{workdir}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": f"{workdir}/instance", "SECRET_KEY": "x"})
    with app.app_context():
        if database_url:
            db.drop_all()
            db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
        upgrade()
        cell = create_organisation("Chi bộ thử tải", OrgKind.CHI_BO)
        db.session.commit()
        rss_ready = _status_mb("VmRSS")
        _reset_peak()
        cpu_started = _cpu()
        started = time.perf_counter()
        report = importer.validate_file(path)
        validated = time.perf_counter()
        inserted = importer.import_valid(report, cell, CLI, origin="benchmark")
        done = time.perf_counter()
    return {"rows": report.total, "bad": report.bad_rows, "inserted": inserted, "validate": validated - started,
            "import": done - validated, "total": done - started, "rss_ready": rss_ready,
            "rss_peak": _status_mb("VmHWM"), "cpu": _cpu() - cpu_started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--child", nargs=2, metavar=("FILE", "WORKDIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.database_url, args.child[1])))
        return

    from handbook.members.samples.make import make_rows, write_workbook

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"members-{size}.xlsx"
            write_workbook(path, make_rows(size))
            workdir = Path(tmp) / f"run-{size}"
            workdir.mkdir()
            command = [sys.executable, __file__, "--child", str(path), str(workdir)]
            if args.database_url:
                command += ["--database-url", args.database_url]
            out = subprocess.run(command, check=True, capture_output=True, text=True, env=dict(os.environ),
                                 cwd=ROOT).stdout.strip().splitlines()[-1]
            result = json.loads(out)
            result["size_kb"] = path.stat().st_size / 1024
            results.append(result)

    base = results[0]
    print(f"database: {args.database_url or 'SQLite (file)'}; Python {sys.version.split()[0]}; "
          f"{os.cpu_count()} CPU(s)")
    header = (f"{'rows':>8} {'file KB':>8} {'validate s':>10} {'import s':>9} {'total s':>8} {'cpu s':>6} "
              f"{'rows/s':>8} {'RSS ready MB':>12} {'RSS peak MB':>11} {'peak-ready':>10} {'× rows':>7} {'× time':>7} "
              f"{'× peak-ready':>12} {'≤ 20 s':>7}")
    print(header)
    print("-" * len(header))
    for r in results:
        growth = r["rss_peak"] - r["rss_ready"]
        base_growth = max(base["rss_peak"] - base["rss_ready"], 0.1)
        verdict = ("yes" if r["total"] <= 20 else "NO") if r["rows"] == 10_000 else "—"
        print(f"{r['rows']:>8} {r['size_kb']:>8.0f} {r['validate']:>10.2f} {r['import']:>9.2f} {r['total']:>8.2f} "
              f"{r['cpu']:>6.2f} {r['rows'] / r['total']:>8.0f} {r['rss_ready']:>12.0f} {r['rss_peak']:>11.0f} "
              f"{growth:>10.0f} "
              f"{r['rows'] / base['rows']:>7.1f} {r['total'] / base['total']:>7.1f} {growth / base_growth:>12.1f} "
              f"{verdict:>7}")


if __name__ == "__main__":
    main()
