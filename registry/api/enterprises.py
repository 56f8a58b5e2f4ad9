"""API routes for enterprises: list and search, one record, create and change with a token."""
from __future__ import annotations

import orjson
from flask import current_app, g, jsonify, request, url_for
from flask_babel import lazy_gettext as _l

from registry.accounts.permissions import reviewed_provinces
from registry.ecolabels import queries as ecolabel_queries
from registry.enterprises import queries, service
from registry.enterprises.exporting import export_response
from registry.enterprises.models import Relation, SizeClass, Status
from registry.enterprises.taxcode import format_tax_code
from registry.inputs import VERSION_MESSAGE, parse_version
from registry.page_cache import shared_page
from registry.query_args import page_args

from . import bp
from .auth import token_required, token_user
from .ecolabels import label_summary
from .errors import error_response
from .spec import ID_SCHEMA, param


def _summary(record, links, url: str) -> dict:
    """The fields of a list item, from a record or a row of `queries.LIST_COLUMNS` and its links (`queries.Link`).

    The enums are StrEnums, `str()` of one its value, and a link's relation is its value already when it comes from a list.
    """
    return {
        "id": record.id,
        "tax_code": format_tax_code(record.tax_code),
        "name_vi": record.name_vi,
        "name_en": record.name_en,
        "short_name": record.short_name,
        "province": record.province_code,
        "commune": record.commune_code,
        "size_class": str(record.size_class) if record.size_class else None,
        "status": str(record.status),
        "demo": record.is_demo,
        "location": {"lat": record.latitude, "lng": record.longitude}
        if record.latitude is not None and record.longitude is not None else None,
        "catalog_items": [
            {"code": link.code, "version": link.version, "name_vi": link.name_vi, "name_en": link.name_en,
             "relation": str(link.relation)}
            for link in links
        ],
        "url": url,
    }


def _detail_url(enterprise_id: int) -> str:
    return url_for("enterprises.detail", enterprise_id=enterprise_id, _external=True)


_SOME_ID = 918273645


def _detail_urls():
    """`_detail_url` for many records: the URL is built once, then each id put in (a list of 200 built 200)."""
    head, _, tail = _detail_url(_SOME_ID).rpartition(str(_SOME_ID))
    return lambda enterprise_id: f"{head}{enterprise_id}{tail}"


def enterprise_json(enterprise: queries.Profile, *, full: bool = False) -> dict:
    """An enterprise as the API gives it, from its profile (`queries.profile`, or `Profile.of` a record just written)."""
    data = _summary(enterprise, enterprise.items, _detail_url(enterprise.id))
    if full:
        data.update(
            address=enterprise.address,
            founded_year=enterprise.founded_year,
            staff=enterprise.staff,
            website=enterprise.website,
            email=enterprise.email,
            phone=enterprise.phone,
            contact_name=enterprise.contact_name,
            description=enterprise.description,
            national_brand=enterprise.national_brand,
            certificates=[
                {"name": c.name, "number": c.number, "issuer": c.issuer,
                 "issued_on": c.issued_on.isoformat() if c.issued_on else None,
                 "expires_on": c.expires_on.isoformat() if c.expires_on else None}
                for c in enterprise.certificates
            ],
            zone={"id": enterprise.zone.id, "name_vi": enterprise.zone.name_vi, "name_en": enterprise.zone.name_en,
                  "kind": enterprise.zone.kind.value} if enterprise.zone else None,
            ecolabels=[label_summary(entry) for entry in ecolabel_queries.profile_labels(enterprise)],
            source=enterprise.source,
            created_at=enterprise.created_at.isoformat() + "Z",
            updated_at=enterprise.updated_at.isoformat() + "Z",
            version=enterprise.version,
        )
    return data


def _public_viewer() -> str | None:
    """Share list answers among visitors and the token holders who see what they see (published records only)."""
    return "public" if reviewed_provinces(token_user()) == set() else None


# Pages of the list up to this one are kept in the page cache; a deeper one is answered afresh (its total and the
# marks or matches it is found from are kept all the same, `queries.listing`).
SHARED_PAGES = 5


