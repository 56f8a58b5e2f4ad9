"""Write checked import rows in chunks with Core inserts, with the audit entries and index rows the ORM would write.

Rows are built once as tuples in a table's column order and go to the driver as they are
(`_execute_many`); their audit entries' JSON is written from the same tuples (`_audit`), as
`json.dumps` would write the snapshot the flush listener takes, without a dict per row.
"""
from __future__ import annotations

import contextlib
import functools
import itertools
import json
import math
import operator
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from json.encoder import encode_basestring_ascii

from sqlalchemy import Enum, String, Table, func, select

from registry.audit import service as audit
from registry.audit.models import AuditEntry, utcnow
from registry.catalog.models import CatalogNode
from registry.extensions import db
from registry.enterprises import index as search

from .models import Certificate, DuplicateFlag, Enterprise, EnterpriseItem, Status
from .placement import zones_of

CHUNK = 1000
# SQLite's page cache while an import writes (kilobytes): see `_page_cache`.
CACHE_KB = 128 * 1024
_PROFILE_COLUMNS = (
    "tax_code", "name_vi", "name_en", "short_name", "province_code", "commune_code", "address", "latitude", "longitude",
    "size_class", "founded_year", "staff", "website", "email", "phone", "contact_name", "description", "national_brand",
)
_ENTERPRISE_COLUMNS = (
    "id", *_PROFILE_COLUMNS, "name_folded", "name_core", "search_text", "status", "changes_requested", "review_note", "source",
    "is_demo", "organization_id", "merged_into_id", "zone_id", "created_at", "updated_at", "published_at", "version",
)
_ITEM_COLUMNS = ("id", "enterprise_id", "node_id", "relation")
_CERTIFICATE_TEXTS = ("name", "number", "issuer", "issued_on", "expires_on")
_CERTIFICATE_COLUMNS = ("id", "enterprise_id", *_CERTIFICATE_TEXTS)
_FLAG_COLUMNS = ("id", "enterprise_id", "other_id", "score", "status", "created_at", "decided_by_id")
_AUDIT_COLUMNS = ("at", "actor_id", "actor_label", "action", "entity_type", "entity_id", "before", "after")


def write_rows(accepted: Sequence, source: str) -> tuple[list[int], int]:
    """Create a published enterprise per accepted row; return the new ids and how many duplicate flags were raised."""
    ids: list[int] = []
    id_of_row: dict[int, int] = {}
    node_ids = {node_id for entry in accepted for node_id, _relation in entry.cleaned["items"]}
    nodes = {n.id: n for n in db.session.scalars(db.select(CatalogNode).where(CatalogNode.id.in_(node_ids)))} if node_ids else {}
    zone_ids = zones_of([(entry.cleaned["latitude"], entry.cleaned["longitude"]) for entry in accepted])
    items_texts = _ItemsTexts(nodes)
    with _page_cache(CACHE_KB):
        for start in range(0, len(accepted), CHUNK):
            chunk = accepted[start:start + CHUNK]
            created = _write_chunk(chunk, zone_ids[start:start + CHUNK], source, items_texts)
            ids.extend(created)
            id_of_row.update((entry.row, id_) for entry, id_ in zip(chunk, created))
        return ids, _write_flags(accepted, id_of_row)


