"""API routes for investors' proposals: send one and get its matches (201), read its results by the private token."""
from __future__ import annotations

from flask import jsonify, request, url_for
from flask_babel import lazy_gettext as _l

from registry.accounts.models import TokenScope
from registry.accounts.service import TokenScopeTooNarrow
from registry.audit.service import set_actor
from registry.extensions import db
from registry.i18n import locale_code
from registry.matching import cleaning, engine, reasons, service
from registry.zones.models import Zone, ZoneKind

from . import bp
from .auth import token_user
from .errors import error_response
from .spec import param


def results_json(proposal) -> dict:
    """A proposal's kept results: each match's zone, score, reasons (one per criterion) and incentives; the zones left out."""
    result = proposal.result or {}
    ids = {m["site_id"] for m in result.get("matches", [])} | {e["site_id"] for e in result.get("excluded", [])}
    # Only the columns the answer shows (a zone's full row carries its boundary).
    zones = {zone.id: zone for zone in db.session.execute(db.select(Zone.id, Zone.code, Zone.name_vi, Zone.name_en, Zone.province_code)
                                                          .where(Zone.id.in_(ids or {-1})))}
    locale = locale_code()
    say = reasons.describer()

    def reason(found: dict, zone: str | None = None) -> dict:
        return {"code": found["code"], "params": found["params"], "text": say(found["code"], found["params"], zone)}

    def zone_json(zone_id, code):
        zone = zones.get(zone_id)
        if zone is None:
            return {"id": zone_id, "code": code, "name_vi": "", "name_en": "", "province": None, "url": None}
        return {"id": zone.id, "code": zone.code, "name_vi": zone.name_vi, "name_en": zone.name_en, "province": zone.province_code,
                "url": url_for("zones.detail", zone_id=zone.id, _external=True)}

    return {
        "id": proposal.id,
        "token": proposal.token,
        "url": url_for("proposals.results", token=proposal.token, _external=True),
        "matches": [{
            "zone": zone_json(m["site_id"], m["site_code"]),
            "rank": m["rank"],
            "score": m["score"],
            "reasons": [{"criterion": c["criterion"], "weight": c["weight"], "points": c["points"], **reason(c["reason"])}
                        for c in m["contributions"]],
            "incentives": [{"instrument": i["instrument"], "policy": i["policy_code"], "level": i["level"], "legal_basis": i["legal_basis"],
                            "article": i["article"], "confidence": i["confidence"], "value_vnd": i["value_vnd"] if i["valued"] else None,
                            "beaten": i["beaten"]} for i in m["incentives"]],
            "value_vnd": m["value_vnd"],
            "assumptions": {**result.get("assumptions", {}), **m["assumptions"]},
        } for m in result.get("matches", [])],
        "excluded": [{"zone": zone_json(e["site_id"], e["site_code"]),
                      "reasons": [reason(r, Zone.name(zones[e["site_id"]], locale) if e["site_id"] in zones and not n else None)
                                  for n, r in enumerate(e["reasons"])]} for e in result.get("excluded", [])],
        "what_if": [{**change, "text": reasons.describe_what_if(change)} for change in result.get("what_if", [])],
        "explanation": reason(result["explanation"]) if result.get("explanation") else None,
    }


@bp.post("/proposals")
def create_proposal():
    """Send a proposal, anonymously with an e-mail address and consent or with a token; answer its matches."""
    user = None
    if request.headers.get("Authorization"):
        try:
            user = token_user(TokenScope.WRITE)
        except TokenScopeTooNarrow:
            return error_response(403, _l("This token may only read; create a token with the “write” scope to change records."))
        if user is None:
            return error_response(401)
        set_actor(user)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error_response(400, _l("Send the proposal as a JSON object."))
    unknown = sorted(set(body) - set(cleaning.FIELDS) - {"weights"})
    if unknown:
        return error_response(422, None, {name: [_l("There is no such field.")] for name in unknown})
    proposal = service.submit(user, body, locale=locale_code())
    response = jsonify(results_json(proposal))
    response.status_code = 201
    response.headers["Location"] = url_for("api.proposal", token=proposal.token, _external=True)
    return response


@bp.get("/proposals/<token>")
def proposal(token: str):
    """The results of a proposal, by the private token its sender was given."""
    return jsonify(results_json(service.by_token(token)))


def _reason_schema() -> dict:
    return {"type": "object", "properties": {"code": {"type": "string"}, "params": {"type": "object"}, "text": {"type": "string"}}}


def _zone_schema() -> dict:
    nullable = {"type": "string", "nullable": True}
    return {"type": "object", "properties": {"id": {"type": "integer"}, "code": {"type": "string"}, "name_vi": {"type": "string"},
                                             "name_en": {"type": "string"}, "province": nullable, "url": nullable}}


