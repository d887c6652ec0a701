"""Temporary exemption at phone size, in large text, in real Chromium: a member asks, the cell's bí thư approves, and
when the period has ended (the worker's round and the reminder rules run for later days) the member is back and was
reminded — no page wider than the screen."""
from __future__ import annotations

import threading
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from tests.browser.test_login_browser import login

PASSWORD = "Matkhau@2026"  # tests.factories.Factory.PASSWORD


@pytest.fixture(scope="module")
def exemption_server(tmp_path_factory):
    from handbook.core.timeutil import local_today
    from handbook.org.models import OrgKind, Role
    from tests.factories import Factory
    from tests.support import build_app

    app = build_app(tmp_path_factory.mktemp("exemption"), "exemptionbrowser")
    with app.app_context():
        factory = Factory()
        ward = factory.org("Đảng bộ phường Hòa Cường Bắc", OrgKind.DANG_BO_XA)
        cell = factory.org("Chi bộ Khu dân cư số 12 phường Hòa Cường Bắc", OrgKind.CHI_BO, ward)
        leader = factory.user("bithu@test.vn", name="Bí thư")
        factory.member(cell, leader, name="Trần Thị Bí Thư")
        factory.grant(leader, cell, Role.BI_THU)
        factory.member(cell, factory.user("xa@test.vn", name="Nguyễn Văn Đi Xa"), name="Nguyễn Văn Đi Xa")
        factory.commit()
        today, cell_id = local_today(), cell.id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", today, app, cell_id
    server.shutdown()
    thread.join(timeout=5)


def _large_text(page: Page, base: str) -> None:
    page.goto(base + "/profile")
    page.get_by_label("Chữ lớn").check()
    page.get_by_role("button", name="Lưu cỡ chữ").click()
    page.wait_for_load_state("load")


def _fits(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_ask_approve_and_come_back_reminded_at_360_px(browser: Browser, browser_context_args, exemption_server):
    from handbook.core.timeutil import local_zone
    from handbook.exemptions.service import apply_due
    from handbook.notify.rules import run_rules

    base, today, app, cell_id = exemption_server
    until = today + timedelta(days=20)

    member = browser.new_context(**browser_context_args)
    page = member.new_page()
    login(page, base, "xa@test.vn", PASSWORD)
    _large_text(page, base)
    page.goto(base + "/profile")
    page.get_by_role("link", name="Miễn, tạm miễn sinh hoạt đảng").click()
    expect(page.locator("#state")).to_contain_text("Đồng chí đang sinh hoạt bình thường.")
    page.get_by_label("Tạm miễn sinh hoạt đảng").check()
    page.get_by_label("Lý do").select_option("lam_an_xa")
    page.get_by_label("Trình bày thêm").fill("Đi làm ở công trường tỉnh Gia Lai")
    page.get_by_label("Từ ngày").fill(f"{today:%d/%m/%Y}")
    page.get_by_label("Đến hết ngày").fill(f"{until:%d/%m/%Y}")
    page.get_by_role("button", name="Gửi đơn").click()
    expect(page.get_by_role("status")).to_contain_text("Đã gửi đơn")
    expect(page.locator("main")).to_contain_text("Chờ chi bộ xem xét")
    assert _fits(page)

    leader = browser.new_context(**browser_context_args)
    lpage = leader.new_page()
    login(lpage, base, "bithu@test.vn", PASSWORD)
    _large_text(lpage, base)
    lpage.goto(f"{base}/org/{cell_id}")
    lpage.get_by_role("link", name="Miễn, tạm miễn sinh hoạt").click()
    expect(lpage.locator("main")).to_contain_text("Đơn chờ chi bộ xem xét (1)")
    assert _fits(lpage)
    lpage.get_by_role("link", name="Xem xét").click()
    lpage.get_by_role("radio", name="Chấp thuận", exact=True).check()
    lpage.get_by_label("Số nghị quyết").fill("25-NQ/CB")
    lpage.get_by_label("Ngày nghị quyết").fill(f"{today:%d/%m/%Y}")
    lpage.get_by_role("button", name="Ghi nhận").click()
    expect(lpage.get_by_role("status")).to_contain_text("Đã ghi nhận quyết định của chi bộ")
    assert _fits(lpage)
    leader.close()

    page.reload()
    expect(page.locator("#state")).to_contain_text("Đồng chí đang được tạm miễn sinh hoạt đảng.")
    expect(page.locator("#state")).to_contain_text("còn 20 ngày")
    assert _fits(page)

    with app.app_context():  # the days pass: the reminder rules a week before the end, the worker the day after
        run_rules(datetime.combine(until - timedelta(days=7), time(8), tzinfo=local_zone()))
        apply_due(until + timedelta(days=1))
        run_rules(datetime.combine(until + timedelta(days=1), time(8), tzinfo=local_zone()))
    page.goto(base + "/me/exemptions")
    expect(page.locator("#state")).to_contain_text("Đồng chí đang sinh hoạt bình thường.")
    expect(page.locator("main")).to_contain_text(f"Trở lại sinh hoạt từ {until + timedelta(days=1):%d/%m/%Y}")
    page.goto(base + "/notifications")
    expect(page.locator("main")).to_contain_text("Sắp hết thời gian tạm miễn sinh hoạt")
    expect(page.locator("main")).to_contain_text("Đồng chí đã trở lại sinh hoạt")
    assert _fits(page)
    member.close()
