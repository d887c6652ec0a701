"""The database is away for a while: answer 503 with Retry-After, keep nothing half-written, and recover by
itself (PostgreSQL: a disconnect empties the connection pool and idle connections are pinged before use —
handbook/core/dbping.py; SQLite: the next connection opens the file again).
"""
from __future__ import annotations

from flask import current_app, g, render_template, request
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from handbook.core.i18n import gettext as _
from handbook.extensions import db, login_manager

DATABASE_ERRORS = (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError)
RETRY_AFTER_SECONDS = 30


def is_database_outage(exc: BaseException) -> bool:
    return isinstance(exc, DATABASE_ERRORS)


def outage_response(exc: BaseException):
    """503 without a stack trace or the driver's message; the failed transaction is rolled back."""
    current_app.logger.warning("Database unavailable on %s %s: %s", request.method, request.path,
                               type(exc).__name__)
    try:
        db.session.rollback()  # nothing of the failed write is kept
    except Exception:  # noqa: BLE001 - the connection may be gone too; the pool discards it
        db.session.invalidate()
    message = _("Hệ thống tạm thời không kết nối được cơ sở dữ liệu. Dữ liệu của đồng chí chưa được lưu; "
                "vui lòng thử lại sau ít phút.")
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if request.path.startswith("/api/"):
        from handbook.core.web import json_error

        response = json_error(503, message, code="database_unavailable")
        response.headers.update(headers)
        return response
    # A page of its own (the layout asks the database who is signed in, which would fail again); Flask-Login
    # also puts `current_user` into every template: treat the visitor as anonymous for this response.
    g._login_user = login_manager.anonymous_user()
    return render_template("errors/unavailable.html", message=message), 503, headers
