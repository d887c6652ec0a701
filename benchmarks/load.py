"""Load: simulated members against gunicorn on the 140k-member demo organisation.

    python benchmarks/load.py                       # SQLite (WAL) and PostgreSQL, 100 and 30 concurrent, 60 s
    python benchmarks/load.py --databases sqlite --duration 20 --concurrency 30

Loopback only, bounded in time (--duration per phase) and count (--max-requests per phase). For each database:
the seeded demo (cached under /tmp/handbook-load/<migration head>/, or a PostgreSQL database named after it) is
copied, member accounts are made through the app's own services (activation code, then password), gunicorn
starts (`-k gthread`), and then for each concurrency level these phases run against the same server:

- ceiling: GET /ping (no database, no session) — what this server, client and machine can do at all;
- floors (--no-floors to skip): signed-in members asking for a page that does nothing (the session check and
  what every request pays), then one that draws only the layout (benchmarks/load_app.py) — the stack's share
  of a page's cost;
- members: each simulated member logs in once, then loops: home, meetings, a meeting, a regulation article,
  the inbox, an absence notice (a POST with CSRF; sending it again updates the reason).

The table gives requests/s, p50/p95/p99 (ms), errors (any status other than 200, or 302 after the POST), the
members' rate as a % of the ceiling, per-page p95, and the peak RSS of the gunicorn workers. Targets: ≥ 50 % of
the ceiling and p95 ≤ 50 ms at 30 concurrent.
"""
from __future__ import annotations

import argparse
import asyncio
import functools
import multiprocessing as mp
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CACHE = Path("/tmp/handbook-load")
PASSWORD = "Demo@2026"
LOAD_EMAIL = "tai-{n}@load.demo.vn"
PAGES = ("home", "meetings", "meeting", "article", "inbox", "absence")
# the stack under a page (benchmarks/load_app.py): signed in and nothing else; signed in, an empty layout
FLOORS = (("/_bench/signed-in", "floor: signed in"), ("/_bench/layout", "floor: + empty layout"))
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


# ---------------------------------------------------------------- setup: the cached demo and the member accounts

def migration_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


