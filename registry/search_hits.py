"""What every feature's search source gives the site search: hits, ranked by how well they match.

A source is a function `(query, viewer, limit) -> Found` kept in the feature's own `search.py`;
`registry.search.sources` lists them. A hit's `score` comes from `registry.text.match_score`
(1 for the whole name, less for a name that only begins with or holds the query's words) plus
the source's small `weight`, which orders equally good matches of different kinds: a province or
a zone called exactly what was typed goes before a company that carries the same words.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Hit:
    """One thing found: its kind (for styling), the kind's label, title, address and score."""

    kind: str
    label: str
    title: str
    url: str
    score: float
    detail: str = ""
    demo: bool = False
    marked: bool = False  # the query's words in the title are marked (enterprise names, as on their own list)
    enterprise_id: int | None = None  # an enterprise found: its badges (eco-labels) are shown beside it


@dataclass(frozen=True)
class Found:
    """One source's best hits, how many matched in all, and where to see them all (label, url)."""

    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    see_all: tuple[str, str] | None = None