@contextlib.contextmanager
def _page_cache(kilobytes: int) -> Iterator[None]:
    """Give SQLite a page cache of `kilobytes` for the block, then the connection's own again.

    With the default 2 MB, the enterprise table's dozen indexes and the audit trail's three no
    longer fit once a few thousand rows are in, and each insert reads its index pages back from
    the file: at 100,000 rows that was a fifth of the import's time.
    """
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{int(kilobytes)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


class _ItemsTexts(dict):
    """The index's text of each list of catalog items (`search.items_text_of`), made once per list of node ids: a list repeats them."""

    def __init__(self, nodes: dict[int, CatalogNode]) -> None:
        super().__init__()
        self.nodes = nodes

    def __missing__(self, node_ids: tuple[int, ...]) -> str:
        text = self[node_ids] = search.items_text_of([self.nodes[node_id] for node_id in node_ids])
        return text


def _write_chunk(chunk: Sequence, zone_ids: Sequence[int | None], source: str, items_texts: _ItemsTexts) -> list[int]:
    now = utcnow()
    ids = _new_ids(Enterprise.__table__, len(chunk))
    rows, parts = [], []
    profile, folded_columns = operator.itemgetter(*_PROFILE_COLUMNS), operator.itemgetter("name_folded", "name_core", "search_text")
    fixed = (Status.PUBLISHED, False, "", source, False, None, None)
    for entry, id_, zone_id in zip(chunk, ids, zone_ids):
        cleaned = entry.cleaned
        folded = entry.folded_name
        indexed = search.indexed_parts(cleaned["name_vi"], cleaned["name_en"], cleaned["short_name"], cleaned["tax_code"], (),
                                       name_folded=folded[0],
                                       items_text=items_texts[tuple(node_id for node_id, _relation in cleaned["items"])])
        parts.append(indexed)
        rows.append((id_, *profile(cleaned), *folded_columns(search.folded_columns(cleaned["name_vi"], indexed, folded)), *fixed,
                     zone_id, now, now, now, 1))
    items = [(enterprise_id, node_id, relation) for entry, enterprise_id in zip(chunk, ids) for node_id, relation in entry.cleaned["items"]]
    certificates = [(enterprise_id, *map(certificate.get, _CERTIFICATE_TEXTS))
                    for entry, enterprise_id in zip(chunk, ids) for certificate in entry.cleaned["certificates"]]
    _execute_many(Enterprise.__table__, _ENTERPRISE_COLUMNS, rows)
    items = _insert(EnterpriseItem.__table__, _ITEM_COLUMNS, items)
    certificates = _insert(Certificate.__table__, _CERTIFICATE_COLUMNS, certificates)
    _audit(Enterprise, _ENTERPRISE_COLUMNS, rows, now)
    _audit(EnterpriseItem, _ITEM_COLUMNS, items, now)
    _audit(Certificate, _CERTIFICATE_COLUMNS, certificates, now)
    search.write_many_to_index(zip(ids, parts))
    return ids


def _insert(table: Table, columns: tuple[str, ...], rows: list[tuple]) -> list[tuple]:
    """Insert rows given without their ids (`columns` names the id first); return them with their ids (see `_new_ids`)."""
    if not rows:
        return []
    rows = [(id_, *row) for id_, row in zip(_new_ids(table, len(rows)), rows)]
    _execute_many(table, columns, rows)
    return rows


def _new_ids(table: Table, count: int) -> list[int]:
    """Take `count` ids for new rows of `table`.

    On SQLite, the ids SQLite would choose itself (the largest so far plus one, for tables
    without AUTOINCREMENT), which the import's write lock keeps free until it commits; on
    PostgreSQL, the next values of the column's own sequence, as its inserts would take them.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        first = db.session.scalar(select(func.coalesce(func.max(table.c.id), 0))) + 1
        return list(range(first, first + count))
    sequence = func.pg_get_serial_sequence(table.name, table.c.id.name)
    return sorted(db.session.scalars(select(func.nextval(sequence)).select_from(func.generate_series(1, count))))


def _execute_many(table: Table, keys: Sequence[str], rows: list[tuple], *, json_text: frozenset[str] = frozenset()) -> None:
    """Insert rows (tuples of the columns `keys` names) in one executemany sent straight to the driver.

    Each value goes through its column type's own bind processor, as a Core insert would send
    it, but a column at a time and once per run of the same value (a chunk's rows share their
    times and status), rather than through SQLAlchemy's per-row parameter handling, which cost
    more than the database's work; the JSON columns named in `json_text` hold their JSON text
    already. Columns missing from `keys` get their scalar default.
    """
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    defaults = {c.key: c.default.arg for c in table.columns if c.key not in keys and c.default is not None and c.default.is_scalar}
    columns = [table.c[key] for key in (*keys, *defaults)]
    values: list[Sequence] = [*zip(*rows), *((value,) * len(rows) for value in defaults.values())]
    for index, column in enumerate(columns):
        if column.key not in json_text and (processor := column.type.dialect_impl(dialect).bind_processor(dialect)) is not None:
            values[index] = _runs_processed(processor, values[index])
    quote = dialect.identifier_preparer.quote
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    # PostgreSQL takes JSON text for a JSON column only when told; SQLite stores the text as it is.
    markers = [f"CAST({marker} AS JSON)" if column.key in json_text and dialect.name == "postgresql" else marker for column in columns]
    statement = (f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({', '.join(quote(c.name) for c in columns)}) "
                 f"VALUES ({', '.join(markers)})")
    connection.exec_driver_sql(statement, list(zip(*values)))
    audit.note_written(table.name)


def _runs_processed(process: Callable[[object], object], values: Sequence) -> list:
    """`process` applied to each of a column's values; once for a column of the very same value (a chunk's times and status)."""
    first = values[0]
    if all(map(operator.is_, values, itertools.repeat(first))):
        return [process(first)] * len(values)
    return list(map(process, values))


def _audit(model, keys: tuple[str, ...], rows: list[tuple], now: datetime) -> None:
    """Write the "create" entries the flush listener writes for ORM inserts (rows as `_execute_many` takes them, id first)."""
    if not rows:
        return
    # The same actor the flush listener would record: the request's user, or the command's label.
    actor = audit.current_actor()
    fixed = (now, actor.user_id, actor.label, "create", model.__tablename__)
    entries = [(*fixed, str(row[0]), None, after) for row, after in zip(rows, _snapshot_writer(model, keys)(rows))]
    _execute_many(AuditEntry.__table__, _AUDIT_COLUMNS, entries, json_text=frozenset({"after"}))


@functools.cache
def _snapshot_writer(model, keys: tuple[str, ...]) -> Callable[[list[tuple]], list[str]]:
    """A function from rows of `keys` to the JSON text of their audit snapshots, as `json.dumps` writes the listener's dicts.

    The snapshot holds the audited columns in the table's order. The rows are written a column
    at a time (`_json_column`: text columns that hold text always by the encoder's own string
    escaping, in one pass), then each row's values go into one template of the keys.
    """
    excluded = set(model.__audit_exclude__)
    audited = [c for c in model.__table__.columns if c.key not in excluded]
    positions = [keys.index(c.key) for c in audited]
    template = "{" + ", ".join(encode_basestring_ascii(c.key).replace("%", "%%") + ": %s" for c in audited) + "}"
    always_text = [_always_text(c) for c in audited]

    def write(rows: list[tuple]) -> list[str]:
        columns = list(zip(*rows))
        written = [list(map(encode_basestring_ascii, columns[position])) if text else _json_column(columns[position])
                   for position, text in zip(positions, always_text)]
        return [template % values for values in zip(*written)]

    return write


_NONE = type(None)


def _json_column(values: Sequence) -> list[str]:
    """The JSON `_json_value` writes for each of a column's values: each kind of value by its own writer, in one pass."""
    first = values[0]
    if all(map(operator.is_, values, itertools.repeat(first))):
        return [_json_value(first)] * len(values)
    writers = {kind: _JSON_WRITERS.get(kind) or _kept_by_identity(_json_value) for kind in set(map(type, values))}
    if len(writers) == 1:
        return list(map(next(iter(writers.values())), values))
    return [writers[type(value)](value) for value in values]


