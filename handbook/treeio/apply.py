"""Writing a checked tree file: one transaction, parents first, through the tree's own functions (org.changes:
create, rename, move — so every change is dated and kept in the history) and the positions' rules (a bí thư
position, audited, the holder's sessions ended so the new rights apply at once)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from handbook.audit.service import Actor, record
from handbook.auth.sessions import revoke_all
from handbook.extensions import db
from handbook.org.changes import OrgError, create_checked, move_organisation, rename_organisation, set_unit_type
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
    unit_types: int = 0  #: organisations already there whose unit type the file set

    @property
    def changed(self) -> bool:
        return bool(self.created or self.renamed or self.moved or self.secretaries or self.unit_types)


def import_tree(report: TreeReport, actor: Actor, *, origin: str = "web") -> TreeResult:
    """Apply the plan of a report without problems (the caller checks `report.ok`); all or nothing."""
    result = TreeResult()
    stored_ids = [row.org_id for row in report.rows if row.org_id]
    stored = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(stored_ids)))} \
        if stored_ids else {}
    parents = {row.parent for row in report.rows if row.parent} - {row.code for row in report.rows}
    outside = {o.code: o for o in db.session.scalars(select(Organisation).where(Organisation.code.in_(parents)))} \
        if parents else {}
    # New organisations go in batches (org.changes.create_checked; benchmarks/org_import.py): a row whose parent is
    # still waiting in the batch writes the batch first (rows come parents first, so about once per level).
    placed: dict[str, tuple[int, str, int]] = {o.code: (o.id, o.path, o.depth) for o in outside.values()}
    waiting: list = []
    waiting_codes: set[str] = set()

    def write_waiting() -> None:
        rows = [(row.name, row.kind, row.code, *placed[row.parent]) if row.parent else
                (row.name, row.kind, row.code, None, "", 0) for row in waiting]
        spots = create_checked(rows, actor=actor)
        typed = [{"id": spot[0], "unit_type": row.unit_type} for row, spot in zip(waiting, spots, strict=True)
                 if row.unit_type is not None]
        if typed:
            db.session.execute(update(Organisation), typed)
        for row, spot in zip(waiting, spots, strict=True):
            placed[row.code] = spot
            if "secretary" in row.action:
                _give_secretary(row.secretary_id, spot[0], actor)
                result.secretaries += 1
        result.created += len(waiting)
        waiting.clear()
        waiting_codes.clear()

    try:
        for row in report.rows:
            if row.parent in waiting_codes or len(waiting) >= FLUSH_EVERY or ("create" not in row.action and waiting):
                write_waiting()
            if "create" in row.action:
                waiting.append(row)
                waiting_codes.add(row.code)
                continue
            org = stored[row.org_id]
            if "rename" in row.action:
                rename_organisation(org, row.name, actor=actor, commit=False)
                result.renamed += 1
            if "move" in row.action and row.parent:
                parent = db.session.get(Organisation, placed[row.parent][0]) if row.parent in placed else \
                    next(o for o in stored.values() if o.code == row.parent)
                move_organisation(org, parent, actor=actor, commit=False)
                result.moved += 1
            if "unit_type" in row.action:
                set_unit_type(org, row.unit_type, actor=actor, commit=False)
                result.unit_types += 1
            db.session.flush()
            placed[row.code] = (org.id, org.path, org.depth)
            if "secretary" in row.action:
                _give_secretary(row.secretary_id, org.id, actor)
                result.secretaries += 1
        write_waiting()
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


def _give_secretary(user_id: int, org_id: int, actor: Actor) -> None:
    """The bí thư position (as `org.positions.assign`, without its commit: part of the import's transaction)."""
    db.session.add(Position(user_id=user_id, organisation_id=org_id, role=Role.BI_THU, scope=Scope.SUBTREE))
    record("position.grant", actor, target_type="user", target_id=user_id, organisation_id=org_id,
           role=Role.BI_THU.value, mode=Scope.SUBTREE.value)
    revoke_all(user_id, commit=False)
