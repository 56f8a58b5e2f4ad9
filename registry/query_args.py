"""Read the query-string arguments of list pages, the API and map layers: numbers in a range and boxes.

A bad argument raises BadParameter, which the API answers as 400 with the argument named and
which pages may catch to drop the argument instead.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import maps
from flask_babel import lazy_gettext as _l
from maps.validation import Bbox

from registry.domain_errors import Invalid


class BadParameter(Invalid):
    """A query argument the user can fix; `errors` maps the argument to its messages."""

    status = 400

    def __init__(self, name: str, message: object) -> None:
        super().__init__(message, {name: [message]})


def number_arg(args, name: str, low: float, high: float) -> float | None:
    """Read an optional number between low and high (a decimal comma is accepted), or raise BadParameter."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise BadParameter(name, _l("Enter a number.")) from None
    if not (math.isfinite(value) and low <= value <= high):
        raise BadParameter(name, _l("Enter a number from %(low)s to %(high)s.", low=low, high=high))
    return value


def bbox_arg(args) -> Bbox | None:
    """Read the optional bbox argument, or raise BadParameter in the user's language."""
    raw = args.get("bbox")
    if raw is None or raw.strip() == "":
        return None
    try:
        return maps.parse_bbox(raw.strip())
    except maps.GeodataError:
        raise BadParameter("bbox", _l("Give the box as min_lon,min_lat,max_lon,max_lat in degrees, west and south first.")) from None


# Past any list's last page, and small enough that page × per_page stays a 64-bit OFFSET in either database.
MAX_PAGE = 10**9


def page_args(args, per_page: int, max_per_page: int) -> tuple[int, int]:
    """Read `page` (1 to MAX_PAGE) and `per_page` (1 to max_per_page, `per_page` when absent); what is not a number counts as absent."""
    page = min(max(args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    size = min(max(args.get("per_page", per_page, type=int) or per_page, 1), max_per_page)
    return page, size


@dataclass
class Page:
    """One page of a list: its records, how many match in all, and where it stands."""

    items: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 20

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
