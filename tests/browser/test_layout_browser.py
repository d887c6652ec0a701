"""In real Chromium on a 360 px phone: no page of a member is wider than the screen in large-text mode, even
with a long e-mail, address or link; validation speaks Vietnamese (the server's messages, never the
browser's own bubbles; offline, the page's words)."""
from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.browser.pwa_helpers import future_meeting_id, login, wait_controlled

LONG_EMAIL = "nguyen.tran.minh.dangvien.khudancuso3.phuonghaichau@thanhphodanang-dangbo.gov.vn"
LONG_WORD = "Khudancuso3-Tổ12-PhườngHảiChâu-QuậnHảiChâu-ThànhphốĐàNẵng-ViệtNam"
LONG_URL = "https://meet.jit.si/ChiBoKhuDanCuSo3PhuongHaiChauSinhHoatThuongKyThang12NamHaiNghinHaiMuoiSau"


@pytest.fixture(scope="module")
def layout_app(tmp_path_factory):
    """Its own seeded app (this module writes): the demo member with a long e-mail and address, and a notice
    whose text is one long link — what breaks a narrow layout."""
    from handbook.auth.models import User
    from handbook.demo.seed import seed_demo
    from handbook.extensions import db
    from handbook.members.models import Member
    from handbook.notify.models import Notification
    from tests.support import build_app

    app = build_app(tmp_path_factory.mktemp("layout-demo"), "layoutdemo")
    with app.app_context():
        seed_demo(members=None, if_empty=False, echo=lambda *_: None)
        user = db.session.scalar(select(User).where(User.email == "dangvien@demo.vn"))
        member = db.session.scalar(select(Member).where(Member.user_id == user.id))
        member.email, member.residence = LONG_EMAIL, LONG_WORD
        db.session.add(Notification(user_id=user.id, kind="test", title=LONG_WORD, body=LONG_URL, url="/",
                                    tag="long", dedupe_key="layout-long"))
        db.session.commit()
    return app


@pytest.fixture(scope="module")
def layout_server(layout_app):
    server = make_server("127.0.0.1", 0, layout_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def _member_pages(app) -> list[str]:
    from handbook.auth.models import User
    from handbook.extensions import db
    from handbook.members.models import Member
    from handbook.regulations.models import Article, Document

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "dangvien@demo.vn"))
        cell_id = db.session.scalar(select(Member.cell_id).where(Member.user_id == user.id))
        article_id = db.session.scalar(select(Article.id).join(Document, Document.id == Article.document_id)
                                       .where(Document.audience_org_id.is_(None)).order_by(Article.id).limit(1))
    return ["/", "/meetings", f"/meetings/{future_meeting_id(app, 'dangvien@demo.vn')}", "/regulations",
            f"/regulations/articles/{article_id}", "/notifications", "/profile", "/me/data", f"/org/{cell_id}"]


def _large_text(page: Page, base: str) -> None:
    page.goto(base + "/profile")
    page.get_by_label("Chữ lớn").check()
    page.get_by_role("button", name="Lưu cỡ chữ").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-large\b"))
    page.wait_for_load_state("load")


WIDEST = """() => {
  const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '')
              + ' ' + Math.round(e.getBoundingClientRect().right));
  return {width: document.documentElement.scrollWidth, wide: wide.slice(0, 5)};
}"""


def test_no_member_page_is_wider_than_a_360px_phone_in_large_text(page: Page, layout_app, layout_server):
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, layout_server, "dangvien@demo.vn")
    _large_text(page, layout_server)
    too_wide = {}
    for path in _member_pages(layout_app):
        response = page.goto(layout_server + path)
        assert response.status == 200, path
        measured = page.evaluate(WIDEST)
        if measured["width"] > 360:
            too_wide[path] = measured
    assert too_wide == {}
    # the long values are really on the pages measured
    page.goto(layout_server + "/profile")
    expect(page.locator("main")).to_contain_text(LONG_EMAIL)
    page.goto(layout_server + "/notifications")
    expect(page.locator("main")).to_contain_text(LONG_WORD)


def _leader_pages(app) -> list[str]:
    from handbook.auth.models import User
    from handbook.extensions import db
    from handbook.meetings.models import Meeting, MeetingStatus
    from handbook.members.models import Member

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "dangvien@demo.vn"))
        member = db.session.scalar(select(Member).where(Member.user_id == user.id))
        held = db.session.scalar(select(Meeting.id).where(Meeting.organisation_id == member.cell_id,
                                                          Meeting.status == MeetingStatus.HELD).limit(1))
        cell, future = member.cell_id, future_meeting_id(app, "dangvien@demo.vn")
        return [f"/org/{cell}", f"/members/{member.id}", f"/members/{member.id}/edit", f"/members/{member.id}/contact",
                f"/meetings/new?org={cell}", f"/meetings/{future}/edit", f"/meetings/{held}/attendance",
                f"/meetings/{held}/minutes", f"/meetings/series/new?org={cell}", "/meetings/committee",
                "/members/import", "/regulations/new"]


def test_the_secretarys_pages_fit_a_360px_phone_in_large_text(page: Page, layout_app, layout_server):
    """The cell's leader works on a phone too: wide tables scroll inside their own box, the page does not."""
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, layout_server, "bithu@demo.vn")
    _large_text(page, layout_server)
    too_wide = {}
    for path in _leader_pages(layout_app):
        response = page.goto(layout_server + path)
        assert response.status in (200, 403), path
        measured = page.evaluate(WIDEST)
        if measured["width"] > 360:
            too_wide[path] = measured
    assert too_wide == {}


def test_an_empty_required_field_is_told_in_vietnamese(page: Page, layout_app, layout_server):
    """The browser shows no bubble of its own (English on many phones): the form goes to the server, whose
    message is Vietnamese — and offline, where no server answers, the page says it in its own words."""
    login(page, layout_server, "dangvien@demo.vn")
    page.goto(layout_server + "/members/" + str(_member_id(layout_app)) + "/contact")
    page.get_by_label("Điện thoại").fill("12")
    page.get_by_role("button", name="Lưu").first.click()
    expect(page.locator("p.err")).to_have_text(re.compile(r"^Số điện thoại không hợp lệ"))

    meeting = layout_server + f"/meetings/{future_meeting_id(layout_app, 'dangvien@demo.vn')}"
    page.goto(meeting)
    reason = page.get_by_label("Lý do vắng mặt")
    expect(reason).to_have_attribute("required", "")  # still announced as required…
    assert reason.evaluate("e => e.form.noValidate")   # …but the browser does not check it itself
    page.get_by_role("button", name="Báo vắng").click()
    expect(page.locator("main")).to_contain_text("Vui lòng nhập trường này.")
    assert "fill" not in page.locator("main").inner_text()

    wait_controlled(page)
    page.context.set_offline(True)
    try:
        page.get_by_role("button", name="Báo vắng").click()
        reason = page.get_by_label("Lý do vắng mặt")
        assert reason.evaluate("e => e.validationMessage") == "Vui lòng nhập trường này."
        assert page.locator("#outbox").is_hidden()  # nothing queued
        reason.fill("Đi công tác")
        assert reason.evaluate("e => e.validity.valid")  # typing clears the message
    finally:
        page.context.set_offline(False)


def _member_id(app) -> int:
    from handbook.auth.models import User
    from handbook.extensions import db
    from handbook.members.models import Member

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "dangvien@demo.vn"))
        return db.session.scalar(select(Member.id).where(Member.user_id == user.id))
