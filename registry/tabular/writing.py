"""Write tables as CSV (UTF-8 with BOM, for Excel) and XLSX, with formula-like text neutralised."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# A spreadsheet runs text beginning with these as a formula (OWASP "CSV injection"); tab and
# carriage return are on the list because Excel skips them before reading the first character.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with a quote; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    return str(neutralise(value)) if isinstance(value, str) else str(value)


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[object]], *, rows_per_chunk: int = 2000) -> Iterator[str]:
    """Yield the CSV text in pieces, BOM first, so a long export streams instead of filling memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_text(name) for name in header])
    yield BOM + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_text(value) for value in row])
        if count % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def _xlsx_value(value: object) -> object:
    if isinstance(value, str):
        # openpyxl refuses control characters, and would store text beginning with "=" as a formula.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[object]], *, sheet_title: str = "Sheet1") -> bytes:
    """Build a one-sheet workbook in write-only mode (constant memory per row)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append([_xlsx_value(name) for name in header])
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
