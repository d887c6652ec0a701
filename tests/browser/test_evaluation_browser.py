"""The annual evaluation at phone size, in large text, in real Chromium: a member writes and submits their
self-assessment (from the home page's link), the cell's bí thư reads it beside the year's record and rates it
"xuất sắc" — no page wider than the screen."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from tests.browser.test_login_browser import login

PASSWORD = "Matkhau@2026"  # tests.factories.Factory.PASSWORD


@pytest.fixture(scope="module")
def evaluation_server(tmp_path_factory):
    from handbook.core.timeutil import local_today
    from handbook.evaluation.models import EvaluationRound
    from handbook.evaluation.rounds import review_year
    from handbook.extensions import db
    from handbook.members.models import OccupationGroup
    from handbook.org.models import OrgKind, Role
    from tests.factories import Factory
    from tests.support import build_app

    app = build_app(tmp_path_factory.mktemp("evaluation"), "evaluationbrowser")
    with app.app_context():
        factory = Factory()
        ward = factory.org("Đảng bộ phường Hòa Cường Bắc", OrgKind.DANG_BO_XA)
        cell = factory.org("Chi bộ Khu dân cư số 12 phường Hòa Cường Bắc", OrgKind.CHI_BO, ward)
        leader = factory.user("bithu@test.vn", name="Bí thư")
        factory.member(cell, leader, name="Trần Văn Bí Thư")
        factory.grant(leader, cell, Role.BI_THU)
        factory.member(cell, factory.user("dangvien@test.vn", name="Nguyễn Thị Thu Hương"),
                       name="Nguyễn Thị Thu Hương", occupation_group=OccupationGroup.HUU_TRI)
        today = local_today()
        year = review_year(today)
        db.session.add(EvaluationRound(organisation_id=cell.id, year=year, opened_on=today,
                                       deadline=today + timedelta(days=20)))
        factory.commit()
        cell_id = cell.id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", cell_id, year
    server.shutdown()
    thread.join(timeout=5)


def _large_text(page: Page, base: str) -> None:
    page.goto(base + "/profile")
    page.get_by_label("Chữ lớn").check()
    page.get_by_role("button", name="Lưu cỡ chữ").click()
    page.wait_for_load_state("load")


def _fits(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_self_assessment_then_the_leaders_rating_at_360_px(browser: Browser, browser_context_args, evaluation_server):
    base, cell_id, year = evaluation_server

    member = browser.new_context(**browser_context_args)
    page = member.new_page()
    login(page, base, "dangvien@test.vn", PASSWORD)
    _large_text(page, base)
    page.goto(base + "/")
    page.get_by_role("link", name="Đánh giá, xếp loại của tôi").click()
    page.get_by_role("link", name="Viết bản tự kiểm điểm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bản tự kiểm điểm năm {year}")
    expect(page.locator("main")).to_contain_text("Mẫu 2C")
    expect(page.locator("main")).to_contain_text("Dự sinh hoạt")
    assert _fits(page)
    for label, text in (("Phẩm chất chính trị, tư tưởng", "Kiên định, vững vàng."),
                        ("Đạo đức, lối sống; thực hiện trách nhiệm nêu gương", "Giản dị, gương mẫu."),
                        ("Ý thức tổ chức kỷ luật; tự phê bình và phê bình", "Dự đủ các buổi sinh hoạt."),
                        ("Thực hiện nhiệm vụ đảng viên; nhiệm vụ chi bộ phân công", "Vận động bà con khu phố."),
                        ("Thực hiện nghĩa vụ công dân và quy định nơi cư trú", "Chấp hành tốt."),
                        ("Hạn chế, khuyết điểm và nguyên nhân", "Có lúc chưa đọc kỹ tài liệu."),
                        ("Kết quả khắc phục hạn chế đã chỉ ra; phương hướng, biện pháp khắc phục", "Đọc kỹ hơn.")):
        page.get_by_label(label).fill(text)
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu bản nháp.")
    page.get_by_label("Tự nhận mức xếp loại").select_option("tot")
    page.get_by_role("button", name="Nộp").click()
    expect(page.get_by_role("status")).to_contain_text("Đã nộp bản tự kiểm điểm.")
    expect(page.locator("main")).to_contain_text("Bản đã nộp chỉ sửa được khi chi bộ mở lại.")
    assert _fits(page)
    member.close()

    leader = browser.new_context(**browser_context_args)
    page = leader.new_page()
    login(page, base, "bithu@test.vn", PASSWORD)
    _large_text(page, base)
    page.goto(base + "/")
    page.get_by_role("link", name="Đánh giá, xếp loại đảng viên của chi bộ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Đánh giá, xếp loại năm {year}")
    assert _fits(page)
    page.get_by_role("link", name="Nguyễn Thị Thu Hương").click()
    expect(page.locator("main")).to_contain_text("Vận động bà con khu phố.")
    page.get_by_label("Tổng điểm (thang 100)").fill("95")
    page.get_by_role("button", name="Ghi xếp loại").click()  # 95, but not every task done: "hoàn thành" at most
    expect(page.get_by_role("status")).to_contain_text(": Hoàn thành nhiệm vụ (95 điểm)")
    page.get_by_role("link", name="Nguyễn Thị Thu Hương").click()
    page.get_by_label("Mức xếp loại").select_option("xuat_sac")
    page.get_by_role("button", name="Ghi xếp loại").click()  # asked for without its conditions: refused
    expect(page.locator("main")).to_contain_text("ít nhất 30 % tổng số nhiệm vụ hoàn thành vượt mức yêu cầu")
    assert _fits(page)
    page.get_by_label("Hoàn thành 100 % nhiệm vụ được giao, đúng hạn, bảo đảm chất lượng").check()
    page.get_by_label("Tỷ lệ nhiệm vụ hoàn thành vượt mức yêu cầu (%)").fill("30")
    page.get_by_role("button", name="Ghi xếp loại").click()
    expect(page.get_by_role("status")).to_contain_text("Hoàn thành xuất sắc nhiệm vụ (95 điểm)")
    expect(page.locator("main")).to_contain_text("Hoàn thành xuất sắc nhiệm vụ · 95 điểm")
    assert _fits(page)
    leader.close()
