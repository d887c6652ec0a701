"""A demo-seeded app served on 127.0.0.1 in a thread, for the browser benchmarks (page weight, Lighthouse)."""
from __future__ import annotations

import contextlib
import re
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from handbook import create_app  # noqa: E402
from handbook.demo.seed import seed_demo  # noqa: E402

CHROMIUM = "/usr/lib/chromium/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PASSWORD = "Demo@2026"


@contextlib.contextmanager
def demo_server():
    """Yields (base URL, app) for a fresh SQLite database with the demo organisation."""
    with tempfile.TemporaryDirectory(prefix="pwa-bench-") as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/demo.db", "INSTANCE_PATH": f"{tmp}/instance",
                          "SECRET_KEY": "benchmark"})
        with app.app_context():
            upgrade()
            seed_demo(members=None, if_empty=False, echo=lambda *_: None)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}", app
        finally:
            server.shutdown()
            thread.join(timeout=5)


def session_cookie(app, login: str) -> str:
    """Sign in through the login form (test client) and return the session cookie's value."""
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.status_code
    return client.get_cookie("session").value


def a_meeting_path(app, login: str) -> str:
    from sqlalchemy import select

    from handbook.auth.models import User
    from handbook.caller import access_of_member
    from handbook.extensions import db
    from handbook.meetings.queries import next_meeting
    from handbook.members.models import Member

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == login))
        member = db.session.scalar(select(Member).where(Member.user_id == user.id))
        return f"/meetings/{next_meeting(member, access=access_of_member(member)).id}"
