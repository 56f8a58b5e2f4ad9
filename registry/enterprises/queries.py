"""Find enterprises: filters, search, sorting and facet counts, shared by pages, API and exports."""
from __future__ import annotations

import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

import orjson
from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Integer, Row, Select, String, TypeDecorator, bindparam, case, exists, func, tuple_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from registry import inputs
from registry.accounts.models import User
from registry.accounts.permissions import reviewed_provinces
from registry.catalog import service as catalog
from registry.catalog.models import CatalogNode, CatalogVersion
from registry.extensions import db
from registry.page_cache import kept_value
from registry.places.models import Commune, Province
from registry.enterprises import index as search

from registry.zones.models import Zone

from .models import Certificate, ClaimRequest, Enterprise, EnterpriseItem, ProfileFacts, Relation, SizeClass, Status
from .taxcode import format_tax_code

LAST_PAGE = 100_000
SORTS = {
    "name": (Enterprise.name_core, Enterprise.id),
    "newest": (Enterprise.created_at.desc(), Enterprise.id.desc()),
    "province": (Enterprise.province_code, Enterprise.name_core),
    "staff": (Enterprise.staff.desc().nulls_last(), Enterprise.id),
}


# Restrictions the doors add to the enterprise list by name (an `ecolabel=` argument, for one), so that this
# feature knows none of the features above it: `ids(value)` gives the enterprise ids the value admits (or a
# subquery of them), `kinds` the kinds of record those ids depend on, `counts(ids_subquery)` the facet's counts.
@dataclass(frozen=True)
class Restriction:
    ids: Callable[[str], Any]
    kinds: tuple[str, ...] = ()
    counts: Callable[[Any], dict[str, int]] | None = None


RESTRICTIONS: dict[str, Restriction] = {}


def add_restriction(name: str, restriction: Restriction) -> None:
    """Let the list, its facets, the API and exports be narrowed by the query argument `name`."""
    RESTRICTIONS[name] = restriction


@dataclass
class Filters:
    q: str = ""
    province: str = ""
    catalog: str = ""
    relation: str = ""
    size: str = ""
    zone: str = ""
    status: str = ""
    demo: str = ""
    sort: str = ""
    restricted: tuple[tuple[str, str], ...] = ()  # (name, value) of the RESTRICTIONS asked for

    @classmethod
    def from_args(cls, args) -> Filters:
        """Read filters from query-string arguments, dropping values that are not ours."""
        filters = cls(**{name: (args.get(name) or "").strip()[:200] for name in ("q", "province", "catalog", "relation", "size", "zone", "status", "demo", "sort")})
        filters.restricted = tuple((name, value) for name in sorted(RESTRICTIONS) if (value := (args.get(name) or "").strip()[:200]))
        if filters.relation and filters.relation not in {r.value for r in Relation}:
            filters.relation = ""
        if filters.size and filters.size not in {s.value for s in SizeClass}:
            filters.size = ""
        if filters.status and filters.status not in {s.value for s in Status}:
            filters.status = ""
        if filters.sort not in SORTS:
            filters.sort = ""
        if filters.zone and inputs.parse_id(filters.zone) is None:
            filters.zone = "0"  # no zone has this id: nothing matches, as for any unknown zone
        return filters

    def __getattr__(self, name: str):
        """A restriction's value by its name, as templates read the other filters (`filters.ecolabel`)."""
        if name in RESTRICTIONS:
            return dict(self.__dict__.get("restricted", ())).get(name, "")
        raise AttributeError(name)

    def args(self, **overrides) -> dict:
        """The filters as query arguments, for links that change one of them."""
        values = {k: v for k, v in vars(self).items() if v and k != "restricted"}
        values.update(self.restricted)
        values.update(overrides)
        return {k: v for k, v in values.items() if v}

    def without(self, name: str) -> Filters:
        """These filters without the one called `name` (a field or a restriction), and unsorted: a facet's own counts."""
        if name in RESTRICTIONS:
            return Filters(**{**vars(self), "sort": "", "restricted": tuple(r for r in self.restricted if r[0] != name)})
        return Filters(**{**vars(self), name: "", "sort": ""})


