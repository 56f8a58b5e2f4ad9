"""Import enterprise lists from CSV or XLSX: map the columns, check every row, then write all or nothing.

Each row goes through the same `clean_profile` as a single record, with lookups loaded once for
the whole file; the rows are then written with Core executemany inserts, so the audit entries
and search-index rows the ORM would have written are written here too.
"""
from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.accounts.models import User
from registry.accounts.permissions import can
from registry.catalog import service as catalog
from registry.domain_errors import Invalid
from registry.extensions import db
from registry.imports import progress
from registry.imports.questions import CommuneSuccessors
from registry.places import successors
from registry.places.models import Commune
from registry.places.service import UnknownPlace, all_provinces, normalize_code, place_legacy
from registry.text import fold
from registry import tabular
from registry.tabular import ImportProblem, ImportReport, Table, TableError, read_table

from .import_writer import write_rows
from .index import folded_name
from .models import Enterprise, Relation, Status
from .permissions import CREATE_ENTERPRISE
from .service import EnterpriseError, ProfileLookups, clean_profile
from .import_duplicates import similar_names

FIELDS: dict[str, tuple[str, ...]] = {
    "tax_code": ("tax_code", "mã số thuế", "mst", "mã số doanh nghiệp", "mã doanh nghiệp", "tax code", "tax id", "tax number"),
    "name_vi": ("name_vi", "tên doanh nghiệp", "tên công ty", "tên", "tên tiếng việt", "tên đơn vị", "name", "company name"),
    "name_en": ("name_en", "tên tiếng anh", "tên giao dịch quốc tế", "tên nước ngoài", "english name", "name in english"),
    "short_name": ("short_name", "tên viết tắt", "tên ngắn", "short name", "abbreviation"),
    "province_code": ("province_code", "tỉnh", "tỉnh/thành phố", "tỉnh thành phố", "tỉnh thành", "mã tỉnh", "province", "province code"),
    "commune_code": ("commune_code", "xã", "xã/phường", "phường/xã", "xã phường", "phường", "mã xã", "commune", "ward", "commune code"),
    "address": ("address", "địa chỉ", "địa chỉ trụ sở", "trụ sở chính", "head office"),
    "size_class": ("size_class", "quy mô", "quy mô doanh nghiệp", "size", "size class"),
    "founded_year": ("founded_year", "năm thành lập", "founded", "year founded", "founding year", "founded year"),
    "staff": ("staff", "số lao động", "lao động", "số nhân viên", "nhân viên", "employees", "headcount"),
    "website": ("website", "trang web", "trang thông tin điện tử", "web"),
    "email": ("email", "e-mail", "thư điện tử", "địa chỉ email"),
    "phone": ("phone", "điện thoại", "số điện thoại", "sđt", "telephone", "tel"),
    "contact_name": ("contact_name", "người liên hệ", "người đại diện", "đầu mối liên hệ", "contact", "contact person"),
    "description": ("description", "mô tả", "giới thiệu", "about"),
    "items": ("items", "danh mục 980", "mục danh mục", "danh mục", "sản phẩm dịch vụ", "catalog items", "catalog"),
    "relation": ("relation", "quan hệ", "vai trò", "relation to item"),
    "certificates": ("certificates", "chứng chỉ", "chứng nhận", "certificate"),
    "national_brand": ("national_brand", "thương hiệu quốc gia", "national brand"),
    "latitude": ("latitude", "vĩ độ", "lat"),
    "longitude": ("longitude", "kinh độ", "lng", "lon", "long"),
}
FIELD_LABELS = {
    "tax_code": _l("Tax code (mã số thuế)"), "name_vi": _l("Name in Vietnamese"), "name_en": _l("Name in English"),
    "short_name": _l("Short name"), "province_code": _l("Province (name or code)"), "commune_code": _l("Commune (name or code)"),
    "address": _l("Address"), "size_class": _l("Size"), "founded_year": _l("Year founded"), "staff": _l("Staff"),
    "website": _l("Website"), "email": _l("E-mail"), "phone": _l("Phone"), "contact_name": _l("Contact person"),
    "description": _l("Description"), "items": _l("Decision 980 catalog items (A.01; C2.03)"),
    "relation": _l("Relation to the catalog items"), "certificates": _l("Certificates (names separated by ;)"),
    "national_brand": _l("National brand"), "latitude": _l("Latitude"), "longitude": _l("Longitude"),
}
REQUIRED = ("tax_code", "name_vi", "province_code")
SIZE_WORDS = {"sieu nho": "micro", "nho": "small", "vua": "medium", "lon": "large"}
RELATION_WORDS = {"san xuat": "manufactures", "cung cap": "supplies", "phan phoi": "supplies", "dich vu": "services", "su dung": "uses"}
TRUE_WORDS = {"1", "true", "yes", "on", "co", "x", "y", "dat"}
_ITEM = re.compile(r"^\s*([^()]+?)\s*(?:\(\s*([^)]*?)\s*\))?\s*$")
_SEPARATORS = re.compile(r"[;\n]+")
_COMMUNE_PREFIX = re.compile(r"^(xa|phuong|dac khu)\s+")
_PROVINCE_PREFIX = re.compile(r"^(tinh|thanh pho|tp)\s+")


