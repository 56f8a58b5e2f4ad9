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
from registry.catalog import service as catalog
from registry.domain_errors import Invalid
from registry.enterprises import queries
from registry.enterprises.models import Enterprise
from registry.extensions import db
from registry.text import matches
from registry.zones import service as zones
from registry.zones.models import Zone, ZoneKind

from .features import ZONE_COLUMNS, enterprise_point, url_pattern, zone_features

MAX_POINTS = 20_000
MAX_RADIUS_KM = 200
KM_PER_DEGREE = 111.32
EARTH_RADIUS_KM = 6371.0088
# Without a zoom, assume the answer is drawn about this many pixels wide.
ASSUMED_VIEW_PIXELS = 1024
COUNTRY_ZOOM = 6
MAX_ZOOM = 20


class BadParameter(Invalid):
    """A query argument the user can fix; `errors` maps the argument to its messages."""

    status = 400

    def __init__(self, name: str, message: object) -> None:
        super().__init__(message, {name: [message]})


@dataclass
class MapFilters:
    """What the map shows: the filters form on /map and the GeoJSON endpoints' arguments."""

    province: str = ""
    kind: str = ""
    catalog: str = ""
    min_available_ha: float | None = None
    q: str = ""

    @classmethod
    def from_args(cls, args, *, strict: bool = True) -> MapFilters:
        """Read the filters; a bad kind or area raises BadParameter when `strict`, else is dropped."""
        filters = cls(**{name: (args.get(name) or "").strip()[:200] for name in ("province", "kind", "catalog", "q")})
        try:
            if filters.kind and filters.kind not in {kind.value for kind in ZoneKind}:
                raise BadParameter("kind", _l("Choose a kind of zone from the list."))
            filters.min_available_ha = number_arg(args, "min_available_ha", 0, 1_000_000)
        except BadParameter:
            if strict:
                raise
            filters.kind = "" if filters.kind not in {kind.value for kind in ZoneKind} else filters.kind
        return filters

    def args(self) -> dict[str, str]:
        """Return the filters that are set, as query arguments."""
        values = {**vars(self), "min_available_ha": "" if self.min_available_ha is None else f"{self.min_available_ha:g}"}
        return {name: value for name, value in values.items() if value}


def number_arg(args, name: str, low: float, high: float) -> float | None:
    """Read an optional number between low and high, or raise BadParameter."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise BadParameter(name, _l("Enter a number.")) from None
    if not (math.isfinite(value) and low <= value <= high):
        raise BadParameter(name, _l("Enter a number from %(low)s to %(high)s.", low=low, high=high))
    return value


def bbox_arg(args) -> Bbox | None:
    """Read the optional bbox argument, or raise BadParameter in the user's language."""
    raw = args.get("bbox")
    if raw is None or raw.strip() == "":
        return None
    try:
        return maps.parse_bbox(raw.strip())
    except maps.GeodataError:
        raise BadParameter("bbox", _l("Give the box as min_lon,min_lat,max_lon,max_lat in degrees, west and south first.")) from None


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


def catalog_codes(code: str) -> set[str] | None:
    """Return the codes a zone's priority groups may hold to match `code`: its subtree and its ancestors."""
    version = catalog.current_version()
    node = catalog.get_node(version, code) if version else None
    if node is None:
        return None
    index = catalog.children_index(catalog.nodes_of(version))
    codes, stack = {a.code for a in catalog.ancestors_of(node)}, [node]
    while stack:
        current = stack.pop()
        codes.add(current.code)
        stack.extend(index.get(current.id, []))
    return codes


def zone_statement(filters: MapFilters, bbox: Bbox | None) -> Select:
    """Select the zone columns matching the filters, prefiltered by the box on indexed columns."""
    statement = db.select(*ZONE_COLUMNS)
    if bbox is not None:
        statement = zones.in_bbox(bbox, statement)
    if filters.province:
        statement = statement.where(Zone.province_code == filters.province)
    if filters.kind:
        statement = statement.where(Zone.kind == ZoneKind(filters.kind))
    if filters.min_available_ha is not None:
        statement = statement.where(Zone.available_ha >= filters.min_available_ha)
    if (named := matches(Zone.name_folded, filters.q)) is not None:
        statement = statement.where(named)
    return statement.order_by(Zone.id)


def zone_layer(filters: MapFilters, bbox: Bbox | None, zoom: float | None, locale: str) -> dict:
    """Return the zones as a FeatureCollection simplified for `zoom` (guessed from the box when None)."""
    rows = db.session.execute(zone_statement(filters, bbox)).all()
    if filters.catalog:
        wanted = catalog_codes(filters.catalog) or set()
        rows = [row for row in rows if wanted.intersection(row.priority_groups or [])]
    level = round(zoom if zoom is not None else zoom_for(bbox))
    return {"type": "FeatureCollection", "features": zone_features(rows, locale, level, bbox, _display_boundaries)}


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
        bbox = _around(*query.near)
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
        measured = sorted(((distance_km(lat, lng, row.latitude, row.longitude), row.id, row) for row in rows), key=lambda m: m[:2])
        rows = [row for km, _key, row in measured if km <= radius]
    truncated = truncated or len(rows) > query.limit
    features = [
        enterprise_point(row.id, (row.name_en if locale == "en" else row.name_vi) or row.name_vi, row.longitude, row.latitude)
        for row in rows[: query.limit]
    ]
    url_template = url_pattern("enterprises.detail", "enterprise_id")
    return {"type": "FeatureCollection", "features": features, "truncated": truncated, "url_template": url_template}


def _around(lat: float, lng: float, radius_km: float) -> Bbox:
    """Return a box holding the circle, clamped to valid degrees."""
    dlat = radius_km / KM_PER_DEGREE
    dlng = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return max(lng - dlng, -180), max(lat - dlat, -90), min(lng + dlng, 180), min(lat + dlat, 90)


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Return the great-circle distance in kilometres (haversine; metres of error do not matter here)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))
