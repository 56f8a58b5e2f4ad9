"""Fold Vietnamese text for matching: case, diacritics and đ/Đ, which Unicode does not decompose."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s]")


def fold(text: str | None) -> str:
    """Return lowercase text without diacritics, đ as d, punctuation as spaces, spaces collapsed.

    >>> fold("Điện lực Dung Quất")
    'dien luc dung quat'
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = _NON_WORD.sub(" ", text.lower())
    return _SPACES.sub(" ", text).strip()


def like_pattern(query: str) -> str:
    """Return a LIKE pattern for folded text containing every word of `query` in order."""
    words = fold(query).split()
    escaped = [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words]
    return "%" + "%".join(escaped) + "%"
