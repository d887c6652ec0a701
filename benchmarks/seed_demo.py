"""Time `seed_demo` on a fresh database.

    python benchmarks/seed_demo.py --members 140000
    python benchmarks/seed_demo.py --members 140000 --database-url postgresql+psycopg://postgres@127.0.0.1:5499/bench

Without --database-url a SQLite file in a temporary directory is used. A given database must be empty,
or pass --reset to drop and recreate every table first.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from handbook import create_app  # noqa: E402
from handbook.demo.seed import SeedReport, seed_demo  # noqa: E402
from handbook.extensions import db  # noqa: E402
from handbook.members.models import Member  # noqa: E402
from handbook.org.models import CELL_KINDS, Organisation  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description="Đo thời gian tạo dữ liệu mẫu (seed_demo).")
    parser.add_argument("--members", type=int, default=140_000, help="số đảng viên cần tạo")
    parser.add_argument("--database-url", default=None, help="mặc định: SQLite trong thư mục tạm")
    parser.add_argument("--reset", action="store_true", help="xóa và tạo lại mọi bảng trước khi chạy")
    parser.add_argument("--quiet", action="store_true", help="không in tiến độ")
    return parser.parse_args(argv)


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MiB (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def print_table(report: SeedReport, members: int, organisations: int, cells: int, url: str) -> None:
    """A small two-column table of the results."""
    rows = [
        ("database", url.split("@")[-1] if "@" in url else url),
        ("members", f"{members:,}"),
        ("organisations", f"{organisations:,}"),
        ("cells", f"{cells:,}"),
        ("users", f"{report.users:,}"),
        ("positions", f"{report.positions:,}"),
        *((table, f"{count:,}") for table, count in report.activity.items()),
        ("seconds", f"{report.seconds:.1f}"),
        ("members/s", f"{members / report.seconds:,.0f}"),
        ("peak RSS (MiB)", f"{peak_rss_mb():.0f}"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value:>12}")


def main(argv: list[str] | None = None) -> int:
    """Run one seed and print what it did and how fast."""
    args = parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="seed-bench-")
    url = args.database_url or f"sqlite:///{os.path.join(workdir, 'bench.db')}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": os.path.join(workdir, "instance"),
                      "SECRET_KEY": "benchmark"})
    with app.app_context():
        if args.reset:
            db.drop_all()
            db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
        upgrade()  # the migrations, not create_all: they also make what models do not declare (the search index)
        if db.session.scalar(select(Organisation.id).limit(1)) is not None:
            print("Cơ sở dữ liệu đã có dữ liệu; dùng --reset để xóa trước khi đo.", file=sys.stderr)
            return 2
        report = seed_demo(members=args.members, echo=None if args.quiet else print)
        members = db.session.scalar(select(func.count(Member.id)))
        organisations = db.session.scalar(select(func.count(Organisation.id)))
        cells = db.session.scalar(select(func.count(Organisation.id)).where(Organisation.kind.in_(CELL_KINDS)))
        print_table(report, members, organisations, cells, app.config["SQLALCHEMY_DATABASE_URI"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
