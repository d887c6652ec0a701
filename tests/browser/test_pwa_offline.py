"""The service worker in real Chromium: it controls the page, visited pages reopen offline, logout forgets them."""
from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import delete, select, update

from tests.browser.pwa_helpers import (
    IN_CACHE,
    MAIN_PAGES,
    future_meeting_id,
    in_cache,
    login,
    visit,
    wait_controlled,
    wait_until,
)

IN_CACHE_NOT = f"async (path) => !(await ({IN_CACHE})(path))"


def _visit_all(page: Page, base: str, meeting: str) -> list[str]:
    paths = [*MAIN_PAGES, meeting]
    for path in paths:
        visit(page, base, path)
    return paths


def test_service_worker_controls_the_page(page: Page, live_server):
    login(page, live_server, "dangvien@demo.vn")
    wait_controlled(page)
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == live_server + "/sw.js"
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == live_server + "/"


def test_visited_pages_reload_offline(page: Page, context: BrowserContext, live_server, demo_app):
    login(page, live_server, "dangvien@demo.vn")
    wait_controlled(page)
    meeting = f"/meetings/{future_meeting_id(demo_app, 'dangvien@demo.vn')}"
    paths = _visit_all(page, live_server, meeting)
    headings = {}
    for path in paths:
        page.goto(live_server + path)
        headings[path] = page.locator("h1").inner_text()
    expect(page.locator("[data-offline-stamp]")).to_be_hidden()  # online: no stamp
    context.set_offline(True)
    try:
        for path in paths:
            page.goto(live_server + path)
            response = page.reload()
            assert response is not None and response.from_service_worker, path
            expect(page.locator("h1")).to_have_text(headings[path])
            # the page says it is a saved copy, and from when
            expect(page.locator("[data-offline-stamp]")).to_be_visible()
            expect(page.locator("[data-offline-stamp]")).to_have_text(
                re.compile(r"^Bản lưu ngoại tuyến từ \d{2}/\d{2}/\d{4} \d{2}:\d{2}$"))
        # A page never visited: the offline page, listing what can be opened.
        page.goto(live_server + "/meetings/999999")
        expect(page.locator("h1")).to_have_text("Đồng chí đang ngoại tuyến")
        listed = page.locator("#offline-list a")
        expect(listed.first).to_be_visible()
        hrefs = set(listed.evaluate_all("els => els.map(a => a.getAttribute('href'))"))
        assert set(paths) <= hrefs
    finally:
        context.set_offline(False)


