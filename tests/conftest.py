"""Fixtures: an app on a migrated database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from handbook.extensions import db
from tests.factories import Factory
from tests.support import build_app, empty_all_tables

pytest_plugins = ["tests.browser.fixtures"]


@pytest.fixture(scope="session")
def _app(tmp_path_factory):
    return build_app(tmp_path_factory.mktemp("app"), "unit")


@pytest.fixture
def app(_app):
    with _app.app_context():
        yield _app
        db.session.rollback()
        empty_all_tables()
        db.session.remove()


@pytest.fixture
def statements(app):
    """Counts SQL: `with statements() as seen: …` leaves in `seen` every statement run inside, whitespace folded."""
    @contextmanager
    def counting() -> Iterator[list[str]]:
        seen: list[str] = []

        def count(_conn, _cursor, statement, _parameters, _context, _executemany):
            seen.append(" ".join(statement.split()))

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            yield seen
        finally:
            event.remove(db.engine, "before_cursor_execute", count)

    return counting


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def factory(app) -> Factory:
    return Factory()