def visible_statuses(viewer: User | None, filters: Filters):
    """Everyone sees published records; officers may ask for other statuses of their provinces."""
    provinces = reviewed_provinces(viewer)
    if filters.status and filters.status != Status.PUBLISHED and (provinces is None or provinces):
        return Status(filters.status), provinces
    return Status.PUBLISHED, None


def catalog_node(code: str) -> CatalogNode | None:
    version = catalog.current_version()
    return catalog.get_node(version, code) if version and code else None


def filtered(filters: Filters, viewer: User | None = None, *, ranked: bool = True) -> Select:
    """Build the SELECT of enterprises matching `filters`, in the order the user asked for."""
    status, provinces = visible_statuses(viewer, filters)
    statement = db.select(Enterprise).where(Enterprise.status == status)
    if provinces is not None:
        statement = statement.where(Enterprise.province_code.in_(provinces))
    if filters.province:
        statement = statement.where(Enterprise.province_code == filters.province)
    if filters.size:
        statement = statement.where(Enterprise.size_class == SizeClass(filters.size))
    if filters.zone:
        statement = statement.where(Enterprise.zone_id.in_(zone_and_parts(int(filters.zone))))
    if filters.demo in {"only", "hide"}:
        statement = statement.where(Enterprise.is_demo.is_(filters.demo == "only"))
    for name, value in filters.restricted:
        statement = statement.where(Enterprise.id.in_(RESTRICTIONS[name].ids(value)))
    if filters.catalog or filters.relation:
        links = db.select(EnterpriseItem.enterprise_id)
        if filters.catalog:
            node = catalog_node(filters.catalog)
            links = links.where(EnterpriseItem.node_id.in_(catalog.linked_node_ids(node) if node else []))
        if filters.relation:
            links = links.where(EnterpriseItem.relation == Relation(filters.relation))
        statement = statement.where(Enterprise.id.in_(links))
    searching = bool(search.query_terms(filters.q))
    statement = search.apply_search(statement, Enterprise, filters.q, ranked=ranked and not filters.sort, status=status)
    if ranked and (filters.sort or not searching):
        statement = statement.order_by(*SORTS[filters.sort or "name"])
    return statement


def zone_and_parts(zone_id: int) -> list[int]:
    """Return the zone's id with those of the zones inside it (the parks of an economic zone), at any depth."""
    ids, frontier = {zone_id}, {zone_id}
    while frontier:
        frontier = set(db.session.scalars(db.select(Zone.id).where(Zone.parent_id.in_(frontier)))) - ids
        ids |= frontier
    return sorted(ids)


def page_of(filters: Filters, viewer: User | None, page: int, per_page: int) -> Pagination:
    """Return one page of results (Flask-SQLAlchemy's Pagination); past the last page it is empty."""
    page = min(page, LAST_PAGE)  # a bigger offset overflows SQLite's integers
    status = _index_alone(filters, viewer)
    if status is not None:
        return SearchPage(page=page, per_page=per_page, max_per_page=200, error_out=False, q=filters.q, status=status)
    return db.paginate(filtered(filters, viewer), page=page, per_page=per_page, max_per_page=200, error_out=False)


def _text_alone(filters: Filters, viewer: User | None) -> Status | None:
    """The status to search for in a search by text alone, of every province (its matches are kept whole: `_matches`)."""
    status, provinces = visible_statuses(viewer, filters)
    if Filters(q=filters.q, status=filters.status) == filters and provinces is None and search.query_terms(filters.q):
        return status
    return None


def _index_alone(filters: Filters, viewer: User | None) -> Status | None:
    """The status to search for when the index can count and page the matches by itself (a search by text alone)."""
    return _text_alone(filters, viewer) if search.answers_alone() else None


def _in_order(found, ids: list[int]) -> list:
    """Put records or rows (anything with an `id`) in the order of `ids`; those not found are left out."""
    by_id = {record.id: record for record in found}
    return [by_id[id_] for id_ in ids if id_ in by_id]