@dataclass
class EnterpriseImportReport(ImportReport):
    """An enterprise import's outcome, with how the file was read and how many duplicates were flagged."""

    encoding: str | None = None
    header_row: int = 0
    flagged: int = 0


class ImportLookups(ProfileLookups):
    """Answer `clean_profile` from dictionaries loaded once, and read province and commune names.

    `answers` are the importer's choices ({question key: value}), such as the 2025 commune a
    pre-2025 one named in the file became; the questions the rows raise are collected in `report`.
    """

    def __init__(self, answers: dict[str, str] | None = None, report: ImportReport | None = None) -> None:
        self.communes_then = CommuneSuccessors(answers, report)
        super().__init__()
        rows = db.session.execute(db.select(Enterprise.id, Enterprise.tax_code, Enterprise.name_vi))
        self.enterprises = {tax_code: _Existing(id_, name) for id_, tax_code, name in rows}
        self.provinces = {p.code: p for p in all_provinces()}
        self.province_names = {}
        for province in self.provinces.values():
            folded = fold(province.name_vi)
            self.province_names.update({folded: province, _PROVINCE_PREFIX.sub("", folded): province, fold(province.name_en): province})
        self.communes = {c.code: c for c in db.session.scalars(db.select(Commune))}
        self.commune_names = {}
        for commune in self.communes.values():
            for name in (commune.name_folded, _COMMUNE_PREFIX.sub("", commune.name_folded)):
                self.commune_names.setdefault((commune.province_code, name), commune)
        version = catalog.current_version()
        self.nodes = {node.code: node for node in catalog.nodes_of(version)} if version else {}
        self._resolved: dict[str, object] = {}
        self._read: dict[tuple, object] = {}

    def enterprise_by_tax_code(self, tax_code: str):
        return self.enterprises.get(tax_code)

    def read_once(self, part: str, value, read, errors: dict):
        """Read each web address, e-mail address, item list and certificate list of the file once (a list repeats them).

        `value` is a cell's text or the entries `row_values` made of it (dicts of text), read
        the same on every row; a value read with a problem is read again each time, so every
        row names its own. The values read are shared between rows, which only the writer reads.
        """
        key = (part, value if type(value) is str else tuple(tuple(entry.items()) for entry in value))
        found = self._read.get(key, _UNREAD)
        if found is not _UNREAD:
            return found
        own: dict[str, list] = {}
        found = read(own)
        if own:
            for field_name, messages in own.items():
                errors.setdefault(field_name, []).extend(messages)
        else:
            self._read[key] = found
        return found

    def province(self, code):
        province = self.provinces.get(normalize_code(code, 2) or "")
        if province is None:
            raise UnknownPlace(_l("There is no province with code “%(code)s”.", code=code))
        return province

    def commune(self, code, province):
        commune = self.communes.get(normalize_code(code, 5) or "")
        if commune is None:
            raise UnknownPlace(_l("There is no commune with code “%(code)s”.", code=code))
        if province is not None and commune.province_code != province.code:
            raise UnknownPlace(_l("Commune “%(commune)s” is not in %(province)s.", commune=commune.name_vi, province=province.name_vi))
        return commune

    def catalog_node(self, code: str):
        return self.nodes.get(code)

    def resolve_province(self, text: str):
        """Return the province named or coded `text`, today's or pre-2025, or None."""
        if text not in self._resolved:
            folded = fold(text)
            found = self.provinces.get(normalize_code(text, 2) or "") or self.province_names.get(folded)
            self._resolved[text] = found or self.province_names.get(_PROVINCE_PREFIX.sub("", folded)) or place_legacy(text)
        return self._resolved[text]

    def successors(self, province_code: str, name: str) -> list[successors.Successor]:
        return self.communes_then.became(province_code, name)

    def resolve_commune(self, text: str, province_code: str) -> str | None:
        """Return the code of the commune named or coded `text`, looked up inside the province."""
        if text.isdigit():
            return text
        folded = _fold_repeated(text)
        commune = self.commune_names.get((province_code, folded)) or self.commune_names.get((province_code, _COMMUNE_PREFIX.sub("", folded)))
        return commune.code if commune else None


