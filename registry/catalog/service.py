"""Load, version and look up the Decision 980 catalog in the database."""
from __future__ import annotations

from dataclasses import dataclass

import catalog980
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, update

from registry.accounts.permissions import require
from registry.audit.models import utcnow
from registry.domain_errors import Invalid
from registry.extensions import db
from registry.text import fold, matches

from .models import CatalogNode, CatalogNodeMapping, CatalogVersion
from .permissions import MANAGE_CATALOG

PROBLEM_MESSAGES = {
    "bad_file": _l("The file cannot be read: %(reason)s"),
    "empty_file": _l("The file holds no catalog lines."),
    "missing_column": _l("The column “%(column)s” is missing; headers found: %(found)s."),
    "bad_code": _l("“%(code)s” is not a valid code: use letters and digits separated by dots or hyphens."),
    "duplicate_code": _l("Code “%(code)s” is used again; it first appears on line %(first)s."),
    "missing_parent": _l("Parent “%(parent)s” of “%(code)s” is not in the file."),
    "cycle": _l("Code “%(code)s” is its own ancestor: %(path)s."),
    "empty_name": _l("Code “%(code)s” has no Vietnamese name."),
    "bad_hs_code": _l("“%(hs)s” is not an HS-6 code: write six digits, such as 842121 or 8421.21."),
    "bad_kind": _l("“%(kind)s” is not a kind; use technology, equipment, product or service."),
    "bad_sub_sector": _l("“%(sub_sector)s” is not a sub-sector; use one of: %(allowed)s."),
    "missing_metadata": _l("The catalog's “%(name)s” is missing."),
}
KIND_NAMES = {
    "technology": _l("Technology"),
    "equipment": _l("Equipment"),
    "product": _l("Product"),
    "service": _l("Service"),
}
SUB_SECTOR_NAMES = {
    "wastewater": _l("Wastewater"),
    "exhaust_gas": _l("Exhaust gas"),
    "solid_waste": _l("Solid waste"),
    "hazardous_waste": _l("Hazardous waste"),
    "monitoring": _l("Environmental monitoring"),
    "waste_to_energy": _l("Energy from waste"),
    "remediation": _l("Environmental remediation"),
    "eco_product": _l("Eco-friendly products"),
}


class CatalogError(Invalid):
    """A catalog operation refused, with a message for the user."""


def describe(problem: catalog980.Problem) -> str:
    """Render a catalog file problem in the user's language, with its line."""
    message = str(PROBLEM_MESSAGES[problem.kind] % problem.params)
    if problem.line:
        return str(_l("Line %(line)s: %(message)s", line=problem.line, message=message))
    return message


@dataclass
class ImportSummary:
    version: CatalogVersion
    nodes: int
    mapped: int
    pending: int


def current_version() -> CatalogVersion | None:
    return db.session.scalar(db.select(CatalogVersion).where(CatalogVersion.is_current.is_(True)))


def get_version(label: str | None) -> CatalogVersion | None:
    """Return the version with this label, or the current one when no label is given."""
    if not label:
        return current_version()
    return db.session.scalar(db.select(CatalogVersion).where(CatalogVersion.label == label))


def all_versions() -> list[CatalogVersion]:
    return list(db.session.scalars(db.select(CatalogVersion).order_by(CatalogVersion.imported_at.desc(), CatalogVersion.id.desc())))


def nodes_of(version: CatalogVersion) -> list[CatalogNode]:
    """List a version's nodes depth-first, parents before children."""
    return list(db.session.scalars(db.select(CatalogNode).where(CatalogNode.version_id == version.id).order_by(CatalogNode.position)))


def children_index(nodes: list[CatalogNode]) -> dict[int | None, list[CatalogNode]]:
    """Group nodes by parent id, keeping catalog order, so a template can draw the tree in one pass."""
    index: dict[int | None, list[CatalogNode]] = {}
    for node in nodes:
        index.setdefault(node.parent_id, []).append(node)
    return index


def get_node(version: CatalogVersion, code: str) -> CatalogNode | None:
    return db.session.scalar(db.select(CatalogNode).where(CatalogNode.version_id == version.id, CatalogNode.code == code))


def ancestors_of(node: CatalogNode) -> list[CatalogNode]:
    chain, parent = [], node.parent
    while parent is not None:
        chain.append(parent)
        parent = parent.parent
    return chain[::-1]


def children_of(node: CatalogNode) -> list[CatalogNode]:
    return list(db.session.scalars(db.select(CatalogNode).where(CatalogNode.parent_id == node.id).order_by(CatalogNode.position)))


def successor_of(node: CatalogNode) -> CatalogNode | None:
    """Follow mappings from `node` to its counterpart in the current version, if there is one."""
    seen = set()
    while node is not None and not node.version.is_current and node.id not in seen:
        seen.add(node.id)
        mapping = db.session.scalar(db.select(CatalogNodeMapping).where(CatalogNodeMapping.old_node_id == node.id))
        node = mapping.new_node if mapping else None
    return node


