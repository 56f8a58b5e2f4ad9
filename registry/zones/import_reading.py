"""Read a zone list from CSV, XLSX or JSON into a table, and read its cells as zone values.

A JSON list of objects (or an object holding such lists) becomes a header, the union of the keys
in order of appearance, and one numbered row per object, so it is matched like a spreadsheet.
"""
from __future__ import annotations

import itertools
import json
import re
from datetime import date
from pathlib import Path

from flask_babel import lazy_gettext as _l

from registry.text import fold
from registry.tabular import Table, TableError, read_table
from registry.tabular.decoding import UndecodableText, decode_text
from registry.tabular.reading import TableLimits, build_table

from .models import ZoneKind, ZoneStatus

JSON_SUFFIXES = {".json"}
STATUS_WORDS = {
    "hoat dong": ZoneStatus.OPERATING, "dang hoat dong": ZoneStatus.OPERATING, "operating": ZoneStatus.OPERATING,
    "xay dung": ZoneStatus.UNDER_CONSTRUCTION, "dang xay dung": ZoneStatus.UNDER_CONSTRUCTION,
    "under construction": ZoneStatus.UNDER_CONSTRUCTION, "under_construction": ZoneStatus.UNDER_CONSTRUCTION,
    "quy hoach": ZoneStatus.PLANNED, "planned": ZoneStatus.PLANNED, "chua dau tu": ZoneStatus.PLANNED,
}
# Words that name a kind of zone, in a kind column or at the start of a zone's name ("CCN Đầm Hồng").
KIND_WORDS = {
    "ccn": ZoneKind.INDUSTRIAL_CLUSTER, "cum cong nghiep": ZoneKind.INDUSTRIAL_CLUSTER,
    "kcn": ZoneKind.INDUSTRIAL_PARK, "khu cong nghiep": ZoneKind.INDUSTRIAL_PARK,
    "kkt": ZoneKind.ECONOMIC_ZONE, "khu kinh te": ZoneKind.ECONOMIC_ZONE,
    "khu kinh te cua khau": ZoneKind.BORDER_GATE_EZ, "khu cong nghe cao": ZoneKind.HIGH_TECH_PARK,
    "cum cong nghiep sinh thai": ZoneKind.ECO_CLUSTER, "ccn sinh thai": ZoneKind.ECO_CLUSTER,
    "cum cong nghiep tai che": ZoneKind.RECYCLING_CLUSTER,
    **{kind.value.replace("_", " "): kind for kind in ZoneKind},
}
_DECISION_DATE = re.compile(r"ngày\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", re.IGNORECASE)
_BRACKETS = re.compile(r"\([^)]*\)")
_PLACE_PARTS = re.compile(r"\s*(?:,|&|\+|;|\bvà\b)\s*", re.IGNORECASE)
_COMMUNE_WORDS = re.compile(r"^(xa|phuong|dac khu|thi tran)\s")


def read_zone_table(data: bytes, filename: str, list_key: str | None = None) -> tuple[Table, list[str]]:
    """Read a CSV, XLSX or JSON zone list; returns the table and, for JSON, the names of the lists it holds."""
    limits = TableLimits.configured()
    if Path(filename).suffix.lower() not in JSON_SUFFIXES:
        return read_table(data, filename, limits), []
    records, keys = json_records(data, list_key)
    if len(records) > limits.rows:
        raise limits.too_many_rows()
    header = list(dict.fromkeys(key for record in records for key in record))
    if len(header) > limits.columns:
        raise limits.too_many_columns(len(header))
    raw = itertools.chain([(0, header)], ((number, [_cell(record.get(key)) for key in header]) for number, record in enumerate(records, start=1)))
    return build_table(raw, limits=limits), keys


def json_records(data: bytes, list_key: str | None) -> tuple[list[dict], list[str]]:
    """Return the objects of the chosen list (the first one when none is chosen) and every list's name."""
    try:
        text, _encoding = decode_text(data)
        document = json.loads(text)
    except (UndecodableText, ValueError, RecursionError):
        raise TableError(_l("The file is not valid JSON.")) from None
    if isinstance(document, list):
        lists = {"": document}
    elif isinstance(document, dict):
        lists = {key: value for key, value in document.items() if _is_record_list(value)}
    else:
        lists = {}
    lists = {key: value for key, value in lists.items() if _is_record_list(value)}
    if not lists:
        raise TableError(_l("The JSON file holds no list of records: write a list of objects, or an object holding such a list."))
    key = list_key if list_key in lists else next(iter(lists))
    return lists[key], [k for k in lists if k]


def _is_record_list(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def _cell(value: object) -> object:
    if isinstance(value, list):
        return "; ".join(str(item) for item in value if item is not None)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "1" if value else "0"
    return value


def status_of(text: str) -> str | None:
    """Read "hoat-dong", "Đang xây dựng" or "operating" as a status value; None when not recognised."""
    found = STATUS_WORDS.get(fold(text))
    return found.value if found else None


def kind_of(text: str) -> str | None:
    """Read "CCN", "Khu công nghiệp" or "industrial_park" as a kind value; None when not recognised."""
    found = KIND_WORDS.get(fold(text))
    return found.value if found else None


def kind_from_name(name: str) -> str | None:
    """Tell the kind from a name that starts with its abbreviation or words, such as "CCN Âu Lâu"."""
    folded = fold(name)
    for words in sorted(KIND_WORDS, key=len, reverse=True):
        if folded.startswith(words + " "):
            return KIND_WORDS[words].value
    return None


def decision_date_in(text: str) -> date | None:
    """Find "ngày 05/9/2009" in a decision's text."""
    match = _DECISION_DATE.search(text)
    if not match:
        return None
    try:
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None


def commune_names_in(text: str) -> list[str]:
    """Pick the commune and ward names out of a free-text location, such as "Phường Yên Bái & Phường Văn Phú, tỉnh Lào Cai"."""
    parts = _PLACE_PARTS.split(_BRACKETS.sub(" ", text))
    return [part.strip() for part in parts if _COMMUNE_WORDS.match(fold(part))]