OPENAPI_SCHEMAS = {
    "ProposalInput": {
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "activity", "land_min_ha", "capital_amount", "jobs", "start_year"],
        "properties": {
            "email": {"type": "string", "format": "email", "description": "Where the zone boards answer; required without a token"},
            "consent": {"type": "boolean", "description": "The boards you express interest to may contact you; required without a token"},
            "name": {"type": "string", "minLength": 1, "maxLength": 200},
            "activity": {"type": "string", "enum": [a.value for a in cleaning.Activity]},
            "catalog_codes": {"type": "array", "items": {"type": "string"}, "maxItems": cleaning.MAX_CODES,
                              "description": "Decision 980 items (codes of the current catalog version)"},
            "land_min_ha": {"type": "number", "exclusiveMinimum": True, "minimum": 0, "maximum": cleaning.MAX_LAND_HA},
            "land_max_ha": {"type": "number", "exclusiveMinimum": True, "minimum": 0, "maximum": cleaning.MAX_LAND_HA,
                            "description": "At least land_min_ha; the smallest area when left out"},
            "capital_amount": {"type": "integer", "minimum": 0, "maximum": cleaning.MAX_CAPITAL},
            "capital_currency": {"type": "string", "enum": ["VND", "USD"], "default": "VND"},
            "exchange_rate": {"type": "number", "minimum": 1, "maximum": 1_000_000, "description": "VND per USD, for a capital in USD"},
            "jobs": {"type": "integer", "minimum": 0, "maximum": cleaning.MAX_JOBS},
            "start_year": {"type": "integer", "description": "From last year to 15 years ahead"},
            "new_project": {"type": "boolean", "default": True},
            "provinces": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{2}$"}, "description": "GSO codes"},
            "regions": {"type": "array", "items": {"type": "string"}},
            "strict_provinces": {"type": "boolean", "description": "Only these provinces and regions (then give at least one)"},
            "wastewater_m3_day": {"type": "integer", "minimum": 0, "maximum": cleaning.MAX_WASTEWATER, "nullable": True},
            "port_within_km": {"type": "number", "minimum": 0, "maximum": cleaning.MAX_PORT_KM, "nullable": True},
            "needs_power": {"type": "boolean"},
            "required_kinds": {"type": "array", "items": {"type": "string", "enum": [k.value for k in ZoneKind]}},
            "revenue_vnd_year": {"type": "integer", "minimum": 0, "maximum": cleaning.MAX_CAPITAL, "nullable": True},
            "margin_percent": {"type": "number", "minimum": 0, "maximum": 100, "nullable": True},
            "weights": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0, "maximum": 100},
                        "description": "Criterion: weight; criteria " + ", ".join(engine.CRITERIA)},
        },
    },
    "ProposalResults": {
        "type": "object",
        "required": ["id", "matches"],
        "properties": {
            "id": {"type": "integer"}, "token": {"type": "string"}, "url": {"type": "string"},
            "matches": {"type": "array", "items": {"type": "object", "required": ["zone", "score", "reasons", "incentives"], "properties": {
                "zone": _zone_schema(), "rank": {"type": "integer"}, "score": {"type": "number", "minimum": 0, "maximum": 100},
                "reasons": {"type": "array", "items": {**_reason_schema(), "properties": {
                    **_reason_schema()["properties"], "criterion": {"type": "string"}, "weight": {"type": "number"}, "points": {"type": "number"}}}},
                "incentives": {"type": "array", "items": {"type": "object"}},
                "value_vnd": {"type": "integer"}, "assumptions": {"type": "object"},
            }}},
            "excluded": {"type": "array", "items": {"type": "object", "properties": {
                "zone": _zone_schema(), "reasons": {"type": "array", "items": _reason_schema()}}}},
            "what_if": {"type": "array", "items": {"type": "object"}},
            "explanation": {**_reason_schema(), "nullable": True},
        },
    },
}


def openapi_paths(json_response, ref, error) -> dict:
    results = json_response(ref("ProposalResults"), "The proposal's matches, exclusions and what would change them")
    return {
        "/proposals": {"post": {
            "summary": "Send a project proposal and get the zones that fit, with reasons and incentives (anonymous with e-mail "
                       "and consent, or with a token)",
            "security": [{}, {"bearer": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": ref("ProposalInput")}}},
            "responses": {"201": results, "400": error, "401": error, "403": error, "422": error},
        }},
        "/proposals/{token}": {"get": {
            "summary": "A proposal's results, by its private token",
            "parameters": [param("token", "The private token the proposal's sender was given", where="path")],
            "responses": {"200": results, "404": error},
        }},
    }
