"""Dues at phone size, in large text, in real Chromium: the cell's bí thư records this month on the cell's sheet,
the member sees the month paid on their own page — no page wider than the screen."""
from __future__ import annotations

import threading

import pytest
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from tests.browser.test_login_browser import login

PASSWORD = "Matkhau@2026"  # tests.factories.Factory.PASSWORD


@pytest.fixture(scope="module")
def dues_server(tmp_path_factory):
    from handbook.core.timeutil import local_today
    from handbook.dues.models import Category, DuesProfile, DuesRegion
    from handbook.dues.rules import month_start
    from handbook.extensions import db
    from handbook.org.models import OrgKind, Role
    from tests.factories import Factory
    from tests.support import build_app

    app = build_app(tmp_path_factory.mktemp("dues"), "duesbrowser")
    with app.app_context():
        factory = Factory()
        ward = factory.org("Đảng bộ phường Hòa Cường Bắc", OrgKind.DANG_BO_XA)
        cell = factory.org("Chi bộ Khu dân cư số 12 phường Hòa Cường Bắc", OrgKind.CHI_BO, ward)
        leader = factory.user("bithu@test.vn", name="Bí thư")
        factory.member(cell, leader, name="Lê Văn Thủ Quỹ")
        factory.grant(leader, cell, Role.BI_THU)
        member = factory.member(cell, factory.user("dv@test.vn", name="Nguyễn Thị Thu Hương"),
                                name="Nguyễn Thị Thu Hương")
        today = local_today()
        db.session.add_all([DuesRegion(organisation_id=ward.id, region=1),
                            DuesProfile(member_id=member.id, from_month=month_start(today), category=Category.WAGE,
                                        base_amount=9_000_000)])
        factory.commit()
        member_id = member.id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", today, member_id
    server.shutdown()
    thread.join(timeout=5)


def _large_text(page: Page, base: str) -> None:
    page.goto(base + "/profile")
    page.get_by_label("Chữ lớn").check()
    page.get_by_role("button", name="Lưu cỡ chữ").click()
    page.wait_for_load_state("load")


def _fits(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_record_a_month_and_the_member_sees_it_at_360_px(browser: Browser, browser_context_args, dues_server):
    base, today, member_id = dues_server
    month = f"{today.month:02d}/{today.year}"

    leader = browser.new_context(**browser_context_args)
    page = leader.new_page()
    login(page, base, "bithu@test.vn", PASSWORD)
    _large_text(page, base)
    page.goto(base + "/org/")
    page.get_by_role("link", name="Chi bộ Khu dân cư số 12 phường Hòa Cường Bắc").click()
    page.get_by_role("link", name="Đảng phí", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bảng thu đảng phí tháng {month}")
    expect(page.locator("main")).to_contain_text("không thu tiền")
    line = page.locator("li.card", has_text="Nguyễn Thị Thu Hương")
    expect(line).to_contain_text("Phải đóng: 90.000 đ")
    assert _fits(page)
    page.locator(f"#paid_{member_id}").check()
    expect(page.locator(f"#amount_{member_id}")).to_have_value("90000")
    page.get_by_role("button", name="Lưu bảng thu").click()
    expect(page.get_by_role("status")).to_contain_text(f"Đã lưu bảng thu đảng phí tháng {month} (1 thay đổi)")
    expect(page.locator("main")).to_contain_text("Đã nộp: 1 đảng viên, 90.000 đ")
    assert _fits(page)
    leader.close()

    member = browser.new_context(**browser_context_args)
    page = member.new_page()
    login(page, base, "dv@test.vn", PASSWORD)
    _large_text(page, base)
    page.goto(base + "/profile")
    page.get_by_role("link", name="Đảng phí của tôi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Đảng phí của tôi năm {today.year}")
    row = page.locator("tr", has_text=month)
    expect(row).to_contain_text("90.000 đ")
    expect(row).to_contain_text(f"{today:%d/%m/%Y} · Tiền mặt")
    assert _fits(page)
    member.close()
