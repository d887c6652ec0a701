"""`scripts/production.sh`: migrations, gunicorn with two workers and a background worker, stopped by SIGTERM."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from flask import request

from handbook import create_app
from tests.support import database_url

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _wait_for(check, seconds: float):
    deadline = time.monotonic() + seconds
    while True:
        try:
            result = check()
        except requests.RequestException:
            result = None
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.3)


def test_production_script(tmp_path):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url(tmp_path, "production"),  # an empty database
           "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "production-test", "BIND": f"127.0.0.1:{port}",
           "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "2", "WORKERS": "1", "BIN": str(Path(sys.executable).parent),
           "PROXY_FIX_X_FOR": "1", "QUIET_HOURS": ""}
    log = tmp_path / "out.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(["sh", "scripts/production.sh"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        health = _wait_for(lambda: requests.get(base + "/healthz", timeout=5), 90)
        assert health is not None and health.status_code == 200, log.read_text()
        assert health.json()["database"] == "ok" and health.json()["migrations"] == "current"
        login = requests.get(base + "/login?next=/private-query-text", timeout=5)
        assert login.status_code == 200 and "Đăng nhập" in login.text
        worker = _wait_for(lambda: requests.get(base + "/healthz", timeout=5).json()["worker"]["ok"], 30)
        assert worker, "the background worker wrote no heartbeat"
        gunicorn = [pid for pid in _children(proc.pid) if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert len(gunicorn) == 1 and len(_children(gunicorn[0])) == 2  # the master and its two workers
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=45) is not None
        output = log.read_text()
        assert '"GET /login" 200' in output and "private-query-text" not in output  # no query strings logged
        try:
            os.killpg(proc.pid, 0)
            leftover = True
        except ProcessLookupError:
            leftover = False
        assert not leftover, "processes survived SIGTERM"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_proxy_fix_is_off_by_default_and_configurable(tmp_path, monkeypatch):
    base = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}", "INSTANCE_PATH": str(tmp_path / "i"),
            "SECRET_KEY": "x"}
    plain = create_app(dict(base))
    assert plain.config["PROXY_FIX_X_FOR"] == 0 and type(plain.wsgi_app).__name__ != "ProxyFix"
    monkeypatch.setenv("PROXY_FIX_X_FOR", "1")
    monkeypatch.setenv("PROXY_FIX_X_PROTO", "1")
    proxied = create_app(dict(base))
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    for app in (plain, proxied):
        app.add_url_rule("/_who", "who", lambda: f"{request.remote_addr} {request.scheme}")
    assert proxied.test_client().get("/_who", headers=headers).get_data(as_text=True) == "203.0.113.9 https"
    assert plain.test_client().get("/_who", headers=headers).get_data(as_text=True) == "127.0.0.1 http"