def _flask(url: str, instance: Path, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "load-benchmark"}
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def _pg(base_url: str, sql: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def cached_demo(kind: str, members: int, users: int, pg_base: str) -> str:
    """A database URL holding the seeded demo plus `users` member accounts, built once per migration head."""
    head = migration_head()
    folder = CACHE / head
    folder.mkdir(parents=True, exist_ok=True)
    instance = CACHE / "instance"
    # the accounts' password hashes carry the hashing parameters of the day they were made: a cache from before a
    # change would have every login verify with the old (costlier) ones, so the parameters are part of its name
    from handbook.auth.service import hasher

    name = f"demo-{members}-{users}-m{hasher.memory_cost}t{hasher.time_cost}p{hasher.parallelism}"
    if kind == "sqlite":
        path = folder / f"{name}.db"
        if path.exists():
            return f"sqlite:///{path}"
        part = folder / f"{name}.part.db"
        part.unlink(missing_ok=True)
        url = f"sqlite:///{part}"
    else:
        dbname = f"load_{head}_{name}".replace("-", "_").lower()
        url = pg_base.rsplit("/", 1)[0] + "/" + dbname
        marker = folder / f"{dbname}.ok"
        if marker.exists():
            return url
        _pg(pg_base, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        _pg(pg_base, f'CREATE DATABASE "{dbname}"')
    print(f"  building the {kind} demo ({members:,} members, {users} accounts) once for migration head {head} …",
          flush=True)
    seeded = seeded_demo(kind, members, pg_base, folder, instance)  # the seed alone, shared by any --users
    if kind == "sqlite":
        shutil.copyfile(seeded, part)
    else:
        _pg(pg_base, f'DROP DATABASE "{dbname}"')
        _pg(pg_base, f'CREATE DATABASE "{dbname}" TEMPLATE "{seeded}"')
    make_accounts(url, instance, users)
    if kind == "sqlite":
        os.replace(part, folder / f"{name}.db")
        return f"sqlite:///{folder / f'{name}.db'}"
    marker.write_text("ok")
    return url


def seeded_demo(kind: str, members: int, pg_base: str, folder: Path, instance: Path) -> str:
    """`flask db upgrade` and `flask seed-demo --members N`, cached: a SQLite path or a PostgreSQL name."""
    if kind == "sqlite":
        path = folder / f"demo-{members}.db"
        if not path.exists():
            part = folder / f"demo-{members}.db.part"
            part.unlink(missing_ok=True)
            _flask(f"sqlite:///{part}", instance, "db", "upgrade")
            _flask(f"sqlite:///{part}", instance, "seed-demo", "--members", str(members))
            os.replace(part, path)
        return str(path)
    dbname = f"load_demo_{folder.name}_{members}".lower()
    if not (folder / f"{dbname}.ok").exists():
        url = pg_base.rsplit("/", 1)[0] + "/" + dbname
        _pg(pg_base, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        _pg(pg_base, f'CREATE DATABASE "{dbname}"')
        _flask(url, instance, "db", "upgrade")
        _flask(url, instance, "seed-demo", "--members", str(members))
        (folder / f"{dbname}.ok").write_text("ok")
    return dbname


def make_accounts(url: str, instance: Path, users: int) -> None:
    """Member accounts the way a secretary makes them (activation code, then the member's password), in whole
    cells of the demo ward, each cell with its regular meetings scheduled."""
    from sqlalchemy import select

    from handbook import create_app
    from handbook.auth import consent
    from handbook.auth.models import User
    from handbook.auth.service import activate
    from handbook.core.timeutil import local_today
    from handbook.demo.seed import SECRETARY
    from handbook.extensions import db
    from handbook.meetings import scheduling
    from handbook.meetings.validation import MeetingError
    from handbook.members.models import ACTIVE_STATUSES, Member
    from handbook.members.service import issue_member_activation
    from handbook.org.models import Organisation

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "x"})
    with app.app_context():
        secretary = db.session.scalar(select(User).where(User.email == SECRETARY["email"]))
        home = db.session.scalar(select(Member).where(Member.user_id == secretary.id))
        ward = db.session.get(Organisation, home.cell_id).parent_id
        cells = db.session.scalars(select(Organisation.id).where(Organisation.parent_id == ward)
                                   .order_by(Organisation.id)).all()
        made = 0
        for cell_id in [home.cell_id] + [c for c in cells if c != home.cell_id]:
            cell = db.session.get(Organisation, cell_id)
            if not cell.is_cell:
                continue
            this_year = local_today().year
            for year in (this_year, this_year + 1):  # in December this year may have no meeting day left
                try:
                    scheduling.create_series(cell, year, secretary.id, place="Hội trường khu phố")
                except MeetingError:
                    db.session.rollback()  # the demo cell has its series already, or the year has no day left
            for member in db.session.scalars(select(Member).where(
                    Member.cell_id == cell_id, Member.user_id.is_(None), Member.status.in_(ACTIVE_STATUSES),
                    Member.phone.is_not(None)).order_by(Member.id)):
                code = issue_member_activation(member, secretary)
                user = activate(code, PASSWORD)
                user.email = LOAD_EMAIL.format(n=made)
                db.session.commit()
                consent.accept(user.id, "127.0.0.1")  # the privacy notice, as at a first login
                made += 1
                if made >= users:
                    break
            if made >= users:
                break
        db.session.remove()
        db.engine.dispose()  # SQLite: the last connection closing folds the WAL into the file before it is renamed


def fresh_copy(kind: str, cached: str, pg_base: str, run: str) -> str:
    """A throw-away copy for one run, so absence notices never pile up in the cache."""
    if kind == "sqlite":
        src = Path(cached.removeprefix("sqlite:///"))
        dst = CACHE / f"run-{run}.db"
        shutil.copyfile(src, dst)
        return f"sqlite:///{dst}"
    dbname = f"load_run_{run}"
    _pg(pg_base, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    _pg(pg_base, f'CREATE DATABASE "{dbname}" TEMPLATE "{cached.rsplit("/", 1)[1]}"')
    return pg_base.rsplit("/", 1)[0] + "/" + dbname


def targets(url: str) -> dict:
    """Per account: its login and its cell's next meeting; one regulation article all may read."""
    from sqlalchemy import select

    from handbook import create_app
    from handbook.auth.models import User
    from handbook.caller import access_of_member
    from handbook.extensions import db
    from handbook.meetings.queries import next_meeting
    from handbook.members.models import Member
    from handbook.regulations.models import Article

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(CACHE / "instance"), "SECRET_KEY": "x"})
    with app.app_context():
        rows = db.session.execute(select(User, Member).join(Member, Member.user_id == User.id)
                                  .where(User.email.like(LOAD_EMAIL.format(n="%"))).order_by(User.id)).all()
        users = [(user.email, next_meeting(member, access=access_of_member(member)).id) for user, member in rows]
        articles = db.session.scalars(select(Article.id).order_by(Article.id).limit(20)).all()
        db.session.remove()
        db.engine.dispose()
    return {"users": users, "articles": articles}


