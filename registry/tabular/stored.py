"""Keep a table read from a file as compact, pickle-free bytes (zlib-compressed JSON), to read it again without the file."""
from __future__ import annotations

import json
import zlib

import orjson

from .reading import Row, Table, TableProblem


def pack(value: object) -> bytes:
    """Return JSON-ready `value` (tables of text, as `table_to_json` lays them out) as compressed bytes.

    orjson writes the same compact UTF-8 JSON as the standard library, several times faster (a
    100,000-row list is about 50 MB of it); what it refuses is left to the standard library, as before.
    """
    try:
        text = orjson.dumps(value)
    except orjson.JSONEncodeError:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return zlib.compress(text, 1)


def unpack(data: bytes) -> object:
    text = zlib.decompress(data)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # what the standard library wrote in pack
        return json.loads(text.decode("utf-8"))


def table_to_json(table: Table) -> dict:
    """Lay a table out as JSON: its problems' messages are kept as text, in the language they were read in."""
    return {
        "header": table.header, "header_row": table.header_row, "encoding": table.encoding, "delimiter": table.delimiter,
        "rows": [[row.number, *row.cells] for row in table.rows],
        "problems": [[p.row, p.column, str(p.message)] for p in table.problems],
    }


def table_from_json(value: dict) -> Table:
    return Table(
        header=list(value["header"]), header_row=int(value["header_row"]), encoding=value["encoding"], delimiter=value["delimiter"],
        rows=[Row(cells[0], tuple(cells[1:])) for cells in value["rows"]],
        problems=[TableProblem(row, column, message) for row, column, message in value["problems"]],
    )
