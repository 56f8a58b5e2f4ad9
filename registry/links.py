"""Links to our pages from a pattern built once per endpoint, for pages that link many records (`link` in templates).

`url_for` walks the URL map on every call; a profile page made about twenty of them. `link`
builds each endpoint's URL once with stand-ins for its values (per set of argument names and
application root) and puts the values in. Only values that need no quoting anywhere in a URL
(ids, tax and catalog codes: letters, digits, `.`, `_`, `-`) take that way, and None is left out
as `url_for` leaves it out; any other value goes through `url_for` itself, so the answer is always its own.
"""
from __future__ import annotations

import re

from flask import current_app, request, url_for

_PLAIN = re.compile(r"[A-Za-z0-9._-]+")
# Digits only, so that every converter (int, string, path) and the query string keep it as it is.
_STAND_IN = "7318264"
KEPT_PATTERNS = 512


def link(endpoint: str, **values) -> str:
    """Return `url_for(endpoint, **values)` (a path, never an external URL), from the endpoint's pattern when the values allow."""
    given = {name: value for name, value in values.items() if value is not None}  # url_for leaves None out
    texts = {name: str(value) for name, value in given.items() if not isinstance(value, bool)}
    if len(texts) != len(given) or not all(_PLAIN.fullmatch(text) for text in texts.values()):
        return url_for(endpoint, **values)
    names = tuple(sorted(texts))
    patterns = current_app.extensions.setdefault("registry_link_patterns", {})
    key = (request.script_root, endpoint, names)
    pattern = patterns.get(key)
    if pattern is None:
        if len(patterns) >= KEPT_PATTERNS:
            patterns.clear()
        pattern = patterns[key] = _pattern(endpoint, names)
    if pattern is False:
        return url_for(endpoint, **values)
    pieces, order = pattern
    answer = [pieces[0]]
    for name, piece in zip(order, pieces[1:], strict=True):
        answer += (texts[name], piece)
    return "".join(answer)


def _pattern(endpoint: str, names: tuple[str, ...]) -> tuple[list[str], list[str]] | bool:
    """Split the endpoint's URL around a stand-in per value; False when the URL does not show each once."""
    stand_ins = {name: f"{_STAND_IN}{place}{_STAND_IN}" for place, name in enumerate(names)}
    built = url_for(endpoint, **{name: int(stand_in) for name, stand_in in stand_ins.items()})
    found = sorted((built.find(stand_in), name) for name, stand_in in stand_ins.items())
    if any(place < 0 or built.count(stand_ins[name]) != 1 for place, name in found):
        return False
    pieces, order, start = [], [], 0
    for place, name in found:
        pieces.append(built[start:place])
        order.append(name)
        start = place + len(stand_ins[name])
    pieces.append(built[start:])
    return pieces, order