# ---------------------------------------------------------------- the server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, port: int, workers: int, threads: int, serve: Path = ROOT) -> subprocess.Popen:
    """gunicorn serving the checkout `serve` (this one, or a baseline's: benchmarks/side_by_side.py)."""
    # every simulated member logs in from 127.0.0.1: the per-IP login limit would refuse all but the first 30
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": str(CACHE / "instance"), "SECRET_KEY": "load-bench",
           "QUIET_HOURS": "", "LOGIN_LIMIT_IP": "10000 per 15 minutes"}
    env.setdefault("MALLOC_ARENA_MAX", "2")  # as scripts/production.sh runs the workers
    # self-contained: an empty config file, so the production gunicorn.conf.py (access log, worker recycling) is not
    # read from the working directory; the settings are all on this command line
    config = CACHE / "gunicorn-empty.conf.py"
    config.write_text("")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", str(config), "--no-control-socket", "--workers", str(workers),
         "--worker-class", "gthread", "--threads", str(threads), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--backlog", "512", "benchmarks.load_app:create_app()"],
        cwd=serve, env=env)
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=5) as resp:
                if resp.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def worker_pids(master: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


# ---------------------------------------------------------------- the client (aiohttp, in several processes)

@dataclass
class Samples:
    latencies: dict[str, list[float]] = field(default_factory=dict)  # page → seconds
    errors: dict[str, int] = field(default_factory=dict)
    first_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu: float = 0.0  # the client processes' CPU seconds
    server_cpu: float = 0.0  # the gunicorn workers' CPU seconds during the phase (logins excluded)

    def add(self, page: str, seconds: float, ok: bool, note: str = "") -> None:
        self.latencies.setdefault(page, []).append(seconds)
        if not ok:
            self.errors[page] = self.errors.get(page, 0) + 1
            if len(self.first_errors) < 5:
                self.first_errors.append(f"{page}: {note}")

    def merge(self, other: Samples) -> None:
        for page, values in other.latencies.items():
            self.latencies.setdefault(page, []).extend(values)
        for page, n in other.errors.items():
            self.errors[page] = self.errors.get(page, 0) + n
        self.first_errors += other.first_errors[: 5 - len(self.first_errors)]
        self.seconds = max(self.seconds, other.seconds)
        self.cpu += other.cpu


async def _member(session, base: str, login: str, meeting: int, articles: list[int], n: int, samples: Samples,
                  stop_at: float, budget: list[int]) -> None:
    import aiohttp

    async def get(page: str, path: str) -> str:
        started = time.perf_counter()
        try:
            async with session.get(base + path, allow_redirects=False) as resp:
                text = await resp.text()
                samples.add(page, time.perf_counter() - started, resp.status == 200, f"{resp.status} {path}")
                return text
        except aiohttp.ClientError as exc:
            samples.add(page, time.perf_counter() - started, False, repr(exc))
            return ""

    i = n
    csrf = None
    while time.monotonic() < stop_at and budget[0] > 0:
        budget[0] -= len(PAGES)
        await get("home", "/")
        await get("meetings", "/meetings")
        html = await get("meeting", f"/meetings/{meeting}")
        csrf = csrf or (CSRF_RE.search(html).group(1) if CSRF_RE.search(html) else None)
        await get("article", f"/regulations/articles/{articles[i % len(articles)]}")
        await get("inbox", "/notifications")
        started = time.perf_counter()
        try:
            async with session.post(f"{base}/meetings/{meeting}/absence", allow_redirects=False,
                                    data={"csrf_token": csrf or "", "reason": f"Đi công tác (lần {i})"}) as resp:
                await resp.read()
                samples.add("absence", time.perf_counter() - started, resp.status == 302, str(resp.status))
        except aiohttp.ClientError as exc:
            samples.add("absence", time.perf_counter() - started, False, repr(exc))
        i += 1


async def _log_in(session, base: str, login: str) -> None:
    async with session.get(base + "/login") as resp:
        token = CSRF_RE.search(await resp.text()).group(1)
    async with session.post(base + "/login", data={"login": login, "password": PASSWORD, "csrf_token": token},
                            allow_redirects=False) as resp:
        if resp.status != 302:
            raise SystemExit(f"login of {login} failed: {resp.status}")


async def _repeat(session, base: str, path: str, samples: Samples, stop_at: float, budget: list[int]) -> None:
    """One URL again and again (the ceiling and the floors)."""
    import aiohttp

    while time.monotonic() < stop_at and budget[0] > 0:
        budget[0] -= 1
        started = time.perf_counter()
        try:
            async with session.get(base + path, allow_redirects=False) as resp:
                await resp.read()
                samples.add(path, time.perf_counter() - started, resp.status == 200, f"{resp.status} {path}")
        except aiohttp.ClientError as exc:
            samples.add(path, time.perf_counter() - started, False, repr(exc))


async def _client(base: str, scenario: str, users: list, articles: list[int], duration: float,
                  max_requests: int, start) -> Samples:
    import aiohttp

    samples = Samples()
    sessions = [aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                      connector=aiohttp.TCPConnector(limit=1), trust_env=False) for _ in users]
    try:
        if scenario != "/ping":  # the members' loop and the floors are signed in
            await asyncio.gather(*(_log_in(s, base, login) for s, (login, _m) in zip(sessions, users, strict=True)))
        # every client process starts measuring together, once all members have logged in (argon2 is slow)
        await asyncio.get_running_loop().run_in_executor(None, start.wait)
        budget = [max_requests]
        cpu0, t0 = time.process_time(), time.monotonic()
        stop_at = t0 + duration
        if scenario == "members":
            await asyncio.gather(*(_member(s, base, login, meeting, articles, n, samples, stop_at, budget)
                                   for n, (s, (login, meeting)) in enumerate(zip(sessions, users, strict=True))))
        else:
            await asyncio.gather(*(_repeat(s, base, scenario, samples, stop_at, budget) for s in sessions))
        samples.seconds, samples.cpu = time.monotonic() - t0, time.process_time() - cpu0
    finally:
        await asyncio.gather(*(s.close() for s in sessions))
    return samples


