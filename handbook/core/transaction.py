"""One transaction around many service calls that each commit: all of it is written, or nothing.

Services end with `db.session.commit()`, one transaction per user action. A batch job that chains many of them
(the demo seed) must not leave half its work behind when a later step fails. Inside `all_or_nothing()` the
session is bound to one connection whose transaction stays open: each service's commit only releases a
savepoint, and the whole batch is committed — or rolled back — once at the end (SQLAlchemy's "joining a
session into an external transaction").
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from handbook.extensions import db


@contextmanager
def all_or_nothing() -> Iterator[Session]:
    """`db.session` inside the block is a session whose commits are savepoints of one outer transaction."""
    db.session.remove()
    with db.engine.connect() as connection:
        driver = connection.connection.driver_connection
        legacy = isinstance(driver, sqlite3.Connection)
        if legacy:
            # pysqlite opens transactions lazily and would let the first savepoint's RELEASE commit everything;
            # with its own transaction handling off, an explicit BEGIN holds the savepoints inside one transaction.
            saved_level, driver.isolation_level = driver.isolation_level, None
            connection.exec_driver_sql("BEGIN")
        else:
            connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        db.session.registry.set(session)
        try:
            yield session
            session.flush()
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            session.close()
            db.session.registry.clear()
            if legacy:
                driver.isolation_level = saved_level
