"""Vietnamese name order: by given name (the last word), then the rest, with ICU's Vietnamese collation
(a ă â b c d đ e ê … with tones ordered after the base letter)."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import icu


@lru_cache(maxsize=1)
def _collator() -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale("vi"))


def name_sort_key(full_name: str | None) -> tuple[bytes, bytes]:
    """Sort key for 'Nguyễn Văn An': (key('An'), key('Nguyễn Văn'))."""
    words = unicodedata.normalize("NFC", full_name or "").split()
    given = words[-1] if words else ""
    rest = " ".join(words[:-1])
    collator = _collator()
    return collator.getSortKey(given), collator.getSortKey(rest)


def sort_by_name(items, name=lambda item: item.full_name):
    return sorted(items, key=lambda item: name_sort_key(name(item)))