def test_logout_removes_personal_pages_next_account_sees_none(page: Page, context: BrowserContext, live_server,
                                                               demo_app):
    login(page, live_server, "dangvien@demo.vn")
    wait_controlled(page)
    meeting = f"/meetings/{future_meeting_id(demo_app, 'dangvien@demo.vn')}"
    paths = _visit_all(page, live_server, meeting)
    page.goto(live_server + "/")
    first_home = page.locator("h1").inner_text()
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(live_server + "/login")
    wait_until(page, """async () => !(await caches.keys()).some(k => k.startsWith('pages-'))""")
    for path in paths:  # regulations too: what a member reads is theirs
        assert not in_cache(page, path), path

    # The next account on this phone: it sees none of the first member's pages offline.
    login(page, live_server, "bithu@demo.vn")
    expect(page.locator("h1")).to_contain_text("Xin chào")
    page.goto(live_server + "/meetings")
    context.set_offline(True)
    try:
        page.goto(live_server + "/profile")
        expect(page.locator("h1")).to_have_text("Đồng chí đang ngoại tuyến")
        assert "dangvien" not in page.content()
        hrefs = page.locator("#offline-list a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
        assert "/profile" not in hrefs and meeting not in hrefs
        assert {"/", "/meetings"} <= set(hrefs)  # the second account's own visits
        page.goto(live_server + "/")
        expect(page.locator("h1")).to_contain_text("Xin chào")
        assert page.locator("h1").inner_text() != first_home  # its own home page, not the first member's
    finally:
        context.set_offline(False)


def test_a_page_this_account_may_no_longer_see_leaves_the_offline_copies(page: Page, context: BrowserContext,
                                                                         live_server, demo_app):
    """A saved meeting page that becomes a chi ủy meeting (the member is not invited): the next visit online
    answers 404 and the worker drops the copy, so offline it is gone too — as a member who left loses the
    copies of their cell's pages."""
    from datetime import timedelta

    from handbook.core.timeutil import utcnow
    from handbook.extensions import db
    from handbook.meetings.models import Meeting, MeetingKind, MeetingStatus

    with demo_app.app_context():
        member_cell = db.session.scalar(select(Meeting.organisation_id).where(
            Meeting.id == future_meeting_id(demo_app, "dangvien@demo.vn")))
        meeting = Meeting(organisation_id=member_cell, kind=MeetingKind.THUONG_KY, title="Họp thử ngoại tuyến",
                          starts_at=utcnow() - timedelta(days=60), status=MeetingStatus.HELD,
                          checkin_secret="JBSWY3DPEHPK3PXP", place="Nhà văn hóa")
        db.session.add(meeting)
        db.session.commit()
        path = f"/meetings/{meeting.id}"
    try:
        login(page, live_server, "dangvien@demo.vn")
        wait_controlled(page)
        visit(page, live_server, path)
        with demo_app.app_context():
            db.session.execute(update(Meeting).where(Meeting.id == int(path.rsplit("/", 1)[1]))
                               .values(kind=MeetingKind.CHI_UY))
            db.session.commit()
        assert page.goto(live_server + path).status == 404
        wait_until(page, IN_CACHE_NOT, path)
        context.set_offline(True)
        try:
            page.goto(live_server + path)
            expect(page.locator("h1")).to_have_text("Đồng chí đang ngoại tuyến")
            assert "Họp thử ngoại tuyến" not in page.content()
        finally:
            context.set_offline(False)
    finally:
        with demo_app.app_context():
            db.session.execute(delete(Meeting).where(Meeting.id == int(path.rsplit("/", 1)[1])))
            db.session.commit()


def test_a_second_account_never_reads_the_firsts_regulations_offline(page: Page, context: BrowserContext,
                                                                    live_server, demo_app):
    """The saved list (bookmarks, reading history) and the articles read are the account's own: kept in its cache,
    gone when it signs out, so the next account on this phone opens none of them offline."""
    from handbook.extensions import db
    from handbook.regulations.models import Article

    with demo_app.app_context():
        article_id = db.session.scalar(select(Article.id).order_by(Article.id))
    article = f"/regulations/articles/{article_id}"
    login(page, live_server, "dangvien@demo.vn")
    wait_controlled(page)
    visit(page, live_server, article)
    if page.get_by_role("button", name="Lưu", exact=True).count():
        page.get_by_role("button", name="Lưu", exact=True).click()
        expect(page.get_by_role("button", name="Bỏ lưu")).to_be_visible()
    visit(page, live_server, article)
    title = page.locator("h1").inner_text()
    visit(page, live_server, "/regulations/saved")
    expect(page.locator("main")).to_contain_text(title)
    caches = page.evaluate("caches.keys()")
    assert not [k for k in caches if k.startswith("regulations-")], caches  # no cache shared by every account

    page.goto(live_server + "/")
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(live_server + "/login")
    wait_until(page, IN_CACHE_NOT, "/regulations/saved")
    login(page, live_server, "bithu@demo.vn")
    expect(page.locator("h1")).to_contain_text("Xin chào")
    page.goto(live_server + "/regulations/new")  # the form for a new document is never kept
    expect(page.locator("h1")).to_be_visible()
    visit(page, live_server, "/")
    assert not in_cache(page, "/regulations/new")
    context.set_offline(True)
    try:
        for path in ("/regulations/saved", article, "/regulations"):
            page.goto(live_server + path)
            expect(page.locator("h1")).to_have_text("Đồng chí đang ngoại tuyến")
            assert title not in page.content(), path
    finally:
        context.set_offline(False)
