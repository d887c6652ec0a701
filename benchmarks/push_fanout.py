"""Push fan-out: our dispatcher vs a plain `pywebpush.webpush()` loop, against a fake push service in another
process that answers 201 at once or after 50 ms.

    python benchmarks/push_fanout.py                    # 20,000 subscriptions, SQLite in a temp dir
    python benchmarks/push_fanout.py -n 5000 --database-url postgresql+psycopg://postgres@127.0.0.1:5433/bench

The fake service (asyncio, raw HTTP/1.1 with keep-alive) only counts requests, so it stays cheap; the app's
tests use the checking fake service (tests/notify/fake_push.py). Our dispatcher runs from the outbox in the
database (claim → encrypt → send → record) through `dispatch(once=True, processes=P)` — what `flask worker`
runs, with P = the CPU count by default — for P = 1 and 2; CPU ms/push counts every dispatcher process (the
push service excluded). The baseline is what the
pywebpush README suggests, one `webpush()` call per subscription with a fresh claims dict.
Targets: ≥ 3,000 pushes/s with no latency, ≥ 2,000/s with 50 ms latency, on 2 cores.

`--encoder http_ece` makes the dispatcher encrypt with `http_ece.encrypt(..., version="aes128gcm")` instead of
handbook/notify/push/ece.py (patched in the dispatcher process only); `--encoder both` runs the two side by side,
alternating, for the comparison recorded in that module's docstring:

    python benchmarks/push_fanout.py -n 5000 --encoder both --delays 0 --no-baseline --repeat 5
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402


# ---------------------------------------------------------------- the fake push service (its own process)
class _Push(asyncio.Protocol):
    state = {"count": 0, "delay": 0.0, "cpu0": 0.0}

    def connection_made(self, transport):
        self.transport, self.buf = transport, b""

    def data_received(self, data):
        self.buf += data
        while True:
            head_end = self.buf.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buf[:head_end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _sep, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if len(self.buf) < head_end + 4 + length:
                return
            self.buf = self.buf[head_end + 4 + length:]
            self._answer(head.split(" ", 2)[1])

    def _answer(self, path: str):
        if path.startswith("/count"):
            body = b"%d %.4f" % (self.state["count"], time.process_time() - self.state["cpu0"])
            self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            return
        if path.startswith("/delay/"):
            self.state["delay"] = int(path.rsplit("/", 1)[1]) / 1000
            self.state["count"] = 0
            self.state["cpu0"] = time.process_time()
            self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            return
        self.state["count"] += 1
        reply = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
        if self.state["delay"]:
            asyncio.get_running_loop().call_later(self.state["delay"], self._write, reply)
        else:
            self.transport.write(reply)

    def _write(self, reply):
        if not self.transport.is_closing():
            self.transport.write(reply)


def serve(port_queue) -> None:
    async def main():
        server = await asyncio.get_running_loop().create_server(_Push, "127.0.0.1", 0, backlog=2048)
        port_queue.put(server.sockets[0].getsockname()[1])
        await server.serve_forever()
    asyncio.run(main())


def control(origin: str, path: str, method: str = "POST") -> str:
    req = urllib.request.Request(origin + path, data=b"" if method == "POST" else None, method=method)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return opener.open(req, timeout=10).read().decode()


def counted(origin: str) -> tuple[int, float]:
    """Requests the push service received since the last /delay/…, and the CPU seconds it spent on them."""
    count, spent = control(origin, "/count", "GET").split()
    return int(count), float(spent)


# ---------------------------------------------------------------- set-up
def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def key_pool(n: int) -> list[tuple[str, str]]:
    """A key pair and auth secret per subscription, as real browsers have (nothing parsed is reused)."""
    pool = []
    for _ in range(n):
        public = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        pool.append((b64(public), b64(os.urandom(16))))
    return pool


def build(args, origin: str):
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from handbook import create_app
    from handbook.auth.models import User
    from handbook.extensions import db
    from handbook.notify.models import PushSubscription
    from handbook.notify.outbox import NotificationSpec, enqueue

    tmp = Path(tempfile.mkdtemp(prefix="push-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    host = origin.split("//", 1)[1]
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp / "instance"),
                      "PUSH_ALLOWED_HOSTS": [host], "PUSH_ALLOW_HTTP": True, "QUIET_HOURS": ""})
    with app.app_context():
        upgrade()
        user = User(email=f"bench{time.time_ns()}@bench.vn", display_name="Bench")
        db.session.add(user)
        db.session.flush()
        pool = key_pool(args.n)
        rows = [{"user_id": user.id, "endpoint": f"{origin}/push/{time.time_ns()}-{i}", "p256dh": pool[i][0],
                 "auth": pool[i][1], "failure_count": 0} for i in range(args.n)]
        for i in range(0, len(rows), 2000):
            db.session.execute(insert(PushSubscription), rows[i:i + 2000])
        enqueue([NotificationSpec(user.id, "test", "Nhắc lịch: Sinh hoạt chi bộ thường kỳ tháng 12/2026",
                                  "19:30 Thứ Năm, 03/12/2026 tại Nhà văn hóa khu dân cư số 3.", "/meetings/1",
                                  f"bench:{time.time_ns()}", ttl_seconds=86400)])
        user_id = user.id
        db.session.commit()
    return app, user_id


def reset(app) -> None:
    from sqlalchemy import update

    from handbook.core.timeutil import utcnow
    from handbook.extensions import db
    from handbook.notify.models import Delivery

    with app.app_context():
        db.session.execute(update(Delivery).values(status="pending", attempts=0, next_attempt_at=utcnow(),
                                                   claimed_by=None, claimed_at=None, sent_at=None))
        db.session.commit()


def use_http_ece() -> None:
    """The dispatcher encrypts with http_ece from now on (this process and the helpers it forks): a fresh
    ephemeral key pair and a fresh random salt per message, as ours; the subscriber's key parsed once
    (`KeyCache`), as ours."""
    import http_ece

    from handbook.notify.push import sender

    curve = ec.SECP256R1()

    def encrypt(data: bytes, to) -> bytes:
        return http_ece.encrypt(data, salt=os.urandom(16), private_key=ec.generate_private_key(curve),
                                dh=to.public_key, auth_secret=to.auth, version="aes128gcm")

    sender.encrypt = encrypt


def check_encoders() -> None:
    """Both encoders' bodies decrypt to the message (http_ece.decrypt, as the tests' fake push service)."""
    import http_ece

    from handbook.notify.push import ece, sender

    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(serialization.Encoding.X962,
                                               serialization.PublicFormat.UncompressedPoint)
    to, message = ece.Subscriber(public, os.urandom(16)), "Nhắc lịch: sinh hoạt chi bộ".encode()
    ours = sender.encrypt
    use_http_ece()
    try:
        for encrypt in (ours, sender.encrypt):
            body = encrypt(message, to)
            assert http_ece.decrypt(body, private_key=private, auth_secret=to.auth, version="aes128gcm") == message
    finally:
        sender.encrypt = ours


def _child(app, concurrency: int, processes: int, encoder: str = "ours") -> None:
    from handbook.extensions import db
    from handbook.notify.push.dispatch import dispatch

    if encoder == "http_ece":
        use_http_ece()
    with app.app_context():
        db.engine.dispose(close=False)  # connections are not shared across fork
        dispatch(once=True, concurrency=concurrency, processes=processes)  # what `flask worker` runs


def cpu(who) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def run_ours(app, processes: int, concurrency: int, encoder: str = "ours") -> tuple[float, float]:
    reset(app)
    ctx = mp.get_context("fork")
    cpu0 = cpu(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = ctx.Process(target=_child, args=(app, concurrency, processes, encoder))  # it forks its helpers itself
    proc.start()
    proc.join()
    return time.perf_counter() - start, cpu(resource.RUSAGE_CHILDREN) - cpu0


def run_baseline(app, n: int) -> tuple[float, float]:
    from py_vapid import Vapid02
    from pywebpush import webpush
    from sqlalchemy import select

    from handbook.extensions import db
    from handbook.notify.models import PushSubscription

    with app.app_context():
        subs = db.session.execute(select(PushSubscription.endpoint, PushSubscription.p256dh, PushSubscription.auth)
                                  .limit(n)).all()
        vapid = Vapid02.from_pem(app.config["VAPID_PRIVATE_KEY"].encode())
        data = '{"title":"Nhắc lịch","body":"19:30 Thứ Năm, 03/12/2026","url":"/meetings/1","tag":"m1"}'
    cpu0 = cpu(resource.RUSAGE_SELF)
    start = time.perf_counter()
    for endpoint, p256dh, auth in subs:
        webpush({"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}, data, vapid_private_key=vapid,
                vapid_claims={"sub": "mailto:admin@demo.vn"}, ttl=86400, timeout=10)
    return time.perf_counter() - start, cpu(resource.RUSAGE_SELF) - cpu0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=20000, help="subscriptions (one notification to each)")
    parser.add_argument("--baseline-n", type=int, default=2000, help="webpush() loop size, no latency")
    parser.add_argument("--baseline-n-slow", type=int, default=200, help="webpush() loop size, 50 ms latency")
    parser.add_argument("--concurrency", type=int, default=128, help="requests in flight per dispatcher process "
                        "(128: the default of `flask worker`)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per dispatcher row; the median is shown")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--encoder", choices=("ours", "http_ece", "both"), default="ours",
                        help="the dispatcher's RFC 8291 encryption: ours (handbook/notify/push/ece.py), http_ece, "
                        "or both side by side, alternating run by run")
    parser.add_argument("--delays", default="0,50", help="push-service latencies in ms, comma-separated")
    parser.add_argument("--processes", default="1,2", help="dispatcher processes, comma-separated")
    parser.add_argument("--no-baseline", action="store_true", help="skip the webpush() loop")
    args = parser.parse_args()
    encoders = ("ours", "http_ece") if args.encoder == "both" else (args.encoder,)
    if "http_ece" in encoders:
        check_encoders()
    os.environ.pop("http_proxy", None)
    os.environ.pop("HTTP_PROXY", None)

    ports = mp.get_context("spawn").Queue()
    server = mp.get_context("spawn").Process(target=serve, args=(ports,), daemon=True)
    server.start()
    origin = f"http://127.0.0.1:{ports.get(timeout=30)}"
    t0 = time.perf_counter()
    app, _user = build(args, origin)
    print(f"set-up: {args.n:,} subscriptions and their outbox rows in {time.perf_counter() - t0:.1f} s "
          f"({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]})")

    rows = []
    slow_n = {0: args.baseline_n, 50: args.baseline_n_slow}
    for delay_ms in (int(d) for d in args.delays.split(",")):
        base_rate = None
        if not args.no_baseline:
            base_n = slow_n.get(delay_ms, args.baseline_n_slow)
            control(origin, f"/delay/{delay_ms}")
            base_s, base_cpu = run_baseline(app, base_n)
            got, service_cpu = counted(origin)
            assert got == base_n, (got, base_n)
            base_rate = base_n / base_s
            rows.append((delay_ms, "webpush() loop (baseline)", base_n, base_s, base_rate, base_rate, base_cpu,
                         service_cpu, "—"))
        for processes in (int(p) for p in args.processes.split(",")):
            runs: dict[str, list] = {encoder: [] for encoder in encoders}
            for i in range(args.repeat):  # the median run is shown: one busy moment of the machine moves one run
                for encoder in encoders if i % 2 == 0 else encoders[::-1]:  # alternating, each first in turn
                    control(origin, f"/delay/{delay_ms}")
                    secs, used = run_ours(app, processes, args.concurrency, encoder)
                    got, service_cpu = counted(origin)
                    assert got == args.n, f"the push service got {got} of {args.n}"
                    runs[encoder].append((secs, used, service_cpu))
            if len(encoders) > 1:  # run i of each encoder ran back to back: compare them pair by pair
                speed = sorted(b[0] / a[0] for a, b in zip(runs["http_ece"], runs["ours"], strict=True))
                work = sorted(a[1] / b[1] for a, b in zip(runs["http_ece"], runs["ours"], strict=True))
                print(f"{delay_ms} ms, processes={processes}: http_ece / ours, pair by pair — pushes/s "
                      f"{[round(x, 3) for x in speed]} (median {speed[len(speed) // 2]:.3f}), CPU ms/push "
                      f"{[round(x, 3) for x in work]} (median {work[len(work) // 2]:.3f})")
            for encoder, done in runs.items():
                done.sort()
                secs, used, service_cpu = done[len(done) // 2]
                spread = f"{args.n / done[-1][0]:,.0f}–{args.n / done[0][0]:,.0f}"
                cpu_spread = sorted(1000 * u / args.n for _s, u, _c in done)
                name = f"dispatcher, processes={processes}" + (f", {encoder}" if len(encoders) > 1 else "")
                rows.append((delay_ms, name, args.n, secs, args.n / secs, base_rate, used, service_cpu, spread))
                if len(encoders) > 1:
                    print(f"{delay_ms} ms, {name}: pushes/s per run {[round(args.n / r[0]) for r in done]}, "
                          f"CPU ms/push per run {[round(c, 3) for c in cpu_spread]}")
    server.terminate()

    print()
    print(f"median of {args.repeat} runs per dispatcher row (range: slowest–fastest run)\n")
    print(f"{'latency':>8} | {'sender':<36} | {'pushes':>7} | {'seconds':>8} | {'pushes/s':>9} | {'range':>11} | "
          f"{'× baseline':>10} | {'CPU ms/push':>11} | {'service CPU ms/push':>19}")
    print("-" * 144)
    for delay_ms, name, n, secs, rate, base_rate, used, service_cpu, spread in rows:
        times = f"{rate / base_rate:>9.1f}×" if base_rate else f"{'—':>10}"
        print(f"{delay_ms:>6}ms | {name:<36} | {n:>7,} | {secs:>8.2f} | {rate:>9,.0f} | {spread:>11} | "
              f"{times} | {1000 * used / n:>11.2f} | {1000 * service_cpu / n:>19.3f}")
    print(f"\nload average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(pushes/s scale with the CPU the dispatcher gets; CPU ms/push does not)")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\npeak RSS: this process {own:.0f} MB, largest child (dispatcher or push service) {kids:.0f} MB")
    print("targets: ≥ 3,000/s at 0 ms, ≥ 2,000/s at 50 ms")


if __name__ == "__main__":
    main()