_UNREAD = object()


@dataclass(frozen=True)
class _Existing:
    id: int
    name_vi: str


@dataclass
class Accepted:
    """A row that passed every check, with what the writer needs."""

    row: int
    cleaned: dict
    similar: list[tuple[int | None, int | None, float]] = field(default_factory=list)

    @functools.cached_property
    def folded_name(self) -> tuple[str, str]:
        """The folded name and its core, folded once for the duplicate check and the stored columns."""
        return folded_name(self.cleaned["name_vi"])


def import_enterprises(actor: User | None, data: bytes | Table, filename: str, mapping: dict[str, str] | None = None, *,
                       dry_run: bool, answers: dict[str, str] | None = None) -> EnterpriseImportReport:
    """Check every row of a CSV or XLSX list (its bytes, or the table read from them) and, unless `dry_run` or any row is bad, create them all.

    `mapping` is {file header: field}; headers it leaves out are matched through FIELDS. The
    caller commits. An officer (`actor`) may import only into provinces they review; the command
    line (`actor` None) anywhere. Progress goes to `registry.imports.progress`.
    """
    report = EnterpriseImportReport(filename=filename)
    try:
        table = data if isinstance(data, Table) else read_table(data, filename)
    except TableError as error:
        report.problems.append(ImportProblem(None, "", str(error.message)))
        return report
    report.take_table(table)
    report.encoding, report.header_row = table.encoding, table.header_row
    report.mapping = resolve_mapping(table.header, mapping)
    if not report.check_mapping(FIELD_LABELS, REQUIRED) or not table.rows:
        if not table.rows:
            report.problems.append(ImportProblem(None, "", _("The file has a header but no rows below it.")))
        return report
    accepted = check_rows(actor, table, report, answers)
    if dry_run or report.errors:
        return report
    source = f"import: {filename}"[:200]
    progress.writing(len(accepted))
    report.created_ids, report.flagged = write_rows(accepted, source)
    return report


def report_table(report: EnterpriseImportReport, link: Callable[[int], str]) -> tuple[list[str], list[list]]:
    """Lay out a report as a table: row, column, kind, message, the registered record (with `link`) or row repeated."""
    header = [_("Row"), _("Column"), _("Kind"), _("Message"), _("Registered record"), _("Same as row")]
    rows = []
    for problem in report.problems:
        record = f"{problem.existing_name} {link(problem.existing_id)}" if problem.existing_id else ""
        kind = _("likely duplicate") if problem.warning else _("error")
        rows.append([problem.row or "", problem.column, kind, problem.message, record, problem.other_row or ""])
    return header, rows


def resolve_mapping(header: list[str], chosen: dict[str, str] | None) -> dict[str, str]:
    """Combine the user's column choices with suggestions from our headers' spellings."""
    return tabular.resolve_mapping(header, chosen, FIELDS)


