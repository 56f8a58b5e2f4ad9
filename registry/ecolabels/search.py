"""Eco-label certificates for the site search, found by number, product, criteria set or holder."""
from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _

from registry.extensions import db
from registry.search_hits import Found, Hit
from registry.text import fold, match_score, matches, terms

from .models import EcolabelCertificate
from .queries import Filters, statement
from .wording import STATUS_LABELS

WEIGHT = 0.02
OTHER_TEXT = 0.3  # found by its holder, group or criteria rather than its number or product


def certificate_hits(query: str, viewer, limit: int) -> Found:
    """Find the certificates the viewer may see whose number, product, criteria set or holder holds the query's words."""
    query_terms = terms(query)
    if not query_terms or matches(EcolabelCertificate.search_folded, query, padded=True) is None:
        return Found()
    today = date.today()
    hits = []
    for certificate in db.session.scalars(statement(Filters(q=query), viewer).limit(limit)).unique():
        named = max(match_score(fold(text), query_terms) for text in (certificate.number, certificate.product_name))
        status = certificate.status_on(today)
        hits.append(Hit(kind="ecolabel", label=_("Eco-label certificate"), title=f"{certificate.product_name} · {certificate.number}",
                        url=url_for("ecolabels.detail", certificate_id=certificate.id), score=(named or OTHER_TEXT) + WEIGHT,
                        detail=f"{STATUS_LABELS[status]} · {certificate.enterprise.name_vi}", demo=certificate.is_demo))
    return Found(hits=hits, total=len(hits))
