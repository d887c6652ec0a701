"""The tree's history in words."""
from __future__ import annotations

from handbook.core.i18n import gettext as _
from handbook.core.i18n import lazy_gettext as _l
from handbook.org.models import OrgChange, OrgChangeKind

CHANGE_LABELS = {
    OrgChangeKind.CREATE: _l("Thành lập"),
    OrgChangeKind.RENAME: _l("Đổi tên"),
    OrgChangeKind.MOVE: _l("Chuyển cấp trên"),
    OrgChangeKind.MERGE: _l("Hợp nhất"),
    OrgChangeKind.SPLIT: _l("Chia tách"),
    OrgChangeKind.DISSOLVE: _l("Giải thể"),
}


def describe(change: OrgChange) -> str:
    """What the change did, from the names kept with it."""
    d = change.details or {}
    if change.kind is OrgChangeKind.RENAME:
        return _("%(old)s → %(new)s", old=d.get("old_name", ""), new=d.get("new_name", ""))
    if change.kind is OrgChangeKind.MOVE:
        return _("Từ %(old)s sang %(new)s", old=d.get("old_parent_name") or "—", new=d.get("new_parent_name") or "—")
    if change.kind is OrgChangeKind.MERGE:
        return _("Tiếp nhận: %(names)s (%(n)d đảng viên)", names=", ".join(d.get("merged_names", [])),
                 n=d.get("members", 0))
    if change.kind is OrgChangeKind.SPLIT:
        return _("Tách ra: %(names)s (%(n)d đảng viên)", names=", ".join(d.get("new_names", [])),
                 n=d.get("members", 0))
    if change.kind is OrgChangeKind.DISSOLVE and d.get("into_name"):
        return _("Hợp nhất vào %(name)s", name=d["into_name"])
    return ""