class SearchPage(Pagination):
    """A page of a search by text alone, counted and ordered by the index, then loaded by id.

    Same records and order as `filtered`; at 100,000 records it saves the tens of milliseconds
    that looking up every match in `enterprise` costs a broad query's count.
    """

    def _query_items(self) -> list[Enterprise]:
        status = self._query_args["status"]
        ids, self._total = search.matches_page(self._query_args["q"], status, self._query_offset, self.per_page)
        found = db.session.scalars(db.select(Enterprise).where(Enterprise.id.in_(ids), Enterprise.status == status)).unique()
        return _in_order(found, ids)

    def _query_count(self) -> int:
        return self._total


# What an item of a list shows of an enterprise (the API's list items): plain columns, no models.
LIST_COLUMNS = (
    Enterprise.id, Enterprise.tax_code, Enterprise.name_vi, Enterprise.name_en, Enterprise.short_name,
    Enterprise.province_code, Enterprise.commune_code, Enterprise.size_class, Enterprise.status,
    Enterprise.is_demo, Enterprise.latitude, Enterprise.longitude,
)
# Table columns (plain Core, no ORM entity): a third of the time for the same rows.
LINK_COLUMNS = (
    CatalogNode.__table__.c.code, CatalogVersion.__table__.c.label.label("version"), CatalogNode.__table__.c.name_vi,
    CatalogNode.__table__.c.name_en, EnterpriseItem.__table__.c.relation,
)



class Link(NamedTuple):
    """A record's catalog link: LINK_COLUMNS, and whether the item is of the current catalog (its page needs no version)."""

    code: str
    version: str
    name_vi: str
    name_en: str
    relation: Relation
    current: bool = True

    name = ProfileFacts.name


@dataclass
class Listing:
    """One page of matches as records of LIST_COLUMNS (`Listed`), each record's catalog links (`Link`s) by id, and the total."""

    rows: list[Listed]
    links: dict[int, list]
    total: int


def listing(filters: Filters, viewer: User | None, page: int, per_page: int) -> Listing:
    """Return the page `page_of` would give, as rows: the same records, order and total.

    The page's columns and its catalog links come in one statement (a row per link), however
    long the page, and no model is built: at 100,000 records building the models and their
    items took most of an API list's time. The total, which costs more than the page, is kept
    per data version (`page_cache.kept_value`), and so are the marks a deep page of the list is
    sought from (`_seek`) instead of walking every record before it, and a search's matches in
    order (`_matches`), so that any page of a search is a slice of them.
    """
    offset = (min(page, LAST_PAGE) - 1) * per_page
    status = _text_alone(filters, viewer)
    if status is not None:
        matches, total = _matches(filters, viewer, status)
        ids = matches[offset:offset + per_page].tolist()
        return _listed(_core(_LISTED_BY_IDS, ids=ids, status=status) if ids else [], total, ids)
    statements = _list_statements(filters, viewer)
    total = _kept(filters, viewer, "total", lambda: _core(statements.count)[0][0])
    if statements.from_mark is None or total < KEPT_FROM:
        rows = _core(statements.from_first, skip=offset, limit=per_page)
    else:
        def records(start: tuple | None, skip: int, limit: int) -> list[Row]:
            if start is None:
                return _core(statements.from_first, skip=skip, limit=limit)
            return _core(statements.from_mark, skip=skip, limit=limit,
                         **{f"mark_{place}": value for place, value in enumerate(start)})

        def marks() -> list[tuple]:
            return [tuple(row) for row in _core(statements.marks, every=MARK_EVERY)]

        rows = _seek(filters, viewer, offset, per_page, records, marks)
    return _listed(rows, total)


def _matches(filters: Filters, viewer: User | None, status: Status) -> tuple[array, int]:
    """The ids of every match of a search by text alone in the list's order, kept per data version as a compact array, and their number.

    Best first up to RANKED_MATCHES matches, newest first above (SQLite's index gives the
    30,000 ids of a broad query in 25 ms, 120 KB): a page is then a slice, however deep, where
    seeking it in the index cost each page a millisecond more than the first (FTS5 merging a
    prefix term), and PostgreSQL walked the OFFSET.
    """
    if search.answers_alone():
        total = _kept(filters, viewer, "total", lambda: search.count_matches(filters.q, status))
        return _kept(filters, viewer, "matches", lambda: _compact(search.matches_page(filters.q, status, 0, total, total)[0])), total
    matches = _kept(filters, viewer, "matches",
                    lambda: _compact([id_ for (id_,) in _core(filtered(filters, viewer).with_only_columns(Enterprise.id))]))
    return matches, len(matches)


