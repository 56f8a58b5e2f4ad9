"""Zones for the site search, ranked by how well their names match (the kind's words set aside)."""
from __future__ import annotations

import re

from flask import url_for

from registry.extensions import db
from registry.i18n import locale_code
from registry.search_hits import Found, Hit
from registry.text import fold, match_score, matches, terms

from .forms import KIND_LABELS
from .models import Zone

WEIGHT = 0.04
# The kind's words, folded, so that “dung quat” is the whole name of “Khu kinh tế Dung Quất”.
_KIND_WORDS = re.compile(
    r"^(khu kinh te cua khau quoc te|khu kinh te cua khau|khu kinh te|khu cong nghiep|cum cong nghiep|khu cong nghe cao|khu che xuat|"
    r"kkt|kcn|ccn)\s+|\s+(international border gate economic zone|border gate economic zone|economic zone|industrial park|"
    r"industrial cluster|high tech park|export processing zone)$"
)


def zone_hits(query: str, _viewer, limit: int) -> Found:
    """Find zones whose Vietnamese or English name holds the query's words, best named first."""
    query_terms = terms(query)
    if not query_terms:
        return Found()
    named = matches(Zone.search_folded, query, padded=True)
    zones = db.session.scalars(db.select(Zone).where(named).order_by(Zone.name_folded).limit(limit)).all()
    locale = locale_code()
    hits = [
        Hit(kind="zone", label=str(KIND_LABELS.get(zone.kind, "")), title=zone.name(locale), url=url_for("zones.detail", zone_id=zone.id),
            score=_score(zone, query_terms) + WEIGHT, detail=zone.province.name(locale))
        for zone in zones
    ]
    return Found(hits=hits, total=len(hits))


def _score(zone: Zone, query_terms: list[str]) -> float:
    names = [fold(zone.name_vi), fold(zone.name_en)]
    return max(match_score(name, query_terms) for name in names + [_KIND_WORDS.sub("", name) for name in names])
