"""Find zones: one filter object read from the request, one query, shared by the zone list, the API and the map.

Every zone is public, so the viewer does not narrow the query.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from maps.validation import Bbox
from sqlalchemy import Select, func

from registry import inputs
from registry.catalog import service as catalog
from registry.extensions import db
from registry.places.service import normalize_code
from registry.query_args import BadParameter, bbox_arg, number_arg
from registry.text import matches, vietnamese_order

from . import service
from .models import Zone, ZoneKind, ZoneStatus

MAX_PER_PAGE = 2000
LAST_PAGE = 100_000  # a bigger offset overflows SQLite's integers
# The list page's name for the minimum of free land before the API's became everyone's; bookmarks keep it.
OLD_MINIMUM_NAME = "min_available"
# NULLs last on both databases: PostgreSQL sorts them first in a descending order.
SORTS = {
    "province": (Zone.province_code, Zone.name_folded),
    "name": (Zone.name_folded,),  # listed() only: page_of puts names in Vietnamese dictionary order
    "total": (Zone.total_ha.is_(None), Zone.total_ha.desc(), Zone.name_folded),
    "available": (Zone.available_ha.is_(None), Zone.available_ha.desc(), Zone.name_folded),
}
DEFAULT_SORT = "province"


@dataclass
class ZoneFilters:
    """Which zones to show, and in what order: the zone list's form, the zone API's and the map layer's arguments."""

    q: str = ""
    province: str = ""
    kind: str = ""
    status: str = ""
    parent: int | None = None
    catalog: str = ""
    min_available_ha: float | None = None
    bbox: Bbox | None = None
    sort: str = ""

    @classmethod
    def from_args(cls, args, *, strict: bool = False) -> ZoneFilters:
        """Read the filters from query arguments.

        When `strict` (the API) a bad kind, status, number or box raises BadParameter; otherwise (pages)
        it is dropped. An unknown province or parent given by the API matches no zone.
        """

        def text(name: str) -> str:
            return (args.get(name) or "").strip()[:200]

        def checked(read, *arguments):
            try:
                return read(*arguments)
            except BadParameter:
                if strict:
                    raise
                return None

        province, parent = text("province"), text("parent")
        parent_id = inputs.parse_id(parent) if parent else None
        if parent and parent_id is None and strict:
            parent_id = 0  # no zone has this id: nothing matches, as for any unknown zone
        return cls(
            q=text("q"),
            province=normalize_code(province, 2) or (province if strict else ""),
            kind=checked(_kind, text("kind")) or "",
            status=checked(_status, text("status")) or "",
            parent=parent_id,
            catalog=text("catalog"),
            min_available_ha=checked(_minimum_available, args),
            bbox=checked(bbox_arg, args),
            sort=text("sort") if text("sort") in SORTS else "",
        )

    def args(self, **overrides) -> dict[str, str]:
        """Return the filters that are set, as query arguments (for links and the map's requests)."""
        values = {
            "q": self.q, "province": self.province, "kind": self.kind, "status": self.status,
            "parent": "" if self.parent is None else str(self.parent), "catalog": self.catalog,
            "min_available_ha": "" if self.min_available_ha is None else str(self.min_available_ha).removesuffix(".0"),
            "bbox": "" if self.bbox is None else ",".join(str(value) for value in self.bbox),
            "sort": self.sort, **overrides,
        }
        return {name: value for name, value in values.items() if value}


def _kind(value: str) -> str:
    if value and value not in set(ZoneKind):
        raise BadParameter("kind", _l("Unknown kind “%(kind)s”; use one of %(kinds)s.", kind=value, kinds=", ".join(ZoneKind)))
    return value


def _status(value: str) -> str:
    if value and value not in set(ZoneStatus):
        raise BadParameter("status", _l("Unknown status “%(status)s”; use one of %(statuses)s.", status=value,
                                        statuses=", ".join(ZoneStatus)))
    return value


def _minimum_available(args) -> float | None:
    """Read the least available land asked for, under its name or the list page's old one."""
    name = "min_available_ha" if (args.get("min_available_ha") or "").strip() else OLD_MINIMUM_NAME
    low, high = service.NUMBER_FIELDS["available_ha"]
    return number_arg(args, name, low, high)


