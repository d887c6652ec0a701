"""Confirming an import preview is once-only, decided in the database: a double submit (two tabs, a double
click, two web processes) imports the file once; the other confirmation gets 409 and a Vietnamese message. A
failed import leaves the preview unclaimed, so the leader can try again."""
from __future__ import annotations

import io
import re
import threading

import pytest
from sqlalchemy import func, select

from handbook.audit.service import Actor
from handbook.extensions import db
from handbook.members import import_previews, importer
from handbook.members.models import ImportPreview, Member
from handbook.members.samples.make import make_rows, write_workbook
from handbook.org.models import OrgKind, Role
from tests.support import csrf_from, login

ROWS = 150


def _file(count: int = ROWS) -> bytes:
    """Rows without CCCD or card number: nothing unique in the database stops a second copy of them."""
    rows = make_rows(count, seed=11)
    for row in rows:
        row[7] = row[15] = None
    out = io.BytesIO()
    write_workbook(out, rows)
    return out.getvalue()


@pytest.fixture
def cell(factory):
    cell = factory.org("Chi bộ 5", OrgKind.CHI_BO)
    leader = factory.user("bt@test.vn", name="Bí thư")
    factory.member(cell, leader, name="Lê Văn Thư", cccd="001070000001")
    factory.grant(leader, cell, Role.BI_THU)
    factory.commit()
    return cell


def _members() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Member.id)))


def _upload(client, cell, data: bytes):
    page = client.get(f"/members/import?org={cell.id}").get_data(as_text=True)
    return client.post("/members/import", data={"csrf_token": csrf_from(page), "org": str(cell.id),
                                                "file": (io.BytesIO(data), "ds.xlsx")},
                       content_type="multipart/form-data")


def _preview(client, cell, data: bytes | None = None) -> str:
    response = _upload(client, cell, data or _file())
    assert response.status_code == 200
    return re.search(r"/members/import/([0-9a-f]{32})", response.get_data(as_text=True)).group(1)


def test_two_confirmations_at_the_same_moment_import_once(app, factory, cell, monkeypatch):
    tabs = [app.test_client() for _ in range(2)]
    for tab in tabs:
        login(tab, "bt@test.vn")
    token = _preview(tabs[0], cell)
    tokens = [csrf_from(tab.get("/profile").get_data(as_text=True)) for tab in tabs]
    before = _members()
    db.session.commit()
    db.session.close()  # the test's own session holds nothing while the two requests run

    # Both requests pass every check before either writes: they meet here, then import at once.
    meet = threading.Barrier(2, timeout=60)
    original = importer.import_valid

    def at_once(*args, **kwargs):
        meet.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(importer, "import_valid", at_once)
    results: list = [None, None]

    def confirm(i: int) -> None:
        with app.app_context():  # a request of its own, as in another web process
            response = tabs[i].post(f"/members/import/{token}", data={"csrf_token": tokens[i], "mode": "all"})
            results[i] = (response.status_code, response.get_data(as_text=True))

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    statuses = sorted(status for status, _html in results)
    assert statuses == [200, 409], [r[1][:300] for r in results]
    assert _members() == before + ROWS  # not 2 × ROWS
    refused = next(html for status, html in results if status == 409)
    assert "Tệp này đã được nhập lúc" in refused and "không nhập thêm gì" in refused
    assert db.session.scalar(select(ImportPreview.confirmed_at)) is not None


def test_a_second_confirmation_later_is_refused_too(app, client, cell):
    login(client, "bt@test.vn")
    data = _file()
    token = _preview(client, cell, data)
    csrf = csrf_from(client.get("/profile").get_data(as_text=True))
    assert client.post(f"/members/import/{token}", data={"csrf_token": csrf, "mode": "all"}).status_code == 200
    count = _members()
    again = client.post(f"/members/import/{token}", data={"csrf_token": csrf, "mode": "all"})
    assert again.status_code == 409 and "Tệp này đã được nhập lúc" in again.get_data(as_text=True)
    assert _members() == count
    # The same file uploaded again: the preview says it was imported before.
    response = _upload(client, cell, data)
    assert "Tệp giống hệt tệp này đã được nhập vào chi bộ lúc" in response.get_data(as_text=True)


def test_a_failed_import_leaves_the_preview_for_another_try(app, factory, cell, monkeypatch):
    leader = db.session.scalar(select(Member.user_id).where(Member.user_id.is_not(None)))
    data = _file(5)
    preview = import_previews.register_preview("a" * 32, leader, cell, data)
    report = importer.validate_file(io.BytesIO(data))

    def broken(*args, **kwargs):
        raise RuntimeError("mất kết nối giữa chừng")

    monkeypatch.setattr(importer.audit, "record", broken)
    with pytest.raises(RuntimeError):
        importer.import_valid(report, cell, Actor(leader), preview=preview)
    monkeypatch.undo()
    db.session.expire_all()
    assert preview.confirmed_at is None and _members() == 1
    assert importer.import_valid(importer.validate_file(io.BytesIO(data)), cell, Actor(leader), preview=preview) == 5
    with pytest.raises(importer.AlreadyImported) as refused:
        importer.import_valid(importer.validate_file(io.BytesIO(data)), cell, Actor(leader), preview=preview)
    assert refused.value.confirmed_at is not None and _members() == 6


def test_a_preview_is_only_for_its_uploader(app, client, factory, cell):
    other = factory.user("bt2@test.vn")
    factory.grant(other, cell, Role.BI_THU)
    factory.commit()
    login(client, "bt@test.vn")
    token = _preview(client, cell)
    intruder = app.test_client()
    login(intruder, "bt2@test.vn")
    csrf = csrf_from(intruder.get("/profile").get_data(as_text=True))
    assert intruder.post(f"/members/import/{token}", data={"csrf_token": csrf, "mode": "all"}).status_code == 404
    assert intruder.post(f"/members/import/{token}/cancel", data={"csrf_token": csrf}).status_code == 404
    assert db.session.scalar(select(ImportPreview.token_hash)) != token  # only its digest is stored
