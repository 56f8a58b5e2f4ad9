"""API routes for incentive policies: the list with its filters, one policy, and recording or changing one with a token."""
from __future__ import annotations

from flask import g, jsonify, request, url_for
from flask_babel import lazy_gettext as _l

from registry.incentives import queries, service
from registry.confidence import Confidence
from registry.incentives.models import AreaClass, IncentivePolicy, Instrument, PolicyStatus, SectorClass
from registry.query_args import page_args

from . import bp
from .auth import token_required, token_user
from .errors import error_response
from .spec import ID_SCHEMA, param


def policy_json(policy: IncentivePolicy) -> dict:
    return {
        "id": policy.id, "code": policy.code, "title_vi": policy.title_vi, "title_en": policy.title_en,
        "instrument": policy.instrument, "sector_class": policy.sector_class, "area_classes": list(policy.area_classes or []),
        "min_capital_vnd": policy.min_capital_vnd, "min_jobs": policy.min_jobs, "new_project_only": policy.new_project_only,
        "province": policy.province_code, "benefit": dict(policy.benefit or {}), "legal_basis": policy.legal_basis,
        "article": policy.article, "effective_from": policy.effective_from.isoformat() if policy.effective_from else None,
        "effective_to": policy.effective_to.isoformat() if policy.effective_to else None, "level": policy.level,
        "confidence": policy.confidence, "source": policy.source, "note_vi": policy.note_vi, "note_en": policy.note_en,
        "status": policy.status, "url": url_for("incentives.detail", policy_id=policy.id, _external=True),
    }


def _body():
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


def _unknown(body: dict):
    unknown = sorted(set(body) - WRITABLE)
    return error_response(422, None, {name: [_l("This field cannot be changed here.")] for name in unknown}) if unknown else None


def _viewer():
    """The token's user when a valid one is sent (they may see their own drafts), else an anonymous visitor."""
    return token_user() if request.headers.get("Authorization") else None


@bp.get("/policies")
def policies():
    """List the policies, filtered by words, instrument, scope (national or a province) and a day they are in force on."""
    filters = queries.PolicyFilters.from_args(request.args, strict=True)
    page, per_page = page_args(request.args, queries.MAX_PER_PAGE, queries.MAX_PER_PAGE)
    results = queries.page_of(filters, _viewer(), page, per_page)
    return jsonify({"items": [policy_json(p) for p in results.items], "total": results.total, "page": page, "per_page": per_page})


@bp.get("/policies/<int:policy_id>")
def policy(policy_id: int):
    """One policy, with its conditions, benefit, legal basis and validity."""
    return jsonify(policy_json(service.visible_policy(_viewer(), policy_id)))


@bp.post("/policies")
@token_required
def create_policy():
    """Record a policy: a Department's officer for their province, an administrator for any province or the nation."""
    body = _body()
    if body is None:
        return error_response(400, _l("Send the policy as a JSON object."))
    if (refused := _unknown(body)) is not None:
        return refused
    record = service.create_policy(g.api_user, body)
    return jsonify(policy_json(record)), 201


@bp.route("/policies/<int:policy_id>", methods=["PUT", "PATCH"])
@token_required
def update_policy(policy_id: int):
    """Change a policy (PATCH: the fields sent; PUT: the whole policy, fields left out take their defaults)."""
    record = service.visible_policy(g.api_user, policy_id)
    body = _body()
    if body is None:
        return error_response(400, _l("Send the fields to change as a JSON object."))
    if (refused := _unknown(body)) is not None:
        return refused
    if request.method == "PUT":
        body = {"province_code": record.province_code, **body}  # a replaced policy stays where it is unless moved
    service.update_policy(g.api_user, record, body, partial=request.method == "PATCH")
    return jsonify(policy_json(record))


WRITABLE = frozenset(service.FIELDS)


