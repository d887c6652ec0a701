"""Uploaded files: importing a body from .docx / text, and attachments stored under instance/regulations/."""
from __future__ import annotations

import io
import os
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from handbook.core.i18n import gettext as _
from handbook.core.storage import write_file
from handbook.regulations.models import Attachment, Document

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_DOCX_UNPACKED = 60 * 1024 * 1024  # a .docx is a zip: refuse one that unpacks to more (a "zip bomb")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ATTACHMENT_TYPES = {".pdf": "application/pdf", ".docx": DOCX_TYPE}
SOURCE_EXTENSIONS = (".docx", ".txt", ".md")


class UploadError(ValueError):
    """A file we refuse, with a message for the user."""


@dataclass
class Upload:
    filename: str
    data: bytes

    @property
    def extension(self) -> str:
        return os.path.splitext(self.filename.lower())[1]


def read_upload(filename: str | None, stream, limit: int = MAX_UPLOAD_BYTES) -> Upload | None:
    """Read at most `limit` bytes (+1 to tell), so an oversize file is refused without reading all of it."""
    if not filename:
        return None
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UploadError(_("Tệp “%(name)s” quá lớn (tối đa %(mb)d MB).", name=filename, mb=limit // (1024 * 1024)))
    if not data:
        raise UploadError(_("Tệp “%(name)s” rỗng.", name=filename))
    return Upload(os.path.basename(filename.replace("\\", "/"))[:200] or "tep", data)


def docx_text(data: bytes) -> str:
    """The paragraphs of a .docx, one a line; a broken file raises UploadError."""
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UploadError(_("Tệp .docx bị hỏng hoặc không đúng định dạng Word (.docx)."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadError(_("Tệp .docx bị hỏng hoặc không đúng định dạng Word (.docx).")) from exc
    if unpacked > MAX_DOCX_UNPACKED:
        raise UploadError(_("Tệp .docx quá lớn khi giải nén (tối đa %(mb)d MB).", mb=MAX_DOCX_UNPACKED // 2**20))
    try:
        document = docx.Document(io.BytesIO(data))
        return "\n".join(p.text for p in document.paragraphs)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, AttributeError, OSError) as exc:
        raise UploadError(_("Tệp .docx bị hỏng hoặc không đúng định dạng Word (.docx).")) from exc
    except Exception as exc:  # lxml and zip errors of every kind in a crafted file
        current_app.logger.info("Unreadable .docx: %r", exc)
        raise UploadError(_("Tệp .docx bị hỏng hoặc không đúng định dạng Word (.docx).")) from exc


def source_text(upload: Upload) -> str:
    """The text to parse for structure, from a .docx, .txt or .md file."""
    if upload.extension == ".docx":
        return docx_text(upload.data)
    if upload.extension in (".txt", ".md"):
        try:
            return upload.data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UploadError(_("Tệp văn bản phải được mã hoá UTF-8.")) from exc
    raise UploadError(_("Chỉ nhập được nội dung từ tệp .docx, .txt hoặc .md."))


def check_attachment(upload: Upload) -> str:
    """The content type of an acceptable attachment (PDF or DOCX, checked by content), else UploadError."""
    content_type = ATTACHMENT_TYPES.get(upload.extension)
    if content_type is None:
        raise UploadError(_("Tệp đính kèm phải là PDF hoặc DOCX."))
    if upload.extension == ".pdf" and not upload.data.startswith(b"%PDF-"):
        raise UploadError(_("Tệp “%(name)s” không phải là tệp PDF hợp lệ.", name=upload.filename))
    if upload.extension == ".docx" and not zipfile.is_zipfile(io.BytesIO(upload.data)):
        raise UploadError(_("Tệp .docx bị hỏng hoặc không đúng định dạng Word (.docx)."))
    return content_type


def storage_dir() -> str:
    path = os.path.join(current_app.instance_path, "regulations")
    os.makedirs(path, exist_ok=True)
    return path


def add_attachment(document: Document, upload: Upload) -> Attachment:
    """Write the file under instance/regulations/ with a random name and add its row (not committed)."""
    content_type = check_attachment(upload)
    stored = secrets.token_hex(16) + upload.extension
    write_file(os.path.join(storage_dir(), stored), upload.data)  # StorageError leaves no file behind
    attachment = Attachment(filename=upload.filename, stored_name=stored, content_type=content_type,
                            size=len(upload.data))
    document.attachments.append(attachment)
    return attachment


def remove_stored(attachment: Attachment) -> None:
    Path(attachment_path(attachment)).unlink(missing_ok=True)


def attachment_path(attachment: Attachment) -> str:
    return os.path.join(storage_dir(), attachment.stored_name)
