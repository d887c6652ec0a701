"""Sinh hoạt tạm thời at phone size, in large text, in real Chromium: the receiving cell's bí thư asks, the member's
own bí thư confirms, the member sees it on their profile — no page wider than the screen."""
from __future__ import annotations

import threading

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from tests.browser.test_login_browser import login

PASSWORD = "Matkhau@2026"  # tests.factories.Factory.PASSWORD


@pytest.fixture(scope="module")
def temporary_server(tmp_path_factory):
    from handbook.core.timeutil import local_today
    from handbook.org.models import OrgKind, Role
    from tests.factories import Factory
    from tests.support import build_app

    app = build_app(tmp_path_factory.mktemp("temporary"), "temporarybrowser")
    with app.app_context():
        factory = Factory()
        ward = factory.org("Đảng bộ phường Hòa Cường Bắc", OrgKind.DANG_BO_XA)
        receiving = factory.org("Chi bộ Khu dân cư số 12 phường Hòa Cường Bắc", OrgKind.CHI_BO, ward)
        home = factory.org("Chi bộ Trường Trung học cơ sở Nguyễn Huệ", OrgKind.CHI_BO, ward)
        for email, cell in (("nhan@test.vn", receiving), ("nha@test.vn", home)):
            user = factory.user(email, name="Bí thư")
            factory.member(cell, user)
            factory.grant(user, cell, Role.BI_THU)
        factory.member(home, factory.user("khach@test.vn", name="Nguyễn Thị Thu Hương"),
                       name="Nguyễn Thị Thu Hương", card_number="48012345")
        factory.commit()
        today = local_today()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", today
    server.shutdown()
    thread.join(timeout=5)


def _large_text(page: Page, base: str) -> None:
    page.goto(base + "/profile")
    page.get_by_label("Chữ lớn").check()
    page.get_by_role("button", name="Lưu cỡ chữ").click()
    page.wait_for_load_state("load")


def _fits(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_ask_confirm_and_see_it_at_360_px_in_large_text(browser: Browser, browser_context_args, temporary_server):
    base, today = temporary_server

    receiving = browser.new_context(**browser_context_args)
    page = receiving.new_page()
    login(page, base, "nhan@test.vn", PASSWORD)
    _large_text(page, base)
    page.goto(base + "/org/")
    page.get_by_role("link", name="Chi bộ Khu dân cư số 12 phường Hòa Cường Bắc").click()
    page.get_by_role("link", name="Sinh hoạt tạm thời").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sinh hoạt tạm thời")
    assert _fits(page)
    page.get_by_label("Số thẻ đảng viên").fill("4801 2345")
    page.get_by_label("Ngày sinh của đảng viên").fill("01/01/1980")
    page.get_by_label("Lý do").select_option("cong_tac")
    page.get_by_label("Sinh hoạt tạm thời đến ngày").fill((today + relativedelta(months=5)).isoformat())
    page.get_by_role("button", name="Gửi đề nghị").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi nhận đề nghị tiếp nhận")
    expect(page.locator("main")).to_contain_text("chờ chi bộ nơi đảng viên sinh hoạt xác nhận")
    expect(page.locator("main")).not_to_contain_text("Nguyễn Thị Thu Hương")
    assert _fits(page)
    receiving.close()

    home = browser.new_context(**browser_context_args)
    page = home.new_page()
    login(page, base, "nha@test.vn", PASSWORD)
    _large_text(page, base)
    page.goto(base + "/org/")
    page.get_by_role("link", name="Chi bộ Trường Trung học cơ sở Nguyễn Huệ").click()
    page.get_by_role("link", name="Sinh hoạt tạm thời").click()
    card = page.locator("section.card", has_text="Nguyễn Thị Thu Hương")
    expect(card).to_contain_text("Nơi tiếp nhận: Chi bộ Khu dân cư số 12 phường Hòa Cường Bắc")
    assert _fits(page)
    card.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("status")).to_contain_text("Đã xác nhận cho đảng viên sinh hoạt tạm thời")
    assert _fits(page)
    home.close()

    member = browser.new_context(**browser_context_args)
    page = member.new_page()
    login(page, base, "khach@test.vn", PASSWORD)
    page.goto(base + "/profile")
    until = today + relativedelta(months=5)
    expect(page.locator("#temporary")).to_contain_text(
        f"Đồng chí đang sinh hoạt tạm thời tại Chi bộ Khu dân cư số 12 phường Hòa Cường Bắc đến ngày {until:%d/%m/%Y}.")
    assert _fits(page)
    member.close()