def _compact(ids: list[int]) -> array:
    try:
        return array("i", ids)
    except OverflowError:  # an id past 2**31 (SQLite allows them)
        return array("q", ids)


# A record of a list page: its LIST_COLUMNS by name, read faster than from a row.
Listed = NamedTuple("Listed", [(column.key, Any) for column in LIST_COLUMNS])


def _listed(rows: list[Row], total: int, ids: list[int] | None = None) -> Listing:
    """The Listing of rows that begin with LIST_COLUMNS and end with `links` (HELD_LINKS), the records in the order
    they come or in that of `ids`."""
    records: dict[int, Listed] = {}
    links: dict[int, list[Link]] = {}
    width = len(LIST_COLUMNS)
    for row in rows:
        record = Listed._make(row[:width])
        records[record.id] = record
        held = row[-1]
        if held:
            links[record.id] = [Link(*link[1:]) for link in sorted(held)]  # in the order the record holds them
    ordered = list(records.values()) if ids is None else [records[id_] for id_ in ids if id_ in records]
    return Listing(rows=ordered, links=links, total=total)


# The list's orders that are total (the id last) and one way, by the columns they sort on:
# a deep page of them is sought from a mark (`_seek`).
SEEKABLE = {
    "name": ((Enterprise.name_core, Enterprise.id), False),
    "newest": ((Enterprise.created_at, Enterprise.id), True),
}
MARK_EVERY = 200


def _core(statement, **parameters) -> list[Row]:
    """Run a statement of columns (no model to load) on the session's connection: half the cost of going through the session."""
    return db.session.connection().execute(statement, parameters).all()


class ListStatements(NamedTuple):
    """A list's statements with the page as parameters (skip, limit, and the mark's `mark_0`, `mark_1` …)."""

    count: Select
    from_first: Select
    from_mark: Select | None  # None: its order is not SEEKABLE
    marks: Select | None = None  # the sort keys of the records at every `every`-th place, from the first


_built: dict[tuple, ListStatements] = {}


def _list_statements(filters: Filters, viewer: User | None) -> ListStatements:
    """The statements of a list by these filters (no text search), built once per filter set and audience.

    Building `filtered` and its variants took about as long as running them; filters that
    name a catalog item or a zone are built each time, since the ids they stand for are data.
    """
    status, provinces = visible_statuses(viewer, filters)
    key = (tuple(sorted(filters.args().items())), status, None if provinces is None else frozenset(provinces))
    kept = _built.get(key)
    if kept is not None:
        return kept
    statement = filtered(filters, viewer).with_only_columns(*LIST_COLUMNS)
    count = db.select(func.count()).select_from(statement.order_by(None).subquery())
    seek = SEEKABLE.get(filters.sort or "name") if not search.query_terms(filters.q) else None
    from_mark = marks = None
    if seek is not None:
        columns, descending = seek
        listed = {column.key for column in LIST_COLUMNS}
        statement = statement.add_columns(*(column for column in columns if column.key not in listed))
        start = tuple_(*(bindparam(f"mark_{place}", type_=column.type) for place, column in enumerate(columns)))
        marked = statement.where(tuple_(*columns) <= start if descending else tuple_(*columns) >= start)
        from_mark = marked.add_columns(HELD_LINKS).limit(bindparam("limit")).offset(bindparam("skip"))
        marks = _every_nth(statement, columns, SORTS[filters.sort or "name"])
    from_first = statement.add_columns(HELD_LINKS).limit(bindparam("limit")).offset(bindparam("skip"))
    built = ListStatements(count, from_first, from_mark, marks)
    if not (filters.catalog or filters.zone or filters.restricted or search.query_terms(filters.q)):
        if len(_built) > 256:
            _built.clear()
        _built[key] = built
    return built


