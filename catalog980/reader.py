"""Read a catalog version from JSON (our format), CSV or XLSX (an official list)."""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from importlib import resources
from pathlib import Path

from .hs import split_hs
from .model import CatalogInvalid, CatalogVersion, Node, Problem
from .tree import checked

FORMAT = "cnmt-catalog/1"
SHIPPED = "provisional-1894.json"

# Header spellings seen in Vietnamese and English lists, lowercased; the first is ours.
COLUMNS = {
    "code": ("code", "mã", "ma", "mã số", "số hiệu", "số thứ tự", "stt", "numbering"),
    "parent": ("parent", "parent_code", "mã cha", "ma_cha", "thuộc nhóm", "nhóm cha"),
    "kind": ("kind", "loại", "loai", "type"),
    "sub_sector": ("sub_sector", "phân ngành", "phan_nganh", "lĩnh vực", "sector"),
    "name_vi": ("name_vi", "tên", "ten", "tên tiếng việt", "tên công nghệ, thiết bị, sản phẩm", "name"),
    "name_en": ("name_en", "tên tiếng anh", "ten_en", "english name"),
    "hs_codes": ("hs_codes", "mã hs", "ma_hs", "hs", "hs code", "hs codes"),
}
KIND_WORDS = {
    "technology": "technology", "công nghệ": "technology",
    "equipment": "equipment", "thiết bị": "equipment",
    "product": "product", "sản phẩm": "product",
    "service": "service", "dịch vụ": "service",
    "group": None, "nhóm": None, "": None,
}
SUB_SECTOR_WORDS = {
    "nước thải": "wastewater", "khí thải": "exhaust_gas", "chất thải rắn": "solid_waste",
    "chất thải nguy hại": "hazardous_waste", "quan trắc": "monitoring",
    "năng lượng từ chất thải": "waste_to_energy", "cải tạo, phục hồi môi trường": "remediation",
    "sản phẩm thân thiện môi trường": "eco_product",
}


def _clean(value) -> str:
    return unicodedata.normalize("NFC", str(value if value is not None else "")).strip()


def _word(value, table: dict) -> str | None:
    text = _clean(value).lower()
    return table.get(text, text or None)


def read_catalog(
    data: bytes,
    filename: str,
    *,
    version: str | None = None,
    legal_basis: str | None = None,
    source: str | None = None,
) -> CatalogVersion:
    """Parse and validate a catalog file; raise CatalogInvalid listing every problem.

    JSON files carry their own version and legal basis; CSV and XLSX lists take them from the
    arguments. Without a parent column, the parent is read from dotted numbering ("1.2" is in "1").
    """
    suffix = Path(filename).suffix.lower()
    try:
        if suffix == ".json":
            catalog = _from_json(data)
        elif suffix in {".csv", ".txt"}:
            catalog = _from_rows(_csv_rows(data))
        elif suffix in {".xlsx", ".xlsm"}:
            catalog = _from_rows(_xlsx_rows(data))
        else:
            raise CatalogInvalid([Problem("bad_file", params={"reason": f"unknown file type “{suffix}”; use .json, .csv or .xlsx"})])
    except (ValueError, KeyError, TypeError, OSError) as error:
        raise CatalogInvalid([Problem("bad_file", params={"reason": str(error)})]) from None
    catalog.version = (version or catalog.version or "").strip()
    catalog.legal_basis = (legal_basis or catalog.legal_basis or "").strip()
    catalog.source = (source or catalog.source or filename).strip()
    missing = [Problem("missing_metadata", params={"name": n}) for n in ("version", "legal_basis") if not getattr(catalog, n)]
    try:
        catalog.nodes = checked(catalog.nodes)
    except CatalogInvalid as invalid:
        raise CatalogInvalid(missing + invalid.problems) from None
    if missing:
        raise CatalogInvalid(missing)
    return catalog


def read_shipped() -> CatalogVersion:
    """Return the provisional catalog shipped with the package."""
    data = resources.files("catalog980").joinpath("data", SHIPPED).read_bytes()
    return read_catalog(data, SHIPPED)


def _from_json(data: bytes) -> CatalogVersion:
    document = json.loads(data.decode("utf-8-sig"))
    if document.get("format") != FORMAT:
        raise ValueError(f"the JSON file is not in the {FORMAT} format")
    nodes = [
        Node(
            code=_clean(n.get("code")),
            parent=_clean(n.get("parent")) or None,
            name_vi=_clean(n.get("name_vi")),
            name_en=_clean(n.get("name_en")),
            kind=_word(n.get("kind"), KIND_WORDS),
            sub_sector=_word(n.get("sub_sector"), SUB_SECTOR_WORDS),
            hs_codes=tuple(_clean(h) for h in n.get("hs_codes") or ()),
            line=index,
        )
        for index, n in enumerate(document.get("nodes") or [], start=1)
    ]
    return CatalogVersion(
        version=_clean(document.get("version")),
        legal_basis=_clean(document.get("legal_basis")),
        source=_clean(document.get("source")),
        nodes=nodes,
        provisional=bool(document.get("provisional")),
        title_vi=_clean(document.get("title_vi")),
        title_en=_clean(document.get("title_en")),
        notes_vi=_clean(document.get("notes_vi")),
        notes_en=_clean(document.get("notes_en")),
    )


def decode_text(data: bytes) -> str:
    """Decode a text file written as UTF-8 (with or without BOM) or UTF-16 with a BOM."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("the file is not UTF-8 or UTF-16 text; save it as “CSV UTF-8” and try again") from None


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    text = decode_text(data)
    header = next((line for line in text.splitlines() if line.strip()), "")
    # The header names the columns, so the separator it uses most is the file's separator.
    delimiter = max(",;\t", key=header.count)
    return [(number, row) for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)]


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        return [(number, [_clean(c) for c in row]) for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()


def _from_rows(rows: list[tuple[int, list[str]]]) -> CatalogVersion:
    rows = [(n, [_clean(c) for c in row]) for n, row in rows if any(_clean(c) for c in row)]
    if not rows:
        return CatalogVersion(version="", legal_basis="", source="", nodes=[])
    header_line, header = rows[0]
    position = {}
    for column, names in COLUMNS.items():
        for index, cell in enumerate(header):
            if cell.lower() in names and column not in position:
                position[column] = index
    missing = [c for c in ("code", "name_vi") if c not in position]
    if missing:
        raise CatalogInvalid(
            [
                Problem("missing_column", header_line, c, {"column": COLUMNS[c][0], "found": ", ".join(h for h in header if h)})
                for c in missing
            ]
        )

    def cell(row: list[str], column: str) -> str:
        index = position.get(column)
        return row[index] if index is not None and index < len(row) else ""

    nodes = []
    for number, row in rows[1:]:
        code = cell(row, "code").rstrip(".")
        parent = cell(row, "parent") if "parent" in position else code.rpartition(".")[0]
        nodes.append(
            Node(
                code=code,
                parent=parent or None,
                name_vi=cell(row, "name_vi"),
                name_en=cell(row, "name_en"),
                kind=_word(cell(row, "kind"), KIND_WORDS),
                sub_sector=_word(cell(row, "sub_sector"), SUB_SECTOR_WORDS),
                hs_codes=tuple(split_hs(cell(row, "hs_codes"))),
                line=number,
            )
        )
    return CatalogVersion(version="", legal_basis="", source="", nodes=nodes)