def _first_page() -> bool:
    return page_args(request.args, 20, 200)[0] <= SHARED_PAGES


@bp.get("/enterprises")
@shared_page("enterprises", "zones", "catalog", "ecolabels", audience=_public_viewer, kept_when=_first_page)
def enterprises():
    """List enterprises with the page's filters: q, province, catalog, relation, size, page, per_page."""
    filters = queries.Filters.from_args(request.args)
    page, per_page = page_args(request.args, 20, 200)
    found = queries.listing(filters, token_user(), page, per_page)
    detail_url = _detail_urls()
    items = [_summary(row, found.links.get(row.id, ()), detail_url(row.id)) for row in found.rows]
    return _json({"items": items, "total": found.total, "page": page, "per_page": per_page})


def _json(body: dict):
    """What `jsonify` answers (keys sorted, UTF-8, compact), written by orjson: the standard library's encoder took a
    fifth of a list page (0.3 ms for the 14 KB of a page of 20) and orjson a sixth of that."""
    return current_app.response_class(orjson.dumps(body, option=orjson.OPT_SORT_KEYS) + b"\n", mimetype="application/json")


@bp.get("/enterprises.<any(csv, xlsx):fmt>")
def enterprises_export(fmt: str):
    """Download every enterprise matching the list's filters as CSV (UTF-8 with BOM) or XLSX."""
    return export_response(queries.Filters.from_args(request.args), token_user(), fmt)


@bp.get("/enterprises/<int:enterprise_id>")
def enterprise(enterprise_id: int):
    """One enterprise with its catalog items, certificates, zone and eco-labels."""
    record = queries.profile(enterprise_id)
    if record is None or not service.visible_to(token_user(), record):
        return error_response(404, _l("There is no enterprise with id %(id)s.", id=enterprise_id))
    return jsonify(enterprise_json(record, full=True))


def _body() -> dict | None:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


@bp.post("/enterprises")
@token_required
def create_enterprise():
    """Record a published enterprise as an officer of its province."""
    body = _body()
    if body is None:
        return error_response(400, _l("Send the enterprise as a JSON object."))
    try:
        record = service.create_enterprise(g.api_user, body, source=str(body.get("source") or "api")[:200])
    except service.EnterpriseError as error:
        if error.existing is None:
            raise
        # A duplicate tax code is a conflict with the record it points to.
        response = error_response(409 if set(error.errors) == {"tax_code"} else 422, None, error.errors)
        response.headers["Link"] = f'<{url_for("api.enterprise", enterprise_id=error.existing.id, _external=True)}>; rel="duplicate"'
        return response
    response = jsonify(enterprise_json(queries.Profile.of(record), full=True))
    response.status_code = 201
    response.headers["Location"] = url_for("api.enterprise", enterprise_id=record.id, _external=True)
    return response


@bp.patch("/enterprises/<int:enterprise_id>")
@token_required
def update_enterprise(enterprise_id: int):
    """Change some fields; a representative's change to a published profile is queued (202)."""
    record = service.get_enterprise(enterprise_id)
    if record is None or record.status == Status.MERGED or not service.visible_to(g.api_user, record):
        return error_response(404, _l("There is no enterprise with id %(id)s.", id=enterprise_id))
    body = _body()
    if body is None:
        return error_response(400, _l("Send the fields to change as a JSON object."))
    expected = body.pop("version", None)
    if expected is not None and parse_version(expected) is None:
        return error_response(422, None, {"version": [VERSION_MESSAGE]})
    outcome = service.update_enterprise(g.api_user, record, body, partial=True, expected_version=parse_version(expected))
    if outcome is not record:
        return jsonify({"status": "pending_review", "change_id": outcome.id, "changes": outcome.changes}), 202
    return jsonify(enterprise_json(queries.Profile.of(record), full=True))


