"""GeoJSON features for zones and enterprises, with the properties every map popup reads."""
from __future__ import annotations

import functools
import json
import math
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterable
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

import maps
import shapely
from flask import current_app, url_for
from maps.validation import Bbox
from shapely.geometry import Point, mapping
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Result

from registry.enterprises.models import Enterprise
from registry.zones.models import Zone

from .styles import kind_label

ZONE_PAGE = "zones.detail"
_ID_PLACEHOLDER = 987654321  # built once into a URL pattern: url_for per feature costs ~10 µs each

# The columns a zone feature needs, so thousands of zones load without their relationships; the
# stored boundary itself is read only for zones whose shape is not cached yet.
ZONE_COLUMNS = (
    Zone.id, Zone.name_vi, Zone.name_en, Zone.kind, Zone.status, Zone.available_ha, Zone.industrial_ha, Zone.total_ha,
    Zone.leased_ha, Zone.boundary_approximate, Zone.longitude, Zone.latitude,
    Zone.version, Zone.updated_at, Zone.min_lon, Zone.min_lat, Zone.max_lon, Zone.max_lat, Zone.published_occupancy,
    Zone.display_geojson.is_not(None).label("has_display"),
)


def plain_rows(result: Result) -> list[tuple]:
    """Return a result's rows as named tuples: a field of a SQLAlchemy Row costs about 1 µs to read, of a named tuple a twentieth of that."""
    make = _row_class(tuple(result.keys()))._make
    return [make(row) for row in result]


@functools.lru_cache(maxsize=32)
def _row_class(fields: tuple[str, ...]) -> type:
    return namedtuple("PlainRow", fields)  # noqa: PYI024 -- built from a statement's columns at run time


def url_pattern(endpoint: str, argument: str) -> str | None:
    """Return the endpoint's URL with "{id}" for the id, or None while the app has no such page."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **{argument: _ID_PLACEHOLDER}).replace(str(_ID_PLACEHOLDER), "{id}")


def zone_shape(row: Any) -> BaseGeometry | None:
    """Return the zone's stored display boundary, else its recorded point, else None."""
    if row.display_geojson:
        return maps.from_geojson_text(row.display_geojson)
    if row.longitude is not None and row.latitude is not None:
        return Point(row.longitude, row.latitude)
    return None


def _has_display(row: Any) -> bool:
    return bool(row.has_display) if hasattr(row, "has_display") else row.display_geojson is not None


ZONE_PROPERTIES = ("id", "name", "kind", "kind_label", "status", "available_ha", "occupancy", "approximate", "url")
_PROPERTY_KEYS = tuple(f'"{name}":' for name in ZONE_PROPERTIES)


def zone_properties(row: Any, locale: str, page: str | None, labels: dict[str, str] | None = None) -> dict:
    """Describe a zone (an ORM Zone or a row of ZONE_COLUMNS) for popups, in the page's language."""
    return dict(zip(ZONE_PROPERTIES, _zone_values(row, locale, page, {} if labels is None else labels), strict=True))


def _zone_values(row: Any, locale: str, page: str | None, labels: dict[str, str]) -> tuple:
    """The values of ZONE_PROPERTIES; `labels` keeps the kinds' labels for one answer: translating one costs more than the rest of a row."""
    kind = getattr(row.kind, "value", row.kind)
    if kind not in labels:
        labels[kind] = kind_label(kind)
    return (
        row.id,
        (row.name_en if locale == "en" else row.name_vi) or row.name_vi,
        kind,
        labels[kind],
        getattr(row.status, "value", row.status),
        row.available_ha,
        # Zone.occupancy only reads the area attributes, so it works on a plain row as well.
        Zone.occupancy.fget(row),
        bool(row.boundary_approximate) or not _has_display(row),
        page.replace("{id}", str(row.id)) if page else None,
    )


def _properties_text(values: tuple) -> str:
    return "{" + ",".join([key + json_value(value) for key, value in zip(_PROPERTY_KEYS, values)]) + "}"


