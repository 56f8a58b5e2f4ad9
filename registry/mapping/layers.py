"""The map's layers as GeoJSON: zones and enterprises filtered by place, kind, catalog group, box or distance.

The /map page, the embedded maps and the GeoJSON API all read these functions.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import maps
from flask import current_app, request
from flask_babel import lazy_gettext as _l
from maps.display_levels import level_for
from maps.grid import Cell, PointIndex, cell_bounds, cell_centre, cell_degrees
from maps.validation import Bbox
from sqlalchemy import BigInteger, Select, bindparam, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from registry.accounts.models import User
from registry.audit.service import data_versions
from registry.enterprises import queries
from registry.enterprises.models import Enterprise
from registry.extensions import db
from registry.page_cache import pages
from registry.query_args import BadParameter, number_arg
from registry.zones import queries as zone_queries
from registry.zones.models import Zone
from registry.zones.queries import ZoneFilters

from .enterprise_points import kept_index
from .features import ZONE_COLUMNS, plain_rows, cell_point, enterprise_point, json_value, url_pattern, zone_features
from .zone_boxes import zone_ids_meeting

MAX_POINTS = 20_000
MAX_RADIUS_KM = 200
# Without a zoom, assume the answer is drawn about this many pixels wide.
ASSUMED_VIEW_PIXELS = 1024
COUNTRY_ZOOM = 6
MAX_ZOOM = 20
# Zone layers kept: a whole-country layer of 3,000 zones is about 1 MB of text; a view's box, a few KB.
KEEP_LAYER_CHARS = 4_000_000
KEEP_BOX_CHARS = 65_536
MAX_IDS_IN_QUERY = 5_000
WORLD: Bbox = (-180.0, -90.0, 180.0, 90.0)


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


def zone_layer(filters: ZoneFilters, zoom: float | None, locale: str) -> str:
    """Return the zones matching `filters` as FeatureCollection text simplified for `zoom` (guessed from the box when None).

    Answers are kept in the page cache under the zones' and catalog's data versions (moved by every
    committed change to them), so the whole-country layer is built once per change, not once per
    visitor. Answers for a box are kept only when small: each view pans to a new box.
    """
    level = round(zoom if zoom is not None else zoom_for(filters.bbox))
    key = None
    if current_app.config["PAGE_CACHE_SECONDS"]:
        versions = data_versions(("zones", "catalog"))
        key = f"zone-layer:{versions['zones']}:{versions['catalog']}:{locale}:{level}:{request.script_root}:{sorted(filters.args().items())}"
        answer = pages().get(key)
        if isinstance(answer, str):
            return answer
    ids = zone_ids_meeting(filters.bbox) if filters.bbox is not None else None
    if ids is not None and len(ids) > MAX_IDS_IN_QUERY:
        ids = None  # a view over most of the country: the box prefilter in SQL does as well
    statement = zone_statement(filters if ids is None else replace(filters, bbox=None))
    if ids is not None:
        statement = statement.where(Zone.id.in_(ids))
    stored = level_for(level)
    if stored is not None:
        statement = statement.add_columns(getattr(Zone, f"display_z{stored}").label("level_geojson"))
    rows = plain_rows(db.session.connection().execute(statement))
    answer = '{"type":"FeatureCollection","features":[' + ",".join(
        zone_features(rows, locale, level, filters.bbox, _display_boundaries)) + "]}"
    if key is not None and len(answer) <= (KEEP_BOX_CHARS if filters.bbox else KEEP_LAYER_CHARS):
        pages().put(key, answer)
    return answer


def _display_boundaries(ids: list[int]) -> dict[int, str]:
    """Read the stored display GeoJSON of these zones."""
    return dict(db.session.execute(db.select(Zone.id, Zone.display_geojson).where(Zone.id.in_(ids))).all())


@dataclass
class PointQuery:
    """Where to look for enterprises, besides the list filters; with `zoom`, dense views are counted per grid cell."""

    bbox: Bbox | None = None
    near: tuple[float, float, float] | None = None
    limit: int = MAX_POINTS
    filters: queries.Filters = field(default_factory=queries.Filters)
    zoom: int | None = None


def enterprise_layer(query: PointQuery, viewer: User | None, locale: str) -> str:
    """Return published enterprises with a location as compact points, as FeatureCollection text; nearest first for a radius search.

    Given a zoom (and no radius), a view holding more than MAP_POINTS_IN_VIEW enterprises is answered
    as grid cells instead (grid_layer), so no answer carries more than a few thousand features.
    The map's own views (no filter but province and catalog group) are counted and gridded from the
    positions kept in memory (enterprise_points), the rest in the database.
    """
    url_template = url_pattern("enterprises.detail", "enterprise_id")
    if query.zoom is not None and query.near is None:
        index = kept_index(query.filters, viewer, lambda filters: _located(PointQuery(filters=filters), viewer))
        if index is not None:
            return _from_index(index, query, locale, url_template)
        cells = grid_layer(query, viewer, locale)
        if cells is not None:
            return cells
    statement = _located(query, viewer).with_only_columns(*_point_columns(locale))
    # A circle fills about 79% of its box: read enough of the box to fill the limit from the circle.
    cap = query.limit * (2 if query.near is not None else 1)
    rows = db.session.execute(statement.order_by(Enterprise.id).limit(cap + 1)).all()
    truncated = len(rows) > cap
    if query.near is not None:
        lat, lng, radius = query.near
        measured = sorted(((maps.distance_km(lat, lng, row[3], row[2]), row[0], row) for row in rows), key=lambda m: m[:2])
        rows = [row for km, _key, row in measured if km <= radius]
    truncated = truncated or len(rows) > query.limit
    return points_collection(rows[: query.limit], truncated, url_template)


def _from_index(index: PointIndex, query: PointQuery, locale: str, url_template: str | None) -> str:
    """Answer a view with a zoom from the kept positions: its grid cells when dense, else its points read by id."""
    bbox = query.bbox or WORLD
    total = index.count_in(bbox)
    if total > current_app.config["MAP_POINTS_IN_VIEW"]:
        size = cell_degrees(query.zoom)
        return _cells_collection(index.cells_in(bbox, size), size, total, locale, url_template)
    ids = index.keys_in(bbox)
    return points_collection(_points_by_id(ids[: query.limit], locale), len(ids) > query.limit, url_template)


def _point_columns(locale: str) -> tuple:
    """The columns of a point feature: id, name in the page's language (else Vietnamese), longitude, latitude."""
    own_name = Enterprise.name_en if locale == "en" else Enterprise.name_vi
    return Enterprise.id, func.coalesce(func.nullif(own_name, ""), Enterprise.name_vi), Enterprise.longitude, Enterprise.latitude


