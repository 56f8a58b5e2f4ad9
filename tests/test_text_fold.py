"""Folding gives the same text on every path it takes (plain ASCII, Vietnamese, any other script or mark), and legal forms go as before."""
from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from registry.enterprises.index import LEGAL_FORMS, strip_legal_forms
from registry.text import fold


def folded_character_by_character(text: str | None) -> str:
    """Folding as first written, one substitution at a time: what `fold` must still give."""
    if not text:
        return ""
    text = re.sub("[\u0300-\u036f]", "", unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D")))
    if not text.isascii():
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = re.sub(r"[^\w\s]", " ", text.lower())
    return re.sub(r"\s+", " ", text).strip()


SPELLINGS = ["Điện lực Dung Quất", "CÔNG TY TNHH XỬ LÝ NƯỚC", "Cty CP Môi trường Đô thị – Hà Nội", "a\u00a0b\tc\x1fd",
             "Nhà máy “Xanh”", "Ω≠ ü\u0301 x", "İstanbul ẞ straße ǅ ﬁ", "日本語 テスト", "e\u0301\u0483 x\u1dc0", "__a__b--c", "",
             "Tổng Công ty Đường sắt Việt Nam (VNR)", "Khu công nghiệp Phú Mỹ 3, Bà Rịa - Vũng Tàu"]
ALPHABET = st.sampled_from(list("aZ09_ -.,;()\t\n\x00\x1c\x7f") + list("đĐăâêôơưáàảãạẮỆỪỸ") + ["\u0301", "\u0303", "\u0323", "\u0483",
                           "\u1dc0", "\u00a0", "\u2003", "–", "“", "Ω", "ø", "ß", "İ", "ﬁ", "日", "\U0001d400"])


def test_known_spellings_fold_as_before():
    for text in SPELLINGS:
        assert fold(text) == folded_character_by_character(text), text


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
@example("Điện lực Dung Quất")
def test_mixed_text_folds_as_before(text):
    assert fold(text) == folded_character_by_character(text)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30))
def test_any_text_folds_as_before(text):
    assert fold(text) == folded_character_by_character(text)


LEGAL_WORDS = sorted({word for form in LEGAL_FORMS for word in form.split()} | {"xanh", "ty", "cong", "co", "a", "ltdx"})


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(LEGAL_WORDS), max_size=12))
@example(["tong", "cong", "ty", "co", "phan"])
def test_legal_forms_are_set_aside_as_one_long_alternation_sets_them_aside(words):
    folded = " ".join(words)
    one_alternation = re.compile(r"\b(?:" + "|".join(re.escape(form) for form in LEGAL_FORMS) + r")\b")
    assert strip_legal_forms(folded) == re.sub(r"\s+", " ", one_alternation.sub(" ", folded)).strip()
