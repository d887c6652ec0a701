"""Vietnamese text folding for search: lower case, no diacritics, đ → d; and highlighted snippets.

Folding works character by character, so a position in the folded text is a position in the original
text too: that is what lets a snippet highlight "Điều lệ" for the query "dieu le".
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from markupsafe import Markup, escape

_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """One character folded to one character: 'Ế' → 'e', 'Đ' → 'd'; anything not a letter or digit → ' '."""
    if char in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[0].lower()
    return base if base.isascii() and base.isalnum() else " "


def fold(text: str) -> str:
    """Same length as `text`; only [a-z0-9 ] remain."""
    return "".join(fold_char(c) for c in text)


def search_text(text: str) -> str:
    """The folded words of `text`, single-spaced: what goes into the search columns."""
    return " ".join(_WORD.findall(fold(text)))


def query_terms(query: str) -> list[str]:
    """The folded words of a user's query, duplicates removed, at most 12."""
    seen: list[str] = []
    for word in _WORD.findall(fold(query or "")):
        if word not in seen:
            seen.append(word)
    return seen[:12]


def _matches(folded: str, terms: list[str]) -> list[tuple[int, int]]:
    """Spans of words in `folded` that start with one of `terms` (a query word may be a prefix)."""
    spans = []
    for match in _WORD.finditer(folded):
        word = match.group()
        best = max((len(t) for t in terms if word.startswith(t)), default=0)
        if best:
            spans.append((match.start(), match.start() + best))
    return spans


def highlight(text: str, terms: list[str], width: int = 160) -> Markup:
    """An escaped snippet of `text` around the first match, each matched word part in <mark>."""
    text = " ".join((text or "").split())
    spans = _matches(fold(text), terms)
    if spans:
        start = max(0, spans[0][0] - width // 3)
        if start:  # begin at a word boundary
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < spans[0][0] else start
    else:
        start = 0
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    out = [Markup("…")] if start else []
    cursor = start
    for s, e in spans:
        if s < cursor or e > end:
            continue
        out.append(escape(text[cursor:s]))
        out.append(Markup("<mark>") + escape(text[s:e]) + Markup("</mark>"))
        cursor = e
    out.append(escape(text[cursor:end]))
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)


def has_match(text: str, terms: list[str]) -> bool:
    return bool(_matches(fold(text or ""), terms))