def _points_by_id(ids: list[int], locale: str) -> list:
    """Read the point columns of these enterprises (ascending ids), by id, in that order.

    Through the connection with one expanding parameter: 2,000 ids cost a third of what the ORM
    session spends coercing each into a literal of its own.
    """
    statement = db.select(*_point_columns(locale)).where(Enterprise.id.in_(bindparam("ids", expanding=True))).order_by(Enterprise.id)
    connection = db.session.connection()
    rows = []
    for start in range(0, len(ids), MAX_IDS_IN_QUERY):
        rows += connection.execute(statement, {"ids": ids[start:start + MAX_IDS_IN_QUERY]}).all()
    return rows


def points_collection(rows, truncated: bool, url_template: str | None) -> str:
    """Write (id, name, lon, lat) rows as a FeatureCollection of points, with `truncated` and `url_template`."""
    return (f'{{"type":"FeatureCollection","features":[{",".join(enterprise_point(*row) for row in rows)}],'
            f'"truncated":{json_value(truncated)},"url_template":{json_value(url_template)}}}')


def _cells_collection(cells, size: float, total: int, locale: str, url_template: str | None) -> str:
    """Write grid cells as a FeatureCollection: a cell of one is that enterprise's point, a cell of more its centre with count and bbox."""
    lone = _points_by_id(sorted(cell.first for cell in cells if cell.count == 1), locale)
    features = [enterprise_point(*row) for row in lone]
    features += [cell_point(*cell_centre(cell.column, cell.row, size), cell.count, cell_bounds(cell.column, cell.row, size))
                 for cell in cells if cell.count > 1]
    return (f'{{"type":"FeatureCollection","features":[{",".join(features)}],"truncated":false,"clustered":true,'
            f'"total":{int(total)},"url_template":{json_value(url_template)}}}')


def _located(query: PointQuery, viewer: User | None) -> Select:
    """Select the enterprises the viewer may see that match the filters and have a location in the query's box."""
    bbox = maps.box_around(*query.near) if query.near is not None else query.bbox
    statement = queries.filtered(query.filters, viewer, ranked=False).where(
        Enterprise.latitude.is_not(None), Enterprise.longitude.is_not(None))
    if bbox is not None:
        statement = statement.where(Enterprise.longitude.between(bbox[0], bbox[2]), Enterprise.latitude.between(bbox[1], bbox[3]))
    return statement


class cell_index(FunctionElement):
    """The whole part of a non-negative number, as a 64-bit integer (a grid cell's column or row)."""

    type = BigInteger()
    inherit_cache = True


@compiles(cell_index)
def _cell_index(element, compiler, **kw):
    return f"CAST(floor({compiler.process(element.clauses, **kw)}) AS BIGINT)"


@compiles(cell_index, "sqlite")
def _cell_index_sqlite(element, compiler, **kw):
    # SQLite's floor() needs its math functions compiled in; CAST truncates, the same for x >= 0.
    return f"CAST({compiler.process(element.clauses, **kw)} AS INTEGER)"


# A cell's key is column * ROWS + row: one integer to group by is a third faster than two.
ROWS = 2**25  # more than the rows of the finest grid (180° in cells at zoom 22)


def grid_layer(query: PointQuery, viewer: User | None, locale: str) -> str | None:
    """Count the enterprises per grid cell of the zoom (maps.grid) in the database, or None when the view holds few enough to send as points.

    A cell of one enterprise is that enterprise's point; a cell of more is a point at the cell's
    centre with its `count` and `bbox`, which the map draws as a cluster that zooms to the cell.
    Counting reads only the (status, longitude, latitude) index (22,000 points in about 15 ms);
    names and positions are read for lone points only. For views the kept positions do not answer.
    """
    located = _located(query, viewer)
    total = db.session.scalar(located.with_only_columns(func.count()).order_by(None)) or 0
    if total <= current_app.config["MAP_POINTS_IN_VIEW"]:
        return None
    size = cell_degrees(query.zoom)
    key = cell_index((Enterprise.longitude + 180) / size) * ROWS + cell_index((Enterprise.latitude + 90) / size)
    rows = db.session.execute(located.with_only_columns(
        key.label("key"), func.count().label("count"), func.min(Enterprise.id).label("first")).group_by(key).order_by(key)).all()
    cells = [Cell(*divmod(row.key, ROWS), row.count, row.first) for row in rows]
    return _cells_collection(cells, size, total, locale, url_pattern("enterprises.detail", "enterprise_id"))
