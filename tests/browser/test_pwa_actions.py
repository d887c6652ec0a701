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


PUT_ITEM = """(item) => new Promise((resolve, reject) => {
  const r = indexedDB.open('handbook', 1);
  r.onupgradeneeded = () => r.result.createObjectStore('outbox', {keyPath: 'client_id'});
  r.onsuccess = () => { const t = r.result.transaction('outbox', 'readwrite');
    t.objectStore('outbox').put(item); t.oncomplete = resolve; t.onerror = () => reject(t.error); };
})"""
OUTBOX_IDS = """() => new Promise((resolve) => {
  const r = indexedDB.open('handbook', 1);
  r.onsuccess = () => { const q = r.result.transaction('outbox').objectStore('outbox').getAllKeys();
    q.onsuccess = () => resolve(q.result); };
})"""


def test_outbox_sends_only_the_signed_in_accounts_actions_and_drops_refused(page: Page, live_server, demo_app):
    meeting_id = future_meeting_id(demo_app, "bithu@demo.vn")
    login(page, live_server, "bithu@demo.vn")
    wait_controlled(page)
    key = page.get_attribute('meta[name="user-key"]', "content")
    base = {"csrf": "", "page": "/", "label": "Báo vắng", "at": 0}
    other = {**base, "client_id": "other-account-0001", "user": "0" * 16, "form": f"/meetings/{meeting_id}/absence",
             "api": f"/api/v1/meetings/{meeting_id}/absence",
             "body": {"reason": "x", "client_id": "other-account-0001"}}
    refused = {**base, "client_id": "refused-0000001", "user": key, "form": "/meetings/999999/absence",
               "api": "/api/v1/meetings/999999/absence", "body": {"reason": "x", "client_id": "refused-0000001"}}
    page.evaluate(PUT_ITEM, other)
    page.evaluate(PUT_ITEM, refused)
    page.reload()  # the next load flushes the outbox
    for _ in range(50):
        ids = page.evaluate(OUTBOX_IDS)
        if "refused-0000001" not in ids:
            break
        page.wait_for_timeout(200)
    assert ids == ["other-account-0001"]  # the 404 was dropped; another account's action waits for its owner
    assert _rows(demo_app, "other-account-0001") == [] and _rows(demo_app, "refused-0000001") == []