def _every_nth(statement: Select, columns: tuple, order: tuple) -> Select:
    """The `columns` of the records of `statement` at places 0, `every`, 2 × `every` … of `order` (`every` a parameter).

    The database numbers the records in one pass of the index the order follows
    (`row_number()`), so every mark of a list costs one statement, however deep.
    """
    numbered = (statement.with_only_columns(*columns, func.row_number().over(order_by=order).label("place"))
                .order_by(None).subquery())
    every = bindparam("every", type_=Integer())
    return (db.select(*(numbered.c[column.key] for column in columns))
            .where((numbered.c.place - 1) % every == 0).order_by(numbered.c.place))


def _seek(filters: Filters, viewer: User | None, offset: int, limit: int, records, marks) -> list:
    """Return `limit` records from place `offset` of an ordered list, walking fewer than MARK_EVERY records before them.

    `records(start, skip, limit)` gives the list's records from the one whose sort key is
    `start`, or from the first when None, after skipping `skip`; `marks()` gives the sort keys of
    the records at every MARK_EVERY-th place (places 0, MARK_EVERY …), in one statement. The
    marks are kept per data version (`_kept`), so that past the first MARK_EVERY records a page
    costs its own rows, not an OFFSET walk of every record before it (tens of milliseconds at
    100,000), from the first deep page a process serves after a change.
    """
    place = offset // MARK_EVERY
    if not place:
        return records(None, offset, limit)
    known: tuple = _kept(filters, viewer, f"marks:{filters.sort or 'name'}:{MARK_EVERY}", lambda: tuple(marks()),
                         worth_keeping=lambda _: True)
    if place >= len(known):
        return []
    return records(known[place], offset - place * MARK_EVERY, limit)


# What a list's matches depend on: the records, the zones inside a zone, the catalog's linked items.
COUNTED_KINDS = ("enterprises", "zones", "catalog")
# Fewer matches than this are counted again each time: as fast as looking the count up.
KEPT_FROM = 1000


def _kept(filters: Filters, viewer: User | None, what: str, compute, worth_keeping=None):
    """Compute `what` of the matches of `filters` for what `viewer` may see, kept until one of COUNTED_KINDS changes."""
    status, provinces = visible_statuses(viewer, filters)
    scope = "all" if provinces is None else ",".join(sorted(provinces))
    key = f"enterprises:{what}:{status.value}:{scope}:{sorted(Filters(**{**vars(filters), 'sort': '', 'status': ''}).args().items())}"
    kinds = COUNTED_KINDS + tuple(kind for name, _ in filters.restricted for kind in RESTRICTIONS[name].kinds if kind not in COUNTED_KINDS)
    return kept_value(kinds, key, compute,
                      worth_keeping or (lambda value: (value if isinstance(value, int) else len(value)) >= KEPT_FROM))


class Named(NamedTuple):
    """A province, commune or zone as a profile names it."""

    id: Any
    name_vi: str
    name_en: str
    kind: Any = None

    name = ProfileFacts.name


class CertificateRow(NamedTuple):
    name: str
    number: str
    issuer: str
    issued_on: date | None
    expires_on: date | None


# The enterprise's own columns a profile shows (page and API) or its permission rules read.
PROFILE_FIELDS = (
    "id", "tax_code", "name_vi", "name_en", "short_name", "province_code", "commune_code", "address", "latitude",
    "longitude", "size_class", "founded_year", "staff", "website", "email", "phone", "contact_name", "description",
    "national_brand", "status", "changes_requested", "review_note", "source", "is_demo", "organization_id",
    "merged_into_id", "created_at", "updated_at", "version",
)


