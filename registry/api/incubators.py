"""API routes for incubators: the network with host, focus groups and incubatee counts, one incubator with its cohorts,
and recording or changing incubators, cohorts and incubatees with a token (the pages' permissions)."""
from __future__ import annotations

from flask import g, jsonify, request, url_for
from flask_babel import lazy_gettext as _l

from registry.i18n import locale_code
from registry.incubators import queries, service
from registry.mapping.incubator_points import incubator_layer
from registry.incubators.models import HostKind, Incubator, Outcome
from registry.query_args import page_args

from . import bp
from .auth import token_required
from .errors import error_response
from .spec import ID_SCHEMA, param

WRITABLE = frozenset(service.FIELDS)
COHORT_WRITABLE = frozenset(service.COHORT_FIELDS)
INCUBATEE_WRITABLE = frozenset({*service.INCUBATEE_FIELDS, "province_code"})


def _counts_json(counts: queries.Counts) -> dict:
    return {"active": counts.active, "graduated": counts.graduated, "left": counts.left, "total": counts.total}


def incubator_json(incubator: Incubator, counts: queries.Counts) -> dict:
    zone = incubator.host_zone
    return {
        "id": incubator.id, "code": incubator.code, "name_vi": incubator.name_vi, "name_en": incubator.name_en,
        "host": {"kind": incubator.host_kind, "name": incubator.host_name,
                 "zone": {"id": zone.id, "name_vi": zone.name_vi, "url": url_for("zones.detail", zone_id=zone.id, _external=True)}
                 if zone is not None else None},
        "province": incubator.province_code, "focus_groups": list(incubator.focus_groups or []), "services": incubator.services,
        "capacity": incubator.capacity, "address": incubator.address, "email": incubator.email, "phone": incubator.phone,
        "website": incubator.website,
        "location": {"lat": incubator.latitude, "lng": incubator.longitude} if incubator.has_location else None,
        "opened_on": incubator.opened_on.isoformat() if incubator.opened_on else None,
        "closed_on": incubator.closed_on.isoformat() if incubator.closed_on else None,
        "description": incubator.description,
        "source": {"url": incubator.source_url, "as_of": incubator.as_of, "note": incubator.source_note} if incubator.source_url else None,
        "incubatees": _counts_json(counts), "demo": incubator.is_demo,
        "url": url_for("incubators.detail", incubator_id=incubator.id, _external=True),
    }


def _placement_json(placement: queries.Placement, viewer) -> dict:
    named = queries.named_for(viewer, placement)
    return {"id": placement.id, "cohort": placement.cohort_id, "enterprise": placement.enterprise_id if named else None,
            "name": placement.enterprise_name if named else None, "started_on": placement.started_on.isoformat(),
            "ended_on": placement.ended_on.isoformat() if placement.ended_on else None, "outcome": placement.outcome,
            "registered": placement.registered, "published": placement.published, "demo": placement.is_demo}


def _full_json(incubator: Incubator, viewer) -> dict:
    placements = queries.placements_of(incubator.id)
    fates = queries.fates(placements)
    return {
        **incubator_json(incubator, queries.counts([incubator.id])[incubator.id]),
        "cohorts": [{"id": c.id, "name": c.name, "starts_on": c.starts_on.isoformat(), "ends_on": c.ends_on.isoformat() if c.ends_on else None,
                     "demo": c.is_demo} for c in incubator.cohorts],
        "placements": [_placement_json(p, viewer) for p in placements],
        "graduates": {"total": fates.graduates, "registered": fates.registered, "published": fates.published,
                      "eco_labelled": fates.eco_labelled, "met_at_event": fates.met_at_event},
    }


def _body():
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


def _refused(body, allowed: frozenset, what):
    if body is None:
        return error_response(400, what)
    unknown = sorted(set(body) - allowed)
    return error_response(422, None, {name: [_l("This field cannot be changed here.")] for name in unknown}) if unknown else None


@bp.get("/incubators")
def incubators():
    """The network, filtered by province, host kind, focus group and words, with each incubator's incubatee counts."""
    filters = queries.IncubatorFilters.from_args(request.args, strict=True)
    page, per_page = page_args(request.args, queries.MAX_PER_PAGE, queries.MAX_PER_PAGE)
    results = queries.page_of(filters, page, per_page)
    return jsonify({"items": [incubator_json(i, results.counts[i.id]) for i in results.items], "total": results.total,
                    "page": page, "per_page": per_page})


@bp.get("/incubators.geojson")
def incubators_geojson():
    """The incubators with a point, for the map's incubators layer, filtered as the list is."""
    filters = queries.IncubatorFilters.from_args(request.args, strict=True)
    answer = jsonify(incubator_layer(filters, locale_code()))
    answer.mimetype = "application/geo+json"
    return answer


@bp.get("/incubators/<int:incubator_id>")
def incubator(incubator_id: int):
    """One incubator with its cohorts, incubatees and what became of its graduates."""
    return jsonify(_full_json(service.found_incubator(incubator_id), None))


