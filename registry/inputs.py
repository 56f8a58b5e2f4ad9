"""Read what users send the same way on pages, the API and imports: ids, text, numbers, yes/no, lists of codes, web addresses.

Each reader either returns the value to store or adds a message to `errors[field]` (the shape the
services' domain errors carry) and returns None, so a form or a JSON body gets every problem at once.
"""
from __future__ import annotations

import enum
import functools
import re
from decimal import Decimal
from urllib.parse import urlsplit

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

from registry.domain_errors import DomainError

# Ids are INTEGER columns: PostgreSQL stores up to 2**31 - 1, and SQLite overflows past 2**63.
MAX_ID = 2**31 - 1
WEB_SCHEMES = frozenset({"http", "https"})
YES = frozenset({"1", "true", "yes", "on", "có", "x"})
NO = frozenset({"0", "false", "no", "off", "không"})
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
NUL_MESSAGE = _l("Remove the invisible NUL character; it cannot be stored.")
VERSION_MESSAGE = _l("Send the version you read as a whole number, or leave it out.")
_ASCII_DIGITS = re.compile(r"[0-9]{1,10}")
# A scheme such as "javascript:" or "mailto:"; "example.vn:8080" names a host, not a scheme.
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+-]*):")


def _numbers_up_to(limit: int) -> str:
    """Write a regular expression matching the decimal numbers from 0 to `limit`, so routing itself refuses bigger ones."""
    digits = str(limit)
    shorter = [rf"\d{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    below = [rf"{digits[:i]}[0-{int(d) - 1}]\d{{{len(digits) - i - 1}}}" for i, d in enumerate(digits) if d != "0"]
    return "(?:" + "|".join([*shorter, *below, digits]) + ")"


class IdConverter(IntegerConverter):
    """`<int:…>` in routes: a number from 0 to MAX_ID, so a bigger one is a 404 whatever the method.

    The bound is in the pattern, not only in `to_python`: a value the pattern takes but the
    converter refuses makes werkzeug answer 405 when the path's other rules take other methods.
    """

    regex = _numbers_up_to(MAX_ID)


class JSONProvider(DefaultJSONProvider):
    """Keep Vietnamese readable in answers, and treat JSON nested too deep to parse as malformed, not as a crash."""

    ensure_ascii = False

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def install(app: Flask) -> None:
    """Bound every `<int:…>` route id, read JSON bodies safely, refuse NUL characters, and let templates ask `url is web_address`."""
    app.url_map.converters["int"] = IdConverter
    app.json = JSONProvider(app)
    app.jinja_env.tests["web_address"] = is_web_address
    app.before_request(refuse_nul_characters)


def refuse_nul_characters():
    """Answer 400 naming the argument or field whose text holds a NUL character, which PostgreSQL cannot store."""
    field = _field_with_nul(request)
    if field is None:
        return None
    # `registry.errors` answers the refusal: the API's error document, or the error page.
    if request.path.startswith("/api/"):
        raise DomainError(NUL_MESSAGE, {field: [NUL_MESSAGE]})
    raise DomainError(_l("“%(field)s” holds an invisible NUL character, which cannot be stored; remove it and send again.",
                         field=field))


def _field_with_nul(incoming) -> str | None:
    if "\x00" in incoming.path:
        return "path"
    forms = (incoming.args, incoming.form) if incoming.mimetype in FORM_TYPES else (incoming.args,)
    for values in forms:
        for name, value in values.items(multi=True):
            if "\x00" in name or "\x00" in value:
                return name
    body = incoming.get_json(silent=True) if incoming.is_json else None
    fields = body.items() if isinstance(body, dict) else [("body", body)]
    return next((str(name) for name, value in fields if "\x00" in str(name) or _holds_nul(value)), None)


def _holds_nul(value) -> bool:
    """Look through a parsed JSON value without recursion (it may be nested as deep as the parser allowed)."""
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, str) and "\x00" in value:
            return True
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def parse_id(raw) -> int | None:
    """Return the id `raw` names (a whole number or its ASCII digits, 1 to MAX_ID), else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, str) and _ASCII_DIGITS.fullmatch(raw.strip()):
        number = int(raw.strip())
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


def parse_version(raw) -> int | None:
    """Return the record version `raw` names (a whole number from 0, or its digits), else None."""
    return 0 if raw in (0, "0") else parse_id(raw)


def form_version(raw) -> int:
    """Return the version an edit page's form started from; a missing or unreadable one is stale (-1), never "no check".

    The edit pages always carry the version in a hidden field, so a form without it did not come from them.
    """
    version = parse_version(raw)
    return -1 if version is None else version


def add_error(errors: dict, field: str, message) -> None:
    errors.setdefault(field, []).append(message)


def text(raw, field: str, errors: dict, limit: int) -> str:
    """Return stripped text of at most `limit` characters; numbers are written as text, lists and objects refused."""
    if type(raw) is str:  # the usual case, answered before the checks of other types
        value = raw.strip()
    elif raw is None:
        return ""
    elif isinstance(raw, bool) or not isinstance(raw, (str, int, float, Decimal)):
        add_error(errors, field, _l("Enter text, not a list or an object."))
        return ""
    else:
        value = str(raw).strip()
    if "\x00" in value:
        add_error(errors, field, NUL_MESSAGE)
    elif len(value) > limit:
        add_error(errors, field, _l("Write at most %(n)d characters.", n=limit))
    return value


NUMBER_TYPES = (str, int, float, Decimal)


def _between(low, high):
    return _l("Enter a number from %(low)s to %(high)s.", low=low, high=high)


def parse_number(raw, *, grouping: str = "", kinds: tuple[type, ...] | None = None) -> int | float | None:
    """Read a number from a form field, a JSON value or an import cell; None when it is not one.

    A decimal comma reads as a point (“12,5”). The characters in `grouping` only group digits and
    are dropped first (“1 200”); when the point is one of them (“1.200” staff) only whole numbers
    can be read. JSON numbers keep their value. “inf” and “1e400” read as infinity and “nan” as
    NaN, for the caller's bounds to refuse. `kinds` limits the types taken (a bool never is a number).
    """
    if isinstance(raw, bool) or kinds is not None and not isinstance(raw, kinds):
        return None
    whole_only = "." in grouping
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if whole_only:
            return int(raw) if raw.is_integer() else None
        return raw
    text = str(raw).strip()
    for mark in grouping:
        text = text.replace(mark, "")
    try:
        return int(text) if whole_only else float(text.replace(",", "."))
    except ValueError:
        return None


def number(raw, field: str, errors: dict, low, high, *, whole: bool = False, grouping: str = "", kinds=NUMBER_TYPES,
           not_a_number=None, out_of_range=_between, not_whole=None) -> int | float | None:
    """Return the number from `low` to `high` that `raw` holds (an int when `whole`); nothing given is None.

    Otherwise note, in this order, `not_a_number` (also for NaN), `out_of_range(low, high)` (also
    for infinity) or `not_whole`, so each form names its own rule; `grouping` and `kinds` are
    those of `parse_number`.
    """
    if raw is None or str(raw).strip() == "":
        return None
    value = parse_number(raw, grouping=grouping, kinds=kinds)
    if value is None or value != value:  # NaN equals nothing, not even itself
        add_error(errors, field, not_a_number or _l("Enter a number."))
        return None
    if not low <= value <= high:
        add_error(errors, field, out_of_range(low, high))
        return None
    if whole and not (isinstance(value, int) or value.is_integer()):  # a JSON 120.0 is 120, but 1.5 tenants is a mistake
        add_error(errors, field, not_whole or _l("Enter a whole number."))
        return None
    return int(value) if whole else float(value)


def choice(raw, field: str, errors: dict, choices: type[enum.Enum], message, default=None):
    """Return the member of `choices` whose value `raw` is; nothing given is `default`; anything else notes `message`.

    Only text is read: a JSON 0, false, a list or an object is refused, not turned into a word.
    """
    if raw is None or isinstance(raw, str) and not raw.strip():
        if default is None:
            return None
        return choices(default)
    if not isinstance(raw, str) or raw.strip() not in _values_of(choices):
        add_error(errors, field, message)
        return None
    return choices(raw.strip())


@functools.cache
def _values_of(choices: type[enum.Enum]) -> frozenset:
    return frozenset(member.value for member in choices)


def yes_no(raw, field: str, errors: dict) -> bool | None:
    """Read yes or no from a checkbox, a select, a JSON boolean or a spreadsheet cell; nothing given is None."""
    if raw is None or isinstance(raw, bool):
        return raw
    value = str(raw).strip().lower() if isinstance(raw, (str, int)) else None
    if value in YES:
        return True
    if value == "":
        return None
    if value in NO:
        return False
    add_error(errors, field, _l("Answer yes or no."))
    return None


def code_list(raw, field: str, errors: dict) -> list[str]:
    """Read codes given as a list, or as text separated by commas or semicolons, dropping blanks."""
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = raw.replace(";", ",").split(",")
    if not isinstance(raw, (list, tuple)) or any(isinstance(code, bool) or not isinstance(code, (str, int)) for code in raw):
        add_error(errors, field, _l("Give a list of codes, or codes separated by semicolons."))
        return []
    return [str(code).strip() for code in raw if str(code).strip()]


def is_web_address(value) -> bool:
    """Tell whether `value` is an http(s) address a page may link to (the check for rows stored before it was enforced)."""
    if not isinstance(value, str) or not value:
        return False
    # Printable text without a space holds no white space and no control character (both are
    # unprintable, bar the space); only other text is read character by character.
    if not (value.isprintable() and " " not in value) and any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return False
    try:
        parts = urlsplit(value)
        return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)
    except ValueError:  # such as an unclosed IPv6 bracket
        return False


def web_address(raw, field: str, errors: dict, limit: int) -> str:
    """Return an http(s) address to store, adding https:// to a bare host such as example.vn; other schemes are refused."""
    value = text(raw, field, errors, limit)
    if not value:
        return value
    scheme = _SCHEME.match(value)
    candidate = value if scheme else "https://" + value
    if not is_web_address(candidate):
        add_error(errors, field, _l("Enter a web address beginning with http:// or https://, such as https://example.vn."))
        return ""
    if len(candidate) > limit and field not in errors:  # https:// added to a bare host may pass the limit
        add_error(errors, field, _l("Write at most %(n)d characters.", n=limit))
    return candidate