@dataclass(slots=True)
class Profile(ProfileFacts):
    """One enterprise as its profile page and the API show it: plain values, no model, nothing loaded later.

    It answers what the page, the API and the permission rules read of an `Enterprise`
    (`name()`, `tax_code_display`, `province_code`, `organization_id` …), so that `can` and
    `service.visible_to` take either.
    """

    id: int
    tax_code: str
    name_vi: str
    name_en: str
    short_name: str
    province_code: str
    commune_code: str | None
    address: str
    latitude: float | None
    longitude: float | None
    size_class: SizeClass | None
    founded_year: int | None
    staff: int | None
    website: str
    email: str
    phone: str
    contact_name: str
    description: str
    national_brand: bool
    status: Status
    changes_requested: bool
    review_note: str
    source: str
    is_demo: bool
    organization_id: int | None
    merged_into_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int
    province: Named
    commune: Named | None
    zone: Named | None
    items: list[Link]
    certificates: list[CertificateRow]
    merged: list[MergedRecord]
    marks: frozenset[str] | None = None  # the PROFILE_MARKS this record holds; None: not asked

    @classmethod
    def of(cls, enterprise: Enterprise) -> Profile:
        """The profile of a record already loaded (the API's answer to a write it has just made)."""
        zone, commune = enterprise.zone, enterprise.commune
        return cls(
            **{name: getattr(enterprise, name) for name in PROFILE_FIELDS},
            province=Named(enterprise.province.code, enterprise.province.name_vi, enterprise.province.name_en),
            commune=Named(commune.code, commune.name_vi, commune.name_en) if commune else None,
            zone=Named(zone.id, zone.name_vi, zone.name_en, zone.kind) if zone else None,
            items=[Link(link.node.code, link.node.version.label, link.node.name_vi, link.node.name_en, link.relation,
                        link.node.version.is_current) for link in enterprise.items],
            certificates=[CertificateRow(c.name, c.number, c.issuer, c.issued_on, c.expires_on) for c in enterprise.certificates],
            merged=merged_into(enterprise.id),
        )


# Plain Core statements on the tables (no ORM entities), built once: a third of the time the ORM took.
_E, _P, _C, _Z = Enterprise.__table__.c, Province.__table__.c, Commune.__table__.c, Zone.__table__.c
_I, _N, _V = EnterpriseItem.__table__.c, CatalogNode.__table__.c, CatalogVersion.__table__.c
_MERGED = Enterprise.__table__.alias("merged")
_T = Certificate.__table__.c


class _JSONRows(TypeDecorator):
    """A JSON value read by orjson, in a tenth of the standard library's time (PostgreSQL's driver reads json itself)."""

    impl = String
    cache_ok = True

    def process_result_value(self, value, dialect):
        return orjson.loads(value) if isinstance(value, str) else value


class _HeldLinks(FunctionElement):
    """An aggregate: the JSON array of its arguments' JSON arrays, a row each (`held_links`)."""

    type = _JSONRows()
    name = "held_links"
    inherit_cache = True


@compiles(_HeldLinks, "sqlite")
def _held_links_sqlite(element, compiler, **kw) -> str:
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


@compiles(_HeldLinks, "postgresql")
def _held_links_postgresql(element, compiler, **kw) -> str:
    return f"json_agg(json_build_array({compiler.process(element.clauses, **kw)}))"