def zone_features(rows: Iterable[Any], locale: str, zoom: int, bbox: Bbox | None,
                  load_boundaries: Callable[[list[int]], dict[int, str]]) -> list[str]:
    """Build zone features shaped for `zoom` as JSON text, keeping only shapes that meet `bbox` (after the SQL prefilter on boxes).

    A row may carry `level_geojson`, the shape stored for this zoom's level when the boundary was
    written (maps.display_levels): it goes into the answer as it is, parsed only when it straddles
    the box's edge. Other shapes come from a per-process cache keyed by zone, its last change and
    zoom: reading the stored boundary and simplifying it cost about 0.5 ms per zone.
    `load_boundaries` reads the stored display GeoJSON of the zones missed.
    """
    rows = list(rows)
    missing = [row.id for row in rows if row.has_display and not _stored_level(row) and _SHAPES.get(_shape_key(row, zoom)) is None]
    texts = load_boundaries(missing) if missing else {}
    page = url_pattern(ZONE_PAGE, "zone_id")
    labels: dict[str, str] = {}
    window = shapely.box(*bbox) if bbox is not None else None
    features = []
    for row in rows:
        inside = window is None or row.min_lon is None or (
            bbox[0] <= row.min_lon and row.max_lon <= bbox[2] and bbox[1] <= row.min_lat and row.max_lat <= bbox[3])
        stored = _stored_level(row)
        if stored:
            if not inside and not window.intersects(shapely.from_geojson(stored)):
                continue
            geometry = stored
        else:
            cached = _SHAPES.get(_shape_key(row, zoom))
            if cached is None:
                text = texts.get(row.id)
                shape = maps.from_geojson_text(text) if text else _point(row)
                if shape is None:
                    continue
                shaped = maps.shape_for_zoom(shape, zoom)
                cached = _SHAPES.put(_shape_key(row, zoom), (shaped, _compact(mapping(shaped))))
            if not inside and not window.intersects(cached[0]):
                continue
            geometry = cached[1]
        properties = _properties_text(_zone_values(row, locale, page, labels))
        features.append(f'{{"type":"Feature","id":{int(row.id)},"geometry":{geometry},"properties":{properties}}}')
    return features


def _stored_level(row: Any) -> str | None:
    return getattr(row, "level_geojson", None)


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _finite(value: float) -> str:
    return repr(value) if math.isfinite(value) else _compact(value)


# Plain values written straight to JSON text, as json.dumps writes them (ensure_ascii off): what a
# feature's properties hold. Anything else goes through json.dumps.
_WRITERS: dict[type, Callable[[Any], str]] = {
    type(None): lambda _value: "null", bool: lambda value: "true" if value else "false", int: int.__repr__,
    float: _finite, str: encode_basestring,
}


def json_value(value: object) -> str:
    """Write one value as compact JSON."""
    write = _WRITERS.get(type(value))
    return write(value) if write is not None else _compact(value)


def _shape_key(row: Any, zoom: int) -> tuple:
    # Ids can be reused after a delete, so the time of the last change and the box join the version.
    return row.id, row.version, row.updated_at, row.min_lon, row.min_lat, row.max_lon, row.max_lat, zoom


def _point(row: Any) -> Point | None:
    return Point(row.longitude, row.latitude) if row.longitude is not None and row.latitude is not None else None


class ShapeCache:
    """Remember the most recently used shaped geometries, up to a bound."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[tuple, tuple] = OrderedDict()

    def get(self, key: tuple) -> tuple | None:
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
        return value

    def put(self, key: tuple, value: tuple) -> tuple:
        self.items[key] = value
        if len(self.items) > self.size:
            self.items.popitem(last=False)
        return value


_SHAPES = ShapeCache(20_000)


def zone_feature(zone: Zone, locale: str) -> dict:
    """Build one zone's feature at full display detail (for inline layers); its geometry is None if it has no place."""
    shape = zone_shape(zone)
    properties = zone_properties(zone, locale, url_pattern(ZONE_PAGE, "zone_id"))
    return maps.feature_collection([(zone.id, shape, properties)])["features"][0]


def enterprise_point(key: int, name: str, lon: float, lat: float) -> str:
    """Write a compact point feature as JSON text: five decimals (about 1 m) and only what a popup shows.

    The page URL is left to the collection's `url_template`: per point it cost 28 KB of the
    224 KB (gzipped) that 10,000 points took, over the 200 KB budget. Written as text, 2,000
    points take a third of the time json.dumps takes for the same features as dicts.
    """
    return (f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{round(lon, 5)!r},{round(lat, 5)!r}]}},'
            f'"properties":{{"id":{int(key)},"name":{json_value(name)}}}}}')


def cell_point(lon: float, lat: float, count: int, bbox: Bbox) -> str:
    """Write a grid cell holding several enterprises as a point feature at (lon, lat) with its count and box."""
    box = ",".join(repr(round(value, 5)) for value in bbox)
    return (f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{round(lon, 5)!r},{round(lat, 5)!r}]}},'
            f'"properties":{{"count":{int(count)},"bbox":[{box}]}}}}')


def enterprise_feature(enterprise: Enterprise, locale: str) -> dict:
    """Build the point feature of one enterprise with a location, its page URL included."""
    feature = json.loads(enterprise_point(enterprise.id, enterprise.name(locale), enterprise.longitude, enterprise.latitude))
    page = url_pattern("enterprises.detail", "enterprise_id")
    feature["properties"]["url"] = page.replace("{id}", str(enterprise.id)) if page else None
    return feature
