"""Every zone's box in memory, kept in the page cache under the zones' data version.

The zone table holds each boundary and its display copies inline, so reading the box columns
row by row walks tens of megabytes of overflow pages: the bbox prefilter in SQL scanned 3,000
zones in about 25 ms. One scan per change of the zones builds a maps.BoxIndex instead; a view's
zones are then fetched by id.
"""
from __future__ import annotations

from flask import current_app
from maps.box_index import BoxIndex
from maps.validation import Bbox

from registry.audit.service import data_versions
from registry.extensions import db
from registry.page_cache import pages
from registry.zones.models import Zone


def zone_ids_meeting(bbox: Bbox) -> list[int] | None:
    """Return the ids of the zones whose box (or point) meets `bbox`; None when nothing may be kept (page cache off)."""
    if not current_app.config["PAGE_CACHE_SECONDS"] or "zones" in db.session.info.get("data_changed", ()):
        return None
    key = f"zone-boxes:{data_versions(('zones',))['zones']}"
    index = pages().get(key)
    if not isinstance(index, BoxIndex):
        # Built after reading the version, so what it holds is at least as new as the key it is kept under.
        index = _build()
        pages().put(key, index)
    return index.meeting(bbox)


def _build() -> BoxIndex:
    rows = db.session.execute(db.select(Zone.id, Zone.min_lon, Zone.min_lat, Zone.max_lon, Zone.max_lat, Zone.longitude, Zone.latitude))
    boxes = []
    for key, min_lon, min_lat, max_lon, max_lat, lon, lat in rows:
        if min_lon is not None:
            boxes.append((key, min_lon, min_lat, max_lon, max_lat))
        elif lon is not None and lat is not None:
            boxes.append((key, lon, lat, lon, lat))
    return BoxIndex(boxes)
