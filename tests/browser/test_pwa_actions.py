"""An absence notice sent offline waits in IndexedDB ("đang chờ gửi") and reaches the server exactly once."""
from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import func, select

from tests.browser.pwa_helpers import future_meeting_id, login, visit, wait_controlled


def _rows(demo_app, client_id: str) -> list[tuple[str, str]]:
    from handbook.extensions import db
    from handbook.meetings.models import Attendance

    with demo_app.app_context():
        return [(a.status.value, a.reason) for a in db.session.scalars(
            select(Attendance).where(Attendance.client_ref == client_id))]


def _count(demo_app, meeting_id: int) -> int:
    from handbook.extensions import db
    from handbook.meetings.models import Attendance

    with demo_app.app_context():
        return db.session.scalar(select(func.count()).select_from(Attendance).where(
            Attendance.meeting_id == meeting_id))


def test_offline_absence_reaches_server_exactly_once(page: Page, context: BrowserContext, live_server, demo_app):
    meeting_id = future_meeting_id(demo_app, "dangvien@demo.vn")
    path = f"/meetings/{meeting_id}"
    login(page, live_server, "dangvien@demo.vn")
    wait_controlled(page)
    visit(page, live_server, path)
    before = _count(demo_app, meeting_id)
    form = page.locator("form.offline-action").filter(has=page.get_by_role("button", name="Báo vắng"))
    client_id = form.locator("input[name=client_id]").input_value()
    assert len(client_id) == 36  # crypto.randomUUID()

    context.set_offline(True)
    page.reload()  # the meeting page itself comes from the cache
    form = page.locator("form.offline-action").filter(has=page.get_by_role("button", name="Báo vắng"))
    client_id = form.locator("input[name=client_id]").input_value()
    form.get_by_label("Lý do vắng mặt").fill("Đi làm ca đêm ở khu công nghiệp")
    form.get_by_role("button", name="Báo vắng").click()
    pending = page.locator(".pending")
    expect(pending).to_have_text("Báo vắng — đang chờ gửi")
    expect(page.locator("#outbox")).to_be_visible()
    page.wait_for_timeout(500)
    assert _rows(demo_app, client_id) == []  # nothing reached the server while offline

    page.reload()  # still offline: the waiting action is still shown
    expect(page.locator(".pending")).to_have_text("Báo vắng — đang chờ gửi")

    context.set_offline(False)  # back online: the page tells the worker, which sends it
    expect(page.locator(".pending")).to_have_text("Đã gửi", timeout=10_000)
    expect(page.locator("#outbox")).to_be_hidden()
    assert _rows(demo_app, client_id) == [("vang_co_ly_do", "Đi làm ca đêm ở khu công nghiệp")]
    assert _count(demo_app, meeting_id) == before + 1

    # Later loads and a second "online" find nothing left to send; still one record.
    page.reload()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(500)
    assert _count(demo_app, meeting_id) == before + 1
    expect(page.locator("main")).to_contain_text("Vắng có lý do")
