"""The OpenAPI 3 document of /api/v1: the shared parts here, each endpoint module's routes from that module."""
from __future__ import annotations

from flask import url_for

from . import attendance, ecolabels, enterprises, events, geo, incubators, policies, proposals, zones
from .spec import BEARER, ERROR, ID_SCHEMA, TOO_MANY, VERSION_PARAM
from .spec import json_response as _json
from .spec import ref as _ref

# Endpoint modules that describe their own routes: OPENAPI_SCHEMAS, and openapi_paths(json_response, ref, error).
FEATURES = (enterprises, geo, proposals, zones, policies, ecolabels, incubators, events, attendance)
INFO = {
    "title": "CNMT Investment Registry API",
    "version": "1.0.0",
    "description": "Vietnam's environmental-industry registry: enterprises, provinces and the Decision 980/QĐ-TTg catalog. "
    "Reads are public; writes take `Authorization: Bearer <token>` (see `flask --app registry users token`).",
}
SECURITY_SCHEMES = {"bearer": {"type": "http", "scheme": "bearer"}}


def document() -> dict:
    """Describe every route of the API, its parameters and answers."""
    spec = {
        "openapi": "3.0.3",
        "info": INFO,
        "servers": [{"url": url_for("api.openapi", _external=False).rsplit("/", 1)[0]}],
        "components": {"securitySchemes": SECURITY_SCHEMES, "schemas": schemas()},
        "paths": paths(),
    }
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            _add_common_answers(path, operation)
    return spec


def schemas() -> dict:
    """Every schema: the error shape, provinces and the catalog, then each endpoint module's own."""
    found = {**_error_schemas(), **_place_schemas(), **_catalog_schemas()}
    for feature in FEATURES:
        found.update(feature.OPENAPI_SCHEMAS)
    return found


def paths() -> dict:
    """Every route: this document, provinces, the catalog and the token's account, then each endpoint module's own."""
    found = {**_document_paths(), **_place_paths(), **_catalog_paths(), **_account_paths()}
    for feature in FEATURES:
        found.update(feature.openapi_paths(_json, _ref, ERROR))
    return found


def _error_schemas() -> dict:
    return {
        "Error": {
            "type": "object",
            "required": ["status", "error", "message", "errors"],
            "properties": {
                "status": {"type": "integer"},
                "error": {"type": "string"},
                "message": {"type": "string"},
                "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            },
        },
    }


def _place_schemas() -> dict:
    return {
        "Commune": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "example": "00070"},
                "name_vi": {"type": "string"},
                "name_en": {"type": "string"},
                "division_type": {"type": "string", "enum": ["xã", "phường", "đặc khu"]},
                "province": {"type": "string"},
            },
        },
        "Province": {
            "type": "object",
            "required": ["code", "name_vi", "name_en"],
            "properties": {
                "code": {"type": "string", "example": "51"},
                "name_vi": {"type": "string", "example": "Quảng Ngãi"},
                "name_en": {"type": "string", "example": "Quang Ngai"},
                "division_type": {"type": "string"},
                "is_city": {"type": "boolean"},
                "region": {"type": "string"},
                "centre": {"type": "string"},
                "phone_code": {"type": "integer", "nullable": True},
                "formed_from": {"type": "array", "items": {"type": "string"}},
                "communes": {"type": "array", "items": _ref("Commune")},
            },
        },
    }


def _catalog_schemas() -> dict:
    return {
        "CatalogVersion": {
            "type": "object",
            "properties": {
                "label": {"type": "string"},
                "legal_basis": {"type": "string"},
                "source": {"type": "string"},
                "provisional": {"type": "boolean"},
                "current": {"type": "boolean"},
                "title_vi": {"type": "string"},
                "title_en": {"type": "string"},
                "notes_vi": {"type": "string"},
                "notes_en": {"type": "string"},
                "imported_at": {"type": "string", "format": "date-time"},
                "pending_mappings": {"type": "integer"},
            },
        },
        "Mapping": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "old": {"type": "string"},
                "new": {"type": "string", "nullable": True},
                "status": {"type": "string", "enum": ["by_code", "resolved", "retired", "pending"]},
            },
        },
        "CatalogNode": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "example": "A.01"},
                "parent": {"type": "string", "nullable": True},
                "kind": {"type": "string", "nullable": True, "enum": ["technology", "equipment", "product", "service", None]},
                "sub_sector": {"type": "string", "nullable": True},
                "name_vi": {"type": "string"},
                "name_en": {"type": "string"},
                "hs_codes": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{6}$"}},
                "children": {"type": "array", "items": _ref("CatalogNode")},
            },
        },
    }