# A list row's catalog links, one column beside its LIST_COLUMNS: [item id, *LINK_COLUMNS] for each item, in no order
# (`_listed` sorts them by the item's id, the order a record holds them in), NULL or [] without any. A correlated
# subquery reads only the page's records' items, so a page costs one statement, and a row per record.
HELD_LINKS = (
    db.select(_HeldLinks(_I.id, _N.code, _V.label, _N.name_vi, _N.name_en, _I.relation))
    .select_from(EnterpriseItem.__table__.join(CatalogNode.__table__, _N.id == _I.node_id)
                 .join(CatalogVersion.__table__, _V.id == _N.version_id))
    .where(_I.enterprise_id == _E.id)
    .scalar_subquery().label("links")
)
# The records with these ids and status, with their catalog links (a search's page: `_matches`).
_LISTED_BY_IDS = (
    db.select(*LIST_COLUMNS, HELD_LINKS)
    .where(_E.id.in_(bindparam("ids", expanding=True)), _E.status == bindparam("status", type_=_E.status.type))
)
# One record with its province, commune, zone, items and certificates joined in: a row per item and
# certificate pair (a few), as the model's joined load gave them, in one statement.
_PROFILE = (
    db.select(*(_E[name] for name in PROFILE_FIELDS),
              _P.name_vi.label("province_vi"), _P.name_en.label("province_en"),
              _C.name_vi.label("commune_vi"), _C.name_en.label("commune_en"),
              _E.zone_id, _Z.name_vi.label("zone_vi"), _Z.name_en.label("zone_en"), _Z.kind.label("zone_kind"),
              exists().where(_MERGED.c.merged_into_id == _E.id).label("has_merged"),
              _I.id.label("item_id"), *(column.label(f"item_{column.name}") for column in LINK_COLUMNS),
              _V.is_current.label("item_current"),
              _T.id.label("certificate_id"), *(_T[name].label(f"certificate_{name}") for name in CertificateRow._fields))
    .select_from(Enterprise.__table__.join(Province.__table__, _P.code == _E.province_code)
                 .outerjoin(Commune.__table__, _C.code == _E.commune_code)
                 .outerjoin(Zone.__table__, _Z.id == _E.zone_id)
                 .outerjoin(EnterpriseItem.__table__, _I.enterprise_id == _E.id)
                 .outerjoin(CatalogNode.__table__, _N.id == _I.node_id)
                 .outerjoin(CatalogVersion.__table__, _V.id == _N.version_id)
                 .outerjoin(Certificate.__table__, _T.enterprise_id == _E.id))
    .where(_E.id == bindparam("enterprise_id"))
    .order_by(_I.id, _T.id)
)
_ITEM_COLUMNS = tuple(f"item_{column.name}" for column in LINK_COLUMNS) + ("item_current",)
_CERTIFICATE_COLUMNS = tuple(f"certificate_{name}" for name in CertificateRow._fields)


# Features above the enterprises mark a profile with a yes/no column of their own (an EXISTS over their table,
# given the enterprise's id column), so that its page asks them for more only when there is something to show.
PROFILE_MARKS: dict[str, Callable] = {}
_MARKED: dict[tuple[str, ...], object] = {}


def _profile_statement():
    names = tuple(PROFILE_MARKS)
    if names not in _MARKED:
        _MARKED[names] = _PROFILE.add_columns(*(PROFILE_MARKS[name](_E.id).label(f"mark_{name}") for name in names))
    return _MARKED[names]


def profile(enterprise_id: int) -> Profile | None:
    """Load one enterprise's profile in one plain statement: its row with its province, commune, zone,
    items and certificates joined in, and the PROFILE_MARKS it holds (and its merged records after, only when it has some).

    At 100,000 records loading the model with its relations took about a third of a profile page.
    """
    rows = _core(_profile_statement(), enterprise_id=enterprise_id)
    if not rows:
        return None
    items: dict[int, Link] = {}
    certificates: dict[int, CertificateRow] = {}
    for row in rows:
        values = row._mapping
        if row.item_id is not None and row.item_id not in items:
            items[row.item_id] = Link(*(values[name] for name in _ITEM_COLUMNS))
        if row.certificate_id is not None and row.certificate_id not in certificates:
            certificates[row.certificate_id] = CertificateRow(*(values[name] for name in _CERTIFICATE_COLUMNS))
    first = rows[0]
    values = first._mapping
    return Profile(
        **{name: values[name] for name in PROFILE_FIELDS},
        province=Named(first.province_code, first.province_vi, first.province_en),
        commune=Named(first.commune_code, first.commune_vi, first.commune_en) if first.commune_code else None,
        zone=Named(first.zone_id, first.zone_vi, first.zone_en, first.zone_kind) if first.zone_vi is not None else None,
        items=list(items.values()),
        certificates=[certificates[key] for key in sorted(certificates)],
        merged=merged_into(enterprise_id) if first.has_merged else [],
        marks=frozenset(name for name in PROFILE_MARKS if values[f"mark_{name}"]),
    )


class MergedRecord(NamedTuple):
    name_vi: str
    tax_code_display: str


