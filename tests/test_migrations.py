"""The migration chain: linear, upgrades an empty database to exactly the models, and downgrades."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from handbook.extensions import db
from tests.conftest import build_app


def test_chain_is_linear(app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1


def test_upgrade_from_empty_matches_models_and_downgrades(tmp_path):
    app = build_app(tmp_path, "migrations")  # runs `upgrade` on an empty database
    with app.app_context():
        with db.engine.connect() as conn:
            # include_object: the same filter autogenerate uses (it leaves the FTS5 search tables alone).
            opts = {"include_object": app.extensions["migrate"].configure_args["include_object"]}
            diff = compare_metadata(MigrationContext.configure(conn, opts=opts), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert {"users", "organisations", "positions", "members"} <= set(inspect(db.engine).get_table_names())
