"""At phone size in real Chromium: the bí thư schedules a meeting, a member sees it and sends 'Báo vắng'."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, expect

from tests.browser.test_login_browser import login

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
TITLE = "Sinh hoạt chuyên đề: học tập và làm theo Chỉ thị 50"


def test_secretary_schedules_and_member_sends_absence(browser: Browser, browser_context_args, live_server):
    tomorrow = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date() + timedelta(days=1)

    leader = browser.new_context(**browser_context_args)
    page = leader.new_page()
    login(page, live_server, "bithu@demo.vn")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Lịch họp").click()
    page.get_by_text("Lập lịch cho chi bộ").click()
    page.get_by_role("link", name="Thêm buổi họp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lên lịch buổi họp")
    page.get_by_label("Loại sinh hoạt").select_option("chuyen_de")
    page.get_by_label("Tiêu đề (để trống để tự đặt)").fill(TITLE)
    page.get_by_label("Ngày họp").fill(tomorrow.isoformat())
    page.get_by_label("Giờ bắt đầu").fill("07:00")
    page.get_by_label("Giờ kết thúc").fill("08:30")
    page.get_by_label("Địa điểm").fill("Nhà văn hóa khu dân cư số 3")
    page.get_by_label("Chương trình (mỗi dòng một nội dung)").fill("Quán triệt Chỉ thị 50\nThảo luận")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lên lịch buổi họp")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling on a phone
    leader.close()

    member = browser.new_context(**browser_context_args)
    page = member.new_page()
    login(page, live_server, "dangvien@demo.vn")
    main = page.locator("main")
    expect(main).to_contain_text(TITLE)
    expect(main).to_contain_text(f"{WEEKDAYS[tomorrow.weekday()]}, {tomorrow:%d/%m/%Y}, 07:00")
    main.get_by_role("link", name=TITLE).click()
    expect(main).to_contain_text("Quán triệt Chỉ thị 50")
    page.get_by_label("Lý do vắng mặt").fill("Đi công tác Hội An")
    page.get_by_role("button", name="Báo vắng").click()
    expect(page.get_by_role("status")).to_contain_text("Đã gửi báo vắng tới chi bộ.")
    expect(main).to_contain_text("Vắng có lý do: Đi công tác Hội An")
    expect(page.get_by_role("button", name="Báo vắng", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Rút báo vắng, tôi sẽ dự họp")).to_be_visible()  # until it starts
    member.close()
