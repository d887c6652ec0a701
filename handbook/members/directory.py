"""The directory of receiving organisations: where members move to, kept by committee staff for their scope and
searched by whoever chooses a destination (a member sees names, addresses, phones and hours only)."""
from __future__ import annotations

import re

from sqlalchemy import func, or_, select

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import gettext as _
from handbook.extensions import db
from handbook.members.move_models import ReceivingOrganisation
from handbook.org.access import Access, can_keep_directory
from handbook.org.models import Organisation

PHONE = re.compile(r"^\+?[0-9 .()-]{6,30}$")
LIMITS = {"name": 200, "address": 255, "phone": 30, "hours": 200}


class DirectoryError(ValueError):
    """An entry that cannot be saved; the message is Vietnamese, for the form."""


def clean(values: dict) -> dict:
    """The entry's fields trimmed and checked: DirectoryError with the first problem."""
    found = {name: " ".join((values.get(name) or "").split()) or None for name in LIMITS}
    if not found["name"]:
        raise DirectoryError(_("Vui lòng nhập tên tổ chức đảng."))
    labels = {"name": _("Tên"), "address": _("Địa chỉ"), "phone": _("Điện thoại"), "hours": _("Giờ tiếp nhận")}
    for name, limit in LIMITS.items():
        if found[name] and len(found[name]) > limit:
            raise DirectoryError(_("%(what)s: dài quá %(n)d ký tự.", what=labels[name], n=limit))
    if found["phone"] and not PHONE.match(found["phone"]):
        raise DirectoryError(_("Số điện thoại chỉ gồm chữ số (có thể có dấu +, khoảng trắng, dấu chấm)."))
    code = (values.get("code") or "").strip()
    found["organisation_id"] = None
    if code:
        org = db.session.scalar(select(Organisation).where(Organisation.code == code))
        if org is None or org.dissolved_on is not None:
            raise DirectoryError(_("Không có tổ chức nào với mã %(code)s trong hệ thống, hoặc tổ chức đó đã giải "
                                   "thể.", code=code[:40]))
        found["organisation_id"] = org.id
    return found


def entries_of(owner: Organisation) -> list[ReceivingOrganisation]:
    return list(db.session.scalars(select(ReceivingOrganisation).where(ReceivingOrganisation.owner_id == owner.id)
                                   .order_by(ReceivingOrganisation.name)))


def search(text: str | None, limit: int = 20) -> list[ReceivingOrganisation]:
    """Entries whose name or address contains every word of `text` (case-insensitive), by name."""
    words = (text or "").split()[:6]
    query = select(ReceivingOrganisation).order_by(ReceivingOrganisation.name, ReceivingOrganisation.id).limit(limit)
    for word in words:
        word = word.lower()[:50]
        query = query.where(or_(func.lower(ReceivingOrganisation.name).contains(word, autoescape=True),
                                func.lower(ReceivingOrganisation.address).contains(word, autoescape=True)))
    return list(db.session.scalars(query))


def kept_entry(entry_id: int, access: Access) -> ReceivingOrganisation:
    """An entry the caller keeps; LookupError otherwise (say 404)."""
    entry = db.session.get(ReceivingOrganisation, entry_id)
    if entry is None or not can_keep_directory(access, entry.owner):
        raise LookupError(entry_id)
    return entry


def add(owner: Organisation, values: dict, actor: Actor) -> ReceivingOrganisation:
    entry = ReceivingOrganisation(owner_id=owner.id, **clean(values))
    db.session.add(entry)
    db.session.flush()
    audit.record("member.directory_add", actor, target_type="organisation", target_id=owner.id, other_id=entry.id)
    db.session.commit()
    return entry


def update(entry: ReceivingOrganisation, values: dict, actor: Actor) -> ReceivingOrganisation:
    for name, value in clean(values).items():
        setattr(entry, name, value)
    audit.record("member.directory_edit", actor, target_type="organisation", target_id=entry.owner_id,
                 other_id=entry.id)
    db.session.commit()
    return entry


def remove(entry: ReceivingOrganisation, actor: Actor) -> None:
    """Moves that named the entry keep its name (`MemberTransfer.destination_name`)."""
    audit.record("member.directory_remove", actor, target_type="organisation", target_id=entry.owner_id,
                 other_id=entry.id)
    db.session.delete(entry)
    db.session.commit()
