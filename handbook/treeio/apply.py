"""Writing a checked tree file: one transaction, parents first, through the tree's own functions (org.changes:
create, rename, move — so every change is dated and kept in the history) and the positions' rules (a bí thư
position, audited, the holder's sessions ended so the new rights apply at once)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handbook.audit.service import Actor, record
from handbook.auth.sessions import revoke_all
from handbook.extensions import db
from handbook.org.changes import OrgError, create_organisation, move_organisation, rename_organisation
from handbook.org.models import Organisation, Position, Role, Scope
from handbook.treeio.validate import TreeReport

FLUSH_EVERY = 500


class TreeImportError(ValueError):
    """The file could not be written after all (the tree changed meanwhile): nothing was."""


@dataclass
class TreeResult:
    created: int = 0
    renamed: int = 0
    moved: int = 0
    secretaries: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.renamed or self.moved or self.secretaries)


def import_tree(report: TreeReport, actor: Actor, *, origin: str = "web") -> TreeResult:
    """Apply the plan of a report without problems (the caller checks `report.ok`); all or nothing."""
    result = TreeResult()
    by_code: dict[str, Organisation] = {}
    stored_ids = [row.org_id for row in report.rows if row.org_id]
    stored = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(stored_ids)))} \
        if stored_ids else {}
    parents = {row.parent for row in report.rows if row.parent} - {row.code for row in report.rows}
    outside = {o.code: o for o in db.session.scalars(select(Organisation).where(Organisation.code.in_(parents)))} \
        if parents else {}
    try:
        for index, row in enumerate(report.rows, start=1):
            parent = by_code.get(row.parent) or outside.get(row.parent) if row.parent else None
            if "create" in row.action:
                org = create_organisation(row.name, row.kind, parent, code=row.code, actor=actor)
                result.created += 1
            else:
                org = stored[row.org_id]
                if "rename" in row.action:
                    rename_organisation(org, row.name, actor=actor, commit=False)
                    result.renamed += 1
                if "move" in row.action and parent is not None:
                    move_organisation(org, parent, actor=actor, commit=False)
                    result.moved += 1
            by_code[row.code] = org
            if "secretary" in row.action:
                _give_secretary(row.secretary_id, org, actor)
                result.secretaries += 1
            if index % FLUSH_EVERY == 0:
                db.session.flush()
        record("org.import", actor, target_type="organisation", rows=len(report.rows), count=result.created,
               changed=result.renamed + result.moved, source=origin)
        db.session.commit()
    except OrgError as exc:
        db.session.rollback()
        raise TreeImportError(str(exc)) from exc
    except Exception:
        db.session.rollback()
        raise
    return result


def _give_secretary(user_id: int, org: Organisation, actor: Actor) -> None:
    """The bí thư position (as `org.positions.assign`, without its commit: part of the import's transaction)."""
    db.session.add(Position(user_id=user_id, organisation_id=org.id, role=Role.BI_THU, scope=Scope.SUBTREE))
    record("position.grant", actor, target_type="user", target_id=user_id, organisation_id=org.id,
           role=Role.BI_THU.value, mode=Scope.SUBTREE.value)
    revoke_all(user_id, commit=False)
