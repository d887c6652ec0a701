"""Member-import previews: an upload waits for its confirmation (KEEP_PREVIEWS) as a row holding only its token's
digest and the file in instance/imports/ named by that digest; the worker's daily round forgets both."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select

from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.members.models import ImportPreview
from handbook.org.models import Organisation

KEEP_PREVIEWS = timedelta(hours=24)  # an upload waits this long for its confirmation (the file, too)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# A preview's upload waits in instance/imports/, named by its token's digest as the preview's row is (and its
# rejected rows beside it, "<digest>-rejected.xlsx"). The row is committed before the file is written.

def upload_dir() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_path(token: str, suffix: str = "") -> Path:
    """Where a preview's upload (`suffix` "-rejected": its rejected rows) is kept."""
    return upload_dir() / f"{token_digest(token)}{suffix}.xlsx"


def forget_stale_uploads(now: datetime | None = None) -> int:
    """Delete the files of previews that are gone or past KEEP_PREVIEWS — decided by the previews, not by the
    files' times, which the server's clock need not agree with. The files are listed first and their previews
    looked up after: a file another request has just written already has its row, whereas a list of live previews
    taken before the files were listed would not know it and the new upload would go. How many files went."""
    now = now or utcnow()
    files = list(upload_dir().glob("*.xlsx"))
    digests = sorted({path.name[:64] for path in files})
    live: set[str] = set()
    for start in range(0, len(digests), 500):
        live.update(db.session.scalars(select(ImportPreview.token_hash).where(
            ImportPreview.token_hash.in_(digests[start:start + 500]), ImportPreview.created_at >= now - KEEP_PREVIEWS)))
    stale = [path for path in files if path.name[:64] not in live]
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)


def purge_previews(now: datetime | None = None) -> int:
    """Forget the previews past KEEP_PREVIEWS and their files (the worker's daily round, so an upload does not wait
    for the next preview to go). How many previews went."""
    now = now or utcnow()
    removed = db.session.execute(delete(ImportPreview).where(ImportPreview.created_at < now - KEEP_PREVIEWS)).rowcount
    db.session.commit()
    forget_stale_uploads(now)
    return removed


def register_preview(token: str, user_id: int, cell: Organisation, data: bytes, *,
                     now: datetime | None = None) -> ImportPreview:
    """Remember an upload being previewed (only the digest of its token is kept); old previews are forgotten."""
    now = now or utcnow()
    db.session.execute(delete(ImportPreview).where(ImportPreview.created_at < now - KEEP_PREVIEWS))
    preview = ImportPreview(token_hash=token_digest(token), user_id=user_id, organisation_id=cell.id,
                            file_digest=hashlib.sha256(data).hexdigest(), created_at=now)
    db.session.add(preview)
    db.session.commit()
    return preview


def find_preview(token: str, user_id: int) -> ImportPreview | None:
    """The preview of this token, only for the user who uploaded it."""
    return db.session.scalar(select(ImportPreview).where(ImportPreview.token_hash == token_digest(token),
                                                         ImportPreview.user_id == user_id))


def earlier_import(preview: ImportPreview) -> datetime | None:
    """When the same file was last imported into the same cell, if it was (shown on the preview)."""
    return db.session.scalar(
        select(ImportPreview.confirmed_at)
        .where(ImportPreview.organisation_id == preview.organisation_id,
               ImportPreview.file_digest == preview.file_digest, ImportPreview.confirmed_at.is_not(None),
               ImportPreview.id != preview.id)
        .order_by(ImportPreview.confirmed_at.desc()).limit(1))
