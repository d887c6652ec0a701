"""A big tree file is written in batches (per level, not several flushes and a lookup per organisation); every
new organisation still gets its path, its first version and its "create" change."""
from __future__ import annotations

from sqlalchemy import func, select

from handbook.audit.service import CLI
from handbook.extensions import db
from handbook.org.models import Organisation, OrgChange, OrgChangeKind, OrgVersion
from handbook.treeio.apply import import_tree
from handbook.treeio.cli import EVERYWHERE
from handbook.treeio.validate import validate_tree
from tests.structure.test_tree_import import xlsx


def test_three_hundred_cells_in_few_statements_with_their_history(app, tmp_path, statements):
    rows = [("T", "Đảng bộ tỉnh Thử", "Đảng bộ tỉnh", "", "")]
    for w in range(1, 4):
        rows.append((f"T-{w}", f"Đảng bộ phường {w}", "Đảng bộ xã/phường", "T", ""))
        rows += [(f"T-{w}-{c}", f"Chi bộ khu phố {w}.{c}", "Chi bộ", f"T-{w}", "") for c in range(1, 101)]
    report = validate_tree(xlsx(tmp_path, rows[::-1]), EVERYWHERE)
    assert report.ok
    with statements() as seen:
        result = import_tree(report, CLI)
    assert result.created == 304
    assert len(seen) < 700, len(seen)  # one by one: 1,825 (SQLite runs the RETURNING inserts row by row)
    orgs = {o.code: o for o in db.session.scalars(select(Organisation))}
    ward, cell = orgs["T-2"], orgs["T-2-7"]
    assert cell.parent_id == ward.id and cell.path == f"{ward.path}{cell.id}/" and cell.depth == 2
    assert ward.path == f"/{orgs['T'].id}/{ward.id}/"
    assert db.session.scalar(select(func.count(OrgVersion.id)).where(OrgVersion.valid_to.is_(None))) == 304
    assert db.session.scalar(select(func.count(OrgChange.id)).where(OrgChange.kind == OrgChangeKind.CREATE)) == 304