def _document_paths() -> dict:
    return {
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "responses": {"200": _json({"type": "object", "required": ["openapi", "paths"]}, "OpenAPI 3 document")},
            }
        },
    }


def _place_paths() -> dict:
    return {
        "/provinces": {
            "get": {
                "summary": "The 34 provinces in force since 1 July 2025",
                "responses": {
                    "200": _json(
                        {"type": "object", "properties": {"items": {"type": "array", "items": _ref("Province")}, "total": {"type": "integer"}}},
                        "Provinces in GSO code order",
                    )
                },
            }
        },
        "/provinces/{code}": {
            "get": {
                "summary": "One province with its communes",
                "parameters": [{"name": "code", "in": "path", "required": True, "description": "GSO code, such as 51 or 01",
                                "schema": {"type": "string", "pattern": "^[0-9]{1,2}$", "example": "51"}}],
                "responses": {"200": _json(_ref("Province"), "The province"), "404": ERROR},
            }
        },
        "/provinces/resolve": {
            "get": {
                "summary": "Place a current or pre-2025 province name on today's map",
                "parameters": [{"name": "name", "in": "query", "required": True, "schema": {"type": "string"}, "example": "tỉnh Bình Định"}],
                "responses": {"200": _json(_ref("Province"), "Today's province"), "404": ERROR},
            }
        },
    }


def _catalog_paths() -> dict:
    return {
        "/catalog": {
            "get": {
                "summary": "The Decision 980 catalog tree, with its version and source",
                "parameters": [VERSION_PARAM],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "version": _ref("CatalogVersion"),
                                "count": {"type": "integer"},
                                "items": {"type": "array", "items": _ref("CatalogNode")},
                            },
                        },
                        "The tree, top-level groups first",
                    ),
                    "404": ERROR,
                },
            }
        },
        "/catalog/versions": {
            "get": {
                "summary": "Every catalog version, newest first",
                "responses": {
                    "200": _json({"type": "object", "properties": {"items": {"type": "array", "items": _ref("CatalogVersion")}}}, "Versions")
                },
            }
        },
        "/catalog/items/{code}": {
            "get": {
                "summary": "One catalog item with its children",
                "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string", "example": "A.01"}},
                               VERSION_PARAM],
                "responses": {"200": _json(_ref("CatalogNode"), "The item"), "404": ERROR},
            }
        },
        "/catalog/versions/{label}/mappings": {
            "get": {
                "summary": "How the previous version's items map onto this version, pending first",
                "parameters": [{"name": "label", "in": "path", "required": True,
                                "schema": {"type": "string", "example": "provisional-2025"}}],
                "responses": {
                    "200": _json({"type": "object", "properties": {"version": {"type": "string"}, "items": {"type": "array", "items": _ref("Mapping")}}}, "Mappings"),
                    "404": ERROR,
                },
            }
        },
        "/catalog/versions/{label}/mappings/{mapping_id}": {
            "post": {
                "summary": "Resolve an unmapped item: name its successor, or null when it was dropped",
                "security": BEARER,
                "parameters": [
                    {"name": "label", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "mapping_id", "in": "path", "required": True, "schema": ID_SCHEMA},
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"type": "object", "required": ["successor"],
                                                                   "properties": {"successor": {"type": "string", "nullable": True}}}}},
                },
                "responses": {"200": _json(_ref("Mapping"), "The resolved mapping"), "400": ERROR, "401": ERROR,
                              "403": ERROR, "404": ERROR, "422": ERROR},
            }
        },
    }


def _account_paths() -> dict:
    return {
        "/me": {
            "get": {
                "summary": "The account a bearer token belongs to, with its roles",
                "security": BEARER,
                "responses": {"200": _json({"type": "object", "required": ["email", "memberships"], "properties": {
                    "email": {"type": "string"}, "full_name": {"type": "string"},
                    "memberships": {"type": "array", "items": {"type": "object", "properties": {
                        "organization": {"type": "string"}, "kind": {"type": "string"}, "role": {"type": "string"},
                        "province": {"type": "string", "nullable": True}}}}}}, "The account"), "401": ERROR},
            }
        },
    }


def _add_common_answers(path: str, operation: dict) -> None:
    """Add the answers any operation of its shape can give, so each route lists only its own.

    Any parameter or body may be refused with 400 (a NUL character, a malformed value), a path
    naming no record is 404, a body may be too large (413), and the public API is rate limited (429).
    """
    answers = operation["responses"]
    if operation.get("parameters") or "requestBody" in operation:
        answers.setdefault("400", ERROR)
    if "{" in path:
        answers.setdefault("404", ERROR)
    if "requestBody" in operation:
        answers.setdefault("413", ERROR)
    answers.setdefault("429", TOO_MANY)
