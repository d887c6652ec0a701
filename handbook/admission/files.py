"""The scans attached to a dossier's steps: a PDF, JPEG or PNG recognised by its first bytes (never by its name),
at most ADMISSION_FILE_MAX_BYTES, stored under instance/admission_files/ with a random name."""
from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from handbook.admission.errors import AdmissionError
from handbook.admission.steps import setting
from handbook.core.i18n import gettext as _
from handbook.core.storage import write_file

#: first bytes → (media type, extension of the stored file)
SIGNATURES = (
    (b"%PDF-", ("application/pdf", ".pdf")),
    (b"\xff\xd8\xff", ("image/jpeg", ".jpg")),
    (b"\x89PNG\r\n\x1a\n", ("image/png", ".png")),
)
KEY_CHARS = frozenset("0123456789abcdef.jpgpdfn")


@dataclass(frozen=True)
class Scan:
    """An uploaded file as received: the name the user gave it and its bytes."""

    filename: str
    data: bytes


def max_bytes() -> int:
    return setting("ADMISSION_FILE_MAX_BYTES")


def read_scan(filename: str | None, stream) -> Scan | None:
    """Read at most the limit (+1 byte, to tell), so an oversize upload is refused without reading all of it."""
    if not filename:
        return None
    limit = max_bytes()
    data = stream.read(limit + 1)
    return Scan(os.path.basename(filename.replace("\\", "/"))[:200] or "tep", data)


def check_scan(scan: Scan) -> tuple[str, str]:
    """The media type and extension of an acceptable scan; AdmissionError (field "upload") otherwise."""
    limit = max_bytes()
    if not scan.data:
        raise AdmissionError(_("Tệp “%(name)s” rỗng.", name=scan.filename), "upload")
    if len(scan.data) > limit:
        raise AdmissionError(_("Tệp “%(name)s” quá lớn (tối đa %(mb)d MB).", name=scan.filename,
                               mb=max(1, limit // (1024 * 1024))), "upload")
    for signature, kind in SIGNATURES:
        if scan.data.startswith(signature):
            return kind
    raise AdmissionError(_("Bản chụp phải là tệp PDF, JPEG hoặc PNG."), "upload")


def storage_dir() -> str:
    path = os.path.join(current_app.instance_path, "admission_files")
    os.makedirs(path, exist_ok=True)
    return path


def store(scan: Scan) -> tuple[str, str]:
    """Write a checked scan under a random name; returns (key, media type). StorageError leaves no file behind."""
    content_type, extension = check_scan(scan)
    key = secrets.token_hex(16) + extension
    write_file(os.path.join(storage_dir(), key), scan.data)
    return key, content_type


def path_of(key: str) -> str:
    """The stored file of `key` (a key is only ever one this module made: hex and an extension)."""
    if not key or not set(key) <= KEY_CHARS or "/" in key or key.startswith("."):
        raise FileNotFoundError(key)
    return os.path.join(storage_dir(), key)


def delete(key: str | None) -> None:
    if key:
        with contextlib.suppress(FileNotFoundError):
            Path(path_of(key)).unlink(missing_ok=True)
