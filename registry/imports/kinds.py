"""What a feature's import is made of (an `ImportKind`), the kinds registered, and reading a staged upload.

The wizard's pages (`registry.imports.wizard`) and the job queue (`registry.imports.jobs`) both
look kinds up here, so neither needs the other's module.
"""
from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from flask_wtf import FlaskForm
from wtforms import Field

from registry.tabular import ImportReport, Table, read_table, resolve_mapping
from registry.tabular.stored import table_from_json, table_to_json

from . import staging
from .models import StagedUpload


@dataclass
class ParsedTable:
    """What a kind's reader made of a file: the table, and the lists a file of several holds (a JSON object of lists)."""

    table: Table
    lists: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"table": table_to_json(self.table), "lists": self.lists}

    @classmethod
    def from_json(cls, value: dict) -> ParsedTable:
        return cls(table_from_json(value["table"]), list(value["lists"]))


def read_spreadsheet(data: bytes, filename: str, _choices: Mapping) -> ParsedTable:
    """The usual reader: the first sheet of an XLSX workbook or a CSV file."""
    return ParsedTable(read_table(data, filename))


@dataclass(frozen=True)
class ImportKind:
    """What the wizard needs to import one feature's lists; most parts have a default.

    `run(actor, parsed, filename, choices, mapping, dry_run=…)` checks every row and, unless
    `dry_run` or a row is bad, writes them all, returning an ImportReport. `outcome(report)` keeps
    what an import did as JSON, and `finish(outcome, staged)` returns the page to go to and the
    messages to show once the rows are imported.
    """

    name: str
    title: object
    fields: Mapping[str, Sequence[str]]
    labels: Mapping[str, object]
    permit: Callable[[object], None]
    run: Callable[..., ImportReport]
    finish: Callable[[dict, StagedUpload], tuple[str, list[tuple[str, str]]]]
    upload_form: Callable[[], FlaskForm]
    upload_lead: object
    columns_help: object
    columns_lead: Callable[[StagedUpload], str]
    import_button: Callable[[int], str]
    record_endpoint: str
    record_argument: str
    record_label: object
    warnings_label: object
    warning_label: object
    read: Callable[[bytes, str, Mapping], ParsedTable] = read_spreadsheet
    choices_of: Callable[[FlaskForm], dict] = lambda _form: {}
    # Selects shown above the columns, such as which list of the file to read; {name: field}
    column_extras: Callable[[ParsedTable, StagedUpload], dict[str, Field]] = lambda _parsed, _staged: {}
    # Take the extra selects' answers into the choices; True when the file must be read again for them.
    take_extras: Callable[[FlaskForm, StagedUpload], bool] = lambda _form, _staged: False
    outcome: Callable[[ImportReport], dict] = lambda report: {"imported": report.imported}
    report_table: Callable[[ImportReport, Callable[[int], str]], tuple[list[str], list[list]]] | None = None
    show_encoding: bool = False

    def suggest(self, header: list[str]) -> dict[str, str]:
        """Match the headers we recognise to our fields."""
        return resolve_mapping(header, None, self.fields)


KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> ImportKind:
    KINDS[kind.name] = kind
    return kind


def parsed_of(staged: StagedUpload) -> ParsedTable:
    return ParsedTable.from_json(staging.parsed(staged))


@contextlib.contextmanager
def cycles_uncollected() -> Iterator[None]:
    """Leave the cyclic garbage collector off for the block (its state before is restored after).

    Reading a large list and importing it keep its rows, checked values and written rows alive
    together: every full collection walks them all, and at 100,000 rows the collector took about
    11 s of 78. Both leave few reference cycles behind (reference counting frees the rest), and
    those are collected once the block is over.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def stage_upload(kind: ImportKind, owner_id: int, filename: str, data: bytes, choices: dict | None = None) -> StagedUpload:
    """Read an upload with the kind's reader (TableError when it cannot be read) and stage it with the suggested mapping."""
    choices = dict(choices or {})
    with cycles_uncollected():
        parsed = kind.read(data, filename, choices)
        staged = staging.stage(owner_id, kind.name, filename, data, parsed.to_json(), choices=choices,
                               mapping=kind.suggest(parsed.table.header))
    staged.rows_total = len(parsed.table.rows)  # so the commit need not unpack the rows to count them
    return staged


def run_kind(kind: ImportKind, actor, staged: StagedUpload, *, dry_run: bool) -> ImportReport:
    return kind.run(actor, parsed_of(staged), staged.filename, staged.choices, staged.mapping, dry_run=dry_run)