def check_rows(actor: User | None, table: Table, report: EnterpriseImportReport, answers: dict[str, str] | None = None) -> list[Accepted]:
    """Clean every row, recording each problem by row and column; return the rows that passed."""
    lookups = ImportLookups(answers, report)
    columns = {field_name: (name, table.column(name)) for name, field_name in report.mapping.items()}
    fields, cells_of = list(columns), _cells_reader([index for _name, index in columns.values()])
    allowed: dict[str, bool] = {}
    first_row_of: dict[str, int] = {}
    accepted: list[Accepted] = []
    total = len(table.rows)
    progress.started(total)
    for done, row in enumerate(table.rows, start=1):
        cells = dict(zip(fields, cells_of(row.cells)))
        values, own_errors = row_values(cells, lookups, row.number)
        problems = _row_problems(values, own_errors, lookups)
        cleaned = problems if isinstance(problems, dict) else None
        found = [] if cleaned is not None else problems
        if cleaned is not None:
            found += _permission_problems(actor, cleaned["province_code"], lookups, allowed)
            first = first_row_of.setdefault(cleaned["tax_code"], row.number)
            if first != row.number:
                found.append(("tax_code", _("This tax code is already on row %(row)d of the file.", row=first), None, first))
        for field_name, message, existing, other_row in found:
            column = columns.get(_column_field(field_name, columns), ("", 0))[0] or str(FIELD_LABELS.get(field_name, field_name))
            report.problems.append(ImportProblem(row.number, column, str(message), existing_id=existing.id if existing else None,
                                                 existing_name=existing.name_vi if existing else "", other_row=other_row))
        if cleaned is not None and not found:
            accepted.append(Accepted(row.number, cleaned))
        progress.advance(done, total, report.problems)
    _flag_similar(accepted, report, columns.get("name_vi", ("", 0))[0])
    report.problems.sort(key=lambda p: (p.row or 0, p.warning))
    return accepted


def _cells_reader(indices: list[int]) -> Callable[[tuple[str, ...]], tuple[str, ...]]:
    """A function from a row's cells to those at `indices`, "" past the row's last filled cell (as `Row.cell` reads them)."""
    width = max(indices, default=-1) + 1
    blank = ("",) * width
    pick = operator.itemgetter(*indices) if len(indices) > 1 else lambda cells: tuple(cells[index] for index in indices)

    def read(cells: tuple[str, ...]) -> tuple[str, ...]:
        return pick(cells if len(cells) >= width else (*cells, *blank[len(cells):]))

    return read


def _row_problems(values: dict, own_errors: dict[str, str], lookups: ImportLookups):
    """Return the cleaned values, or a list of (field, message, existing record, other row)."""
    try:
        cleaned = clean_profile(values, lookups=lookups)
    except EnterpriseError as error:
        errors = {**{f: [str(m) for m in ms] for f, ms in error.errors.items()}, **{f: [m] for f, m in own_errors.items()}}
        return [(f, m, error.existing if f == "tax_code" else None, None) for f, ms in errors.items() for m in ms]
    if own_errors:
        return [(f, m, None, None) for f, m in own_errors.items()]
    return cleaned


def _column_field(field_name: str, columns: dict) -> str:
    """Name the column an error belongs to: item relations may sit in the relation column."""
    if field_name == "items" and "items" not in columns:
        return "relation"
    if field_name == "longitude" and "longitude" not in columns:
        return "latitude"
    return field_name.split("[", 1)[0]  # "certificates[0].name" is in the certificates column


def _permission_problems(actor: User | None, province_code: str, lookups: ImportLookups, allowed: dict[str, bool]) -> list:
    if actor is None:
        return []
    if province_code not in allowed:
        allowed[province_code] = can(actor, CREATE_ENTERPRISE, lookups.provinces[province_code])
    if allowed[province_code]:
        return []
    name = lookups.provinces[province_code].name_vi
    return [("province_code", _("You may not import enterprises into %(province)s: only its officers may.", province=name), None, None)]


