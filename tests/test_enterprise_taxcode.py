"""A tax code is taken, refused and stored exactly as python-stdnum's rules say, though plain digits skip its clean-up."""
from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from stdnum import exceptions
from stdnum.vn import mst

from registry.enterprises.taxcode import TaxCodeError, normalize_tax_code


def ours(code: str) -> str:
    try:
        return normalize_tax_code(code)
    except TaxCodeError:
        return "refused"


def library(code: str) -> str:
    try:
        return mst.validate(code)
    except exceptions.ValidationError:
        return "refused"


def with_check_digit(first_nine: str, suffix: str = "") -> str:
    return first_nine + mst.calc_check_digit(first_nine)[-1] + suffix


@pytest.mark.parametrize("code", [
    "0100109106", "0100109107", "0314409058002", "0314409058000", "0314409058-002", "0100000006", "1000000000",
    "0000000001", "9999999999", with_check_digit("010010910"), with_check_digit("000000000"), with_check_digit("123456789", "001"),
])
def test_known_codes_get_the_libraries_answer(code):
    assert ours(code) == library(code)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.sampled_from(["", "000", "001", "999", "010"]))
@example("010010910", "")
def test_a_code_with_its_check_digit_gets_the_libraries_answer(first_nine, suffix):
    code = with_check_digit(first_nine, suffix)
    assert ours(code) == library(code)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789", min_size=10, max_size=13))
def test_any_digits_get_the_libraries_answer(code):
    assert ours(code) == library(code)


def test_a_mistyped_code_is_refused_naming_the_check_digit():
    code = with_check_digit("031440905")
    mistyped = code[:9] + str((int(code[9]) + 1) % 10)
    with pytest.raises(TaxCodeError, match="check digit"):
        normalize_tax_code(mistyped)