def _policy_fields() -> dict:
    """Each field a write may send, with the type and range `service.clean_policy` accepts."""
    texts = {name: {"type": "string", "maxLength": limit} for name, limit in service.TEXT_FIELDS.items()}
    texts["title_vi"]["minLength"] = texts["legal_basis"]["minLength"] = 1
    benefit = {name: {"type": "number", "minimum": low, "maximum": high} for name, (low, high) in service.BENEFIT_NUMBERS.items()}
    benefit.update({name: {"type": "boolean"} for name in service.BENEFIT_FLAGS})
    return {
        **texts,
        "code": {"type": "string", "pattern": "^[a-z0-9-]{1,80}$", "description": "Unique; made from the scope and instrument when left out"},
        "instrument": {"type": "string", "enum": [i.value for i in Instrument]},
        "sector_class": {"type": "string", "enum": [s.value for s in SectorClass]},
        "area_classes": {"type": "array", "items": {"type": "string", "enum": [a.value for a in AreaClass]}, "description": "Empty: any area"},
        "min_capital_vnd": {"type": "integer", "minimum": 0, "maximum": service.MAX_CAPITAL_VND, "nullable": True},
        "min_jobs": {"type": "integer", "minimum": 0, "maximum": service.MAX_JOBS, "nullable": True},
        "new_project_only": {"type": "boolean"},
        "province_code": {"type": "string", "nullable": True, "pattern": "^[0-9]{2}$",
                          "description": "GSO code of the province; null for a national policy (administrators only)"},
        "benefit": {"type": "object", "additionalProperties": False, "properties": benefit},
        "effective_from": {"type": "string", "format": "date", "nullable": True},
        "effective_to": {"type": "string", "format": "date", "nullable": True, "description": "The last day in force; not before effective_from"},
        "level": {"type": "integer", "minimum": 0, "maximum": service.MAX_LEVEL, "description": "Of the rules a project meets, the highest applies"},
        "confidence": {"type": "string", "enum": [c.value for c in Confidence]},
        "status": {"type": "string", "enum": [s.value for s in PolicyStatus]},
    }


def openapi_paths(json_response, ref, error) -> dict:
    """Describe the policy routes for the OpenAPI document."""
    record = json_response(ref("Policy"), "The policy")
    policy_id = param("policy_id", "The policy's id", ID_SCHEMA, "path")
    change = {"required": True, "content": {"application/json": {"schema": ref("PolicyChange")}}}
    write_answers = {"400": error, "401": error, "403": error, "404": error, "422": error}
    return {
        "/policies": {
            "get": {
                "summary": "Incentive policies, filtered by words, instrument, scope and a day they are in force on",
                "parameters": [
                    param("q", "Words of the name, legal basis, article or code; case and accents are ignored"),
                    param("instrument", "Instrument", {"type": "string", "enum": [i.value for i in Instrument]}),
                    param("scope", "`national`, or the GSO code of a province", {"type": "string", "pattern": "^(national|[0-9]{2})$"}),
                    param("on", "Only the policies in force on this day", {"type": "string", "format": "date"}),
                    param("page", "Page number, from 1", {"type": "integer", "minimum": 1}),
                    param("per_page", f"Policies per page, 1 to {queries.MAX_PER_PAGE}", {"type": "integer", "minimum": 1,
                                                                                          "maximum": queries.MAX_PER_PAGE}),
                ],
                "responses": {"200": json_response({"type": "object", "properties": {
                    "items": {"type": "array", "items": ref("Policy")}, "total": {"type": "integer"}, "page": {"type": "integer"},
                    "per_page": {"type": "integer"}}}, "One page of policies"), "400": error, "422": error},
            },
            "post": {
                "summary": "Record a policy (a Department officer of its province; national policies: administrators)",
                "security": [{"bearer": []}], "requestBody": {**change, "content": {"application/json": {"schema": ref("PolicyNew")}}},
                "responses": {"201": record, **write_answers},
            },
        },
        "/policies/{policy_id}": {
            "get": {"summary": "One policy; drafts only for those who keep them", "parameters": [policy_id],
                    "responses": {"200": record, "404": error}},
            "put": {"summary": "Replace a policy (the same permission as its pages)", "security": [{"bearer": []}],
                    "parameters": [policy_id], "requestBody": {**change, "content": {"application/json": {"schema": ref("PolicyNew")}}},
                    "responses": {"200": record, **write_answers}},
            "patch": {"summary": "Change some fields of a policy (the same permission as its pages)", "security": [{"bearer": []}],
                      "parameters": [policy_id], "requestBody": change, "responses": {"200": record, **write_answers}},
        },
    }


_FIELDS = _policy_fields()
_STORED = {name: {key: value for key, value in schema.items() if key in {"type", "nullable", "enum", "items", "properties"}}
           for name, schema in _FIELDS.items() if name not in {"province_code"}}
OPENAPI_SCHEMAS = {
    "PolicyChange": {"type": "object", "additionalProperties": False, "properties": _FIELDS},
    "PolicyNew": {"type": "object", "additionalProperties": False, "required": ["title_vi", "instrument", "legal_basis"], "properties": _FIELDS},
    "Policy": {"type": "object", "properties": {
        **_STORED, "id": {"type": "integer"}, "province": {"type": "string", "nullable": True}, "url": {"type": "string"},
        "effective_from": {"type": "string", "format": "date", "nullable": True},
        "effective_to": {"type": "string", "format": "date", "nullable": True}}},
}
