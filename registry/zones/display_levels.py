"""The map's shapes per zoom level for zones stored before they existed (migration 0015_zone_display_levels).

`zones.boundaries.set_geometry` writes them with every boundary; a zone stored earlier has none
until its boundary is written again, and every map shapes it per request meanwhile. `flask init`
(run on every upgrade) fills them in from the stored boundary, the way set_geometry would have.
"""
from __future__ import annotations

import maps
from maps.display_levels import DISPLAY_LEVELS, display_levels
from sqlalchemy import or_, update

from registry.extensions import db

from .models import Zone

BATCH = 100  # boundaries read at a time: a national layer's zones hold up to megabytes each


def _missing():
    return db.select(Zone.id).where(Zone.boundary_wkb.is_not(None), or_(
        *(getattr(Zone, f"display_z{level}").is_(None) for level in DISPLAY_LEVELS))).order_by(Zone.id)


def fill_display_levels() -> int:
    """Give every zone with a boundary but without its shapes per zoom level those shapes; return how many got them.

    Writes the shape columns alone (no audit entry: they are derived from the boundary, which does
    not change), so the zones' data version moves and kept map layers are built again.
    """
    ids = list(db.session.scalars(_missing()))
    for start in range(0, len(ids), BATCH):
        rows = db.session.execute(db.select(Zone.id, Zone.boundary_wkb).where(Zone.id.in_(ids[start:start + BATCH]))).all()
        for zone_id, wkb in rows:
            levels = display_levels(maps.display_geometry(maps.from_wkb(wkb)))
            db.session.execute(update(Zone).where(Zone.id == zone_id).values(
                {f"display_z{level}": text for level, text in levels.items()}).execution_options(synchronize_session=False))
    return len(ids)
