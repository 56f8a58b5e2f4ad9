"""Write an audit entry for every flushed change to an `Audited` model."""
from __future__ import annotations

import contextlib
import enum
import re
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import TextClause, event, insert, inspect, select, update
from sqlalchemy.orm import Session

from registry.extensions import db

from .models import ALL, KIND_OF_TABLE, KINDS, Audited, AuditEntry, DataVersion, utcnow


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str


SYSTEM = Actor(None, "system")
_actor: ContextVar[Actor] = ContextVar("audit_actor", default=SYSTEM)


def set_actor(user) -> None:
    """Attribute the changes of this request or command to `user` (None for the system)."""
    _actor.set(Actor(user.id, user.email) if user is not None else SYSTEM)


@contextlib.contextmanager
def acting_as(label: str, user=None):
    """Attribute changes made inside the block to `user`, or to a named process such as the CLI."""
    token = _actor.set(Actor(user.id, user.email) if user is not None else Actor(None, label))
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> Actor:
    """Return who the changes made now are attributed to (for writers that bypass the ORM flush)."""
    return _actor.get()


def jsonable(value):
    """Turn a column value into what an audit entry stores."""
    return _jsonable(value)


def _jsonable(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(value)} bytes>"
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def _columns(obj) -> list[str]:
    excluded = set(obj.__audit_exclude__)
    return [a.key for a in inspect(obj).mapper.column_attrs if a.key not in excluded]


def _snapshot(obj, *, before: bool = False) -> dict:
    state = inspect(obj)
    values = {}
    for key in _columns(obj):
        attr = state.attrs[key]
        history = attr.history
        if before and history.has_changes():
            value = history.deleted[0] if history.deleted else None
        else:
            value = attr.value
        values[key] = _jsonable(value)
    return values


def _identity(obj) -> str:
    return ",".join(str(v) for v in inspect(obj).mapper.primary_key_from_instance(obj))


def _stored_values(session: Session, obj) -> dict:
    """Read a record's row as the database holds it now, before this flush writes to it."""
    mapper = inspect(obj).mapper
    keys = _columns(obj)
    columns = [mapper.column_attrs[key].columns[0] for key in keys]
    condition = [col == value for col, value in zip(mapper.primary_key, mapper.primary_key_from_instance(obj))]
    row = session.connection().execute(select(*columns).where(*condition)).first()
    return {key: _jsonable(value) for key, value in zip(keys, row)} if row else {}


def _before_flush(session: Session, _context, _instances) -> None:
    # Old values are read while the rows still hold them: deleted rows are gone by the time
    # after_flush runs, and an attribute set after a commit carries no loaded old value.
    session.info["audit_before"] = {
        id(o): _stored_values(session, o)
        for o in [*session.deleted, *session.dirty]
        if isinstance(o, Audited) and (o in session.deleted or session.is_modified(o, include_collections=False))
    }


def _after_flush(session: Session, _context) -> None:
    actor = _actor.get()
    stored = session.info.pop("audit_before", {})
    rows = []
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if not isinstance(obj, Audited):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            before = None if action == "create" else stored.get(id(obj)) or _snapshot(obj, before=True)
            after = None if action == "delete" else _snapshot(obj)
            if action == "update" and before == after:
                continue
            rows.append(
                dict(
                    at=utcnow(),
                    actor_id=actor.user_id,
                    actor_label=actor.label,
                    action=action,
                    entity_type=obj.__tablename__,
                    entity_id=_identity(obj),
                    before=before,
                    after=after,
                )
            )
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


# Written on every sign-in (the user's last sign-in too) and API call, and shown on no shared page.
PRIVATE_TABLES = frozenset({"login_attempt", "api_token", "user", "user_session", "staged_upload",
                            "proposal", "proposal_match", "lead", "lead_note", "notification"})
_WRITTEN_TABLE = re.compile(r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)


