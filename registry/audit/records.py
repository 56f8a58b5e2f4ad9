"""How the history pages read each audited kind of record: its name, its fields' labels, its values in words.

Each feature describes its audited tables once, in its own `history.py`, with labels taken from its
forms (one label per field, in one place) and `describe()`s them here. Values are worded by what the
feature says of a field (a name for an id, a label for a code), else by the column's type, the way
the record's own page shows it: numbers and dates in the reader's format, lists and mappings as text.
A field the description does not label is internal (bounding boxes, folded names, display geometry)
and is not shown; `groups` gather internal fields into one line such as "boundary changed".
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import gettext as _
from sqlalchemy import Boolean, Date, DateTime, false
from sqlalchemy.sql.elements import ColumnElement

from registry.extensions import db
from registry.i18n import locale_code

Values = Mapping[str, object]
EMPTY = "—"


@dataclass(frozen=True)
class RecordKind:
    """One audited table as readers see it.

    `editable(viewer)` is a SQL condition on `model` selecting the records the viewer may edit
    (whose history they may read), True for all; `accounts` kinds are read by administrators only.
    A kind with a `parent` (table, field) is shown within its parent's history and readable with it.
    """

    table: str
    model: type
    label: object
    name: Callable[[Values], str]
    labels: Mapping[str, object]
    choices: Mapping[str, Mapping] = field(default_factory=dict)
    values: Mapping[str, Callable[[object], str]] = field(default_factory=dict)
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    editable: Callable[[object], ColumnElement | bool] = lambda _viewer: false()
    find: Callable[[str], ColumnElement | None] | None = None
    page: Callable[[str], str] | None = None
    parent: tuple[str, str] | None = None
    accounts: bool = False


KINDS: dict[str, RecordKind] = {}


class DuplicateKind(ValueError):
    """Two descriptions were given for one table."""


def describe(kind: RecordKind) -> RecordKind:
    """Register how the history pages read `kind.table`, and return the description."""
    if kind.table in KINDS and KINDS[kind.table] != kind:
        raise DuplicateKind(f"the audited table {kind.table!r} is already described")
    KINDS[kind.table] = kind
    return kind


@dataclass(frozen=True)
class Change:
    """One line of an entry: a field's label, its value before and after in words, or a note alone."""

    label: str
    before: str = ""
    after: str = ""
    note: str = ""


def form_labels(form_class: type, fields: Mapping[str, str]) -> dict[str, object]:
    """Read the labels of a form's fields, {column: label} for `fields` {column: form field}, so a column is labelled as its field is."""
    labels = {}
    for column, field_name in fields.items():
        unbound = getattr(form_class, field_name)
        labels[column] = unbound.kwargs.get("label", unbound.args[0] if unbound.args else field_name)
    return labels


def changes(kind: RecordKind, before: Values | None, after: Values | None) -> list[Change]:
    """Word what changed between two stored states (a create has no `before`, a delete no `after`), in the kind's field order."""
    before, after = before or {}, after or {}
    differs = {key for key in {*before, *after} if before.get(key) != after.get(key)}
    if not before or not after:
        differs = {key for key in differs if not _empty(after.get(key) if after else before.get(key))}
    lines = [Change(str(label), word(kind, name, before.get(name)) if before else "", word(kind, name, after.get(name)) if after else "")
             for name, label in kind.labels.items() if name in differs]
    for note, fields in kind.groups.items():
        if differs & set(fields):
            lines.append(Change("", note=str(note)))
    return lines


def word(kind: RecordKind, name: str, value: object) -> str:
    """Show one stored value of the field `name` as the record's page would."""
    if _empty(value):
        return EMPTY
    if name in kind.values:
        return kind.values[name](value)
    if name in kind.choices:
        return str(kind.choices[name].get(value, value))
    return shown(value, _column_type(kind.model, name))


def shown(value: object, column_type=None) -> str:
    """Show a stored value by its column's type: yes/no, a date, a number in the reader's format, text for lists and mappings."""
    if _empty(value):
        return EMPTY
    if isinstance(value, bool) or isinstance(column_type, Boolean):
        return _("Yes") if value else _("No")
    if isinstance(column_type, DateTime) and isinstance(value, str):
        return format_datetime(datetime.fromisoformat(value), "medium")
    if isinstance(column_type, Date) and isinstance(value, str):
        return format_date(date.fromisoformat(value), "medium")
    if isinstance(value, (int, float)):
        return format_decimal(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(shown(item) for item in value if not _empty(item)) or EMPTY
    if isinstance(value, dict):
        return "; ".join(f"{key}: {shown(item)}" for key, item in value.items() if not _empty(item)) or EMPTY
    return str(value)


def name_of(kind: RecordKind | None, values: Values | None, entity_id: str) -> str:
    """The record's name from its stored values, or its kind and number when they name nothing."""
    named = kind.name(values) if kind is not None and values else ""
    if named:
        return named
    return _("%(kind)s no. %(id)s", kind=kind.label, id=entity_id) if kind is not None else _("Record no. %(id)s", id=entity_id)


def in_language(values: Values, vi: str = "name_vi", en: str = "name_en") -> str:
    """The reader's language version of a stored text (English when there is one and the reader reads English)."""
    return (values.get(en) if locale_code() == "en" else None) or values.get(vi) or ""


def record_number(text: str) -> int | None:
    """A record's number from text, or None when it is not one the database can hold."""
    return int(text) if text.isdigit() and len(text) <= 18 else None


def stored_record(model: type, value: object):
    """The record a stored id points to, or None (also for an id no table could hold)."""
    number = record_number(str(value))
    return db.session.get(model, number) if number is not None else None


def _empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _column_type(model: type, name: str):
    column = model.__table__.columns.get(name)
    return None if column is None else column.type
