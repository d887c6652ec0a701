"""Which organisation a committee's page opens on: the one asked for, if the caller manages it, or the highest one
they manage."""
from __future__ import annotations

from flask import abort
from sqlalchemy import select

from handbook.core.web import require
from handbook.extensions import db
from handbook.org.access import Access, can_manage_org
from handbook.org.models import Organisation


def highest_managed(access: Access) -> Organisation | None:
    """The organisation a report opens on: the highest the caller manages (the root, for an admin)."""
    if access.is_admin:
        return db.session.scalar(select(Organisation).where(Organisation.parent_id.is_(None),
                                                            Organisation.dissolved_on.is_(None))
                                 .order_by(Organisation.id).limit(1))
    if not access.grants:
        return None
    top = min(access.grants, key=lambda grant: (grant.path.count("/"), grant.path))
    return db.session.get(Organisation, top.organisation_id)


def managed_org(access: Access, raw: str | None) -> Organisation:
    """The organisation `raw` (an id as typed in `?organisation_id=`), or the caller's highest one when it is empty:
    404 when it is not a number, does not exist or is outside what the caller manages."""
    raw = (raw or "").strip()
    if raw:
        if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
            abort(404)
        org = db.session.get(Organisation, int(raw))
    else:
        org = highest_managed(access)
    require(org is not None and can_manage_org(access, org))
    return org


class Below:
    """The live organisations directly below `org` (by name), and which of them a path in `org`'s subtree lies
    under — what a report adds its cells' rows up to."""

    def __init__(self, org: Organisation) -> None:
        self.org = org
        self.children: list[tuple[int, str]] = [(child_id, name) for child_id, name in db.session.execute(
            select(Organisation.id, Organisation.name)
            .where(Organisation.parent_id == org.id, Organisation.dissolved_on.is_(None))
            .order_by(Organisation.name, Organisation.id))]
        self._names = dict(self.children)
        self._prefix = len(org.path)

    def child_id(self, path: str) -> int | None:
        """The child `path` (an organisation's path in the subtree) is under; None: `org` itself, or a child
        dissolved since."""
        rest = path[self._prefix:]
        if not rest:
            return None
        child = int(rest.split("/", 1)[0])
        return child if child in self._names else None

    def under(self, path: str) -> str:
        """The name of the child `path` is under, or `org`'s own for itself."""
        child = self.child_id(path)
        return self._names[child] if child is not None else self.org.name
