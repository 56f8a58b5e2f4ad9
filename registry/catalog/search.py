"""Decision 980 catalog items for the site search, ranked by how well their names or codes match."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from registry.i18n import locale_code
from registry.search_hits import Found, Hit
from registry.text import fold, match_score, terms

from .service import search_nodes

WEIGHT = 0.01
# An item found by its HS code or other words of its description, not by its name or code.
OTHER_TEXT = 0.3


def catalog_hits(query: str, _viewer, limit: int) -> Found:
    """Find items of the current catalog by code, name in either language or HS code."""
    query_terms = terms(query)
    locale = locale_code()
    hits = []
    for node in search_nodes(query, limit=limit):
        named = max(match_score(fold(name), query_terms) for name in (node.code, node.name_vi, node.name_en))
        hits.append(Hit(kind="catalog", label=_("Catalog item"), title=f"{node.code} {node.name(locale)}",
                        url=url_for("catalog.item", code=node.code), score=(named or OTHER_TEXT) + WEIGHT,
                        detail="HS " + ", ".join(node.hs_codes) if node.hs_codes else ""))
    return Found(hits=hits, total=len(hits))
