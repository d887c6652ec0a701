"""Vietnamese text folding for search: lower case, no diacritics, đ → d; and highlighted snippets.

Folding works character by character, so a position in the folded text is a position in the original
text too: that is what lets a snippet highlight "Điều lệ" for the query "dieu le".
"""
from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from handbook.core.fold import fold, fold_char  # noqa: F401  (fold_char: regulations.structure)

_WORD = re.compile(r"[a-z0-9]+")




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


@lru_cache(maxsize=256)
def _pattern(terms: tuple[str, ...]) -> re.Pattern:
    """Words starting with a term (a query word may be a prefix), longest term first."""
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9])(?:{alternatives})")


def _matches(folded: str, terms: list[str]) -> list[tuple[int, int]]:
    if not terms:
        return []
    return [m.span() for m in _pattern(tuple(terms)).finditer(folded)]


def highlight(text: str, terms: list[str], width: int = 160) -> Markup:
    """An escaped snippet of `text` around the first match, each matched word part in <mark>."""
    text = " ".join((text or "").split())
    pattern = _pattern(tuple(terms)) if terms else None
    folded = fold(text)
    first = pattern.search(folded) if pattern else None
    start = 0
    if first and first.start() > width // 3:
        start = first.start() - width // 3
        space = text.find(" ", start)  # begin at a word boundary
        start = space + 1 if 0 <= space < first.start() else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    out = ["…"] if start else []
    cursor = start
    if pattern:
        for match in pattern.finditer(folded, start, end):
            s, e = match.span()
            out.append(escape(text[cursor:s]))
            out.append(f"<mark>{escape(text[s:e])}</mark>")
            cursor = e
    out.append(escape(text[cursor:end]))
    if end < len(text):
        out.append("…")
    return Markup("".join(out))


def has_match(text: str, terms: list[str]) -> bool:
    return bool(_matches(fold(text or ""), terms))
