"""Member photos: JPEG or PNG checked by content, resized, re-encoded as JPEG under instance/member_photos/."""
from __future__ import annotations

import io
import os
import secrets
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.storage import write_file
from handbook.extensions import db
from handbook.members.models import Member, MemberChange

MAX_PHOTO_BYTES = 3 * 1024 * 1024
MAX_SIDE = 480  # pixels; plenty for a record page on a phone
ACCEPTED = {"JPEG", "PNG"}
Image.MAX_IMAGE_PIXELS = 40_000_000  # refuse decompression bombs early


class PhotoError(ValueError):
    pass


def photo_dir() -> Path:
    path = Path(current_app.instance_path) / "member_photos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def photo_path(member: Member) -> Path | None:
    if not member.photo_file:
        return None
    path = photo_dir() / member.photo_file
    return path if path.is_file() else None


def _process(data: bytes) -> bytes:
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoError(str(_l("Ảnh quá lớn (tối đa 3 MB).")))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()
        if kind not in ACCEPTED:
            raise PhotoError(str(_l("Ảnh phải là tệp JPEG hoặc PNG.")))
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            image.save(out, "JPEG", quality=85, optimize=True)
            return out.getvalue()
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoError(str(_l("Tệp không phải ảnh JPEG hoặc PNG hợp lệ."))) from exc


def save_photo(member: Member, data: bytes, actor: Actor) -> None:
    """Replace the member's photo (one transaction; the old file is removed after the commit)."""
    jpeg = _process(data)
    name = f"{member.id}-{secrets.token_hex(8)}.jpg"
    target = photo_dir() / name
    write_file(target, jpeg)  # StorageError (full disk) leaves no file behind
    old = member.photo_file
    member.photo_file = name
    db.session.add(MemberChange(member_id=member.id, field="photo_file", old_value=old, new_value=name,
                                changed_by_id=actor.user_id))
    audit.record("member.photo", actor, target_type="member", target_id=member.id)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        target.unlink(missing_ok=True)
        raise
    if old:
        (photo_dir() / os.path.basename(old)).unlink(missing_ok=True)
