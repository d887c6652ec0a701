"""Real Chromium (Debian's) driven by Playwright, against the app served on loopback with demo data."""
from __future__ import annotations

import os
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _require_chromium() -> None:
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Install it with: "
            "apt-get install -y --no-install-recommends chromium fonts-noto-core "
            "(`make test` does this when run as root), or set CHROMIUM_PATH.",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    _require_chromium()
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A mid-range Android phone.
    return {**browser_context_args, "viewport": {"width": 360, "height": 740}, "locale": "vi-VN",
            "timezone_id": "Asia/Ho_Chi_Minh"}


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory):
    """An app on its own database, seeded with the demo organisation."""
    from handbook.demo.seed import seed_demo
    from tests.support import build_app

    app = build_app(tmp_path_factory.mktemp("demo"), "demo")
    with app.app_context():
        seed_demo(members=None, if_empty=False, echo=lambda *_: None)
    return app


@pytest.fixture(scope="session")
def live_server(demo_app):
    """The demo app served over HTTP on 127.0.0.1 in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, demo_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
