"""The error pages and JSON errors for the whole app (Vietnamese; never a stack trace)."""
from __future__ import annotations

from flask import Flask
from werkzeug.exceptions import HTTPException


def init_app(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    from handbook.core.i18n import gettext as _
    from handbook.core.web import error_response, handle_http_exception, handle_unexpected

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        message = _("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang.")
        return error_response(400, message, code="csrf_failed")

    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
