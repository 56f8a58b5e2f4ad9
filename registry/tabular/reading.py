"""Read a CSV or XLSX file into a header and numbered rows, as the user sees them in a spreadsheet."""
from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl.utils import get_column_letter

from .decoding import UndecodableText, decode_text
from .sheets import MergedRange, UnreadableWorkbook, WorkbookTooLarge, first_sheet

DELIMITERS = (",", ";", "\t")
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
# Titles above the table are looked for among this many non-empty rows.
HEADER_SEARCH_ROWS = 30
# The largest sheet Excel opens; our column letters reach no further either.
SHEET_MAX_COLUMNS = 16_384
SHEET_MAX_ROWS = 1_048_576
# The csv module refuses a field over 131,072 characters with an error that names no cell. Our own
# cell limit, reported by row and column, takes its place, so the module may read any field.
CSV_FIELD_LIMIT = 2**31 - 1


@dataclass(frozen=True)
class TableLimits:
    """How much of a file is read: past `columns` or `rows` the file is refused; a cell past `cell_chars` is reported."""

    columns: int = 200
    rows: int = 200_000
    cell_chars: int = 32_767  # the most Excel itself keeps in one cell
    unpacked_bytes: int = 200 * 2**20  # what the XML inside an XLSX file may expand to

    @classmethod
    def configured(cls) -> TableLimits:
        """Return the limits the IMPORT_MAX_* settings give."""
        config = current_app.config
        return cls(columns=min(int(config["IMPORT_MAX_COLUMNS"]), SHEET_MAX_COLUMNS), rows=int(config["IMPORT_MAX_ROWS"]),
                   cell_chars=int(config["IMPORT_MAX_CELL_CHARS"]), unpacked_bytes=10 * int(config["IMPORT_MAX_BYTES"]))

    def too_many_columns(self, found: int, row: int | None = None) -> TableError:
        """Refuse a file with more than `columns` columns, naming the first row that has them when there are rows."""
        if row is None:
            return TableError(_l("The file has %(found)d columns; at most %(limit)d are read. "
                                 "Delete the columns the import does not need and upload the file again.", found=found, limit=self.columns))
        return TableError(_l("Row %(row)d of the file has %(found)d columns; at most %(limit)d are read. "
                             "Delete the columns the import does not need and upload the file again.", row=row, found=found, limit=self.columns))

    def too_many_rows(self) -> TableError:
        return TableError(_l("The file has more than %(limit)d rows; split it into smaller files.", limit=self.rows))