def _client_process(args, queue) -> None:
    queue.put(asyncio.run(_client(*args)))


def run_phase(base: str, scenario: str, users: list, articles: list[int], concurrency: int, duration: float,
              max_requests: int, processes: int, workers: list[int]) -> Samples:
    chosen = [users[i % len(users)] for i in range(concurrency)]
    shares = [chosen[i::processes] for i in range(processes) if chosen[i::processes]]
    ctx = mp.get_context("fork")
    queue, start = ctx.Queue(), ctx.Barrier(len(shares) + 1)  # the clients and this process
    procs = [ctx.Process(target=_client_process, args=(
        (base, scenario, share, articles, duration, max_requests // len(shares), start), queue))
        for share in shares]
    for p in procs:
        p.start()
    start.wait()  # all logged in: the measured phase begins
    cpu_before = cpu_seconds(workers)
    total = Samples()
    for _ in procs:
        total.merge(queue.get())
    total.server_cpu = cpu_seconds(workers) - cpu_before
    for p in procs:
        p.join()
    return total


# ---------------------------------------------------------------- the table

def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


def row(label: str, s: Samples, ceiling: float | None) -> str:
    values = [v for vs in s.latencies.values() for v in vs]
    rate = len(values) / s.seconds if s.seconds else 0
    share = f"{100 * rate / ceiling:5.1f} %" if ceiling else "    —  "
    cpu = 100 * s.cpu / s.seconds if s.seconds else 0
    per_request = 1000 * s.server_cpu / len(values) if values else 0
    return (f"| {label:<33} | {rate:8.0f} | {pct(values, .5):6.1f} | {pct(values, .95):6.1f} | {pct(values, .99):6.1f} "
            f"| {sum(s.errors.values()):6d} | {share} | {per_request:10.2f} | {cpu:8.0f} % |")


HEADER = ("| phase                             |  req/s   | p50 ms | p95 ms | p99 ms | errors | % ceil. | CPU ms/req "
          "| client CPU |\n|-----------------------------------|---------:|-------:|-------:|-------:|-------:|"
          "--------:|-----------:|-----------:|")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Tải: đảng viên mô phỏng trên gunicorn với dữ liệu mẫu 140.000.")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get("LOAD_PG_URL",
                                                           "postgresql+psycopg://postgres@127.0.0.1:5433/postgres"))
    parser.add_argument("--members", type=int, default=140_000)
    parser.add_argument("--concurrency", default="100,30", help="simulated members, comma-separated levels")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per phase")
    parser.add_argument("--max-requests", type=int, default=300_000, help="per phase")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--floors", action=argparse.BooleanOptionalAction, default=True,
                        help="also measure the stack under a page (a signed-in answer; an empty layout)")
    parser.add_argument("--serve", type=Path, default=ROOT,
                        help="serve another checkout of the same migration head (the data is set up by this one)")
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.concurrency.split(",")]
    accounts = max(levels)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs")
    for kind in args.databases.split(","):
        cached = cached_demo(kind, args.members, accounts, args.pg_url)
        run = f"{os.getpid()}"
        url = fresh_copy(kind, cached, args.pg_url, run)
        scene = targets(url)
        port = free_port()
        server = start_gunicorn(url, port, args.workers, args.threads, args.serve)
        base = f"http://127.0.0.1:{port}"
        print(f"\n## {kind}: {args.members:,} members, gunicorn -w {args.workers} -k gthread --threads "
              f"{args.threads}, {args.duration:.0f} s per phase\n")
        print(HEADER)
        errors = []
        try:
            workers = worker_pids(server.pid)
            for level in levels:
                phase = functools.partial(run_phase, base, users=scene["users"], articles=scene["articles"],
                                          concurrency=level, duration=args.duration, max_requests=args.max_requests,
                                          processes=args.client_processes, workers=workers)
                ceiling = phase("/ping")
                rate = sum(len(v) for v in ceiling.latencies.values()) / ceiling.seconds
                print(row(f"ceiling /ping, {level} conc.", ceiling, None), flush=True)
                for path, label in FLOORS if args.floors else ():
                    floor = phase(path)
                    print(row(f"{label}, {level} conc.", floor, rate), flush=True)
                    errors += floor.first_errors
                members = phase("members")
                print(row(f"members, {level} conc.", members, rate), flush=True)
                pages = "  ".join(f"{p} {pct(members.latencies.get(p, []), .95):.0f}" for p in PAGES)
                print(f"|   p95 per page (ms): {pages}")
                errors += ceiling.first_errors + members.first_errors
            rss = [peak_rss_mb(pid) for pid in workers]
            print(f"\npeak RSS of the gunicorn workers: {', '.join(f'{r:.0f}' for r in rss)} MiB "
                  f"(master {peak_rss_mb(server.pid):.0f} MiB)")
            print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            for line in errors:
                print("error:", line)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            if kind == "sqlite":
                for suffix in ("", "-wal", "-shm"):
                    Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
            else:
                _pg(args.pg_url, f'DROP DATABASE IF EXISTS "load_run_{run}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
