"""Meeting documents: uploads checked by size and content, stored under instance/, or links."""
from __future__ import annotations

import os
import secrets
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import gettext as _
from handbook.core.storage import write_file
from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.meetings.models import DocumentRead, Meeting, MeetingDocument
from handbook.meetings.validation import MeetingError, check_link

MAX_BYTES = 10 * 1024 * 1024
# extension → (content type, magic prefixes)
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG",)),
}


def upload_dir() -> Path:
    path = Path(current_app.instance_path) / "uploads" / "meetings"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _audit(document: MeetingDocument, by_user_id: int | None, actor: Actor | None) -> None:
    db.session.flush()
    audit.record("meeting.document", actor if actor is not None else Actor(user_id=by_user_id), target_type="meeting",
                 target_id=document.meeting_id, document_id=document.id)


def add_upload(meeting: Meeting, upload: FileStorage, title: str | None, by_user_id: int, *,
               actor: Actor | None = None) -> MeetingDocument:
    """Store a file after checking its type by content and its size; nothing is kept on failure."""
    original = upload.filename or ""
    ext = os.path.splitext(original)[1].lower()
    if ext not in ALLOWED:
        raise MeetingError(_("Chỉ nhận tệp PDF, Word, Excel, PowerPoint, ODT hoặc ảnh JPG/PNG."))
    content_type, magics = ALLOWED[ext]
    data = upload.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise MeetingError(_("Tệp quá lớn (tối đa 10 MB)."))
    if not data:
        raise MeetingError(_("Tệp rỗng."))
    if not data.startswith(magics):
        raise MeetingError(_("Nội dung tệp không đúng với định dạng %(ext)s.", ext=ext))
    stored = secrets.token_hex(16) + ext
    path = upload_dir() / stored
    write_file(path, data)  # StorageError (full disk) leaves no file behind
    name = secure_filename(original) or f"tai-lieu{ext}"
    document = MeetingDocument(
        meeting_id=meeting.id, title=(title or "").strip()[:300] or original[:300], stored_name=stored,
        filename=original[:255] or name, content_type=content_type, size_bytes=len(data), uploaded_by_id=by_user_id,
    )
    db.session.add(document)
    try:
        _audit(document, by_user_id, actor)
        db.session.commit()
    except Exception:
        db.session.rollback()
        path.unlink(missing_ok=True)
        raise
    return document


def add_link(meeting: Meeting, url: str | None, title: str | None, by_user_id: int, *,
             actor: Actor | None = None) -> MeetingDocument:
    url = check_link(url, _("Đường dẫn tài liệu phải là địa chỉ web bắt đầu bằng http:// hoặc https://, "
                            "ví dụ https://thuvienphapluat.vn/…"))
    if not url:
        raise MeetingError(_("Vui lòng chọn tệp để tải lên hoặc nhập đường dẫn tới tài liệu."))
    title = (title or "").strip()
    if not title or len(title) > 300:
        raise MeetingError(_("Tài liệu cần có tên (tối đa 300 ký tự)."))
    document = MeetingDocument(meeting_id=meeting.id, title=title, link_url=url, uploaded_by_id=by_user_id)
    db.session.add(document)
    _audit(document, by_user_id, actor)
    db.session.commit()
    return document


def stored_path(document: MeetingDocument) -> Path | None:
    if not document.stored_name:
        return None
    return upload_dir() / document.stored_name


def mark_read(meeting: Meeting, member_id: int, now: datetime | None = None) -> None:
    """`member_id` opened a document of `meeting`: the first time is kept, later ones (another document, a double
    click, two tabs at once) change nothing — one INSERT … ON CONFLICT DO NOTHING on the unique (meeting, member),
    committed on its own. Who counts (the meeting's invitees opening it themselves) is the caller's to decide."""
    table = DocumentRead.__table__
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(dialect.insert(table).values(meeting_id=meeting.id, member_id=member_id,
                                                    first_read_at=now or utcnow())
                       .on_conflict_do_nothing(index_elements=["meeting_id", "member_id"]))
    db.session.commit()
