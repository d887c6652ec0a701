"""Shared steps for the PWA browser tests."""
from __future__ import annotations

import time
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.test_login_browser import login

MAIN_PAGES = ("/", "/meetings", "/regulations", "/notifications", "/profile")

__all__ = ["login", "MAIN_PAGES", "wait_controlled", "wait_cached", "wait_until", "in_cache", "future_meeting_id"]


def wait_until(page: Page, expression: str, arg=None, timeout: float = 10_000) -> None:
    """Like page.wait_for_function, without evaluating a string inside the page (our Content-Security-Policy
    forbids eval there, and Playwright's polling uses it): poll page.evaluate (DevTools, outside the CSP)."""
    deadline = time.monotonic() + timeout / 1000
    while not (page.evaluate(expression) if arg is None else page.evaluate(expression, arg)):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout / 1000:.0f} s: {expression[:80]}")
        page.wait_for_timeout(100)


CONTROLLED = "navigator.serviceWorker && navigator.serviceWorker.controller !== null"


def wait_controlled(page: Page) -> None:
    """The service worker controls the page. It calls clients.claim(), so the first load is normally enough; in
    a persistent browser profile on a loaded machine the claim sometimes misses the page that registered it, and
    (as on a phone) the next load is controlled — so one reload is allowed, never more."""
    try:
        wait_until(page, CONTROLLED, timeout=10_000)
    except AssertionError:
        page.reload()
        wait_until(page, CONTROLLED, timeout=20_000)


IN_CACHE = """async (path) => {
  for (const name of await caches.keys()) {
    if (name.startsWith('shell-')) continue;
    if (await (await caches.open(name)).match(path)) return true;
  }
  return false;
}"""


def in_cache(page: Page, path: str) -> bool:
    return page.evaluate(IN_CACHE, path)


def wait_cached(page: Page, path: str) -> None:
    wait_until(page, IN_CACHE, path, timeout=10_000)


def visit(page: Page, base: str, path: str) -> None:
    page.goto(base + path)
    expect(page.locator("h1")).to_be_visible()
    wait_cached(page, path)


def future_meeting_id(demo_app, login_name: str) -> int:
    """A scheduled meeting of the member's cell, days away (absence form shown, check-in not open yet)."""
    from handbook.auth.models import User
    from handbook.core.timeutil import utcnow
    from handbook.extensions import db
    from handbook.meetings.models import Meeting, MeetingStatus
    from handbook.members.models import Member

    with demo_app.app_context():
        user = db.session.scalar(select(User).where(User.email == login_name))
        member = db.session.scalar(select(Member).where(Member.user_id == user.id))
        return db.session.scalar(select(Meeting.id).where(
            Meeting.organisation_id == member.cell_id, Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.starts_at > utcnow() + timedelta(days=2)).order_by(Meeting.starts_at))
