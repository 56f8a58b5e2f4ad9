"""Incubators for the site search, ranked by how well their names or host match."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from registry.extensions import db
from registry.i18n import locale_code
from registry.search_hits import Found, Hit
from registry.text import fold, match_score, matches, terms

from .models import Incubator
from .queries import IncubatorFilters, statement
from .wording import HOST_LABELS

WEIGHT = 0.02
OTHER_TEXT = 0.3  # found by its host or code rather than its name


def incubator_hits(query: str, _viewer, limit: int) -> Found:
    """Find the incubators whose name, host or code holds the query's words."""
    query_terms = terms(query)
    if not query_terms or matches(Incubator.search_folded, query, padded=True) is None:
        return Found()
    found = db.session.scalars(statement(IncubatorFilters(q=query)).order_by(Incubator.name_vi).limit(limit)).unique().all()
    locale = locale_code()
    hits = []
    for incubator in found:
        named = max(match_score(fold(name), query_terms) for name in (incubator.name_vi, incubator.name_en or incubator.name_vi))
        detail = " · ".join(part for part in (str(HOST_LABELS[incubator.host_kind]), incubator.host_name, incubator.province.name(locale)) if part)
        hits.append(Hit(kind="incubator", label=_("Incubator"), title=incubator.name(locale),
                        url=url_for("incubators.detail", incubator_id=incubator.id), score=(named or OTHER_TEXT) + WEIGHT, detail=detail))
    return Found(hits=hits, total=len(hits))