def row_values(cells: dict[str, str], lookups: ImportLookups, row: int | None = None) -> tuple[dict, dict[str, str]]:
    """Turn a row's cells into `clean_profile` values, reading the ways people write places, sizes and items."""
    values = {**_BLANK_VALUES, **cells}
    if len(values) > len(_BLANK_VALUES):  # cells of no field are not values
        values = {f: values[f] for f in _BLANK_VALUES}
    del values["relation"]  # read with the items; items and certificates are read below
    errors: dict[str, str] = {}
    tax_code = values["tax_code"]
    if tax_code.isdigit() and len(tax_code) in (9, 12):
        values["tax_code"] = "0" + tax_code  # a spreadsheet that held the code as a number dropped its leading zero
    province = lookups.resolve_province(values["province_code"]) if values["province_code"] else None
    if values["province_code"] and province is None:
        errors["province_code"] = _("There is no province named or coded “%(value)s”.", value=values["province_code"])
    values["province_code"] = province.code if province else values["province_code"]
    commune = values["commune_code"]
    if commune and province is not None:
        values["commune_code"] = _commune_code(commune, province, lookups, row, errors)
    elif commune:
        values["commune_code"] = ""
    size = _fold_repeated(values["size_class"]).removeprefix("doanh nghiep ").strip()
    values["size_class"] = SIZE_WORDS.get(size, values["size_class"].strip().lower())
    values["national_brand"] = "true" if _fold_repeated(values["national_brand"]) in TRUE_WORDS else ""
    values["items"] = parse_items(cells.get("items", ""), cells.get("relation", ""))
    values["certificates"] = [{"name": name.strip()} for name in _SEPARATORS.split(cells.get("certificates", "")) if name.strip()]
    return values, errors


_BLANK_VALUES = dict.fromkeys(FIELDS, "")


def _commune_code(text: str, province, lookups: ImportLookups, row: int | None, errors: dict[str, str]) -> str | None:
    """The code of the commune a cell names: today's, or the 2025 commune the importer chose for a pre-2025 one."""
    code = lookups.resolve_commune(text, province.code)
    if code is not None:
        return code
    lookups.communes_then.row = row
    try:
        code, became = lookups.communes_then.answer(province.code, text)
    except Invalid as refusal:
        errors["commune_code"] = str(refusal.message)
        return None
    if code is None:
        errors["commune_code"] = (successors.describe_successors(text, became) if became else
                                  _("There is no commune “%(commune)s” in %(province)s.", commune=text, province=province.name_vi))
    return code


def parse_items(text: str, relation: str) -> list[dict]:
    """Read “A.01; C2.03” or “A.01 (manufactures); B.02 (sản xuất)” into item entries.

    A list repeats its item cells: each spelling is read once, and its entries (which are only
    read) are shared by the rows that write it.
    """
    return list(_parsed_items(text, relation))


@functools.lru_cache(maxsize=16384)
def _parsed_items(text: str, relation: str) -> tuple[dict, ...]:
    default = _relation(relation) if relation.strip() else "supplies"
    entries = []
    for part in _SEPARATORS.split(text):
        match = _ITEM.match(part)
        if match and match.group(1).strip():
            named = match.group(2)
            entries.append({"code": match.group(1).strip(), "relation": _relation(named) if named else default})
    return tuple(entries)


# Sizes, yes/no cells and commune names repeat down a list: fold each spelling once.
_fold_repeated = functools.lru_cache(maxsize=8192)(fold)


@functools.lru_cache(maxsize=256)
def _relation(word: str) -> str:
    folded = fold(word)
    if folded in {r.value for r in Relation}:
        return folded
    return RELATION_WORDS.get(folded, word.strip())


def _flag_similar(accepted: list[Accepted], report: EnterpriseImportReport, name_column: str) -> None:
    """Warn about names alike to a registered record, or to an earlier row, of the same province."""
    existing = db.session.execute(
        db.select(Enterprise.id, Enterprise.name_vi, Enterprise.name_core, Enterprise.province_code).where(Enterprise.status != Status.MERGED)
    ).all()
    names = {row.id: row.name_vi for row in existing}
    for entry, other_id, other_row, score in similar_names(accepted, existing):
        entry.similar.append((other_id, other_row, score))
        if other_id is not None:
            message = _("The name is close to “%(name)s”, already registered in this province; an officer will check.", name=names[other_id])
        else:
            message = _("The name is the same as on row %(row)d in this province; an officer will check.", row=other_row)
        report.problems.append(ImportProblem(entry.row, name_column, message, warning=True, existing_id=other_id,
                                             existing_name=names.get(other_id, ""), other_row=other_row))
