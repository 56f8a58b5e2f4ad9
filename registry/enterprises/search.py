"""Enterprises for the site search: the index's matches, ranked again by how well their names match."""
from __future__ import annotations

from flask import url_for
from flask_babel import ngettext
from flask_babel import gettext as _

from registry.i18n import locale_code
from registry.search_hits import Found, Hit
from registry.text import match_score

from . import queries
from .index import query_terms

# A record found by its tax code or catalog items rather than its name.
OTHER_TEXT = 0.2


def enterprise_hits(query: str, viewer, limit: int) -> Found:
    """Find the enterprises `viewer` may see whose names, tax code or items match `query`."""
    page = queries.page_of(queries.Filters(q=query), viewer, 1, limit)
    terms = query_terms(query)
    locale = locale_code()
    hits = [
        Hit(kind="enterprise", label=_("Enterprise"), title=enterprise.name_vi, url=url_for("enterprises.detail", enterprise_id=enterprise.id),
            score=max(match_score(enterprise.name_core, terms), match_score(enterprise.name_folded, terms)) or OTHER_TEXT,
            detail=f"{enterprise.tax_code_display} · {enterprise.province.name(locale)}", demo=enterprise.is_demo, marked=True,
            enterprise_id=enterprise.id)
        for enterprise in page.items
    ]
    see_all = None
    if page.total > len(hits):
        label = ngettext("See all %(num)s matching enterprises", "See all %(num)s matching enterprises", page.total)
        see_all = (label, url_for("enterprises.browse", q=query))
    return Found(hits=hits, total=page.total, see_all=see_all)
