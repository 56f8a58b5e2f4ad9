"""GeoJSON layers for maps: zones simplified per zoom level, enterprises as compact points."""
from __future__ import annotations

import gzip

from flask import Response, request

from registry.enterprises import queries
from registry.i18n import locale_code
from registry.mapping import layers
from registry.query_args import bbox_arg, number_arg
from registry.zones.queries import ZoneFilters

from . import bp
from .auth import token_user
from .spec import BBOX_SCHEMA, ID_SCHEMA, param
from .zones import FILTER_PARAMS

MAX_ZOOM = 22
GZIP_FROM_BYTES = 8_192
GZIP_LEVEL = 5  # 1 MB in about 15 ms here, within a few percent of level 9's size


def _zoom() -> float | None:
    zoom = number_arg(request.args, "zoom", 0, MAX_ZOOM)
    return None if zoom is None else round(zoom)


def geojson_text_response(text: str) -> Response:
    """Answer with GeoJSON text, gzipped when the client accepts it and the answer is large.

    No proxy compresses for the embedded default: the whole-country zone layer is about 1 MB as
    text and a tenth of that gzipped, most of the map's first view.
    """
    body = text.encode("utf-8")
    answer = Response(body, mimetype="application/geo+json")
    answer.vary.add("Accept-Encoding")
    if len(body) >= GZIP_FROM_BYTES and "gzip" in request.accept_encodings:
        answer.set_data(gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0))
        answer.headers["Content-Encoding"] = "gzip"
    return answer


@bp.get("/zones.geojson")
def zones_geojson():
    """Zones as a FeatureCollection: polygons, or points marked approximate where no boundary is known."""
    filters = ZoneFilters.from_args(request.args, strict=True)
    return geojson_text_response(layers.zone_layer(filters, _zoom(), locale_code()))


@bp.get("/enterprises.geojson")
def enterprises_geojson():
    """Published enterprises with a location, as points: in a box, or within radius_km of near=lat,lng."""
    limit = number_arg(request.args, "limit", 1, layers.MAX_POINTS)
    query = layers.PointQuery(
        bbox=bbox_arg(request.args),
        near=layers.near_arg(request.args),
        limit=layers.MAX_POINTS if limit is None else int(limit),
        filters=queries.Filters.from_args(request.args),
        zoom=_zoom(),
    )
    return geojson_text_response(layers.enterprise_layer(query, token_user(), locale_code()))


BBOX = param("bbox", "min_lon,min_lat,max_lon,max_lat in WGS84 degrees", BBOX_SCHEMA)
OPENAPI_SCHEMAS = {
    "FeatureCollection": {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": {"type": "object", "properties": {
                "type": {"type": "string", "enum": ["Feature"]},
                "geometry": {"type": "object", "nullable": True},
                "properties": {"type": "object"},
            }}},
            "truncated": {"type": "boolean", "description": "Enterprises only: more points matched than the limit"},
            "clustered": {"type": "boolean", "description": "Enterprises only, with zoom: the features are grid cells"},
            "total": {"type": "integer", "description": "Enterprises only, when clustered: how many the cells count"},
            "url_template": {"type": "string", "nullable": True,
                             "description": "Enterprises only: each point's page, with {id} replaced by its properties.id"},
        },
    },
}


def openapi_paths(json_response, ref, error) -> dict:
    """Describe the GeoJSON routes for the OpenAPI document."""
    layer = {"description": "A GeoJSON FeatureCollection", "content": {"application/geo+json": {"schema": ref("FeatureCollection")}}}
    return {
        "/zones.geojson": {
            "get": {
                "summary": "Zones as GeoJSON, simplified for the zoom level; properties id, name, kind, kind_label, status, "
                "available_ha, occupancy, approximate, url",
                "parameters": [
                    param("zoom", "Web Mercator zoom the layer is drawn at (0-22); guessed from bbox when omitted",
                           {"type": "integer", "minimum": 0, "maximum": MAX_ZOOM}),
                    *FILTER_PARAMS,
                ],
                "responses": {"200": layer, "400": error},
            }
        },
        "/enterprises.geojson": {
            "get": {
                "summary": "Published enterprises with a location as points (properties id, name; pages at url_template), "
                "nearest first with near",
                "parameters": [
                    BBOX,
                    param("near", "Centre of a radius search: latitude,longitude", {"type": "string", "example": "15.4,108.8"}),
                    param("radius_km", "Radius around near, in km (default 10, at most 200)", {"type": "number", "minimum": 0.01,
                                                                                                   "maximum": layers.MAX_RADIUS_KM}),
                    param("province", "GSO code of the province"),
                    param("catalog", "Code of a Decision 980 item or group"),
                    param("q", "Words of a name or tax code"),
                    param("zone", "Zone id; enterprises in the zones inside it count too", ID_SCHEMA),
                    param("relation", "manufactures, supplies, services or uses"),
                    param("size", "micro, small, medium or large"),
                    param("limit", "At most this many points (default and maximum 20,000)",
                           {"type": "integer", "minimum": 1, "maximum": layers.MAX_POINTS}),
                    param("zoom", "Web Mercator zoom the layer is drawn at (0-22). With it (and without near), a view holding "
                          "more than the server's MAP_POINTS_IN_VIEW (2,000 by default) enterprises is answered as grid cells: clustered is true, a "
                          "cell of several is a point at the cell's centre with properties count and bbox, a cell of one is "
                          "that enterprise's point", {"type": "integer", "minimum": 0, "maximum": MAX_ZOOM}),
                ],
                "responses": {"200": layer, "400": error},
            }
        },
    }
