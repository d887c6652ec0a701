"""Writing uploaded files under instance/: all or nothing, and a clear message when the disk is full."""
from __future__ import annotations

import errno
import os
from pathlib import Path

from handbook.core.i18n import lazy_gettext as _l

NO_SPACE = {errno.ENOSPC, errno.EDQUOT}


class StorageError(Exception):
    """The server could not store a file. `status`: 507 when the disk (or quota) is full, else 503."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def write_file(path: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to a new file at `path`; on any OS error no partial file stays and StorageError is raised."""
    path = Path(path)
    created = False
    try:
        with open(path, "xb") as fh:
            created = True
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())  # a full disk often shows only when the data reaches it
    except OSError as exc:
        if created:
            path.unlink(missing_ok=True)
        raise storage_error(exc) from exc
    return path


def storage_error(exc: OSError) -> StorageError:
    if exc.errno in NO_SPACE:
        return StorageError(str(_l("Máy chủ đã hết chỗ lưu trữ nên chưa lưu được tệp; không có gì bị lưu dở. "
                                   "Vui lòng báo quản trị viên và thử lại sau.")), 507)
    return StorageError(str(_l("Máy chủ tạm thời không lưu được tệp; không có gì bị lưu dở. "
                               "Vui lòng thử lại sau.")), 503)
