"""Read the audit trail for the history pages: the entries a viewer may read, filtered, a page at a time.

Administrators read every entry. Anyone else reads the entries of records they may edit (each
kind's `editable` condition), with the entries of the records inside them (a zone's figures, an
enterprise's certificates), and never those of accounts.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import to_utc
from sqlalchemy import String, and_, cast, false, func, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from registry.extensions import db
from registry.query_args import page_args

from .models import AuditEntry
from .records import KINDS, RecordKind, record_number

PER_PAGE = 25
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class HistoryFilters:
    """Which entries to list: of one kind of record (and one record, by number or name), by one person, between two days."""

    kind: str = ""
    record: str = ""
    person: int | None = None
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_args(cls, args) -> tuple[HistoryFilters, dict[str, list]]:
        """Read the filters from the query string; a value that cannot be used is dropped with a message under its name."""
        errors: dict[str, list] = {}
        kind = (args.get("kind") or "").strip()
        if kind and kind not in KINDS:
            errors["kind"] = [_l("Choose a kind of record from the list.")]
            kind = ""
        record = (args.get("record") or "").strip()[:200]
        if record and not kind:
            errors["record"] = [_l("Choose the kind of record too.")]
            record = ""
        person = args.get("person", type=int)
        days = {}
        for name in ("since", "until"):
            raw = (args.get(name) or "").strip()
            try:
                days[name] = date.fromisoformat(raw) if raw else None
            except ValueError:
                errors[name] = [_l("Enter a date as YYYY-MM-DD, such as 2026-12-01.")]
                days[name] = None
        if days["since"] and days["until"] and days["since"] > days["until"]:
            errors["until"] = [_l("The end date comes before the start date.")]
            days["until"] = None
        return cls(kind, record, person if person and person > 0 else None, days["since"], days["until"]), errors

    def args(self, **changes) -> dict:
        """The filters as query arguments, for links to other pages of the same list."""
        chosen = replace(self, **{k: v for k, v in changes.items() if k in self.__dataclass_fields__})
        values = {"kind": chosen.kind, "record": chosen.record, "person": chosen.person,
                  "since": chosen.since.isoformat() if chosen.since else None, "until": chosen.until.isoformat() if chosen.until else None}
        values |= {k: v for k, v in changes.items() if k not in self.__dataclass_fields__}
        return {k: v for k, v in values.items() if v not in (None, "")}


def readable(viewer, *, admin: bool) -> ColumnElement:
    """A condition on AuditEntry: the entries `viewer` may read."""
    if admin:
        return true()
    conditions = []
    for kind in KINDS.values():
        owner = KINDS.get(kind.parent[0]) if kind.parent else kind
        if owner is None or owner.accounts or kind.accounts:
            continue
        editable = owner.editable(viewer)
        if editable is False:
            continue
        if editable is True:
            conditions.append(AuditEntry.entity_type == kind.table)
        else:
            conditions.append(and_(AuditEntry.entity_type == kind.table, _belongs(kind, owner, editable)))
    return or_(*conditions) if conditions else false()


def _belongs(kind: RecordKind, owner: RecordKind, condition) -> ColumnElement:
    """The entries of `kind` whose record (or parent record) meets `condition` on the owner's model."""
    if kind.parent is None:
        return AuditEntry.entity_id.in_(select(cast(owner.model.id, String)).where(condition))
    return _parent_id(kind).in_(select(owner.model.id).where(condition))


def _parent_id(kind: RecordKind):
    name = kind.parent[1]
    return func.coalesce(AuditEntry.after[name].as_integer(), AuditEntry.before[name].as_integer())


def of_record(table: str, entity_id: str) -> ColumnElement:
    """The entries of one record and of the records inside it."""
    own = and_(AuditEntry.entity_type == table, AuditEntry.entity_id == str(entity_id))
    children = [kind for kind in KINDS.values() if kind.parent and kind.parent[0] == table]
    number = record_number(str(entity_id))
    if not children or number is None:
        return own
    return or_(own, *(and_(AuditEntry.entity_type == kind.table, _parent_id(kind) == number) for kind in children))


def _filtered(filters: HistoryFilters) -> list[ColumnElement]:
    conditions = []
    if filters.kind:
        kind = KINDS[filters.kind]
        if filters.record.isdigit():
            conditions.append(of_record(kind.table, filters.record))
        elif filters.record:
            found = kind.find(filters.record) if kind.find else None
            ids = select(cast(kind.model.id, String)).where(found) if found is not None else select(cast(kind.model.id, String)).where(false())
            conditions.append(and_(AuditEntry.entity_type == kind.table, AuditEntry.entity_id.in_(ids)))
        else:
            conditions.append(AuditEntry.entity_type == kind.table)
    if filters.person:
        conditions.append(AuditEntry.actor_id == filters.person)
    if filters.since:
        conditions.append(AuditEntry.at >= _utc(filters.since))
    if filters.until:
        conditions.append(AuditEntry.at < _utc(filters.until + timedelta(days=1)))
    return conditions


def _utc(day: date) -> datetime:
    """The start of a day in the registry's time zone, as the UTC time the entries are stored in."""
    return to_utc(datetime.combine(day, time()))


def entries_page(viewer, *, admin: bool, filters: HistoryFilters, args, record: ColumnElement | None = None):
    """One page of the entries `viewer` may read that meet the filters (and belong to `record`), newest first."""
    page, per_page = page_args(args, PER_PAGE, MAX_PER_PAGE)
    statement = (select(AuditEntry).where(readable(viewer, admin=admin), *_filtered(filters), *([record] if record is not None else []))
                 .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))
    return db.paginate(statement, page=page, per_page=per_page, max_per_page=MAX_PER_PAGE, error_out=False)


def actors(viewer, *, admin: bool, record: ColumnElement | None = None) -> list[int]:
    """The accounts that made the entries `viewer` may read, for the person filter."""
    statement = select(AuditEntry.actor_id).where(readable(viewer, admin=admin), AuditEntry.actor_id.is_not(None)).distinct().limit(500)
    if record is not None:
        statement = statement.where(record)
    return list(db.session.scalars(statement))


def latest_values(table: str, entity_id: str) -> dict | None:
    """The newest stored state of a record (its values before deletion, if it was deleted)."""
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == table, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(1)
    ).first()
    return None if entry is None else (entry.after or entry.before)


def may_read(viewer, table: str, entity_id: str, *, admin: bool) -> bool:
    """Whether `viewer` may read the history of one record."""
    if admin:
        return True
    kind = KINDS.get(table)
    owner = KINDS.get(kind.parent[0]) if kind is not None and kind.parent else kind
    if kind is None or owner is None or owner.accounts or kind.accounts:
        return False
    editable = owner.editable(viewer)
    if isinstance(editable, bool):
        return editable
    owner_id = entity_id
    if kind.parent is not None:
        owner_id = str((latest_values(table, entity_id) or {}).get(kind.parent[1], ""))
    number = record_number(owner_id)
    if number is None:
        return False
    return db.session.scalar(select(owner.model.id).where(owner.model.id == number, editable)) is not None