LIST_PARAMS = [
    param("q", "Words of a name, short name, tax code or catalog item; case, accents and legal-form words are ignored; "
               "the last word may be the beginning of one (as typed), the others are whole words"),
    param("province", "GSO code of the province"),
    param("catalog", "Code of a Decision 980 item or group; its sub-items and mapped predecessors count too"),
    param("relation", "manufactures, supplies, services or uses", {"type": "string", "enum": ["manufactures", "supplies", "services", "uses"]}),
    param("size", "Size class", {"type": "string", "enum": ["micro", "small", "medium", "large"]}),
    param("zone", "Zone id; enterprises placed in the zones inside it count too (the parks of an economic zone)", ID_SCHEMA),
    param("ecolabel", "Holders of an eco-label certificate in force today: `any`, or a scheme (vn_ecolabel, vn_green_label, other)"),
    param("sort", "name, newest, province or staff; best match first when q is given", {"type": "string", "enum": ["name", "newest", "province", "staff"]}),
    param("page", "Page number, from 1", {"type": "integer", "minimum": 1}),
    param("per_page", "Results per page, 1 to 200 (default 20)", {"type": "integer", "minimum": 1, "maximum": 200}),
]
_TEXT = {name: {"type": "string", "maxLength": service.TEXT_LIMITS[name]}
         for name in ("name_vi", "name_en", "short_name", "address", "phone", "contact_name", "description")}
_DATE = {"type": "string", "format": "date", "nullable": True}
# The fields `clean_profile` reads, with the types and ranges it accepts.
PROFILE_SCHEMA = {
    "tax_code": {"type": "string", "example": "0100233488",
                 "description": "Mã số thuế: 10 digits, or 13 for a branch written 0123456789-001; the check digit must hold"},
    **_TEXT,
    "province_code": {"type": "string", "example": "51", "description": "GSO code of the province"},
    "commune_code": {"type": "string", "nullable": True, "description": "5-digit code or name of a commune in the province"},
    **{name: {"type": "number", "minimum": low, "maximum": high, "nullable": True} for name, (low, high) in service.VIETNAM_BOUNDS.items()},
    "size_class": {"type": "string", "enum": [s.value for s in SizeClass], "nullable": True},
    "founded_year": {"type": "integer", "minimum": 1900, "nullable": True, "description": "Not later than this year"},
    "staff": {"type": "integer", "minimum": 0, "maximum": 1_000_000, "nullable": True},
    "website": {"type": "string", "maxLength": service.TEXT_LIMITS["website"],
                "description": "An http:// or https:// address; a bare host such as example.vn gets https://"},
    "email": {"type": "string", "maxLength": 254},
    "national_brand": {"type": "boolean"},
    "items": {"type": "array", "items": {"type": "object", "required": ["code"], "properties": {
        "code": {"type": "string", "example": "A.01"},
        "relation": {"type": "string", "enum": [r.value for r in Relation], "default": "supplies"}}}},
    "certificates": {"type": "array", "items": {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string", "maxLength": 200, "example": "ISO 14001:2015"}, "number": {"type": "string"},
        "issuer": {"type": "string"}, "issued_on": _DATE, "expires_on": _DATE}}},
}
OPENAPI_SCHEMAS = {
    "Enterprise": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "tax_code": {"type": "string", "example": "0314409058-002"},
            "name_vi": {"type": "string"},
            "name_en": {"type": "string"},
            "short_name": {"type": "string"},
            "province": {"type": "string"},
            "commune": {"type": "string", "nullable": True},
            "size_class": {"type": "string", "nullable": True},
            "status": {"type": "string", "enum": ["pending", "published", "suspended", "rejected", "merged"]},
            "demo": {"type": "boolean"},
            "location": {"type": "object", "nullable": True, "properties": {"lat": {"type": "number"}, "lng": {"type": "number"}}},
            "catalog_items": {"type": "array", "items": {"type": "object", "properties": {
                "code": {"type": "string"}, "version": {"type": "string"}, "name_vi": {"type": "string"}, "name_en": {"type": "string"},
                "relation": {"type": "string", "enum": [r.value for r in Relation]}}}},
            "url": {"type": "string"},
            "address": {"type": "string"}, "founded_year": {"type": "integer", "nullable": True},
            "staff": {"type": "integer", "nullable": True}, "website": {"type": "string"}, "email": {"type": "string"},
            "phone": {"type": "string"}, "contact_name": {"type": "string"}, "description": {"type": "string"},
            "national_brand": {"type": "boolean"},
            "certificates": {"type": "array", "items": {"type": "object", "properties": {
                "name": {"type": "string"}, "number": {"type": "string"}, "issuer": {"type": "string"},
                "issued_on": _DATE, "expires_on": _DATE}}},
            "zone": {"type": "object", "nullable": True, "properties": {
                "id": {"type": "integer"}, "name_vi": {"type": "string"}, "name_en": {"type": "string"}, "kind": {"type": "string"}}},
            "ecolabels": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"type": "integer"}, "scheme": {"type": "string"}, "number": {"type": "string"}, "criteria_code": {"type": "string"},
                "product_name": {"type": "string"}, "status": {"type": "string"}, "valid_until": {"type": "string", "format": "date"},
                "url": {"type": "string"}}}},
            "source": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"},
            "version": {"type": "integer"},
        },
    },
    "EnterpriseInput": {
        "type": "object",
        "required": ["tax_code", "name_vi", "province_code"],
        "properties": {**PROFILE_SCHEMA, "source": {"type": "string", "maxLength": 200, "description": "Where the record comes from"}},
        "example": {"tax_code": "0100233488", "name_vi": "Công ty TNHH Điện lực Dung Quất", "province_code": "51",
                    "website": "https://dienluc-dungquat.vn", "items": [{"code": "A.01", "relation": "manufactures"}]},
    },
    "EnterpriseChange": {
        "type": "object",
        "properties": {**PROFILE_SCHEMA, "version": {"type": "integer", "minimum": 0,
                                                     "description": "The version you read, to refuse a lost update (409)"}},
    },
}


