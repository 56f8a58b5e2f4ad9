"""API routes for zones: list with filters, one zone, and a board's change of figures with a token."""
from __future__ import annotations

from flask import g, jsonify, request, url_for
from flask_babel import lazy_gettext as _l

from registry.extensions import db
from registry.inputs import VERSION_MESSAGE, parse_version
from registry.query_args import page_args
from registry.zones import figures, queries, service
from registry.zones.messages import api_source
from registry.zones.models import Zone, ZoneKind, ZoneStatus

from . import bp
from .auth import token_required
from .errors import error_response
from .spec import BBOX_SCHEMA, ID_SCHEMA, param
from .spec import ref as schema_ref

# The fields a PATCH may change; the province and the managing board are changed by administrators only.
WRITABLE = frozenset({
    *service.TEXT_FIELDS, *service.NUMBER_FIELDS, *service.INTEGER_FIELDS, *service.BOOLEAN_FIELDS,
    "kind", "status", "parent_id", "commune_codes", "decision_date", "priority_groups",
})
_FIGURES = (
    "location_text", "developer", "decision_number", "founded_year", "total_ha", "industrial_ha", "leased_ha", "available_ha",
    "land_price_usd_m2", "land_price_note", "wastewater_plant", "wastewater_capacity_m3_day", "solid_waste_service",
    "power_note", "water_note", "port_km", "airport_km", "expressway_km", "tenants", "sectors", "description", "contact", "website",
)


def zone_json(zone: Zone, *, full: bool = False, shown: dict | None = None) -> dict:
    """A zone as the API gives it; `shown` holds its figures by metric (read here when not given)."""
    shown = figures.figures_of([zone.id])[zone.id] if shown is None else shown
    data = {
        "id": zone.id,
        "code": zone.code,
        "name_vi": zone.name_vi,
        "name_en": zone.name_en,
        "kind": zone.kind.value,
        "status": zone.status.value,
        "province": zone.province_code,
        "parent": zone.parent_id,
        "total_ha": zone.total_ha,
        "industrial_ha": zone.industrial_ha,
        "leased_ha": zone.leased_ha,
        "available_ha": zone.available_ha,
        "occupancy": zone.occupancy,
        "occupancy_computed": zone.computed_occupancy,
        "figures": {metric: figures.figure_json(found[0]) for metric, found in shown.items()},
        "location": {"lat": zone.latitude, "lng": zone.longitude} if zone.latitude is not None else None,
        "bbox": [zone.min_lon, zone.min_lat, zone.max_lon, zone.max_lat] if zone.min_lon is not None else None,
        "boundary_approximate": zone.boundary_approximate if zone.has_boundary else None,
        "demo": zone.is_demo,
        "version": zone.version,
        "url": url_for("zones.detail", zone_id=zone.id, _external=True),
    }
    if full:
        data.update({name: getattr(zone, name) for name in _FIGURES})
        data.update(
            communes=list(zone.commune_codes or []),
            organization={"id": zone.organization.id, "name": zone.organization.name} if zone.organization else None,
            decision_date=zone.decision_date.isoformat() if zone.decision_date else None,
            priority_groups=list(zone.priority_groups or []),
            mapped_ha=zone.mapped_ha,
            sources=zone.sources or {},
            all_figures=[figures.figure_json(figure) for found in shown.values() for figure in found],
            updated_at=zone.updated_at.isoformat() + "Z",
        )
    return data


@bp.get("/zones")
def zones():
    """List zones, filtered by name, province, kind, status, parent, catalog group, free land and a bounding box."""
    filters = queries.ZoneFilters.from_args(request.args, strict=True)
    page, per_page = page_args(request.args, queries.MAX_PER_PAGE, queries.MAX_PER_PAGE)
    results = queries.page_of(filters, page, per_page)
    shown = figures.figures_of(zone.id for zone in results.items)
    answer = {"items": [zone_json(zone, shown=shown[zone.id]) for zone in results.items], "total": results.total, "page": page,
              "per_page": per_page}
    if filters.min_available_ha is not None:
        ages = figures.ages_of(results.items, "available")
        answer["available_as_of"] = {"first_year": ages.first_year, "last_year": ages.last_year, "undated": ages.undated,
                                     "description": ages.describe()}
    return jsonify(answer)


@bp.get("/zones/<int:zone_id>")
def zone(zone_id: int):
    """One zone with every figure and where each comes from."""
    record = db.session.get(Zone, zone_id)
    if record is None:
        return error_response(404, _l("There is no zone with id %(id)s.", id=zone_id))
    return jsonify(zone_json(record, full=True))


