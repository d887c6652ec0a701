"""The installed app reports itself once per browser session, in real Chromium. CDP's Emulation.setEmulatedMedia
ignores the display-mode feature (Chromium 156), but a window opened with `--app=URL` is a real standalone window:
`matchMedia('(display-mode: standalone)')` matches there as in an installed app, so app.js's own query decides."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.fixtures import CHROMIUM, CHROMIUM_ARGS
from tests.browser.test_login_browser import login

SEEN = "/pwa/seen-installed"


def _app_seen_at(demo_app, email: str):
    from handbook.auth.models import User
    from handbook.extensions import db

    with demo_app.app_context():
        value = db.session.scalar(select(User.app_seen_at).where(User.email == email))
        db.session.remove()
        return value


def _reset(demo_app, email: str) -> None:
    from sqlalchemy import update

    from handbook.auth.models import User
    from handbook.extensions import db

    with demo_app.app_context():
        db.session.execute(update(User).where(User.email == email).values(app_seen_at=None))
        db.session.commit()
        db.session.remove()


def _posts(page: Page) -> list[str]:
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.method) if r.url.endswith(SEEN) else None)
    return posts


@pytest.fixture
def app_window(playwright, tmp_path, live_server):
    """The app in its own window (`--app`), as a phone's home-screen icon opens it."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, f"--app={live_server}/login"],
        headless=True, viewport={"width": 360, "height": 740}, locale="vi-VN")
    if not context.pages:
        context.wait_for_event("page")
    yield context.pages[0]
    context.close()


def test_standalone_app_reports_once_per_session(app_window: Page, live_server, demo_app):
    page, email = app_window, "dangvien@demo.vn"
    _reset(demo_app, email)
    posts = _posts(page)
    login(page, live_server, email)
    expect(page.locator("h1")).to_be_visible()
    assert page.evaluate("matchMedia('(display-mode: standalone)').matches") is True
    for path in ("/meetings", "/regulations", "/"):
        page.goto(live_server + path)
        expect(page.locator("h1")).to_be_visible()
    page.wait_for_timeout(300)
    assert posts == ["POST"]
    assert page.evaluate("sessionStorage.getItem('seen-installed')") == "1"
    assert _app_seen_at(demo_app, email) is not None

    # the flag is the session's: once it is gone (a new session), the next page reports again
    page.evaluate("sessionStorage.clear()")
    page.reload()
    expect(page.locator("h1")).to_be_visible()
    page.wait_for_timeout(300)
    assert posts == ["POST", "POST"]


def test_browser_tab_does_not_report(page: Page, live_server, demo_app):
    email = "bithu@demo.vn"
    _reset(demo_app, email)
    posts = _posts(page)
    login(page, live_server, email)
    expect(page.locator("h1")).to_be_visible()
    assert page.evaluate("matchMedia('(display-mode: standalone)').matches") is False
    page.goto(live_server + "/meetings")
    expect(page.locator("h1")).to_be_visible()
    page.wait_for_timeout(300)
    assert posts == []
    assert _app_seen_at(demo_app, email) is None