@bp.post("/incubators")
@token_required
def create_incubator():
    """Record an incubator (the province's Department officers, the host zone's board, administrators)."""
    body = _body()
    if (refused := _refused(body, WRITABLE, _l("Send the incubator as a JSON object."))) is not None:
        return refused
    record = service.create_incubator(g.api_user, body)
    return jsonify(_full_json(record, g.api_user)), 201


@bp.patch("/incubators/<int:incubator_id>")
@token_required
def update_incubator(incubator_id: int):
    """Change some fields of an incubator."""
    record = service.found_incubator(incubator_id)
    body = _body()
    if (refused := _refused(body, WRITABLE, _l("Send the fields to change as a JSON object."))) is not None:
        return refused
    service.update_incubator(g.api_user, record, body, partial=True)
    return jsonify(_full_json(record, g.api_user))


@bp.post("/incubators/<int:incubator_id>/cohorts")
@token_required
def create_cohort(incubator_id: int):
    """Record a cohort of the incubator, with dates inside its life."""
    record = service.found_incubator(incubator_id)
    body = _body()
    if (refused := _refused(body, COHORT_WRITABLE, _l("Send the cohort as a JSON object."))) is not None:
        return refused
    service.create_cohort(g.api_user, record, body)
    return jsonify(_full_json(record, g.api_user)), 201


@bp.post("/incubators/<int:incubator_id>/incubatees")
@token_required
def create_incubatee(incubator_id: int):
    """Place an enterprise, by tax code, in a cohort; an unknown start-up becomes a pending enterprise when asked (`create_pending`)."""
    record = service.found_incubator(incubator_id)
    body = _body()
    if (refused := _refused(body, INCUBATEE_WRITABLE, _l("Send the incubatee as a JSON object."))) is not None:
        return refused
    try:
        service.add_incubatee(g.api_user, record, body)
    except service.IncubatorError as refused:
        if refused.unknown_tax_code:  # the API's offer, as the form's "record it as a pending enterprise" choice
            refused.errors["create_pending"] = [_l("Send create_pending: true with the start-up's name_vi to record it as a pending "
                                                   "enterprise; its province's officers then review it.")]
        raise
    return jsonify(_full_json(record, g.api_user)), 201


_DATE = {"type": "string", "format": "date", "nullable": True}


def _fields() -> dict:
    texts = {name: {"type": "string", "maxLength": limit} for name, limit in service.TEXT_FIELDS.items()}
    texts["name_vi"]["minLength"] = 1
    return {
        **texts,
        "host_kind": {"type": "string", "enum": [k.value for k in HostKind]},
        "host_zone_id": {"type": "integer", "minimum": 1, "nullable": True, "description": "A zone of the registry in the incubator's province"},
        "province_code": {"type": "string", "pattern": "^[0-9]{2}$"},
        "focus_groups": {"type": "array", "items": {"type": "string", "maxLength": 40}, "description": "Decision 980 group codes"},
        "capacity": {"type": "integer", "minimum": 0, "maximum": service.MAX_CAPACITY, "nullable": True},
        "email": {"type": "string", "maxLength": 254}, "phone": {"type": "string", "maxLength": 40},
        "website": {"type": "string", "maxLength": 300, "description": "http or https only"},
        "source_url": {"type": "string", "maxLength": 500, "description": "http or https only"},
        "latitude": {"type": "number", "minimum": -90, "maximum": 90, "nullable": True},
        "longitude": {"type": "number", "minimum": -180, "maximum": 180, "nullable": True},
        "opened_on": _DATE, "closed_on": _DATE,
    }


_FIELDS = _fields()
_COUNTS = {"type": "object", "properties": {name: {"type": "integer"} for name in ("active", "graduated", "left", "total")}}
_INCUBATOR = {"type": "object", "properties": {
    "id": {"type": "integer"}, "code": {"type": "string"}, "name_vi": {"type": "string"}, "name_en": {"type": "string"},
    "host": {"type": "object", "properties": {"kind": {"type": "string"}, "name": {"type": "string"},
                                              "zone": {"type": "object", "nullable": True}}},
    "province": {"type": "string"}, "focus_groups": {"type": "array", "items": {"type": "string"}}, "services": {"type": "string"},
    "capacity": {"type": "integer", "nullable": True}, "location": {"type": "object", "nullable": True},
    "opened_on": _DATE, "closed_on": _DATE, "source": {"type": "object", "nullable": True}, "incubatees": _COUNTS,
    "demo": {"type": "boolean"}, "url": {"type": "string"}}}
