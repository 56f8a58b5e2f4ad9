"""The site search: every feature's search source asked once, their hits merged best first.

A feature joins the search by writing a source in its own `search.py` (a function
`(query, viewer, limit) -> registry.search_hits.Found`) and adding it to SOURCES.
"""
from __future__ import annotations

from registry.catalog.search import catalog_hits
from registry.ecolabels.search import certificate_hits
from registry.enterprises.search import enterprise_hits
from registry.events.search import event_hits
from registry.incentives.search import policy_hits
from registry.incubators.search import incubator_hits
from registry.places.search import place_hits
from registry.search_hits import Found, Hit
from registry.text import terms
from registry.zones.search import zone_hits

SOURCES = (place_hits, zone_hits, catalog_hits, enterprise_hits, policy_hits, certificate_hits, incubator_hits, event_hits)
PER_SOURCE = 10


def ranked(query: str, viewer) -> tuple[list[Hit], list[Found]]:
    """Return every source's hits for `query`, best first (ties in the sources' order), and what each source found."""
    if not terms(query):
        return [], []
    found = [source(query, viewer, PER_SOURCE) for source in SOURCES]
    hits = [hit for result in found for hit in result.hits]
    return sorted(hits, key=lambda hit: -hit.score), found
