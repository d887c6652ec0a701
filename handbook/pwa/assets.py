"""Content-hashed static URLs (`static_url`) and their long cache lifetime.

`static_url('app.css')` → `/static/app.css?v=<10 hex of sha256>`: the query changes whenever the file does,
so a hashed URL may be cached for a year (`immutable`); unhashed static requests revalidate every time.
Hashes are computed once per file and process (files do not change under a running server).
"""
from __future__ import annotations

import hashlib
import os

from flask import Flask, current_app, has_request_context, request, url_for

IMMUTABLE = "public, max-age=31536000, immutable"
HASH_LEN = 10


def file_hash(filename: str) -> str:
    cache: dict[str, str] = current_app.extensions.setdefault("static_hashes", {})
    digest = cache.get(filename)
    if digest is None:
        path = os.path.join(current_app.static_folder, filename)
        with open(path, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()[:HASH_LEN]
        cache[filename] = digest
    return digest


def static_url(filename: str, **kwargs) -> str:
    if kwargs or not has_request_context():
        return url_for("static", filename=filename, v=file_hash(filename), **kwargs)
    # every page links the same few files: the URL is built once per file and URL prefix
    cache: dict[tuple[str, str], str] = current_app.extensions.setdefault("static_urls", {})
    key = (request.script_root, filename)
    url = cache.get(key)
    if url is None:
        url = cache[key] = url_for("static", filename=filename, v=file_hash(filename))
    return url


def _cache_static(response):
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    version = request.args.get("v")
    filename = (request.view_args or {}).get("filename", "")
    try:
        hashed = version is not None and version == file_hash(filename)
    except OSError:
        hashed = False
    response.headers["Cache-Control"] = IMMUTABLE if hashed else "no-cache"
    return response


def init_assets(app: Flask) -> None:
    app.jinja_env.globals["static_url"] = static_url
    app.after_request(_cache_static)
