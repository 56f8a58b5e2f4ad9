"""Write checked import rows in chunks with Core inserts, with the audit entries and index rows the ORM would write."""
from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import Enum, Table, func, select

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


def write_rows(accepted: Sequence, source: str) -> tuple[list[int], int]:
    """Create a published enterprise per accepted row; return the new ids and how many duplicate flags were raised."""
    ids: list[int] = []
    id_of_row: dict[int, int] = {}
    node_ids = {node_id for entry in accepted for node_id, _relation in entry.cleaned["items"]}
    nodes = {n.id: n for n in db.session.scalars(db.select(CatalogNode).where(CatalogNode.id.in_(node_ids)))} if node_ids else {}
    zone_ids = zones_of([(entry.cleaned["latitude"], entry.cleaned["longitude"]) for entry in accepted])
    with _page_cache(CACHE_KB):
        for start in range(0, len(accepted), CHUNK):
            chunk = accepted[start:start + CHUNK]
            created = _write_chunk(chunk, zone_ids[start:start + CHUNK], source, nodes)
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


def _write_chunk(chunk: Sequence, zone_ids: Sequence[int | None], source: str, nodes: dict[int, CatalogNode]) -> list[int]:
    now = utcnow()
    rows, parts = [], []
    for entry, zone_id in zip(chunk, zone_ids):
        cleaned = entry.cleaned
        linked = [nodes[node_id] for node_id, _relation in cleaned["items"]]
        folded = entry.folded_name
        indexed = search.indexed_parts(cleaned["name_vi"], cleaned["name_en"], cleaned["short_name"], cleaned["tax_code"], linked,
                                       name_folded=folded[0])
        parts.append(indexed)
        rows.append({
            **{name: cleaned[name] for name in _PROFILE_COLUMNS},
            **search.folded_columns(cleaned["name_vi"], indexed, folded),
            "status": Status.PUBLISHED, "changes_requested": False, "review_note": "", "source": source, "is_demo": False,
            "organization_id": None, "merged_into_id": None, "zone_id": zone_id, "created_at": now, "updated_at": now, "published_at": now, "version": 1,
        })
    ids = _insert(Enterprise.__table__, rows)
    items = [{"enterprise_id": id_, "node_id": node_id, "relation": relation}
             for entry, id_ in zip(chunk, ids) for node_id, relation in entry.cleaned["items"]]
    certificates = [{"enterprise_id": id_, **certificate} for entry, id_ in zip(chunk, ids) for certificate in entry.cleaned["certificates"]]
    item_ids = _insert(EnterpriseItem.__table__, items)
    certificate_ids = _insert(Certificate.__table__, certificates)
    _audit(Enterprise, rows, ids, now)
    _audit(EnterpriseItem, items, item_ids, now)
    _audit(Certificate, certificates, certificate_ids, now)
    search.write_many_to_index(zip(ids, parts))
    return ids


def _insert(table: Table, rows: list[dict]) -> list[int]:
    """Insert the rows, given their ids first, and return the ids in the rows' order (see `_new_ids`)."""
    if not rows:
        return []
    ids = _new_ids(table, len(rows))
    for row, id_ in zip(rows, ids):
        row["id"] = id_
    _execute_many(table, rows)
    return ids


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


def _execute_many(table: Table, rows: list[dict]) -> None:
    """Insert rows (dicts with the same keys) in one executemany sent straight to the driver.

    Each value goes through its column type's own bind processor, as a Core insert would send
    it, but once per value rather than through SQLAlchemy's per-row parameter handling, which
    cost more than the database's work. Columns missing from the rows get their scalar default.
    """
    connection = db.session.connection()
    dialect = connection.dialect
    keys = list(rows[0])
    defaults = {c.key: c.default.arg for c in table.columns
                if c.key not in rows[0] and c.default is not None and c.default.is_scalar}
    columns = [table.c[key] for key in (*keys, *defaults)]
    processors = [(index, processor) for index, column in enumerate(columns)
                  if (processor := column.type.dialect_impl(dialect).bind_processor(dialect)) is not None]
    fixed = tuple(defaults.values())
    values = []
    last: dict[int, tuple] = {}  # a column's last value and what it became: a chunk's rows share their times and status
    for row in rows:
        row_values = [row[key] for key in keys]
        row_values.extend(fixed)
        for index, processor in processors:
            value, kept = row_values[index], last.get(index)
            if kept is not None and kept[0] is value:
                row_values[index] = kept[1]
            else:
                row_values[index] = processed = processor(value)
                last[index] = (value, processed)
        values.append(tuple(row_values))
    quote = dialect.identifier_preparer.quote
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    statement = (f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({', '.join(quote(c.name) for c in columns)}) "
                 f"VALUES ({', '.join([marker] * len(columns))})")
    connection.exec_driver_sql(statement, values)
    audit.note_written(table.name)


def _audit(model, rows: list[dict], ids: list[int], now: datetime) -> None:
    """Write the "create" entries the flush listener writes for ORM inserts, with the same snapshot of columns."""
    if not rows:
        return
    # The same actor the flush listener would record: the request's user, or the command's label.
    actor = audit.current_actor()
    keys, converted = _snapshot_columns(model)
    entries = []
    for row, id_ in zip(rows, ids):
        row["id"] = id_
        entries.append(dict(at=now, actor_id=actor.user_id, actor_label=actor.label, action="create", entity_type=model.__tablename__,
                            entity_id=str(id_), before=None, after=_snapshot(row, keys, converted)))
    _execute_many(AuditEntry.__table__, entries)


_STORED_AS_IS = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _snapshot_columns(model) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The audited columns of `model` in order, and those whose values may need `audit.jsonable` (times, dates, enums, JSON)."""
    excluded = set(model.__audit_exclude__)
    keys = tuple(c.key for c in model.__table__.columns if c.key not in excluded)
    return keys, tuple(c.key for c in model.__table__.columns if c.key in keys and not _plain(c.type))


def _plain(type_) -> bool:
    """Whether a column's values are stored as they are; a type that names no Python type (SQLAlchemy raises) is not."""
    try:
        return type_.python_type in _STORED_AS_IS and not isinstance(type_, Enum)
    except NotImplementedError:
        return False


def _snapshot(row: dict, keys: tuple[str, ...], converted: tuple[str, ...]) -> dict:
    """The audit snapshot of a row, as `audit.jsonable` gives it: text, number and yes/no columns hold their values as they are."""
    snapshot = {key: row.get(key) for key in keys}
    for key in converted:
        value = snapshot[key]
        if type(value) not in _STORED_AS_IS:
            snapshot[key] = audit.jsonable(value)
    return snapshot


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
    rows = [{"enterprise_id": low, "other_id": high, "score": score, "status": "open", "created_at": now, "decided_by_id": None}
            for (low, high), score in pairs.items()]
    _audit(DuplicateFlag, rows, _insert(DuplicateFlag.__table__, rows), now)
    return len(pairs)
