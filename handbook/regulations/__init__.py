"""Regulations library: documents, articles, search, bookmarks (issue #4)."""
