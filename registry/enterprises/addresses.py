"""Check an enterprise's e-mail address as email-validator does, checking each domain once.

email-validator spends most of its time on the domain (IDNA rules, character by character),
and a list of a hundred thousand enterprises holds far fewer domains than addresses. A plain
address (ASCII, a lower-case dot-atom local part, one @) is answered from the library's verdict
on its domain alone, which is all the library itself would look at beyond the local part's
pattern; any other address goes to the library whole. Tested against the library itself in
tests/test_enterprise_addresses.py.
"""
from __future__ import annotations

import functools
import re

from email_validator import EmailNotValidError, validate_email

# RFC 5322 dot-atom: what email-validator accepts before the @ as it is, with nothing to normalize.
_DOT_ATOM = re.compile(r"[a-z0-9_!#$%&'*+\-/=?^`{|}~]+(?:\.[a-z0-9_!#$%&'*+\-/=?^`{|}~]+)*")
MAX_LENGTH = 254


def normalized_email(address: str) -> str:
    """Return the address as `validate_email(address, check_deliverability=False).normalized`, or raise EmailNotValidError."""
    local, at, domain = address.partition("@")
    if not (at and address.isascii() and len(address) <= MAX_LENGTH and "@" not in domain and _DOT_ATOM.fullmatch(local)):
        return validate_email(address, check_deliverability=False).normalized
    checked = _checked_domain(domain)
    if checked is None:
        raise EmailNotValidError(f"The part after the @-sign ({domain}) is not a valid domain.")
    return f"{local}@{checked}"


def _checked_domain(domain: str) -> str | None:
    """The library's normal form of `domain` in an address, or None when it refuses it.

    Below a top-level domain, a label of lower-case letters and digits only is judged by its
    length and by where its letters and digits stand (no hyphen, so no Punycode and no "ab--"
    rule; nothing to map), so such domains share one verdict per shape: “longthanh.demo.cnmt.vn”
    is answered by “aaaaaaaaa.aaaa.aaaa.vn”, “kcn2.vn” by “aaa0.vn”. Any other domain is checked
    as it is.
    """
    head, dot, top = domain.rpartition(".")
    if dot and "xn--" not in top and top == top.lower() and _PLAIN_LABELS.fullmatch(head):
        shape = _LETTER.sub("a", _DIGIT.sub("0", head)) + "." + top
        return domain if _library_domain(shape) == shape else None
    return _library_domain(domain)


_PLAIN_LABELS = re.compile(r"[a-z0-9]+(?:\.[a-z0-9]+)*")
_LETTER = re.compile(r"[a-z]")
_DIGIT = re.compile(r"[0-9]")


@functools.lru_cache(maxsize=4096)
def _library_domain(domain: str) -> str | None:
    try:
        return validate_email(f"a@{domain}", check_deliverability=False).domain
    except EmailNotValidError:
        return None
