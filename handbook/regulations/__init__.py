"""Regulations library: documents, their articles, search, bookmarks, reading on a phone.

Modules: `models` (tables), `structure` (Phần/Chương/Mục/Điều/Khoản/Điểm recognition), `render`
(markdown-it-py + nh3), `textfold` (diacritics-free folding and snippets), `search_index` + `search`
(SQLite FTS5 / PostgreSQL full text), `service` (drafts, publishing, scope), `reading` (table of contents,
bookmarks, recently read), `files` (uploads, attachments under instance/regulations/), `demo` (sample
documents), `views` + `publish_views` (pages), and `handbook/api/regulations_api.py` (JSON).

Offline reading — the contract for the PWA's service worker (a later issue):
- Cache name: ``regulations-v1``.
- Cache, network first and falling back to the cache: ``/regulations`` (the list), ``/regulations/<id>``
  (a document: metadata, table of contents, attachments list), ``/regulations/articles/<id>`` (one article),
  ``/regulations/saved`` (bookmarks and recently read), ``/static/app.css``; worth pre-caching when online:
  every article URL on the saved page and the documents they belong to (``GET /api/v1/regulations/<id>``
  lists a document's article URLs in ``articles[].url``). Attachments (``/regulations/attachments/<id>``)
  are downloads, not for the cache. These URLs are stable; pages answer ``Cache-Control: private, no-cache``.
- Every page (base.html) carries ``<p class="offline-stamp" data-offline-stamp data-template="…{when}…"
  hidden>``: when a page is served from the cache, fill it with the template, ``{when}`` replaced by the
  cached response's time as ``dd/mm/yyyy hh:mm`` (Asia/Ho_Chi_Minh), e.g. "Bản lưu ngoại tuyến từ
  03/12/2026 19:30", and remove ``hidden``.
"""


def init_app(app) -> None:
    """The library's pages for readers and for those who publish."""
    from handbook.regulations import publish_views, views  # noqa: F401 - routes on the blueprints
    from handbook.regulations.blueprints import manage_bp, reader_bp

    app.register_blueprint(reader_bp)
    app.register_blueprint(manage_bp)