def kinds_changed_by(table: str | None) -> frozenset[str]:
    """Name the kinds of record a write to `table` changes: none for private tables, all for unknown ones."""
    if table in PRIVATE_TABLES:
        return frozenset()
    kind = KIND_OF_TABLE.get(table)
    return frozenset({kind}) if kind else frozenset(KINDS)


def _note_changed(session: Session, kinds: frozenset[str]) -> None:
    if kinds:
        session.info.setdefault("data_changed", set()).update(kinds)


def note_written(table: str) -> None:
    """Record that this transaction wrote `table` through the driver, which no session hook sees (bulk imports)."""
    _note_changed(db.session(), kinds_changed_by(table))


def _note_flushed(session: Session, _context) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        _note_changed(session, kinds_changed_by(getattr(obj, "__tablename__", None)))


def _note_statement(state) -> None:
    statement = state.statement
    if state.is_insert or state.is_update or state.is_delete:
        _note_changed(state.session, kinds_changed_by(getattr(getattr(statement, "table", None), "name", None)))
    elif isinstance(statement, TextClause) and (written := _WRITTEN_TABLE.match(statement.text)):
        _note_changed(state.session, kinds_changed_by(written.group(1)))


def changed_in_transaction() -> bool:
    """Tell whether this request's transaction has written (or holds unflushed changes): the data versions do not show it yet."""
    session = db.session()
    return bool(session.info.get("data_changed") or session.new or session.dirty or session.deleted)


def _count_change(session: Session) -> None:
    session.flush()  # the last changes are flushed after this hook otherwise
    kinds = session.info.pop("data_changed", None)
    if kinds:
        _advance(session.connection(), kinds)


def _advance(connection, kinds, *, past: int = 0) -> None:
    # The row for all is locked first, alone: writers then take the other rows one at a time, in
    # the order they got that lock, so two of them never wait on each other's rows (no deadlock).
    for chosen in ({ALL}, set(kinds) - {ALL}):
        if chosen:
            connection.execute(update(DataVersion).where(DataVersion.kind.in_(sorted(chosen))).values(number=DataVersion.number + past + 1))


def _forget_change(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop("data_changed", None)


def data_version() -> int:
    """The number of committed changes so far, of any kind (see DataVersion)."""
    return data_versions((ALL,))[ALL]


# Every counter, a few rows: read whole with a plain statement built once (every shared page asks).
_ALL_VERSIONS = select(DataVersion.__table__.c.kind, DataVersion.__table__.c.number)


def data_versions(kinds: tuple[str, ...] = KINDS, *, flush: bool = True) -> dict[str, int]:
    """Read the counters of these kinds of record in one query (see DataVersion).

    The query flushes the session's pending changes first, as any session query does; a reader
    that holds none (the page cache, before a view runs) passes `flush=False` and reads them on the
    session's connection, for half the cost.
    """
    run = db.session.execute if flush else db.session.connection().execute
    numbers = dict(run(_ALL_VERSIONS).all())
    return {kind: numbers.get(kind, 0) for kind in kinds}


def advance_data_versions(past: dict[str, int]) -> None:
    """Move every counter beyond both its own number and the one in `past` (after a restore brought old numbers back)."""
    _advance(db.session.connection(), KINDS, past=max(past.values(), default=0))


def install() -> None:
    """Listen to every session's flushes and commits; safe to call more than once."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_flush", _note_flushed)
        event.listen(Session, "do_orm_execute", _note_statement)
        event.listen(Session, "before_commit", _count_change)
        event.listen(Session, "after_transaction_end", _forget_change)


def history_of(entity_type: str, entity_id: str) -> list[AuditEntry]:
    """List a record's audit entries, newest first."""
    return list(
        db.session.scalars(
            db.select(AuditEntry)
            .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == str(entity_id))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        )
    )


def recent_entries(limit: int = 100) -> list[AuditEntry]:
    """List the latest changes across the registry."""
    return list(db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
