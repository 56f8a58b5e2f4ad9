"""Fold Vietnamese text and match it one way for every entity; a leaf any feature may import.

Folding: case, diacritics and đ/Đ (which Unicode does not decompose) go; punctuation becomes
spaces. Matching, the one rule of the whole registry: every word of the query must be a whole
folded word of the text, except the last, which may be the beginning of one (as one types).
“xu l” finds “xử lý” but not “xuất”. `matches` says it in SQL over a stored folded column,
`contains_words` in Python, and `match_score` grades a name for the ranked site search.

This module imports nothing from the registry, Flask or SQLAlchemy: `matches` builds its
condition from the column's own operators.
"""
from __future__ import annotations

import functools
import operator
import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s]")
_COMBINING = re.compile("[\u0300-\u036f]")
_BEYOND_MARKS = re.compile("[^\x00-\x7f\u0300-\u036f]")
_ASCII_WORDS = str.maketrans({chr(code): chr(code).lower() if chr(code).isalnum() or chr(code) == "_" else " " for code in range(128)})
MAX_TERMS = 8


def fold(text: str | None) -> str:
    """Return lowercase text without diacritics, đ as d, punctuation as spaces, spaces collapsed.

    >>> fold("Điện lực Dung Quất")
    'dien luc dung quat'
    """
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
        if _BEYOND_MARKS.search(text) is None:  # Vietnamese: dropping what is not ASCII drops exactly its marks
            text = text.encode("ascii", "ignore").decode("ascii")
        else:
            text = _COMBINING.sub("", text)
            if not text.isascii():  # marks beyond Vietnamese's few (U+0300–U+036F) are rare: test each character only then
                text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    if text.isascii():
        # The same as the two substitutions below for ASCII text, in one pass over it: letters lowered, the rest spaces.
        return " ".join(text.translate(_ASCII_WORDS).split())
    text = _NON_WORD.sub(" ", text.lower())
    return _SPACES.sub(" ", text).strip()


def terms(query: str | None) -> list[str]:
    """Return the folded words of a query (at most MAX_TERMS) that the matching rule applies to."""
    return fold(query).split()[:MAX_TERMS]


def escape_like(word: str) -> str:
    """Escape LIKE's wildcards in `word`, with backslash as the escape character."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def word_patterns(words: list[str]) -> list[str]:
    """LIKE patterns over space-padded folded text: whole words, the last as a prefix."""
    escaped = [escape_like(word) for word in words]
    return [f"% {word} %" for word in escaped[:-1]] + [f"% {escaped[-1]}%"] if escaped else []


def matches(folded_column, query: str | None, *, padded: bool = False):
    """Return a SQL condition: `folded_column` (folded text) holds the query's words by the rule; None without words.

    `padded` says the stored text already begins and ends with a space (as `enterprise.search_text`
    does); otherwise the column is padded in the expression.
    """
    patterns = word_patterns(terms(query))
    if not patterns:
        return None
    text = folded_column if padded else " " + folded_column + " "
    return functools.reduce(operator.and_, (text.like(pattern, escape="\\") for pattern in patterns))


def contains_words(folded: str, query_terms: list[str]) -> bool:
    """Tell whether folded text holds `query_terms` by the rule (whole words, the last as a prefix)."""
    if not query_terms:
        return False
    words = folded.split()
    whole, last = set(words), query_terms[-1]
    return all(term in whole for term in query_terms[:-1]) and any(word.startswith(last) for word in words)


def match_score(folded_name: str, query_terms: list[str]) -> float:
    """Grade how well a folded name answers the query, from 0 (no match) to 1 (the name itself).

    The whole name scores 1; a name that begins with the query 0.8; the query as consecutive
    words inside the name 0.6; the words anywhere in the name 0.4; 0 when the name does not
    hold them. Shorter names score a little more, so “Đà Nẵng” goes before “Đà Nẵng Xanh”.
    """
    if not query_terms or not contains_words(folded_name, query_terms):
        return 0.0
    phrase = " ".join(query_terms)
    padded = f" {folded_name} "
    if folded_name == phrase:
        return 1.0
    if padded.startswith(f" {phrase}"):
        grade = 0.8
    elif f" {phrase}" in padded:
        grade = 0.6
    else:
        grade = 0.4
    return grade + 0.1 * len(phrase) / max(len(folded_name), 1)



# Marks that make a letter of its own in the Vietnamese alphabet (ă â ê ô ơ ư; đ has no decomposition),
# and the tones, in dictionary order: none, huyền, hỏi, ngã, sắc, nặng.
_LETTER_MARKS = {"\u0306": 1, "\u0302": 2, "\u031b": 3}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vietnamese_order(text: str | None) -> tuple:
    """Return a sort key that orders names as a Vietnamese dictionary does, case aside.

    Letters decide first, each marked letter after its plain one (a < ă < â, d < đ, o < ô < ơ,
    u < ư); tones decide only between names of the same letters (ma < mà < mả < mã < má < mạ).
    Punctuation counts as a space.

    >>> sorted(["Đồng Nai", "Dung Quất", "Ấn Độ", "An Phú"], key=vietnamese_order)
    ['An Phú', 'Ấn Độ', 'Dung Quất', 'Đồng Nai']
    """
    letters: list[list] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", (text or "").lower()):
        if ch in _LETTER_MARKS and letters:
            letters[-1][1] = _LETTER_MARKS[ch]
        elif ch in _TONES and tones:
            tones[-1] = _TONES[ch]
        elif not unicodedata.category(ch).startswith("M"):
            if ch == "đ":
                letters.append(["d", 1])
            else:
                letters.append([ch if ch.isalnum() else " ", 0])
            tones.append(0)
    return [tuple(letter) for letter in letters], tones