def merged_into(enterprise_id: int) -> list[MergedRecord]:
    """The names and tax codes of the records merged into this one, as its profile lists them (no models: asked on every profile)."""
    rows = db.session.execute(db.select(Enterprise.name_vi, Enterprise.tax_code)
                              .where(Enterprise.merged_into_id == enterprise_id).order_by(Enterprise.id))
    return [MergedRecord(name_vi, format_tax_code(tax_code)) for name_vi, tax_code in rows]


def claims_of(user: User) -> list[ClaimRequest]:
    """A user's claims to represent enterprises, newest first."""
    return list(db.session.scalars(
        db.select(ClaimRequest).where(ClaimRequest.user_id == user.id).order_by(ClaimRequest.submitted_at.desc())
    ))


def zones_by_id(ids: list[int]) -> list[Zone]:
    """The zones with these ids, to name the zone facet's options."""
    return list(db.session.scalars(db.select(Zone).where(Zone.id.in_(ids)))) if ids else []


_facet_cache: dict[tuple, tuple[float, dict]] = {}


def facet_counts(filters: Filters, viewer: User | None) -> dict[str, dict[str, int]]:
    """Count matches per facet, each ignoring its own filter; kept FACET_CACHE_SECONDS per process.

    Counting every published enterprise per catalog group takes about a second at 100,000 records,
    and the same few filter sets (the bare list, one province) are asked for again and again, so
    counts up to two minutes old are shown rather than recounted on every page.
    """
    seconds = current_app.config["FACET_CACHE_SECONDS"]
    if not seconds:
        return _count_facets(filters, viewer)
    provinces = reviewed_provinces(viewer)
    key = (tuple(sorted(filters.args(sort="").items())), None if provinces is None else tuple(sorted(provinces)))
    now = time.monotonic()
    cached = _facet_cache.get(key)
    if cached is not None and now - cached[0] < seconds:
        return cached[1]
    if len(_facet_cache) > 256:
        _facet_cache.clear()
    counts = _count_facets(filters, viewer)
    _facet_cache[key] = (now, counts)
    return counts


def _count_facets(filters: Filters, viewer: User | None) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}

    def ids_without(name: str):
        return filtered(filters.without(name), viewer, ranked=False).with_only_columns(Enterprise.id).scalar_subquery()

    for name, column in (("province", Enterprise.province_code), ("size", Enterprise.size_class), ("zone", Enterprise.zone_id)):
        rows = db.session.execute(
            db.select(column, func.count()).where(Enterprise.id.in_(ids_without(name))).group_by(column)
        ).all()
        counts[name] = {str(key.value if hasattr(key, "value") else key): n for key, n in rows if key is not None}
    rows = db.session.execute(
        db.select(EnterpriseItem.relation, func.count(func.distinct(EnterpriseItem.enterprise_id)))
        .where(EnterpriseItem.enterprise_id.in_(ids_without("relation")))
        .group_by(EnterpriseItem.relation)
    ).all()
    counts["relation"] = {key.value: n for key, n in rows}
    counts["catalog"] = _group_counts(ids_without("catalog"))
    for name, restriction in RESTRICTIONS.items():
        if restriction.counts is not None:
            counts[name] = restriction.counts(ids_without(name))
    return counts


def _group_counts(ids) -> dict[str, int]:
    """Count enterprises per top-level group of the current catalog, in SQL: each node is mapped to its root."""
    version = catalog.current_version()
    if version is None:
        return {}
    nodes = catalog.nodes_of(version)
    by_id = {n.id: n for n in nodes}
    root_of = {}
    for node in nodes:
        current = node
        while current.parent_id is not None and current.parent_id in by_id:
            current = by_id[current.parent_id]
        root_of[node.id] = current.code
    group = case(root_of, value=EnterpriseItem.node_id)
    rows = db.session.execute(
        db.select(group, func.count(func.distinct(EnterpriseItem.enterprise_id)))
        .where(EnterpriseItem.enterprise_id.in_(ids), EnterpriseItem.node_id.in_(list(root_of)))
        .group_by(group)
    ).all()
    return {code: n for code, n in rows if code is not None}