def filtered(filters: ZoneFilters, *, ordered: bool = True) -> Select:
    """Build the SELECT of the zones matching `filters`, in the order asked for when `ordered`."""
    statement = db.select(Zone)
    if filters.province:
        statement = statement.where(Zone.province_code == filters.province)
    if filters.kind:
        statement = statement.where(Zone.kind == ZoneKind(filters.kind))
    if filters.status:
        statement = statement.where(Zone.status == ZoneStatus(filters.status))
    if filters.parent is not None:
        statement = statement.where(Zone.parent_id == filters.parent)
    if filters.min_available_ha is not None:
        statement = statement.where(Zone.available_ha >= filters.min_available_ha)
    if filters.bbox is not None:
        statement = service.in_bbox(filters.bbox, statement)
    if filters.catalog:
        statement = statement.where(Zone.id.in_(_zones_with_priority(filters.catalog)))
    if (matching := matches(Zone.search_folded, filters.q, padded=True)) is not None:
        statement = statement.where(matching)
    if ordered:
        statement = statement.order_by(*SORTS[filters.sort or DEFAULT_SORT], Zone.id)
    return statement


def _zones_with_priority(code: str) -> list[int]:
    """Return the ids of the zones whose priority groups hold the catalog item `code`, an item inside it or one above it."""
    wanted = _catalog_codes(code)
    if not wanted:
        return []
    rows = db.session.execute(db.select(Zone.id, Zone.priority_groups))
    return [zone_id for zone_id, groups in rows if wanted.intersection(groups or [])]


def _catalog_codes(code: str) -> set[str]:
    """Return the codes a zone's priority groups may hold to match `code`: its subtree and its ancestors."""
    version = catalog.current_version()
    node = catalog.get_node(version, code) if version else None
    if node is None:
        return set()
    index = catalog.children_index(catalog.nodes_of(version))
    codes, stack = {a.code for a in catalog.ancestors_of(node)}, [node]
    while stack:
        current = stack.pop()
        codes.add(current.code)
        stack.extend(index.get(current.id, []))
    return codes


def listed(filters: ZoneFilters) -> list[Zone]:
    """Return every zone matching `filters`, in the order asked for."""
    return list(db.session.scalars(filtered(filters)))


def page_of(filters: ZoneFilters, page: int, per_page: int, *, locale: str = "vi") -> Pagination:
    """Return one page of the zones matching `filters` (Flask-SQLAlchemy's Pagination); past the last page it is empty.

    By name, zones are in Vietnamese dictionary order of the name shown in `locale`, which
    neither database collates by itself, so the matching names are ordered here and only the
    page's zones are loaded.
    """
    page = min(page, LAST_PAGE)
    if filters.sort == "name":
        return _ByName(page=page, per_page=per_page, max_per_page=MAX_PER_PAGE, error_out=False, filters=filters, locale=locale)
    return db.paginate(filtered(filters), page=page, per_page=per_page, max_per_page=MAX_PER_PAGE, error_out=False)


class _ByName(Pagination):
    """One page of the zones matching `filters`, by name in Vietnamese dictionary order."""

    def _ordered_ids(self) -> list[int]:
        if not hasattr(self, "_ids"):
            name = Zone.name_vi if self._query_args["locale"] != "en" else func.coalesce(func.nullif(Zone.name_en, ""), Zone.name_vi)
            statement = filtered(self._query_args["filters"], ordered=False).with_only_columns(Zone.id, name)
            rows = db.session.execute(statement).all()
            self._ids = [zone_id for zone_id, _name in sorted(rows, key=lambda row: (vietnamese_order(row[1]), row[0]))]
        return self._ids

    def _query_items(self) -> list[Zone]:
        ids = self._ordered_ids()[self._query_offset:self._query_offset + self.per_page]
        zones = {zone.id: zone for zone in db.session.scalars(db.select(Zone).where(Zone.id.in_(ids)))} if ids else {}
        return [zones[zone_id] for zone_id in ids]

    def _query_count(self) -> int:
        return len(self._ordered_ids())


def managed_by(organization_ids: set[int]) -> list[Zone]:
    """Return the zones the given organizations manage, by name."""
    if not organization_ids:
        return []
    return list(db.session.scalars(db.select(Zone).where(Zone.organization_id.in_(organization_ids)).order_by(Zone.name_folded, Zone.id)))
