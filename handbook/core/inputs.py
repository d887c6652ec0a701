"""Characters no request may bring in, checked in one place before any view or service sees the text.

- A lone surrogate ("\\ud800" in a JSON body) is not a character at all: no UTF-8 text holds it, and the
  database driver failed on it (a 500). JSON bodies holding one are refused (400, `invalid_characters`). Form
  fields and query strings cannot carry one: Werkzeug decodes their bytes with replacement.
- Control characters (NUL and the rest of C0 but tab, line feed and carriage return; DEL; C1) are never stored:
  PostgreSQL refuses NUL (a 500 again), SQLite kept it inside titles. JSON bodies holding one are refused too
  (a program sent them); form fields and query strings lose them (a person pasted them).
- Single-line API text fields (`api.fields.text`) also turn tab and line breaks into a space; multi-line ones
  (`multiline=True`) keep them.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from flask import request
from werkzeug.datastructures import ImmutableMultiDict

CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SURROGATE_RE = re.compile("[\ud800-\udfff]")
LINE_BREAKS_RE = re.compile("[\t\n\r]+")


def strip_controls(text: str) -> str:
    """`text` without control characters (tab, line feed and carriage return stay)."""
    return CONTROL_RE.sub("", text) if CONTROL_RE.search(text) else text


def single_line(text: str) -> str:
    """Tabs and line breaks become one space."""
    return LINE_BREAKS_RE.sub(" ", text)


def _strings(value: Any) -> Iterator[str]:
    """Every string in a parsed JSON document, object keys included."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def json_problem(document: Any) -> str | None:
    """A Vietnamese message if a parsed JSON document holds a lone surrogate or a control character."""
    from handbook.core.i18n import gettext as _

    for text in _strings(document):
        if SURROGATE_RE.search(text):
            return _("Dữ liệu gửi lên chứa ký tự không hợp lệ (mã Unicode lẻ, không phải một ký tự). "
                     "Hãy kiểm tra lại nội dung.")
        if CONTROL_RE.search(text):
            return _("Dữ liệu gửi lên chứa ký tự điều khiển (ví dụ ký tự NUL), không lưu được. "
                     "Hãy kiểm tra lại nội dung.")
    return None


def _cleaned(fields: ImmutableMultiDict) -> ImmutableMultiDict | None:
    """The fields without control characters, or None when there were none."""
    if not any(CONTROL_RE.search(value) for _key, value in fields.items(multi=True)) and \
            not any(CONTROL_RE.search(key) for key in fields):
        return None
    return ImmutableMultiDict([(strip_controls(key), strip_controls(value)) for key, value in fields.items(multi=True)])


def clean_request_text() -> None:
    """Before every request: query strings and form fields lose their control characters (files are left alone;
    JSON bodies are checked by the API's own hook, which parses them)."""
    args = _cleaned(request.args)
    if args is not None:
        request.args = args
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        form = _cleaned(request.form)
        if form is not None:
            request.form = form


def init_app(app) -> None:
    app.before_request(clean_request_text)