OPENAPI_SCHEMAS = {
    "Incubator": _INCUBATOR,
    "IncubatorFull": {"allOf": [{"$ref": "#/components/schemas/Incubator"}, {"type": "object", "properties": {
        "cohorts": {"type": "array", "items": {"type": "object"}}, "placements": {"type": "array", "items": {"type": "object"}},
        "graduates": {"type": "object", "properties": {"total": {"type": "integer"}, "registered": {"type": "integer"},
                                                       "published": {"type": "integer"},
                                                       "eco_labelled": {"type": "integer"},
                                                       "met_at_event": {"type": "integer"}}}}}]},
    "IncubatorChange": {"type": "object", "additionalProperties": False, "properties": _FIELDS},
    "IncubatorNew": {"type": "object", "additionalProperties": False, "required": ["name_vi", "host_kind", "province_code"],
                     "properties": _FIELDS},
    "CohortNew": {"type": "object", "additionalProperties": False, "required": ["name", "starts_on"], "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 200}, "starts_on": {"type": "string", "format": "date"},
        "ends_on": _DATE}},
    "IncubateeNew": {"type": "object", "additionalProperties": False, "required": ["cohort_id", "tax_code"], "properties": {
        "cohort_id": {"type": "integer", "minimum": 1}, "tax_code": {"type": "string", "maxLength": 40},
        "started_on": _DATE, "ended_on": _DATE, "outcome": {"type": "string", "enum": [o.value for o in Outcome]},
        "note": {"type": "string", "maxLength": 500},
        "create_pending": {"type": "boolean", "description": "Record an unknown tax code as a pending enterprise named `name_vi`"},
        "name_vi": {"type": "string", "maxLength": 300}, "province_code": {"type": "string", "pattern": "^[0-9]{2}$"}}},
}


def openapi_paths(json_response, ref, error) -> dict:
    """Describe the incubator routes for the OpenAPI document."""
    full = json_response(ref("IncubatorFull"), "The incubator with its cohorts and incubatees")
    incubator_id = param("incubator_id", "The incubator's id", ID_SCHEMA, "path")
    answers = {"400": error, "401": error, "403": error, "404": error, "422": error}

    def body(name: str) -> dict:
        return {"required": True, "content": {"application/json": {"schema": ref(name)}}}

    return {
        "/incubators": {
            "get": {
                "summary": "The incubator network, with host, focus groups and incubatee counts",
                "parameters": [
                    param("q", "Words of the name or host; case and accents are ignored"),
                    param("province", "GSO code of a province", {"type": "string", "pattern": "^[0-9]{2}$"}),
                    param("host_kind", "Kind of host", {"type": "string", "enum": [k.value for k in HostKind]}),
                    param("group", "A Decision 980 group code among the focus groups", {"type": "string", "maxLength": 40}),
                    param("page", "Page number, from 1", {"type": "integer", "minimum": 1}),
                    param("per_page", f"Incubators per page, 1 to {queries.MAX_PER_PAGE}",
                          {"type": "integer", "minimum": 1, "maximum": queries.MAX_PER_PAGE}),
                ],
                "responses": {"200": json_response({"type": "object", "properties": {
                    "items": {"type": "array", "items": ref("Incubator")}, "total": {"type": "integer"}, "page": {"type": "integer"},
                    "per_page": {"type": "integer"}}}, "One page of incubators"), "400": error, "422": error},
            },
            "post": {"summary": "Record an incubator (the province's Department, the host zone's board, administrators)",
                     "security": [{"bearer": []}], "requestBody": body("IncubatorNew"), "responses": {"201": full, **answers}},
        },
        "/incubators.geojson": {
            "get": {
                "summary": "The incubators with a point, as GeoJSON points (the map's incubators layer)",
                "parameters": [
                    param("q", "Words of the name or host"),
                    param("province", "GSO code of a province", {"type": "string", "pattern": "^[0-9]{2}$"}),
                    param("host_kind", "Kind of host", {"type": "string", "enum": [k.value for k in HostKind]}),
                    param("group", "A Decision 980 group code among the focus groups", {"type": "string", "maxLength": 40}),
                ],
                "responses": {"200": {"description": "A FeatureCollection of points", "content": {"application/geo+json": {"schema": {
                    "type": "object", "properties": {"type": {"type": "string"}, "features": {"type": "array", "items": {"type": "object"}},
                                                     "url_template": {"type": "string"}}}}}}, "400": error, "422": error},
            },
        },
        "/incubators/{incubator_id}": {
            "get": {"summary": "One incubator with its cohorts, incubatees and graduates' fates", "parameters": [incubator_id],
                    "responses": {"200": full, "404": error}},
            "patch": {"summary": "Change some fields of an incubator (the same permission as its pages)", "security": [{"bearer": []}],
                      "parameters": [incubator_id], "requestBody": body("IncubatorChange"), "responses": {"200": full, **answers}},
        },
        "/incubators/{incubator_id}/cohorts": {
            "post": {"summary": "Record a cohort, with dates inside the incubator's life", "security": [{"bearer": []}],
                     "parameters": [incubator_id], "requestBody": body("CohortNew"), "responses": {"201": full, **answers}},
        },
        "/incubators/{incubator_id}/incubatees": {
            "post": {"summary": "Place an enterprise (by tax code) in a cohort; never in two active cohorts of one incubator",
                     "security": [{"bearer": []}], "parameters": [incubator_id], "requestBody": body("IncubateeNew"),
                     "responses": {"201": full, **answers}},
        },
    }