@bp.patch("/zones/<int:zone_id>")
@token_required
def update_zone(zone_id: int):
    """Change some figures of a zone, as an editor of its board, an officer of its province or an administrator."""
    record = db.session.get(Zone, zone_id)
    if record is None:
        return error_response(404, _l("There is no zone with id %(id)s.", id=zone_id))
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error_response(400, _l("Send the fields to change as a JSON object."))
    expected = body.pop("version", None)
    if expected is not None and parse_version(expected) is None:
        return error_response(422, None, {"version": [VERSION_MESSAGE]})
    unknown = sorted(set(body) - WRITABLE)
    if unknown:
        return error_response(422, None, {name: [_l("This field cannot be changed here.")] for name in unknown})
    source = {"source": api_source(g.api_user.email), "confidence": ""}
    service.update_zone(g.api_user, record, body, partial=True, sources={name: source for name in body},
                        expected_version=parse_version(expected))
    return jsonify(zone_json(record, full=True))


# The arguments of queries.ZoneFilters, which the zone list and the zones' GeoJSON layer both take.
FILTER_PARAMS = [
    param("q", "Words of the zone's name in Vietnamese or English, the last one possibly cut short; case and accents are ignored"),
    param("province", "GSO code of the province"),
    param("kind", "Kind of zone", {"type": "string", "enum": [k.value for k in ZoneKind]}),
    param("status", "Status", {"type": "string", "enum": [s.value for s in ZoneStatus]}),
    param("parent", "Id of a zone: the zones directly inside it", ID_SCHEMA),
    param("catalog", "Decision 980 item or group among the zone's priority groups"),
    param("min_available_ha", "At least this much available land, in hectares",
          {"type": "number", "minimum": 0, "maximum": service.NUMBER_FIELDS["available_ha"][1]}),
    param("bbox", "min_lon,min_lat,max_lon,max_lat (WGS84): zones whose boundary box or point meets it", BBOX_SCHEMA),
]


def openapi_paths(json_response, ref, error) -> dict:
    """Describe the zone routes for the OpenAPI document."""
    record = json_response(ref("Zone"), "The zone")
    zone_id = param("zone_id", "The zone's id", ID_SCHEMA, "path")
    return {
        "/zones": {"get": {
            "summary": "Zones, filtered by name, province, kind, status, parent, catalog group, available land and bounding box",
            "parameters": [
                *FILTER_PARAMS,
                param("sort", "Order: by province then name (default); `name`, the Vietnamese name in Vietnamese dictionary order "
                              "(ă after a, đ after d, tones after letters); `total` area or `available` land, largest first, "
                              "zones without the figure last",
                      {"type": "string", "enum": list(queries.SORTS)}),
                param("page", "Page number, from 1", {"type": "integer", "minimum": 1}),
                param("per_page", f"Zones per page, 1 to {queries.MAX_PER_PAGE} (default {queries.MAX_PER_PAGE})",
                      {"type": "integer", "minimum": 1, "maximum": queries.MAX_PER_PAGE}),
            ],
            "responses": {"200": json_response({"type": "object", "properties": {
                "items": {"type": "array", "items": ref("Zone")}, "total": {"type": "integer"},
                "page": {"type": "integer"}, "per_page": {"type": "integer"},
                "available_as_of": {"type": "object", "description": "With min_available_ha: how old the available-land figures of this page are",
                                    "properties": {"first_year": {"type": "integer", "nullable": True},
                                                   "last_year": {"type": "integer", "nullable": True},
                                                   "undated": {"type": "integer"}, "description": {"type": "string"}}}}},
                "One page of zones"), "400": error},
        }},
        "/zones/{zone_id}": {
            "get": {"summary": "One zone with every figure and its sources", "parameters": [zone_id],
                    "responses": {"200": record, "404": error}},
            "patch": {
                "summary": "Change some figures (an editor of the managing board, an officer of the province, an administrator)",
                "security": [{"bearer": []}], "parameters": [zone_id],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("ZoneChange")}}},
                "responses": {"200": record, "400": error, "401": error, "403": error, "404": error, "409": error, "422": error},
            },
        },
    }


