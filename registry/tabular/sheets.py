"""Read the first sheet of an XLSX workbook row by row, and the ranges of its merged cells."""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

import openpyxl
from openpyxl.utils.cell import range_boundaries

_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


@dataclass(frozen=True)
class MergedRange:
    first_column: int
    first_row: int
    last_column: int
    last_row: int


def xlsx_rows(data: bytes) -> tuple[list[tuple[int, list]], list[MergedRange]]:
    """Return the first sheet's rows numbered as Excel shows them, and its merged ranges."""
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows = list(enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1))
        # Read-only worksheets do not expose merged ranges, so read them from the sheet's XML.
        path = getattr(sheet, "_worksheet_path", None)
    finally:
        workbook.close()
    return rows, merged_ranges(data, path) if path else []


def merged_ranges(data: bytes, sheet_path: str) -> list[MergedRange]:
    """Scan the sheet's XML for <mergeCell ref="A1:C1"/> without building a tree of the whole sheet."""
    ranges: list[MergedRange] = []
    tail = b""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(sheet_path.lstrip("/")) as source:
        while chunk := source.read(1 << 20):
            text = tail + chunk
            for match in _MERGE_REF.finditer(text):
                min_col, min_row, max_col, max_row = range_boundaries(match.group(1).decode())
                ranges.append(MergedRange(min_col, min_row, max_col, max_row))
            # Keep the end of the chunk so a tag cut in two is found whole next time, but not twice.
            last = max((m.end() for m in _MERGE_REF.finditer(text)), default=0)
            tail = text[max(last, len(text) - 200):]
    return ranges
