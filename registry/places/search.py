"""Provinces and communes for the site search, ranked by how well their names match."""
from __future__ import annotations

import re

from flask import url_for
from flask_babel import gettext as _

from registry.i18n import locale_code
from registry.search_hits import Found, Hit
from registry.text import fold, match_score, terms

from .models import Commune, Province
from .service import PROVINCE_PREFIX, search_places

PROVINCE_WEIGHT = 0.05
COMMUNE_WEIGHT = 0.02
_COMMUNE_WORDS = re.compile(r"^(xa|phuong|dac khu)\s+")


def place_hits(query: str, _viewer, limit: int) -> Found:
    """Find provinces (by today's, English or pre-2025 name) and communes matching `query`."""
    provinces, communes = search_places(query, limit)
    query_terms = terms(query)
    locale = locale_code()
    hits = [_province_hit(province, query_terms, locale) for province in provinces]
    hits += [_commune_hit(commune, query_terms, locale) for commune in communes]
    return Found(hits=hits, total=len(hits))


def _best(names: list[str], query_terms: list[str], words: re.Pattern) -> float:
    folded = [fold(name) for name in names if name]
    return max(match_score(name, query_terms) for name in folded + [words.sub("", name) for name in folded])


def _province_hit(province: Province, query_terms: list[str], locale: str) -> Hit:
    score = _best([province.name_vi, province.name_en, *(part.name_vi for part in province.parts)], query_terms, PROVINCE_PREFIX)
    parts = " + ".join(part.name_vi for part in province.parts) if province.is_merged else ""
    return Hit(kind="province", label=_("Province"), title=province.name(locale), url=url_for("places.province", code=province.code),
               score=score + PROVINCE_WEIGHT, detail=parts)


def _commune_hit(commune: Commune, query_terms: list[str], locale: str) -> Hit:
    score = _best([commune.name_vi, commune.name_en], query_terms, _COMMUNE_WORDS)
    return Hit(kind="commune", label=_("Commune"), title=commune.name_vi, url=url_for("places.province", code=commune.province_code),
               score=score + COMMUNE_WEIGHT, detail=f"{commune.province.name(locale)} · {commune.code}")
