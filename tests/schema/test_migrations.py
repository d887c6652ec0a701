"""The migration chain: linear, upgrades an empty database to exactly the models, and downgrades."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from handbook.extensions import db
from tests.support import build_app


def test_chain_is_linear(app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1


def _diff(app) -> list:
    with db.engine.connect() as conn:
        # include_object: the same filter autogenerate uses (it leaves the FTS5 search tables alone).
        opts = {"include_object": app.extensions["migrate"].configure_args["include_object"]}
        return compare_metadata(MigrationContext.configure(conn, opts=opts), db.metadata)


def _current() -> tuple:
    with db.engine.connect() as conn:
        return tuple(MigrationContext.configure(conn).get_current_heads())


def test_upgrade_from_empty_matches_models_and_downgrades(tmp_path):
    """On whichever database the suite runs (SQLite, or PostgreSQL with TEST_DATABASE_URL): upgrade an empty
    database to head, downgrade one step, upgrade again; the schema equals the models each time at head."""
    app = build_app(tmp_path, "migrations")  # runs `upgrade` on an empty database
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        head = script.get_revision(script.get_current_head())
        assert _current() == (head.revision,)
        assert _diff(app) == [], "models and migrations differ at head"
        downgrade(revision="-1")
        previous = head.down_revision
        assert _current() == ((previous,) if previous else ())
        upgrade()
        assert _current() == (head.revision,)
        assert _diff(app) == [], "models and migrations differ after downgrade -1 and upgrade"
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert {"users", "organisations", "positions", "members"} <= set(inspect(db.engine).get_table_names())
        assert _diff(app) == []
        db.engine.dispose()