def openapi_paths(json_response, ref, error) -> dict:
    """Describe the enterprise routes for the OpenAPI document."""
    record = json_response(ref("Enterprise"), "The enterprise")
    body = {"required": True, "content": {"application/json": {"schema": ref("EnterpriseInput")}}}
    change = {"required": True, "content": {"application/json": {"schema": ref("EnterpriseChange")}}}
    return {
        "/enterprises": {
            "get": {
                "summary": "Published enterprises matching the filters, best match first when searching",
                "parameters": LIST_PARAMS,
                "responses": {"200": json_response({"type": "object", "properties": {
                    "items": {"type": "array", "items": ref("Enterprise")}, "total": {"type": "integer"},
                    "page": {"type": "integer"}, "per_page": {"type": "integer"}}}, "One page of enterprises")},
            },
            "post": {
                "summary": "Record a published enterprise (an officer of its province)",
                "security": [{"bearer": []}],
                "requestBody": body,
                "responses": {"201": record, "400": error, "401": error, "403": error,
                              "409": error, "422": error},
            },
        },
        "/enterprises.{fmt}": {
            "get": {
                "summary": "Every enterprise matching the filters, as CSV (UTF-8 with BOM, for Excel) or XLSX",
                "parameters": [param("fmt", "csv or xlsx", {"type": "string", "enum": ["csv", "xlsx"]}, "path"),
                               *[p for p in LIST_PARAMS if p["name"] not in {"page", "per_page"}]],
                "responses": {"200": {"description": "The file", "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}}}}},
            }
        },
        "/enterprises/{enterprise_id}": {
            "get": {
                "summary": "One enterprise with its catalog items, certificates, zone and eco-labels",
                "parameters": [param("enterprise_id", "The enterprise's id", ID_SCHEMA, "path")],
                "responses": {"200": record, "404": error},
            },
            "patch": {
                "summary": "Change some fields; a representative's change to a published profile waits for review (202)",
                "security": [{"bearer": []}],
                "parameters": [param("enterprise_id", "The enterprise's id", ID_SCHEMA, "path")],
                "requestBody": change,
                "responses": {"200": record, "202": json_response({"type": "object", "required": ["status", "change_id"], "properties": {
                    "status": {"type": "string", "enum": ["pending_review"]}, "change_id": {"type": "integer"},
                    "changes": {"type": "object"}}}, "Queued for review"),
                              "400": error, "401": error, "403": error, "404": error, "409": error, "422": error},
            },
        },
    }
