"""Read a CSV or XLSX file into a header and numbered rows, as the user sees them in a spreadsheet."""
from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl.utils import get_column_letter

from .decoding import UndecodableText, decode_text
from .sheets import MergedRange, xlsx_rows

DELIMITERS = (",", ";", "\t")
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
# Titles above the table are looked for among this many non-empty rows.
HEADER_SEARCH_ROWS = 30


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
    cells: tuple[str, ...]


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


def read_table(data: bytes, filename: str) -> Table:
    """Read the first sheet of an XLSX file or a CSV file; raise TableError when it cannot be read."""
    suffix = Path(filename).suffix.lower()
    merged: list[MergedRange] = []
    encoding = delimiter = None
    if suffix in CSV_SUFFIXES:
        try:
            text, encoding = decode_text(data)
        except UndecodableText:
            raise TableError(_l("The file's text encoding could not be recognised; save it as “CSV UTF-8” and try again.")) from None
        delimiter = sniff_delimiter(text)
        raw = _csv_rows(text, delimiter)
    elif suffix in XLSX_SUFFIXES:
        try:
            raw, merged = xlsx_rows(data)
        except Exception:  # openpyxl raises many kinds of errors for a damaged workbook
            raise TableError(_l("The file is not a readable Excel workbook (.xlsx).")) from None
    else:
        raise TableError(_l("Files of type “%(suffix)s” cannot be read; use .csv or .xlsx.", suffix=suffix or filename))
    table = build_table(raw, merged)
    table.encoding, table.delimiter = encoding, delimiter
    return table


def sniff_delimiter(text: str) -> str:
    """Pick the separator most lines use: the median count per line ignores a title line or two."""
    sample = [line for line in text[:65536].splitlines() if line.strip()][:HEADER_SEARCH_ROWS]
    if not sample:
        return ","

    def median_count(delimiter: str) -> int:
        return sorted(line.count(delimiter) for line in sample)[len(sample) // 2]

    best = max(DELIMITERS, key=median_count)
    return best if median_count(best) else max(DELIMITERS, key=lambda d: max(line.count(d) for line in sample))


def _csv_rows(text: str, delimiter: str) -> Iterable[tuple[int, list[str]]]:
    # Excel numbers a CSV file's records, not its physical lines, so a quoted line break stays in one row.
    return enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)


def clean_cell(value: object) -> str:
    """Return a cell as trimmed NFC text; whole numbers lose Excel's “.0”."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def build_table(raw: Iterable[tuple[int, list]], merged: list[MergedRange] = ()) -> Table:
    """Find the header row, name every column once, and keep the non-empty rows below it."""
    rows = [Row(number, tuple(clean_cell(c) for c in cells)) for number, cells in raw]
    rows = [row for row in rows if any(row.cells)]
    if not rows:
        raise TableError(_l("The file holds no rows."))
    position = header_position(rows)
    header_row = rows[position]
    body = rows[position + 1:]
    width = max(_last_filled(row.cells) for row in [header_row, *body])
    header, problems = _name_columns(list(header_row.cells[:width]) + [""] * (width - len(header_row.cells)), header_row.number, merged, body)
    body = [Row(row.number, row.cells[:width] + ("",) * (width - len(row.cells))) for row in body]
    return Table(header=header, rows=body, header_row=header_row.number, problems=problems)


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


def _last_filled(cells: tuple[str, ...]) -> int:
    return max((index for index, cell in enumerate(cells, start=1) if cell), default=0)


def _name_columns(cells: list[str], row_number: int, merged: list[MergedRange], body: list[Row]) -> tuple[list[str], list[TableProblem]]:
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
            if any(row.cells[index] for row in body if index < len(row.cells)):
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
