"""Helpers for views: errors, 404/403 guards, URLs of long lists, template filters."""
from __future__ import annotations

from flask import abort, current_app, jsonify, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from handbook.core import timeutil
from handbook.core.i18n import lazy_gettext as _l

ERROR_MESSAGES = {
    400: _l("Yêu cầu không hợp lệ. Vui lòng kiểm tra lại thông tin đã nhập."),
    401: _l("Vui lòng đăng nhập để tiếp tục."),
    403: _l("Đồng chí không có quyền thực hiện thao tác này."),
    404: _l("Không tìm thấy trang hoặc nội dung này."),
    405: _l("Thao tác này không được hỗ trợ tại địa chỉ này."),
    413: _l("Tệp hoặc dữ liệu gửi lên quá lớn."),
    415: _l("Định dạng dữ liệu không được hỗ trợ."),
    422: _l("Dữ liệu không hợp lệ."),
    429: _l("Quá nhiều yêu cầu. Vui lòng thử lại sau ít phút."),
    500: _l("Đã có lỗi phía máy chủ. Vui lòng thử lại sau."),
    503: _l("Hệ thống tạm thời không sẵn sàng. Vui lòng thử lại sau ít phút."),
    507: _l("Máy chủ đã hết chỗ lưu trữ. Vui lòng báo quản trị viên."),
}

ERROR_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    413: "payload_too_large", 415: "unsupported_media_type", 422: "validation_error",
    429: "too_many_requests", 500: "server_error", 503: "unavailable",
    507: "insufficient_storage",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, message: str | None = None, code: str | None = None, **extra):
    body = {"code": code or ERROR_CODES.get(status, "error"), "message": message or str(ERROR_MESSAGES.get(status, ""))}
    body.update(extra)
    response = jsonify({"error": body})
    response.status_code = status
    return response


def error_response(status: int, message: str | None = None, **extra):
    """The one way errors leave the app: JSON under /api/, a Vietnamese page elsewhere."""
    if wants_json():
        return json_error(status, message, **extra)
    text = message or str(ERROR_MESSAGES.get(status, ERROR_MESSAGES[400]))
    return render_template("errors/error.html", status=status, message=text), status


def handle_http_exception(exc: HTTPException):
    status = exc.code or 500
    message = None
    description = getattr(exc, "description", None)
    # Our own abort(…, description) texts are meant for users; Werkzeug's English defaults are not.
    if description and description != type(exc).description:
        message = str(description)
    extra = {}
    messages = (getattr(exc, "data", None) or {}).get("messages")  # webargs validation errors
    if messages:
        extra["fields"] = {name: errs for location in messages.values() for name, errs in _flatten(location).items()}
        message = str(_l("Dữ liệu không hợp lệ: %(names)s.", names=", ".join(sorted(extra["fields"]))))
    response = error_response(status, message, **extra)
    if status == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
        if isinstance(response, tuple):
            return response[0], status, {"Allow": ", ".join(exc.valid_methods)}
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def _flatten(errors) -> dict:
    """marshmallow errors are {field: [msg]} or, for a non-object body, {"_schema": [msg]}."""
    if isinstance(errors, dict):
        return {str(k): _messages(v) for k, v in errors.items()}
    return {"_schema": _messages(errors)}


def _messages(value):
    """Lists and single (possibly lazy) messages become lists of str; nested errors keep their shape."""
    if isinstance(value, dict):
        return {str(k): _messages(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [str(m) if not isinstance(m, dict) else _messages(m) for m in value]
    return [str(value)]


def handle_unexpected(exc: Exception):
    from handbook.core.outage import is_database_outage, outage_response
    from handbook.core.storage import StorageError

    if is_database_outage(exc):
        return outage_response(exc)
    if isinstance(exc, StorageError):  # a full disk where a caller did not turn it into a form message
        _rollback()
        return error_response(exc.status, str(exc))
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    _rollback()  # a failed statement must not leave the session unusable for whatever runs next in this context
    return error_response(500)


def _rollback() -> None:
    from handbook.extensions import db

    db.session.rollback()


def require(condition: bool, status: int = 404) -> None:
    """Stop with 404 (outside the caller's scope, so existence does not leak) or 403."""
    if not condition:
        abort(status)


def id_url(endpoint: str, value: int, name: str) -> str:
    """`url_for(endpoint, **{name: value})` for lists that link every row (a meetings page links 15): the URL is
    built once per endpoint and URL prefix with a placeholder id, then each row's id takes its place (measured
    in-process for benchmarks/load.py's meetings page: 14 cards 1.16 → 0.77 ms)."""
    cache: dict[tuple[str, str, str], tuple[str, str]] = current_app.extensions.setdefault("id_urls", {})
    key = (request.script_root, endpoint, name)
    parts = cache.get(key)
    if parts is None:
        head, _, tail = url_for(endpoint, **{name: MAX_ID}).partition(str(MAX_ID))
        parts = cache[key] = (head, tail)
    return f"{parts[0]}{int(value)}{parts[1]}"


def register_template_helpers(app) -> None:
    app.jinja_env.globals["id_url"] = id_url
    app.jinja_env.filters["date"] = timeutil.format_date
    app.jinja_env.filters["datetime"] = timeutil.format_datetime
    app.jinja_env.filters["when"] = timeutil.format_when
    app.jinja_env.filters["until"] = timeutil.format_until
    app.jinja_env.filters["span"] = timeutil.format_span
    app.jinja_env.filters["day"] = timeutil.format_day
    app.jinja_env.filters["filesize"] = format_size
    app.jinja_env.filters["localtime"] = lambda v: timeutil.to_local(v).strftime("%H:%M") if v else ""


def format_size(size: int | None) -> str:
    """'45 byte', '1,2 KB', '3,4 MB' — in the reader's language (Vietnamese writes a decimal comma)."""
    if size is None:
        return ""
    from babel.numbers import format_decimal
    from flask_babel import get_locale

    from handbook.core.i18n import gettext as _

    locale = get_locale()
    if size < 1024:
        return _("%(n)s byte", n=format_decimal(size, locale=locale))
    value, unit = round(size / 1024, 1), "KB"
    if value >= 1024:  # 1 048 000 bytes would round to "1.024 KB"
        value, unit = round(size / (1024 * 1024), 1), "MB"
    return f"{format_decimal(value, format='#,##0.#', locale=locale)} {unit}"


MAX_ID = 2**31 - 1  # INTEGER primary keys; a larger number in a URL made SQLite overflow (500) instead of 404
MAX_PAGE = 100_000  # ?page= beyond this is treated as the last page anyone could mean


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: at most MAX_ID, so an absurd id is a 404 rather than a database error."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def page_arg(name: str = "page") -> int:
    """A page number from the query string: 1 to MAX_PAGE, anything else 1."""
    value = request.args.get(name, 1, type=int) or 1
    return value if 1 <= value <= MAX_PAGE else 1