class TableError(ValueError):
    """The file cannot be read as a table at all; the message says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class TableProblem:
    """Something wrong with the file's layout, such as a column without a header."""

    row: int
    column: str
    message: object


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet numbers it (1 is the first line of the file)
    cells: tuple[str, ...]  # up to the row's last filled cell: rows are not padded to the table's width

    def cell(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""


@dataclass
class Table:
    header: list[str]
    rows: list[Row]
    header_row: int
    encoding: str | None = None  # None for XLSX, whose text is always Unicode
    delimiter: str | None = None
    problems: list[TableProblem] = field(default_factory=list)

    def column(self, name: str) -> int:
        return self.header.index(name)

    def samples(self, count: int = 3, chars: int = 80) -> list[list[str]]:
        """Return, per column, its first `count` values shortened to `chars` characters, to show beside its header."""
        shown = self.rows[:count]
        return [[_shortened(row.cell(index), chars) for row in shown] for index in range(len(self.header))]


def _shortened(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[:chars - 1] + "…"


def read_table(data: bytes, filename: str, limits: TableLimits | None = None) -> Table:
    """Read the first sheet of an XLSX file or a CSV file; raise TableError when it cannot be read.

    `limits` default to the app's settings. Reading stops as soon as one is passed, so a file's
    shape (100,000 columns, a million empty rows) cannot cost more than its size.
    """
    limits = limits or TableLimits.configured()
    suffix = Path(filename).suffix.lower()
    if suffix in CSV_SUFFIXES:
        try:
            text, encoding = decode_text(data)
        except UndecodableText:
            raise TableError(_l("The file's text encoding could not be recognised; save it as “CSV UTF-8” and try again.")) from None
        delimiter = sniff_delimiter(text)
        table = build_table(_csv_rows(text, delimiter), limits=limits)
        table.encoding, table.delimiter = encoding, delimiter
        return table
    if suffix in XLSX_SUFFIXES:
        try:
            with first_sheet(data, limits.unpacked_bytes) as (raw, merged):
                return build_table(raw, merged, limits)
        except UnreadableWorkbook:
            raise TableError(_l("The file is not a readable Excel workbook (.xlsx).")) from None
        except WorkbookTooLarge:
            raise TableError(_l("The workbook would take more than %(mb)d MB once unpacked; split it into smaller files.",
                                mb=limits.unpacked_bytes // 2**20)) from None
    raise TableError(_l("Files of type “%(suffix)s” cannot be read; use .csv or .xlsx.", suffix=suffix or filename))


def sniff_delimiter(text: str) -> str:
    """Pick the separator most lines use: the median count per line ignores a title line or two."""
    sample = [line for line in text[:65536].splitlines() if line.strip()][:HEADER_SEARCH_ROWS]
    if not sample:
        return ","

    def median_count(delimiter: str) -> int:
        return sorted(line.count(delimiter) for line in sample)[len(sample) // 2]

    best = max(DELIMITERS, key=median_count)
    return best if median_count(best) else max(DELIMITERS, key=lambda d: max(line.count(d) for line in sample))


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
    # Excel numbers a CSV file's records, not its physical lines, so a quoted line break stays in one row.
    records = enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
    number = 0
    try:
        for number, cells in records:
            yield number, cells
    except csv.Error:
        raise TableError(_l("Row %(row)d cannot be read as CSV; check its quotation marks.", row=number + 1)) from None


def clean_cell(value: object) -> str:
    """Return a cell as trimmed NFC text; whole numbers lose Excel's “.0”."""
    if value is None:
        return ""
    if type(value) is str and value.isascii():  # most cells of a CSV file: nothing to normalize
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def build_table(raw: Iterable[tuple[int, Sequence]], merged: Sequence[MergedRange] = (), limits: TableLimits = TableLimits()) -> Table:
    """Find the header row, name every column once, and keep the non-empty rows below it."""
    rows, long_cells = _kept_rows(raw, limits)
    if not rows:
        raise TableError(_l("The file holds no rows."))
    position = header_position(rows)
    header_row = rows[position]
    body = rows[position + 1:]
    if len(body) > limits.rows:
        raise limits.too_many_rows()
    width = max(len(row.cells) for row in [header_row, *body])
    names = list(header_row.cells) + [""] * (width - len(header_row.cells))
    # Only a column without a header is asked whether it holds data.
    filled = {index for index, name in enumerate(names) if not name and any(index < len(row.cells) and row.cells[index] for row in body)}
    header, problems = _name_columns(names, header_row.number, merged, filled)
    problems += [TableProblem(number, header[index], _l("The cell holds %(found)d characters; at most %(limit)d are read. Shorten it.",
                                                          found=length, limit=limits.cell_chars))
                 for number, index, length in long_cells if number >= header_row.number]
    return Table(header=header, rows=body, header_row=header_row.number, problems=problems)


def _kept_rows(raw: Iterable[tuple[int, Sequence]], limits: TableLimits) -> tuple[list[Row], list[tuple[int, int, int]]]:
    """Read the non-empty rows, each cut after its last filled cell, until a limit is passed.

    Returns the rows and (row number, column index, length) of each cell cut to `limits.cell_chars`.
    """
    rows: list[Row] = []
    long_cells = []
    # Titles and the header sit above the rows the limit counts.
    most = limits.rows + HEADER_SEARCH_ROWS
    for number, cells in raw:
        if number > SHEET_MAX_ROWS:
            raise limits.too_many_rows()
        # ASCII text (most cells of a CSV file) needs only its spaces trimmed: done here, without a call per cell.
        cleaned = [cell.strip() if type(cell) is str and cell.isascii() else clean_cell(cell) for cell in cells]
        width = _last_filled(cleaned)
        if not width:
            continue
        if width > limits.columns:
            raise limits.too_many_columns(width, number)
        del cleaned[width:]
        if max(map(len, cleaned)) > limits.cell_chars:
            for index, cell in enumerate(cleaned):
                if len(cell) > limits.cell_chars:
                    long_cells.append((number, index, len(cell)))
                    cleaned[index] = cell[:limits.cell_chars]
        rows.append(Row(number, tuple(cleaned)))
        if len(rows) > most:
            raise limits.too_many_rows()
    return rows, long_cells


def header_position(rows: list[Row]) -> int:
    """Return the index of the first row whose cells are mostly filled: titles above a table fill one or two.

    Merged cells are not counted as filled, since a title is usually merged across the table.
    """
    sample = rows[:HEADER_SEARCH_ROWS]
    width = max(_filled(row) for row in sample)
    for index, row in enumerate(sample):
        if width <= 1 or _filled(row) * 2 > width:
            return index
    return 0


def _filled(row: Row) -> int:
    return sum(1 for cell in row.cells if cell)


def _last_filled(cells: Sequence[str]) -> int:
    for index in range(len(cells), 0, -1):
        if cells[index - 1]:
            return index
    return 0


def _name_columns(cells: list[str], row_number: int, merged: Sequence[MergedRange], filled: set[int]) -> tuple[list[str], list[TableProblem]]:
    """Give every column a unique name: a merged header names its columns “<header> (2)”, a blank one “Column D”."""
    names = list(cells)
    for m in merged:
        if m.first_row <= row_number <= m.last_row and m.first_column <= len(names):
            text = names[m.first_column - 1]
            for offset, column in enumerate(range(m.first_column + 1, min(m.last_column, len(names)) + 1), start=2):
                if not names[column - 1]:
                    names[column - 1] = f"{text} ({offset})"
    problems = []
    for index, name in enumerate(names):
        if not name:
            letter = get_column_letter(index + 1)
            names[index] = _("Column %(letter)s", letter=letter)
            if index in filled:
                problems.append(TableProblem(row_number, names[index], _l("Column %(letter)s has data but no header.", letter=letter)))
    return _unique(names), problems


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        count = seen.get(name, 0) + 1
        seen[name] = count
        unique.append(name if count == 1 else f"{name} ({count})")
    return unique
