"""A full disk while storing an upload (meeting document, member photo, regulation attachment): a clear
Vietnamese message with 507, no database row, no partial file. The disk is filled by making the final write
to it (fsync) fail with ENOSPC after the bytes went into the new file, as a real full disk does."""
from __future__ import annotations

import errno
import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from handbook.audit.models import AuditEvent
from handbook.core import storage
from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.meetings import scheduling
from handbook.meetings.models import MeetingDocument, MeetingFormat, MeetingKind
from handbook.members.models import Member, MemberChange
from handbook.org.models import OrgKind, Role
from handbook.regulations.models import Attachment, Document
from tests.support import get_csrf, login

FULL = "Máy chủ đã hết chỗ lưu trữ nên chưa lưu được tệp"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def disk_full(monkeypatch):
    def fsync(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(storage.os, "fsync", fsync)


@pytest.fixture
def scene(factory):
    ward = factory.org("Đảng bộ phường A", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ A", OrgKind.CHI_BO, ward)
    leader = factory.user("bithu@test.vn")
    factory.member(cell, leader)
    factory.grant(leader, cell, Role.BI_THU)
    admin = factory.user("admin@test.vn")
    admin.is_admin = True
    member = factory.member(cell, factory.user("dv@test.vn"))
    factory.commit()
    starts = utcnow() + timedelta(days=3)
    meeting = scheduling.create_meeting(cell, scheduling.MeetingInput(
        kind=MeetingKind.THUONG_KY, format=MeetingFormat.TRUC_TIEP, starts_at=starts,
        ends_at=starts + timedelta(minutes=90), place="Nhà văn hóa"), leader.id)
    return {"ward": ward, "meeting": meeting, "member": member}


def _files(app, folder: str) -> list[str]:
    path = Path(app.instance_path) / folder
    return sorted(p.name for p in path.iterdir()) if path.exists() else []


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_meeting_document_on_a_full_disk(app, client, scene, disk_full):
    login(client, "bithu@test.vn")
    meeting = scene["meeting"]
    before = _files(app, "uploads/meetings")
    data = {"csrf_token": get_csrf(client, f"/meetings/{meeting.id}/edit"), "title": "Dự thảo", "link_url": "",
            "file": (io.BytesIO(PDF), "du-thao.pdf")}
    response = client.post(f"/meetings/{meeting.id}/documents", data=data, content_type="multipart/form-data")
    assert response.status_code == 507 and FULL in response.get_data(as_text=True)
    assert _count(MeetingDocument) == 0 and _files(app, "uploads/meetings") == before


def test_member_photo_on_a_full_disk(app, client, scene, disk_full):
    login(client, "dv@test.vn")
    member = scene["member"]
    before = _files(app, "member_photos")
    audited = _count(AuditEvent)  # the login itself is audited
    image = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(image, "PNG")
    data = {"csrf_token": get_csrf(client, f"/members/{member.id}/contact"),
            "photo": (io.BytesIO(image.getvalue()), "anh.png")}
    response = client.post(f"/members/{member.id}/photo", data=data, content_type="multipart/form-data")
    assert response.status_code == 507 and FULL in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Member, member.id).photo_file is None
    assert _count(MemberChange) == 0 and _count(AuditEvent) == audited
    assert _files(app, "member_photos") == before


def test_regulation_attachment_on_a_full_disk(app, client, scene, disk_full):
    login(client, "admin@test.vn")
    before = _files(app, "regulations")
    data = {"kind": "quy_dinh", "number": "05-QĐ/ĐU", "title": "Quy định về sinh hoạt chi bộ",
            "issuer": "Đảng ủy phường A", "issue_date": "2026-03-01", "effective_date": "",
            "audience": str(scene["ward"].id), "body": "Điều 1. Phạm vi\nChi bộ sinh hoạt hằng tháng.",
            "csrf_token": get_csrf(client, "/regulations/new"), "attachment": (io.BytesIO(PDF), "quy-dinh.pdf")}
    response = client.post("/regulations/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 507 and FULL in response.get_data(as_text=True)
    assert _count(Document) == 0 and _count(Attachment) == 0 and _files(app, "regulations") == before


def test_other_write_errors_are_503_and_leave_no_file(tmp_path, monkeypatch):
    def fail(fd):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(storage.os, "fsync", fail)
    with pytest.raises(storage.StorageError) as caught:
        storage.write_file(tmp_path / "x.pdf", b"data")
    assert caught.value.status == 503 and list(tmp_path.iterdir()) == []
    (tmp_path / "taken.pdf").write_bytes(b"theirs")  # never removes a file it did not create
    with pytest.raises(storage.StorageError):
        storage.write_file(tmp_path / "taken.pdf", b"mine")
    assert (tmp_path / "taken.pdf").read_bytes() == b"theirs"
