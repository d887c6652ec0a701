"""A permanent transfer at phone size, in large text, in real Chromium: the member finds the new cell of another
ward in the directory and asks, their bí thư issues the letter, the receiving cell's bí thư confirms, and the
member arrives with their history — no page wider than the screen."""
from __future__ import annotations

import threading

import pytest
from playwright.sync_api import Browser, expect
from werkzeug.serving import make_server

from tests.browser.test_login_browser import login
from tests.browser.test_temporary_browser import _fits, _large_text

PASSWORD = "Matkhau@2026"  # tests.factories.Factory.PASSWORD
LEAVING = "Chi bộ Trường Trung học cơ sở Nguyễn Huệ"
ARRIVING = "Chi bộ Khu dân cư số 7 phường Hòa Cường Nam"


@pytest.fixture(scope="module")
def moves_server(tmp_path_factory):
    from handbook.core.timeutil import local_today
    from handbook.extensions import db
    from handbook.members.move_models import ReceivingOrganisation
    from handbook.org.models import OrgKind, Role
    from tests.factories import Factory
    from tests.support import build_app

    app = build_app(tmp_path_factory.mktemp("moves"), "movesbrowser")
    with app.app_context():
        factory = Factory()
        city = factory.org("Đảng bộ thành phố Đà Nẵng", OrgKind.DANG_BO_TINH)
        ward_a = factory.org("Đảng bộ phường Hòa Cường Bắc", OrgKind.DANG_BO_XA, city)
        ward_b = factory.org("Đảng bộ phường Hòa Cường Nam", OrgKind.DANG_BO_XA, city)
        leaving = factory.org(LEAVING, OrgKind.CHI_BO, ward_a)
        arriving = factory.org(ARRIVING, OrgKind.CHI_BO, ward_b)
        for email, cell in (("bta@test.vn", leaving), ("btb@test.vn", arriving)):
            user = factory.user(email, name="Bí thư")
            factory.member(cell, user)
            factory.grant(user, cell, Role.BI_THU)
        factory.member(leaving, factory.user("chuyen@test.vn", name="Lê Văn Chuyển"), name="Lê Văn Chuyển")
        db.session.add(ReceivingOrganisation(owner_id=ward_b.id, name=ARRIVING, address="45 Núi Thành",
                                             phone="0236 3611 222", organisation_id=arriving.id))
        factory.commit()
        today = local_today()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", today
    server.shutdown()
    thread.join(timeout=5)


def test_request_letter_arrival_at_360_px_in_large_text(browser: Browser, browser_context_args, moves_server):
    base, today = moves_server

    member = browser.new_context(**browser_context_args)
    page = member.new_page()
    login(page, base, "chuyen@test.vn", PASSWORD)
    _large_text(page, base)
    page.goto(base + "/")
    page.get_by_role("link", name="Chuyển sinh hoạt đảng").click()
    page.get_by_role("link", name="Đề nghị chuyển sinh hoạt").click()
    page.get_by_label("Tên hoặc địa chỉ của tổ chức đảng nơi chuyển đến").fill("Hòa Cường Nam")
    page.get_by_role("button", name="Tìm").click()
    expect(page.locator("main")).to_contain_text("45 Núi Thành")
    assert _fits(page)
    page.locator("input[name=destination]").first.check()
    page.get_by_label("Hình thức").select_option("chinh_thuc")
    page.get_by_label("Lý do").select_option("cu_tru")
    page.get_by_label("Ngày có sự thay đổi").fill(f"{today:%d/%m/%Y}")
    page.get_by_role("button", name="Gửi yêu cầu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã gửi yêu cầu")
    card = page.locator("section.move")
    expect(card).to_contain_text("Chờ chi bộ làm giấy giới thiệu")
    expect(card.locator(".countdown")).to_contain_text("ngày làm việc để có giấy giới thiệu")
    assert _fits(page)
    member.close()

    sending = browser.new_context(**browser_context_args)
    page = sending.new_page()
    login(page, base, "bta@test.vn", PASSWORD)
    _large_text(page, base)
    page.goto(base + "/org/")
    page.get_by_role("link", name=LEAVING).click()
    page.get_by_role("link", name="Chuyển sinh hoạt đảng").first.click()
    card = page.locator("section.move", has_text="Lê Văn Chuyển")
    card.get_by_label("Số giấy giới thiệu").fill("25-GGT/ĐU")
    card.get_by_role("button", name="Ghi giấy giới thiệu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi giấy giới thiệu")
    expect(page.locator("section.move", has_text="Lê Văn Chuyển")).to_contain_text(
        "Còn 30 ngày làm việc để xuất trình giấy giới thiệu")
    assert _fits(page)
    sending.close()

    receiving = browser.new_context(**browser_context_args)
    page = receiving.new_page()
    login(page, base, "btb@test.vn", PASSWORD)
    _large_text(page, base)
    page.goto(base + "/org/")
    page.get_by_role("link", name=ARRIVING).click()
    page.get_by_role("link", name="Chuyển sinh hoạt đảng").first.click()
    card = page.locator("section.move", has_text="Lê Văn Chuyển")
    expect(card).to_contain_text("Giấy giới thiệu số 25-GGT/ĐU")
    assert _fits(page)
    card.get_by_role("button", name="Xác nhận tiếp nhận").click()
    expect(page.get_by_role("status")).to_contain_text("Đã tiếp nhận đảng viên")
    page.goto(base + "/org/")
    page.get_by_role("link", name=ARRIVING).click()
    expect(page.locator("main")).to_contain_text("Lê Văn Chuyển")  # now on the cell's list
    receiving.close()

    member = browser.new_context(**browser_context_args)
    page = member.new_page()
    login(page, base, "chuyen@test.vn", PASSWORD)
    page.goto(base + "/me/moves")
    expect(page.locator("section.move")).to_contain_text("Đã được tiếp nhận")
    history = page.locator("ul.placements")
    expect(history).to_contain_text(ARRIVING)
    expect(history).to_contain_text(LEAVING)
    assert _fits(page)
    member.close()
