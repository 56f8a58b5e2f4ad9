"""API routes for the eco-label register: the list with its filters, verification, one certificate, and the officers' writes with a token."""
from __future__ import annotations

from datetime import date

from flask import g, jsonify, request, url_for
from flask_babel import lazy_gettext as _l

from registry.ecolabels import queries, service
from registry.ecolabels.models import EcolabelCertificate, Scheme
from registry.ecolabels.status import EventKind, Status
from registry.enterprises.taxcode import format_tax_code
from registry.query_args import page_args

from . import bp
from .auth import token_required, token_user
from .errors import error_response
from .spec import ID_SCHEMA, TOO_MANY, param

UNKNOWN_NOTE = "An unknown number proves nothing: the certificate may be recorded under another scheme or number, or not yet."


def ecolabel_json(certificate: EcolabelCertificate, status: Status | None = None) -> dict:
    status = status or certificate.status_on(date.today())
    holder = certificate.enterprise
    return {
        "id": certificate.id, "scheme": certificate.scheme, "number": certificate.number, "criteria_code": certificate.criteria_code,
        "product_group": certificate.product_group, "product_name": certificate.product_name, "product_model": certificate.product_model,
        "holder": {"id": holder.id, "tax_code": format_tax_code(holder.tax_code), "name_vi": holder.name_vi, "province": holder.province_code},
        "issuer": certificate.issuer, "legal_basis": certificate.legal_basis, "issued_on": certificate.issued_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat(), "status": status.value, "demo": certificate.is_demo,
        "events": [{"kind": e.kind, "effective_on": e.effective_on.isoformat(), "reason": e.reason, "document": e.document}
                   for e in certificate.events],
        "url": url_for("ecolabels.detail", certificate_id=certificate.id, _external=True),
        "verify_url": url_for("ecolabels.verify", number=certificate.number, scheme=certificate.scheme, _external=True),
    }


def label_summary(entry) -> dict:
    """A certificate as an enterprise's record lists it."""
    c = entry.certificate
    return {"id": c.id, "scheme": c.scheme, "number": c.number, "criteria_code": c.criteria_code, "product_name": c.product_name,
            "status": entry.status.value, "valid_until": c.valid_until.isoformat(),
            "url": url_for("ecolabels.detail", certificate_id=c.id, _external=True)}


def _viewer():
    return token_user() if request.headers.get("Authorization") else None


@bp.get("/ecolabels")
def ecolabels():
    """The register, filtered by status, scheme, province, criteria set, catalog node and words."""
    filters = queries.Filters.from_args(request.args, strict=True)
    page, per_page = page_args(request.args, queries.MAX_PER_PAGE, queries.MAX_PER_PAGE)
    results = queries.page_of(filters, _viewer(), page, per_page)
    return jsonify({"items": [ecolabel_json(e.certificate, e.status) for e in results.items], "total": results.total, "page": page,
                    "per_page": per_page})


@bp.get("/ecolabels/verify")
def verify_ecolabel():
    """Is certificate `number` of `scheme` valid today? `{"number", "status", "valid_until"}`; "unknown" proves nothing."""
    verdict = queries.verify(request.args.get("number"), request.args.get("scheme"))
    answer = {"number": verdict.number, "status": verdict.status,
              "valid_until": verdict.valid_until.isoformat() if verdict.valid_until else None}
    if verdict.status == queries.UNKNOWN:
        answer["note"] = str(_l("This number is not in the register. That proves nothing either way: ask the holder for the "
                                "certificate and check its number and scheme."))
    return jsonify(answer)


@bp.get("/ecolabels/<int:certificate_id>")
def ecolabel(certificate_id: int):
    return jsonify(ecolabel_json(service.visible_certificate(_viewer(), certificate_id)))


def _body():
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


@bp.post("/ecolabels")
@token_required
def create_ecolabel():
    """Record a certificate (a Department officer of the holder's province, or an administrator)."""
    body = _body()
    if body is None:
        return error_response(400, _l("Send the certificate as a JSON object."))
    unknown = sorted(set(body) - set(service.FIELDS) - set(service.HOLDER_FIELDS))
    if unknown:
        return error_response(422, None, {name: [_l("This field cannot be changed here.")] for name in unknown})
    if any(name in body for name in service.HOLDER_FIELDS):
        certificate = service.record_with_new_holder(g.api_user, body)
    else:
        try:
            certificate = service.record_certificate(g.api_user, body)
        except service.CertificateError as refused:
            if refused.unknown_holder:  # the API's offer: how to register the holder with the certificate
                refused.errors["holder_name"] = [_l("Send holder_name and holder_province with the certificate to register the holder, "
                                                    "pending review by its province.")]
            raise
    response = jsonify(ecolabel_json(certificate))
    response.status_code = 201
    response.headers["Location"] = url_for("api.ecolabel", certificate_id=certificate.id, _external=True)
    return response


@bp.post("/ecolabels/<int:certificate_id>/<any(suspend, reinstate, revoke):decision>")
@token_required
def decide_ecolabel(certificate_id: int, decision: str):
    """Suspend, reinstate or revoke a certificate with `reason`, `document` and `effective_on` (default today)."""
    certificate = service.visible_certificate(g.api_user, certificate_id)
    body = _body()
    if body is None:
        return error_response(400, _l("Send the decision as a JSON object."))
    service.DECISIONS[decision](g.api_user, certificate, body)
    return jsonify(ecolabel_json(certificate))


_DATE = {"type": "string", "format": "date"}
STATUSES = [s.value for s in Status]