def _kept_by_identity(write: Callable[[object], str]) -> Callable[[object], str]:
    """`write`, answering again at once for a value it was given before (an enum member, a time)."""
    kept: dict[int, tuple[object, str]] = {}

    def written(value) -> str:
        found = kept.get(id(value))
        if found is None:
            found = kept[id(value)] = (value, write(value))  # the value is kept too, so its id stays its own
        return found[1]

    return written


def _float_json(value: float) -> str:
    return float.__repr__(value) if math.isfinite(value) else _json_value(value)


_JSON_WRITERS: dict[type, Callable[[object], str]] = {
    str: encode_basestring_ascii, int: int.__repr__, float: _float_json, _NONE: lambda _value: "null",
    bool: lambda value: "true" if value else "false",
}


def _always_text(column) -> bool:
    return isinstance(column.type, String) and not isinstance(column.type, Enum) and not column.nullable


_FLOATS = {math.inf: "Infinity", -math.inf: "-Infinity"}


def _json_value(value) -> str:
    """The JSON `json.dumps` writes for `audit.jsonable(value)`."""
    kind = type(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    if kind is str:
        return encode_basestring_ascii(value)
    return json.dumps(audit.jsonable(value))


def _write_flags(accepted: Sequence, id_of_row: dict[int, int]) -> int:
    """Raise a DuplicateFlag for each alike pair, audited as the ORM would audit it."""
    pairs: dict[tuple[int, int], float] = {}
    for entry in accepted:
        for other_id, other_row, score in entry.similar:
            other = other_id if other_id is not None else id_of_row.get(other_row)
            mine = id_of_row[entry.row]
            if other is not None and other != mine:
                pairs.setdefault(tuple(sorted((mine, other))), round(score, 1))
    now = utcnow()
    rows = [(low, high, score, "open", now, None) for (low, high), score in pairs.items()]
    _audit(DuplicateFlag, _FLAG_COLUMNS, _insert(DuplicateFlag.__table__, _FLAG_COLUMNS, rows), now)
    return len(pairs)
