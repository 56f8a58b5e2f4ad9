"""Incentive policies for the site search, ranked by how well their names, legal basis or code match."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from registry.extensions import db
from registry.i18n import locale_code
from registry.search_hits import Found, Hit
from registry.text import fold, match_score, matches, terms

from .models import IncentivePolicy
from .queries import PolicyFilters, statement
from .wording import INSTRUMENT_LABELS

WEIGHT = 0.02
OTHER_TEXT = 0.3  # found by its legal basis, article or code rather than its name


def policy_hits(query: str, viewer, limit: int) -> Found:
    """Find the policies the viewer may see whose name, legal basis, article or code holds the query's words."""
    query_terms = terms(query)
    if not query_terms or matches(IncentivePolicy.search_folded, query, padded=True) is None:
        return Found()
    policies = db.session.scalars(statement(PolicyFilters(q=query), viewer).order_by(IncentivePolicy.code).limit(limit)).all()
    locale = locale_code()
    hits = []
    for policy in policies:
        named = max(match_score(fold(name), query_terms) for name in (policy.title_vi, policy.title_en))
        hits.append(Hit(kind="policy", label=_("Incentive policy"), title=policy.title(locale),
                        url=url_for("incentives.detail", policy_id=policy.id), score=(named or OTHER_TEXT) + WEIGHT,
                        detail=f"{INSTRUMENT_LABELS[policy.instrument]} · {policy.legal_basis}"))
    return Found(hits=hits, total=len(hits))
