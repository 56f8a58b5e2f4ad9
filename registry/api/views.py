"""API routes: the catalog, provinces and the token check; the same services as the pages."""
from __future__ import annotations

from flask import g, jsonify, request
from flask_babel import lazy_gettext as _l

from registry.catalog import service as catalog
from registry.catalog.models import CatalogNode, CatalogNodeMapping, CatalogVersion
from registry.extensions import db
from registry.places import service as places
from registry.places.models import Commune, Province

from . import bp
from .auth import token_required
from .errors import error_response
from .openapi import document


def province_json(province: Province, *, communes: list[Commune] | None = None) -> dict:
    data = {
        "code": province.code,
        "name_vi": province.name_vi,
        "name_en": province.name_en,
        "division_type": province.division_type,
        "is_city": province.is_city,
        "region": province.region,
        "centre": province.centre,
        "phone_code": province.phone_code,
        "formed_from": [p.name_vi for p in province.parts],
    }
    if communes is not None:
        data["communes"] = [commune_json(c) for c in communes]
    return data


def commune_json(commune: Commune) -> dict:
    return {
        "code": commune.code,
        "name_vi": commune.name_vi,
        "name_en": commune.name_en,
        "division_type": commune.division_type,
        "province": commune.province_code,
    }


def version_json(version: CatalogVersion) -> dict:
    return {
        "label": version.label,
        "legal_basis": version.legal_basis,
        "source": version.source,
        "provisional": version.provisional,
        "current": version.is_current,
        "title_vi": version.title_vi,
        "title_en": version.title_en,
        "notes_vi": version.notes_vi,
        "notes_en": version.notes_en,
        "imported_at": version.imported_at.isoformat() + "Z",
    }


def node_json(node: CatalogNode, children: list[dict] | None = None) -> dict:
    data = {
        "code": node.code,
        "parent": node.parent.code if node.parent_id else None,
        "kind": node.kind,
        "sub_sector": node.sub_sector,
        "name_vi": node.name_vi,
        "name_en": node.name_en,
        "hs_codes": list(node.hs_codes or []),
    }
    if children is not None:
        data["children"] = children
    return data


def mapping_json(mapping: CatalogNodeMapping) -> dict:
    return {
        "id": mapping.id,
        "old": mapping.old_node.code,
        "new": mapping.new_node.code if mapping.new_node else None,
        "status": mapping.status,
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())


@bp.get("/provinces")
def provinces():
    """The 34 provinces with codes, names vi/en, region and the pre-2025 provinces they absorbed."""
    return jsonify({"items": [province_json(p) for p in places.all_provinces()], "total": 34})


@bp.get("/provinces/<code>")
def province(code: str):
    try:
        found = places.get_province(code)
    except places.UnknownPlace as error:
        return error_response(404, error)
    return jsonify(province_json(found, communes=places.communes_of(found)))


@bp.get("/provinces/resolve")
def resolve_legacy():
    """Place a pre-2025 province name, such as “tỉnh Bình Định”, on today's map."""
    name = request.args.get("name", "")
    found = places.place_legacy(name)
    if found is None:
        return error_response(404, _l("No province, current or pre-2025, is named “%(name)s”.", name=name))
    return jsonify(province_json(found))


@bp.get("/catalog")
def catalog_tree():
    """The Decision 980 tree of one version (the current one by default), with its version and source."""
    version = catalog.get_version(request.args.get("version"))
    if version is None:
        return error_response(404, _l("There is no catalog version “%(label)s”.", label=request.args.get("version", "")))
    nodes = catalog.nodes_of(version)
    index = catalog.children_index(nodes)

    def build(parent_id):
        return [node_json(n, build(n.id)) for n in index.get(parent_id, [])]

    return jsonify({"version": version_json(version), "count": len(nodes), "items": build(None)})


@bp.get("/catalog/versions")
def catalog_versions():
    versions = catalog.all_versions()
    return jsonify({"items": [{**version_json(v), "pending_mappings": catalog.pending_count(v)} for v in versions]})


@bp.get("/catalog/items/<path:code>")
def catalog_item(code: str):
    version = catalog.get_version(request.args.get("version"))
    node = catalog.get_node(version, code) if version else None
    if node is None:
        return error_response(404, _l("There is no catalog item “%(code)s”.", code=code))
    data = node_json(node, [node_json(c) for c in catalog.children_of(node)])
    data["version"] = version.label
    return jsonify(data)


@bp.get("/catalog/versions/<label>/mappings")
def catalog_mappings(label: str):
    """How the previous version's items map onto this version, pending ones first."""
    version = catalog.get_version(label)
    if version is None:
        return error_response(404, _l("There is no catalog version “%(label)s”.", label=label))
    return jsonify({"version": label, "items": [mapping_json(m) for m in catalog.mappings_of(version)]})


@bp.post("/catalog/versions/<label>/mappings/<int:mapping_id>")
@token_required
def resolve_catalog_mapping(label: str, mapping_id: int):
    """Record the successor of an old item (`{"successor": "A.01"}`), or that it has none (`null`)."""
    version = catalog.get_version(label)
    mapping = db.session.get(CatalogNodeMapping, mapping_id) if version else None
    if mapping is None or mapping.version_id != version.id:
        return error_response(404, _l("There is no such mapping in version “%(label)s”.", label=label))
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "successor" not in body:
        return error_response(400, _l("Send a JSON object with a “successor” code, or null."), {"successor": [_l("This field is required.")]})
    successor = None
    if body["successor"] is not None:
        successor = catalog.get_node(version, str(body["successor"]))
        if successor is None:
            return error_response(422, None, {"successor": [_l("There is no catalog item “%(code)s”.", code=body["successor"])]})
    catalog.resolve_mapping(g.api_user, mapping, successor)
    return jsonify(mapping_json(mapping))


@bp.get("/me")
@token_required
def me():
    """Tell whose token this is and what roles it carries."""
    user = g.api_user
    return jsonify(
        {
            "email": user.email,
            "full_name": user.full_name,
            "memberships": [
                {"organization": m.organization.name, "kind": m.organization.kind.value, "role": m.role.value,
                 "province": m.organization.province_code}
                for m in user.memberships
            ],
        }
    )