def openapi_paths(json_response, ref, error) -> dict:
    record = json_response(ref("Ecolabel"), "The certificate")
    certificate_id = param("certificate_id", "The certificate's id", ID_SCHEMA, "path")
    decision = {"required": True, "content": {"application/json": {"schema": ref("EcolabelDecision")}}}
    return {
        "/ecolabels": {
            "get": {
                "summary": "The eco-label register, filtered by status, scheme, province, criteria set, catalog node and words",
                "parameters": [
                    param("status", "Status today", {"type": "string", "enum": STATUSES}),
                    param("scheme", "Scheme", {"type": "string", "enum": [s.value for s in Scheme]}),
                    param("province", "GSO code of the holder's province", {"type": "string", "pattern": "^[0-9]{2}$"}),
                    param("criteria", "Criteria set, such as NSTVN-01:2023"),
                    param("catalog", "Code of a Decision 980 item or group the holder carries"),
                    param("q", "Words of the number, product, criteria set or holder"),
                    param("page", "Page number, from 1", {"type": "integer", "minimum": 1}),
                    param("per_page", f"Certificates per page, 1 to {queries.MAX_PER_PAGE}",
                          {"type": "integer", "minimum": 1, "maximum": queries.MAX_PER_PAGE}),
                ],
                "responses": {"200": json_response({"type": "object", "properties": {
                    "items": {"type": "array", "items": ref("Ecolabel")}, "total": {"type": "integer"}, "page": {"type": "integer"},
                    "per_page": {"type": "integer"}}}, "One page of certificates"), "400": error, "422": error},
            },
            "post": {
                "summary": "Record a certificate (a Department officer of the holder's province, or an administrator)",
                "security": [{"bearer": []}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("EcolabelNew")}}},
                "responses": {"201": record, "400": error, "401": error, "403": error, "422": error},
            },
        },
        "/ecolabels/verify": {
            "get": {
                "summary": "Is certificate `number` of `scheme` valid today? “unknown” is not proof of anything",
                "parameters": [
                    {**param("number", "The certificate number, as printed", {"type": "string", "maxLength": queries.MAX_NUMBER}),
                     "required": True},
                    param("scheme", "Scheme; any scheme when left out", {"type": "string", "enum": [*(s.value for s in Scheme), "any"]}),
                ],
                "responses": {"200": json_response(ref("EcolabelVerdict"), "The certificate's status today"), "400": error, "422": error,
                              "429": TOO_MANY},
            }
        },
        "/ecolabels/{certificate_id}": {
            "get": {"summary": "One certificate with its decisions", "parameters": [certificate_id],
                    "responses": {"200": record, "404": error}},
        },
        "/ecolabels/{certificate_id}/{decision}": {
            "post": {
                "summary": "Suspend, reinstate or revoke a certificate (a revoked one is never reinstated: a new certificate is needed)",
                "security": [{"bearer": []}],
                "parameters": [certificate_id, param("decision", "suspend, reinstate or revoke",
                                                     {"type": "string", "enum": ["suspend", "reinstate", "revoke"]}, "path")],
                "requestBody": decision,
                "responses": {"200": record, "400": error, "401": error, "403": error, "404": error, "409": error, "422": error},
            }
        },
    }


OPENAPI_SCHEMAS = {
    "EcolabelVerdict": {"type": "object", "required": ["number", "status", "valid_until"], "properties": {
        "number": {"type": "string"}, "status": {"type": "string", "enum": [*STATUSES, queries.UNKNOWN]},
        "valid_until": {**_DATE, "nullable": True}, "note": {"type": "string", "description": UNKNOWN_NOTE}}},
    "Ecolabel": {"type": "object", "properties": {
        "id": {"type": "integer"}, "scheme": {"type": "string", "enum": [s.value for s in Scheme]}, "number": {"type": "string"},
        "criteria_code": {"type": "string"}, "product_group": {"type": "string"}, "product_name": {"type": "string"},
        "product_model": {"type": "string"},
        "holder": {"type": "object", "properties": {"id": {"type": "integer"}, "tax_code": {"type": "string"}, "name_vi": {"type": "string"},
                                                     "province": {"type": "string"}}},
        "issuer": {"type": "string"}, "legal_basis": {"type": "string"}, "issued_on": _DATE, "valid_until": _DATE,
        "status": {"type": "string", "enum": STATUSES}, "demo": {"type": "boolean"},
        "events": {"type": "array", "items": {"type": "object", "properties": {
            "kind": {"type": "string", "enum": [k.value for k in EventKind]}, "effective_on": _DATE, "reason": {"type": "string"},
            "document": {"type": "string"}}}},
        "url": {"type": "string"}, "verify_url": {"type": "string"}}},
    "EcolabelNew": {"type": "object", "additionalProperties": False, "required": ["scheme", "number", "product_name", "holder_tax_code", "issued_on"],
                    "properties": {
                        **{name: {"type": "string", "maxLength": limit} for name, limit in service.TEXT_FIELDS.items()},
                        "scheme": {"type": "string", "enum": [s.value for s in Scheme]},
                        "holder_tax_code": {"type": "string", "example": "0100233488",
                                            "description": "The holder's tax code; one the registry lacks needs holder_name and holder_province"},
                        "holder_name": {"type": "string", "maxLength": 300,
                                        "description": "A holder the registry lacks is registered under this name, pending review"},
                        "holder_province": {"type": "string", "pattern": "^[0-9]{2}$",
                                            "description": "GSO code of the province of a holder to register"},
                        "issued_on": _DATE, "valid_until": {**_DATE, "description": "Default: 36 months after issue; not before it"}}},
    "EcolabelDecision": {"type": "object", "required": ["reason"], "properties": {
        "reason": {"type": "string", "minLength": 1, "maxLength": service.REASON_LIMIT}, "document": {"type": "string", "maxLength": 200},
        "effective_on": {**_DATE, "description": "Default: today; not after today, not before the last decision"}}},
}
