"""Catalog pages: the tree, an item, the versions and the resolution of unmapped items."""
from __future__ import annotations

from catalog980 import apec_2012
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from registry.accounts.permissions import require
from registry.enterprises import queries
from registry.extensions import db
from registry.inputs import parse_id
from registry.page_cache import shared_page

from . import service
from .forms import MappingForm
from .models import CatalogNode, CatalogNodeMapping
from .permissions import MANAGE_CATALOG

bp = Blueprint("catalog", __name__, url_prefix="/catalog")


def _version_or_404():
    version = service.get_version(request.args.get("version"))
    if version is None:
        abort(404)
    return version


@bp.route("/")
@shared_page("catalog")
def tree():
    """Show the whole catalog as a tree that opens and closes without JavaScript."""
    version = _version_or_404()
    nodes = service.nodes_of(version)
    return render_template(
        "catalog/tree.html",
        version=version,
        children=service.children_index(nodes),
        versions=service.all_versions(),
        kind_names=service.KIND_NAMES,
        sub_sector_names=service.SUB_SECTOR_NAMES,
    )


@bp.route("/items/<path:code>")
@shared_page("catalog", "enterprises", "places", "ecolabels")
def item(code: str):
    """Show one catalog item: its place in the tree, children, HS codes and successor."""
    version = _version_or_404()
    node = service.get_node(version, code)
    if node is None:
        abort(404)
    return render_template(
        "catalog/item.html",
        version=version,
        node=node,
        ancestors=service.ancestors_of(node),
        children=service.children_of(node),
        successor=None if version.is_current else service.successor_of(node),
        suppliers=queries.page_of(queries.Filters(catalog=node.code), current_user, 1, 10) if version.is_current else None,
        apec=apec_2012(),
        kind_names=service.KIND_NAMES,
        sub_sector_names=service.SUB_SECTOR_NAMES,
    )


@bp.route("/versions")
def versions():
    """List catalog versions, which one is current and how many items await mapping."""
    versions = service.all_versions()
    return render_template("catalog/versions.html", versions=versions, pending={v.id: service.pending_count(v) for v in versions})


@bp.route("/versions/<label>/mapping")
@login_required
def mapping(label: str):
    """Show how the previous version's items map onto this one, with the unmapped first."""
    require(current_user, MANAGE_CATALOG)
    version = service.get_version(label) or abort(404)
    mappings = service.mappings_of(version)
    choices = _successor_choices(version)
    forms = {}
    for m in mappings:
        if m.status == "pending":
            form = MappingForm(prefix=f"m{m.id}")
            form.successor.choices = choices
            forms[m.id] = form
    return render_template("catalog/mapping.html", version=version, mappings=mappings, forms=forms)


def _successor_choices(version):
    return [SelectChoice("", _("— no successor (item dropped) —"))] + [
        SelectChoice(str(n.id), f"{n.code} · {n.name_vi}") for n in service.nodes_of(version)
    ]


@bp.post("/versions/<label>/mapping/<int:mapping_id>")
@login_required
def resolve(label: str, mapping_id: int):
    """Record the successor an official chose for an unmapped item."""
    require(current_user, MANAGE_CATALOG)
    version = service.get_version(label) or abort(404)
    mapping = db.session.get(CatalogNodeMapping, mapping_id)
    if mapping is None or mapping.version_id != version.id:
        abort(404)
    form = MappingForm(prefix=f"m{mapping.id}")
    form.successor.choices = _successor_choices(version)
    if not form.validate_on_submit():
        abort(400)
    chosen = form.successor.data
    new_node = db.session.get(CatalogNode, parse_id(chosen)) if parse_id(chosen) else None
    if chosen and new_node is None:
        abort(400)
    service.resolve_mapping(current_user, mapping, new_node)
    flash(_("Item %(code)s is resolved.", code=mapping.old_node.code), "success")
    return redirect(url_for(".mapping", label=label))
