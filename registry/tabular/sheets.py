"""Read the first sheet of an XLSX workbook row by row, and the ranges of its merged cells."""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
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


class UnreadableWorkbook(ValueError):
    """The bytes are not a workbook openpyxl can read."""


class WorkbookTooLarge(ValueError):
    """The workbook's members would expand past the limit."""


@contextmanager
def first_sheet(data: bytes, max_unpacked: int) -> Iterator[tuple[Iterator[tuple[int, tuple]], list[MergedRange]]]:
    """Yield the first sheet's rows, numbered as Excel shows them and read one at a time, and its merged ranges.

    A workbook is a zip of XML that can expand a thousandfold, so its members' declared sizes are
    checked first. The sheet's declared dimensions are ignored: openpyxl pads every row to them,
    and a file may declare 16,384 columns for a table of three.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except Exception as error:
        raise UnreadableWorkbook(str(error)) from None
    if unpacked > max_unpacked:
        raise WorkbookTooLarge(unpacked)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of errors for a damaged workbook
        raise UnreadableWorkbook(str(error)) from None
    try:
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()
            # Read-only worksheets do not expose merged ranges, so read them from the sheet's XML.
            path = getattr(sheet, "_worksheet_path", None)
            merged = merged_ranges(data, path) if path else []
        except Exception as error:
            raise UnreadableWorkbook(str(error)) from None
        yield _numbered_rows(sheet), merged
    finally:
        workbook.close()


def _numbered_rows(sheet) -> Iterator[tuple[int, tuple]]:
    rows = enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
    while True:
        try:
            number, cells = next(rows)
        except StopIteration:
            return
        except Exception as error:  # damaged XML further down the sheet
            raise UnreadableWorkbook(str(error)) from None
        yield number, cells


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
