"""Vietnamese folding: lower case, no diacritics, đ → d, anything else but letters and digits a space — one
character for one, so a position in the folded text is a position in the original (regulations' snippets rely on
it). Used by the regulations search and the organisations' search keys."""
from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """One character folded to one character: 'Ế' → 'e', 'Đ' → 'd'; anything not a letter or digit → ' '."""
    if char in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[0].lower()
    return base if base.isascii() and base.isalnum() else " "


class _FoldTable(dict):
    """A str.translate table filled on first sight of each character (translate's loop runs in C)."""

    def __missing__(self, code: int) -> str:
        self[code] = fold_char(chr(code))
        return self[code]


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Same length as `text`; only [a-z0-9 ] remain."""
    return text.translate(_TABLE)
