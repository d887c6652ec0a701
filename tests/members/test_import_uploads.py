"""A member file uploaded for preview waits in instance/imports/ for a day (import_previews.KEEP_PREVIEWS): the worker's
daily round forgets the previews past their day and their files, and a new preview's clean-up never deletes the
upload of a preview another request has just registered."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.members import import_previews
from handbook.members.models import ImportPreview
from handbook.members.samples.make import make_rows, write_workbook
from handbook.org.models import OrgKind, Role
from tests.support import csrf_from, signed_in


def _workbook() -> bytes:
    out = io.BytesIO()
    write_workbook(out, make_rows(3, seed=5))
    return out.getvalue()


@pytest.fixture
def cell(factory):
    cell = factory.org("Chi bộ 5", OrgKind.CHI_BO)
    leader = factory.user("bt@test.vn", name="Bí thư")
    factory.member(cell, leader, name="Lê Văn Thư")
    factory.grant(leader, cell, Role.BI_THU)
    factory.commit()
    cell.leader_id = leader.id
    return cell


def _register(cell, token: str, *, age: timedelta = timedelta(0)) -> None:
    data = _workbook()
    import_previews.register_preview(token, cell.leader_id, cell, data, now=utcnow() - age)
    import_previews.upload_path(token).write_bytes(data)
    import_previews.upload_path(token, "-rejected").write_bytes(data)


def test_the_daily_round_forgets_previews_past_their_day_and_their_files(app, cell):
    _register(cell, "a" * 32, age=timedelta(hours=25))
    _register(cell, "b" * 32, age=timedelta(hours=23))
    import_previews.upload_path("c" * 32).write_bytes(b"an upload whose preview is gone")
    assert import_previews.purge_previews() == 1
    assert set(db.session.scalars(select(ImportPreview.token_hash))) == {import_previews.token_digest("b" * 32)}
    kept = sorted(path.name for path in import_previews.upload_dir().glob("*.xlsx"))
    digest = import_previews.token_digest("b" * 32)
    assert kept == [f"{digest}-rejected.xlsx", f"{digest}.xlsx"]


def test_a_preview_registered_meanwhile_keeps_its_upload(app, cell, monkeypatch):
    """Another request registers its preview and writes its file while this one's clean-up runs, right after the
    clean-up read which previews are live: that upload stays."""
    client = signed_in(app, "bt@test.vn")
    page = client.get(f"/members/import?org={cell.id}").get_data(as_text=True)
    scalars, raced = db.session.scalars, []

    def racing(statement, *args, **kwargs):
        rows = list(scalars(statement, *args, **kwargs))
        if str(statement).startswith("SELECT member_import_previews.token_hash") and not raced:
            raced.append(True)
            _register(cell, "d" * 32)  # the other request: its row committed, then its file written
        return rows

    monkeypatch.setattr(db.session, "scalars", racing)
    response = client.post("/members/import", data={"csrf_token": csrf_from(page), "org": str(cell.id),
                                                     "file": (io.BytesIO(_workbook()), "ds.xlsx")},
                           content_type="multipart/form-data")
    monkeypatch.undo()
    assert response.status_code == 200 and raced
    token = re.search(r"/members/import/([0-9a-f]{32})", response.get_data(as_text=True)).group(1)
    assert import_previews.upload_path("d" * 32).is_file() and import_previews.upload_path(token).is_file()
