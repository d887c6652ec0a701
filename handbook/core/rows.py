"""The cheap way to read plain rows on the pages every member opens.

`column_rows` runs a column query (not one loading model objects) on the session's connection and returns its
Core result: it skips the ORM's per-statement work, about half the cost of `db.session.execute` for a small
lookup, and a hot statement is built once at import with bound parameters (`bindparam`) rather than on every
request. Both were measured side by side with `benchmarks/load.py` (benchmarks/README.md: the members' pages
cost 35–41 % more CPU per request without them); use them only on those pages' queries. `column_rows` does not
autoflush: use it for reads, not right after pending changes it should see.
"""
from __future__ import annotations

from handbook.extensions import db


def column_rows(statement, params: dict | None = None):
    return db.session.connection().execute(statement, params or {})
