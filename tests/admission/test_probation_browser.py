"""Probation at phone size, in large text, in real Chromium: the bí thư records the ceremony with a sponsor, the
sponsor finds the member from the home page and writes a note, the due list — no page wider than the screen."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from tests.browser.test_login_browser import login

PASSWORD = "Matkhau@2026"  # tests.factories.Factory.PASSWORD


@pytest.fixture(scope="module")
def probation_server(tmp_path_factory):
    from handbook.admission.models import DossierStep, StepStatus
    from handbook.core.timeutil import local_today
    from handbook.extensions import db
    from handbook.org.models import OrgKind, Role
    from tests.factories import Factory
    from tests.support import build_app

    app = build_app(tmp_path_factory.mktemp("probation"), "probationbrowser")
    with app.app_context():
        factory = Factory()
        ward = factory.org("Đảng bộ phường Hòa Cường Nam", OrgKind.DANG_BO_XA)
        cell = factory.org("Chi bộ Khu dân cư số 7 phường Hòa Cường Nam", OrgKind.CHI_BO, ward)
        leader = factory.user("bithu@test.vn", name="Nguyễn Thị Bí Thư")
        factory.member(cell, leader, name="Nguyễn Thị Bí Thư")
        factory.grant(leader, cell, Role.BI_THU)
        factory.member(cell, factory.user("giupdo@test.vn", name="Trần Văn Giúp Đỡ"), name="Trần Văn Giúp Đỡ")
        candidate = factory.candidate(cell, name="Lê Thị Quần Chúng Ưu Tú Có Tên Rất Dài")
        today = local_today()
        for code, day in (("cell_resolution", today - timedelta(days=40)), ("decision", today - timedelta(days=1))):
            db.session.add(DossierStep(candidate_id=candidate.id, step=code, status=StepStatus.XONG, done_on=day))
        factory.commit()
        candidate_id = candidate.id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", today, candidate_id
    server.shutdown()
    thread.join(timeout=5)


def _large_text(page: Page, base: str) -> None:
    page.goto(base + "/profile")
    page.get_by_label("Chữ lớn").check()
    page.get_by_role("button", name="Lưu cỡ chữ").click()
    page.wait_for_load_state("load")


def _fits(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_ceremony_sponsor_and_notes_at_360_px_in_large_text(browser: Browser, browser_context_args,
                                                           probation_server):
    base, today, candidate_id = probation_server
    leaders = browser.new_context(**browser_context_args)
    page = leaders.new_page()
    login(page, base, "bithu@test.vn", PASSWORD)
    _large_text(page, base)
    page.goto(f"{base}/admission/candidates/{candidate_id}/ceremony")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ghi nhận lễ kết nạp")
    assert _fits(page)
    page.get_by_label("Ngày tổ chức lễ kết nạp").fill(today.strftime("%d/%m/%Y"))
    page.get_by_label("Đảng viên được phân công giúp đỡ").select_option(label="Trần Văn Giúp Đỡ")
    page.get_by_role("button", name="Ghi nhận lễ kết nạp").click()
    expect(page.locator("main")).to_contain_text("là đảng viên dự bị từ ngày " + today.strftime("%d/%m/%Y"))
    page.goto(base + "/admission/due")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Việc quá hạn và sắp đến hạn")
    assert _fits(page)
    leaders.close()

    sponsors = browser.new_context(**browser_context_args)
    page = sponsors.new_page()
    login(page, base, "giupdo@test.vn", PASSWORD)
    _large_text(page, base)
    page.goto(base + "/")
    page.get_by_role("link", name="Đảng viên dự bị tôi giúp đỡ").click()
    assert _fits(page)
    page.get_by_role("link", name="Lê Thị Quần Chúng Ưu Tú Có Tên Rất Dài").click()
    expect(page.locator("main")).to_contain_text("Hết 12 tháng dự bị")
    page.get_by_label("Nhận xét").fill("Đồng chí tích cực tham gia sinh hoạt, hoàn thành tốt nhiệm vụ được giao.")
    page.get_by_role("button", name="Lưu nhận xét").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã lưu nhận xét")
    expect(page.locator("main")).to_contain_text("hoàn thành tốt nhiệm vụ được giao")
    assert _fits(page)
    sponsors.close()
