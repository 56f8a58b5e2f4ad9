"""The map's layers as GeoJSON: zones and enterprises filtered by place, kind, catalog group, box or distance.

The /map page, the embedded maps and the GeoJSON API all read these functions.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import maps
from flask_babel import lazy_gettext as _l
from maps.validation import Bbox
from sqlalchemy import Select

from registry.accounts.models import User
from registry.enterprises import queries
from registry.enterprises.models import Enterprise
from registry.extensions import db
from registry.query_args import BadParameter, number_arg
from registry.zones import queries as zone_queries
from registry.zones.models import Zone
from registry.zones.queries import ZoneFilters

from .features import ZONE_COLUMNS, enterprise_point, url_pattern, zone_features

MAX_POINTS = 20_000
MAX_RADIUS_KM = 200
# Without a zoom, assume the answer is drawn about this many pixels wide.
ASSUMED_VIEW_PIXELS = 1024
COUNTRY_ZOOM = 6
MAX_ZOOM = 20


def near_arg(args) -> tuple[float, float, float] | None:
    """Read near=lat,lng with radius_km (default 10) as (lat, lng, km), or raise BadParameter."""
    raw = (args.get("near") or "").strip()
    if not raw:
        return None
    parts = raw.split(",")
    try:
        lat, lng = (float(part) for part in parts) if len(parts) == 2 else (math.nan, math.nan)
    except ValueError:
        lat = lng = math.nan
    if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
        raise BadParameter("near", _l("Give the centre as latitude,longitude in degrees."))
    radius = number_arg(args, "radius_km", 0.01, MAX_RADIUS_KM)
    return lat, lng, 10.0 if radius is None else radius


def zoom_for(bbox: Bbox | None) -> float:
    """Guess the zoom at which a box fills the assumed view, for callers that give none."""
    if bbox is None:
        return COUNTRY_ZOOM
    width = max(bbox[2] - bbox[0], bbox[3] - bbox[1], 1e-6)
    return max(0.0, min(MAX_ZOOM, math.log2(360 * ASSUMED_VIEW_PIXELS / (256 * width))))


def zone_statement(filters: ZoneFilters) -> Select:
    """Select the columns of the zone features matching the filters, the box prefiltered on indexed columns."""
    return zone_queries.filtered(filters, ordered=False).with_only_columns(*ZONE_COLUMNS).order_by(Zone.id)


def zone_layer(filters: ZoneFilters, zoom: float | None, locale: str) -> dict:
    """Return the zones matching `filters` as a FeatureCollection simplified for `zoom` (guessed from the box when None)."""
    rows = db.session.execute(zone_statement(filters)).all()
    level = round(zoom if zoom is not None else zoom_for(filters.bbox))
    return {"type": "FeatureCollection", "features": zone_features(rows, locale, level, filters.bbox, _display_boundaries)}


def _display_boundaries(ids: list[int]) -> dict[int, str]:
    """Read the stored display GeoJSON of these zones."""
    return dict(db.session.execute(db.select(Zone.id, Zone.display_geojson).where(Zone.id.in_(ids))).all())


@dataclass
class PointQuery:
    """Where to look for enterprises, besides the list filters."""

    bbox: Bbox | None = None
    near: tuple[float, float, float] | None = None
    limit: int = MAX_POINTS
    filters: queries.Filters = field(default_factory=queries.Filters)


def enterprise_layer(query: PointQuery, viewer: User | None, locale: str) -> dict:
    """Return published enterprises with a location as compact points; nearest first for a radius search."""
    bbox = query.bbox
    if query.near is not None:
        bbox = maps.box_around(*query.near)
    statement = queries.filtered(query.filters, viewer, ranked=False).with_only_columns(
        Enterprise.id, Enterprise.name_vi, Enterprise.name_en, Enterprise.longitude, Enterprise.latitude
    ).where(Enterprise.latitude.is_not(None), Enterprise.longitude.is_not(None))
    if bbox is not None:
        statement = statement.where(Enterprise.longitude.between(bbox[0], bbox[2]), Enterprise.latitude.between(bbox[1], bbox[3]))
    # A circle fills about 79% of its box: read enough of the box to fill the limit from the circle.
    cap = query.limit * (2 if query.near is not None else 1)
    rows = db.session.execute(statement.order_by(Enterprise.id).limit(cap + 1)).all()
    truncated = len(rows) > cap
    if query.near is not None:
        lat, lng, radius = query.near
        measured = sorted(((maps.distance_km(lat, lng, row.latitude, row.longitude), row.id, row) for row in rows), key=lambda m: m[:2])
        rows = [row for km, _key, row in measured if km <= radius]
    truncated = truncated or len(rows) > query.limit
    features = [
        enterprise_point(row.id, (row.name_en if locale == "en" else row.name_vi) or row.name_vi, row.longitude, row.latitude)
        for row in rows[: query.limit]
    ]
    url_template = url_pattern("enterprises.detail", "enterprise_id")
    return {"type": "FeatureCollection", "features": features, "truncated": truncated, "url_template": url_template}