def _change_schema() -> dict:
    """Describe each field a PATCH may send, with the type and range `clean_zone` accepts."""
    fields = {
        **{name: {"type": "string", "maxLength": limit} for name, limit in service.TEXT_FIELDS.items()},
        **{name: {"type": "number", "minimum": low, "maximum": high, "nullable": True} for name, (low, high) in service.NUMBER_FIELDS.items()},
        **{name: {"type": "integer", "minimum": low, "maximum": high, "nullable": True}
           for name, (low, high) in service.INTEGER_FIELDS.items()},
        **{name: {"type": "boolean", "nullable": True} for name in service.BOOLEAN_FIELDS},
        "kind": {"type": "string", "enum": [k.value for k in ZoneKind]},
        "status": {"type": "string", "enum": [s.value for s in ZoneStatus]},
        "parent_id": {**ID_SCHEMA, "nullable": True, "description": "The enclosing zone, in the same province (its code is accepted too)"},
        "commune_codes": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{5}$"}, "description": "Communes of the zone's province"},
        "decision_date": {"type": "string", "format": "date", "nullable": True},
        "priority_groups": {"type": "array", "items": {"type": "string"}, "description": "Codes of Decision 980 items or groups"},
    }
    fields["website"]["description"] = "An http:// or https:// address; a bare host such as example.vn gets https://"
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {**fields, "version": {"type": "integer", "minimum": 0, "description": "The version you read, to refuse a lost update (409)"}},
    }


def _figure_types() -> dict:
    """Type the figures a zone's full record carries, as stored (no range: older rows may predate a rule)."""
    change = _change_schema()["properties"]
    return {name: {key: value for key, value in change[name].items() if key in {"type", "nullable"}} for name in _FIGURES}


OPENAPI_SCHEMAS = {
    "ZoneChange": _change_schema(),
    "ZoneFigure": {
        "type": "object",
        "properties": {
            "metric": {"type": "string", "enum": list(figures.METRICS)}, "value": {"type": "number"}, "unit": {"type": "string"},
            "as_of": {"type": "string", "format": "date", "nullable": True},
            "as_of_precision": {"type": "string", "enum": [p.value for p in figures.DatePrecision], "nullable": True},
            "as_of_text": {"type": "string", "description": "The source's own wording of the date"},
            "source_url": {"type": "string"}, "source_name": {"type": "string"},
            "source_kind": {"type": "string", "enum": [k.value for k in figures.SourceKind]},
            "confidence": {"type": "string"}, "note": {"type": "string"},
        },
    },
    "Zone": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "code": {"type": "string"}, "name_vi": {"type": "string"}, "name_en": {"type": "string"},
            "kind": {"type": "string", "enum": [k.value for k in ZoneKind]},
            "status": {"type": "string", "enum": [s.value for s in ZoneStatus]},
            "province": {"type": "string"}, "parent": {"type": "integer", "nullable": True},
            "total_ha": {"type": "number", "nullable": True}, "industrial_ha": {"type": "number", "nullable": True},
            "leased_ha": {"type": "number", "nullable": True}, "available_ha": {"type": "number", "nullable": True},
            "occupancy": {"type": "number", "nullable": True,
                          "description": "The published occupancy in percent where a source gives one, else leased over industrial land"},
            "occupancy_computed": {"type": "number", "nullable": True, "description": "Leased over industrial land, in percent"},
            "figures": {"type": "object", "description": "Per metric (total, industrial, leased, available, price, tenants, occupancy, "
                        "projects): the shown figure with its date (as_of, null when undated), source and kind of source",
                        "additionalProperties": schema_ref("ZoneFigure")},
            "all_figures": {"type": "array", "items": schema_ref("ZoneFigure"), "description": "Every figure of every source, the shown one first per metric"},
            "location": {"type": "object", "nullable": True, "properties": {"lat": {"type": "number"}, "lng": {"type": "number"}}},
            "bbox": {"type": "array", "nullable": True, "items": {"type": "number"}},
            "sources": {"type": "object", "description": "Per figure: {source, confidence H/M/L}"},
            "version": {"type": "integer"}, "url": {"type": "string"},
            "boundary_approximate": {"type": "boolean", "nullable": True}, "demo": {"type": "boolean"},
            "communes": {"type": "array", "items": {"type": "string"}},
            "organization": {"type": "object", "nullable": True, "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
            "decision_date": {"type": "string", "format": "date", "nullable": True},
            "priority_groups": {"type": "array", "items": {"type": "string"}},
            "mapped_ha": {"type": "number", "nullable": True}, "updated_at": {"type": "string", "format": "date-time"},
            **_figure_types(),
        },
    },
}
