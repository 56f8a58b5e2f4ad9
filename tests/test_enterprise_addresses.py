"""An enterprise's e-mail address is taken, refused and written exactly as email-validator says, though each domain is checked once."""
from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import example, given, settings
from hypothesis import strategies as st

from registry.enterprises.addresses import normalized_email

ADDRESSES = [
    "lienhe@longthanhwwt.demo.cnmt.vn", "a@b.vn", "a+tag@x.vn", "first.last@sub.example.vn", "a@X.VN", "Info@Company.VN",
    "Postmaster@Example.VN", "postmaster@example.vn", "ABUSE@x.vn", "a..b@x.vn", ".a@x.vn", "a.@x.vn", "a@x", "a@localhost",
    "a@x.test", "a@x.local", "a@x.invalid", "a@x.onion", "a@-x.vn", "a@x-.vn", "a@x..vn", "a@x.vn.", "a@@x.vn", "@x.vn", "a@",
    "a@1.2.3.4", "a@[1.2.3.4]", "a@x.123", "a@_x.vn", "a@x_y.vn", "a@xn--bcher-kva.de", "a@bücher.de", "ü@x.vn", "\"a b\"@x.vn",
    "Tên <a@x.vn>", "a" * 65 + "@x.vn", "a@" + "b" * 64 + ".vn", "x@" + ("a" * 60 + ".") * 4 + "vn", "a" * 240 + "@example.vn",
    "a@ex\u0301.vn", "a@xn--.vn", "a@x.c", "a@x.co", "a@aa.x-y", "a@x.vn-", "a@123.456", "a@ab.xn--p1ai", "a@a.b.c.localhost",
    "a@x.ab--cd", "a@www.xn--bcher-kva.vn", "a@" + "b" * 63 + ".vn", "a@" + ("b" * 63 + ".") * 4 + "vn",
]


def verdict(check, address: str) -> str:
    try:
        return check(address)
    except EmailNotValidError:
        return "refused"


def library(address: str) -> str:
    return validate_email(address, check_deliverability=False).normalized


@pytest.mark.parametrize("address", ADDRESSES)
def test_known_addresses_get_the_libraries_answer(address):
    assert verdict(normalized_email, address) == verdict(library, address)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ09.-_+!#'\"@ []()<>ü\u0301xn"), min_size=1, max_size=30))
@example("a@x.vn")
def test_any_text_gets_the_libraries_answer(address):
    assert verdict(normalized_email, address) == verdict(library, address)


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[a-z0-9._+-]{1,12}@[a-zA-Z0-9._-]{1,20}", fullmatch=True))
@example("0@0.A")  # an upper-case top-level domain, which the library writes in lower case
@example("0@0.a")
def test_plain_looking_addresses_get_the_libraries_answer(address):
    assert verdict(normalized_email, address) == verdict(library, address)