def linked_node_ids(node: CatalogNode) -> set[int]:
    """Return the ids of `node`, its descendants, and the older-version nodes that map onto any of them.

    Records keep links to the nodes of the version they were made under, so a filter on a current
    item must also follow the mappings back to its predecessors.
    """
    index = children_index(nodes_of(node.version))
    ids, stack = set(), [node]
    while stack:
        current = stack.pop()
        ids.add(current.id)
        stack.extend(index.get(current.id, []))
    frontier = set(ids)
    while frontier:
        older = set(
            db.session.scalars(
                db.select(CatalogNodeMapping.old_node_id).where(
                    CatalogNodeMapping.new_node_id.in_(frontier), CatalogNodeMapping.status.in_(["by_code", "resolved"])
                )
            )
        )
        frontier = older - ids
        ids |= older
    return ids


def import_catalog(actor, catalog: catalog980.CatalogVersion, *, make_current: bool = True) -> ImportSummary:
    """Store a validated catalog as a new version, and map the current version's nodes onto it by code.

    Nodes of older versions are never changed, so records linked to them keep their links.
    `actor` None means the command line or the first start.
    """
    if actor is not None:
        require(actor, MANAGE_CATALOG)
    if get_version(catalog.version) is not None:
        raise CatalogError(_l("A catalog version labelled “%(label)s” already exists.", label=catalog.version))
    previous = current_version()
    version = CatalogVersion(
        label=catalog.version,
        legal_basis=catalog.legal_basis,
        source=catalog.source,
        provisional=catalog.provisional,
        title_vi=catalog.title_vi,
        title_en=catalog.title_en,
        notes_vi=catalog.notes_vi,
        notes_en=catalog.notes_en,
        previous=previous,
    )
    db.session.add(version)
    by_code: dict[str, CatalogNode] = {}
    for position, item in enumerate(catalog.nodes):
        parent = by_code.get(item.parent) if item.parent else None
        node = CatalogNode(
            version=version,
            code=item.code,
            parent=parent,
            position=position,
            depth=parent.depth + 1 if parent else 0,
            kind=item.kind,
            sub_sector=item.sub_sector,
            name_vi=item.name_vi,
            name_en=item.name_en,
            hs_codes=list(item.hs_codes),
            search_folded=fold(" ".join([item.code, item.name_vi, item.name_en, *item.hs_codes])),
        )
        by_code[item.code] = node
        db.session.add(node)
    db.session.flush()
    mapped = pending = 0
    if previous is not None:
        old_nodes = nodes_of(previous)
        pairs, _unmapped = catalog980.map_by_code([n.code for n in old_nodes], by_code)
        for old in old_nodes:
            new = by_code.get(pairs[old.code]) if old.code in pairs else None
            db.session.add(
                CatalogNodeMapping(version=version, old_node_id=old.id, new_node=new, status="by_code" if new else "pending")
            )
            mapped += new is not None
            pending += new is None
    if make_current or previous is None:
        set_current(None, version)
    db.session.flush()
    return ImportSummary(version=version, nodes=len(by_code), mapped=mapped, pending=pending)


def set_current(actor, version: CatalogVersion) -> None:
    """Make `version` the one pages, search and new links use."""
    if actor is not None:
        require(actor, MANAGE_CATALOG)
    db.session.execute(update(CatalogVersion).where(CatalogVersion.id != version.id).values(is_current=False))
    version.is_current = True
    db.session.flush()


def mappings_of(version: CatalogVersion) -> list[CatalogNodeMapping]:
    """List how the previous version's nodes map onto `version`, pending ones first."""
    mappings = db.session.scalars(db.select(CatalogNodeMapping).where(CatalogNodeMapping.version_id == version.id))
    return sorted(mappings, key=lambda m: (m.status != "pending", m.old_node.position))


def pending_count(version: CatalogVersion) -> int:
    return db.session.scalar(
        db.select(func.count())
        .select_from(CatalogNodeMapping)
        .where(CatalogNodeMapping.version_id == version.id, CatalogNodeMapping.status == "pending")
    )


def resolve_mapping(actor, mapping: CatalogNodeMapping, new_node: CatalogNode | None) -> None:
    """Record an official's choice of successor for an old node, or that it has none."""
    require(actor, MANAGE_CATALOG)
    if new_node is not None and new_node.version_id != mapping.version_id:
        raise CatalogError(_l("Choose an item of version %(label)s.", label=mapping.version.label))
    mapping.new_node = new_node
    mapping.status = "resolved" if new_node is not None else "retired"
    mapping.resolved_at = utcnow()
    mapping.resolved_by_id = actor.id
    db.session.flush()


def search_nodes(query: str, version: CatalogVersion | None = None, limit: int = 20) -> list[CatalogNode]:
    """Find items of a version (the current one by default) by code, name in either language or HS code."""
    version = version or current_version()
    matching = matches(CatalogNode.search_folded, query)
    if version is None or matching is None:
        return []
    return list(
        db.session.scalars(
            db.select(CatalogNode)
            .where(CatalogNode.version_id == version.id, matching)
            .order_by(CatalogNode.position)
            .limit(limit)
        )
    )


def load_shipped_catalog() -> CatalogVersion | None:
    """Store the provisional catalog shipped with the package unless a version with its label exists."""
    shipped = catalog980.read_shipped()
    if get_version(shipped.version) is not None:
        return None
    return import_catalog(None, shipped, make_current=current_version() is None).version
