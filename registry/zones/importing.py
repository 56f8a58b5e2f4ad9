"""Import provincial lists of zones (industrial clusters and parks): map the columns, check every row, write all or nothing.

Each row goes through the same `clean_zone` as a zone typed into the form. The caller commits.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

import maps
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.accounts.models import User
from registry.accounts.permissions import can
from registry.domain_errors import Invalid
from registry.extensions import db
from registry.imports import progress
from registry.imports.questions import CommuneSuccessors
from registry.places import successors
from registry.places.models import Province
from registry.places.service import commune_code_for, normalize_code, province_for
from registry import inputs, tabular
from registry.text import fold
from registry.tabular import ImportProblem, ImportReport, Table, TableError

from . import service
from .import_reading import commune_names_in, decision_date_in, kind_from_name, kind_of, read_zone_table, status_of
from . import figures
from .figures import COLUMN_METRICS, SourceKind
from .messages import describe_source, geodata_message, imported_source
from .models import Zone
from .permissions import EDIT_ZONE

FIELDS: dict[str, tuple[str, ...]] = {
    "code": ("code", "mã khu", "zone code"),
    "as_of": ("as_of", "ngày số liệu", "số liệu đến ngày", "as of"),
    "name_vi": ("name_vi", "ten", "tên", "tên cụm công nghiệp", "tên khu công nghiệp", "tên khu", "tên ccn", "tên kcn", "name"),
    "name_en": ("name_en", "tên tiếng anh", "english name"),
    "kind": ("kind", "loại", "loại hình", "loai", "type"),
    "status": ("status", "trangThai", "trạng thái", "tình trạng"),
    "province": ("province_code", "tỉnh", "tỉnh/thành phố", "tỉnh thành phố", "mã tỉnh", "province"),
    "commune": ("xa", "xã", "xã/phường", "phường/xã", "địa điểm", "vị trí", "địa bàn", "location", "commune"),
    "decision_number": ("decision_number", "quyetDinh", "quyết định", "quyết định thành lập", "decision"),
    "founded_year": ("founded_year", "namThanhLap", "năm thành lập", "year founded"),
    "total_ha": ("total_ha", "dienTich", "diện tích", "tổng diện tích", "diện tích quy hoạch", "area", "area ha"),
    "industrial_ha": ("industrial_ha", "dienTichDatCongNghiep", "diện tích đất công nghiệp", "industrial land"),
    "leased_ha": ("leased_ha", "dienTichDaChoThue", "diện tích đã cho thuê", "đã cho thuê", "leased"),
    "available_ha": ("available_ha", "dienTichConLai", "diện tích còn lại", "còn trống", "available"),
    "occupancy": ("occupancy", "tyLeLapDay", "tỷ lệ lấp đầy", "lấp đầy"),
    "tenants": ("tenants", "soDoanhNghiep", "số doanh nghiệp", "số dự án", "tenants"),
    "sectors": ("sectors", "nganhNghe", "ngành nghề", "ngành nghề thu hút", "sectors"),
    "developer": ("developer", "chủ đầu tư", "chuDauTu", "nhà đầu tư hạ tầng"),
    "description": ("description", "moTa", "mô tả", "ghi chú"),
    "latitude": ("latitude", "lat", "vĩ độ", "y"),
    "longitude": ("longitude", "lng", "lon", "kinh độ", "x"),
}
FIELD_LABELS = {
    "code": _l("Zone code in the registry"), "as_of": _l("Date of the figures (YYYY-MM-DD)"),
    "name_vi": _l("Name in Vietnamese"), "name_en": _l("Name in English"), "kind": _l("Kind (CCN, KCN …)"),
    "status": _l("Status (hoạt động, xây dựng, quy hoạch)"), "province": _l("Province (name or code)"),
    "commune": _l("Commune or location (text)"),
    "decision_number": _l("Founding decision"), "founded_year": _l("Year founded"), "total_ha": _l("Total area (ha)"),
    "industrial_ha": _l("Industrial land (ha)"), "leased_ha": _l("Leased land (ha)"), "available_ha": _l("Land available (ha)"),
    "occupancy": _l("Occupancy (%), checked against leased land"), "tenants": _l("Enterprises operating"),
    "sectors": _l("Sectors"), "developer": _l("Infrastructure developer"), "description": _l("Description"),
    "latitude": _l("Latitude (or northing)"), "longitude": _l("Longitude (or easting)"),
}
FIGURES = ("total_ha", "industrial_ha", "leased_ha", "available_ha", "published_occupancy", "tenants", "founded_year", "decision_number",
           "sectors", "status")
# The cells read as numbers, here or by clean_zone.
NUMBERS = ("total_ha", "industrial_ha", "leased_ha", "available_ha", "occupancy", "tenants", "founded_year", "latitude", "longitude")
OCCUPANCY_TOLERANCE = 5.0  # percentage points between the list's occupancy and leased ÷ area
# The fields a matched zone takes from a row only when the row's own cell gives them (not the list's defaults).
OWN_CELLS = {"kind": "kind", "status": "status", "location_text": "commune", "commune_codes": "commune", "decision_date": "decision_number"}


@dataclass
class ZoneImportReport(ImportReport):
    """A zone import's outcome, with the lists the file holds (a JSON file may hold several)."""

    lists: list[str] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return len(self.created_ids) + len(self.updated_ids)


@dataclass(frozen=True)
class ImportChoices:
    """What the file does not say: its province (when no column gives it), the default kind and status, the CRS, the JSON list."""

    province_code: str = ""
    kind: str = "industrial_cluster"
    status: str = "operating"
    crs: str = "EPSG:4326"
    list_key: str | None = None
    as_of: str = ""  # the date the list's figures are for (YYYY-MM-DD), when no column gives it
    source_kind: str = "government"
    province_prompt: str = ""  # how the caller gives a province (the CLI's --province), named when none is given
    # The importer's answers to the questions rows raise, such as the 2025 commune a pre-2025 one became.
    answers: dict = field(default_factory=dict)


def import_zones(actor: User | None, data: bytes | tuple[Table, list[str]], filename: str, choices: ImportChoices,
                 mapping: dict[str, str] | None = None, *, dry_run: bool) -> ZoneImportReport:
    """Check every row of a zone list and, unless `dry_run` or any row is bad, create every zone.

    `data` is the file's bytes, or the table and list names `read_zone_table` read from them.
    `actor` None is the command line; an officer imports only into a province they may edit.
    """
    report = ZoneImportReport(filename=filename)
    try:
        table, report.lists = data if isinstance(data, tuple) else read_zone_table(data, filename, choices.list_key)
        transformer = maps.reprojection_to_wgs84(choices.crs)
    except (TableError, maps.GeodataError) as error:
        report.problems.append(ImportProblem(None, "", _message(error)))
        return report
    report.take_table(table)
    report.mapping = resolve_mapping(table.header, mapping)
    if not _checked_mapping(report) or not _allowed(actor, choices, report):
        return report
    accepted = check_rows(actor, table, report, choices, transformer)
    if dry_run or report.errors:
        return report
    source = imported_source(filename)[:200]
    progress.writing(len(accepted))
    for row in accepted:
        figure_source = service.FigureSource(SourceKind(choices.source_kind), source, row.as_of)
        if row.zone is None:
            report.created_ids.append(_create(row.values, source, figure_source).id)
        else:
            sources = {name: {"source": source, "confidence": ""} for name in row.values if name in FIGURES}
            service.update_zone(actor, row.zone, row.values, partial=True, sources=sources, figure_source=figure_source)
            report.updated_ids.append(row.zone.id)
    return report


@dataclass
class CheckedRow:
    """A row that passed: the values of a new zone, or the changes to the recorded zone it matches."""

    values: dict
    zone: Zone | None = None
    as_of: date | None = None


def _message(error: TableError | maps.GeodataError) -> str:
    return str(error.message) if isinstance(error, TableError) else geodata_message(error.code, error.params)


def resolve_mapping(header: list[str], chosen: dict[str, str] | None) -> dict[str, str]:
    """Combine the user's column choices with suggestions from our headers' spellings."""
    return tabular.resolve_mapping(header, chosen, FIELDS)


def _checked_mapping(report: ZoneImportReport) -> bool:
    if not report.rows:
        report.problems.append(ImportProblem(None, "", _("The file has a header but no rows below it.")))
    return report.check_mapping(FIELD_LABELS, ("name_vi",))


def _allowed(actor: User | None, choices: ImportChoices, report: ZoneImportReport) -> bool:
    """Check the province chosen for the whole list, or that a column gives each row's."""
    province_code = choices.province_code
    if not province_code:
        if "province" not in report.mapping.values():
            message = (_("Give the province of the list with %(option)s (its GSO code, such as 15 for Lào Cai), or match a column to the province.",
                         option=choices.province_prompt) if choices.province_prompt else
                       _("Choose the province of the list, or match a column to the province."))
            report.problems.append(ImportProblem(None, "", message))
        return not report.errors
    province = db.session.get(Province, normalize_code(province_code, 2) or "")
    if province is None:
        report.problems.append(ImportProblem(None, "", _("Choose the province of the list.")))
    elif not _may_import(actor, province):
        report.problems.append(ImportProblem(None, "", _("Only officers of %(province)s and administrators import its zones.", province=province.name_vi)))
    return not report.errors


def _may_import(actor: User | None, province: Province) -> bool:
    return actor is None or can(actor, EDIT_ZONE, SimpleNamespace(organization_id=None, province_code=province.code))


def _row_province(cells: dict[str, str], chosen: Province | None, actor: User | None, problems: list) -> Province | None:
    """Return the row's province: its own column first, else the list's; note what is wrong."""
    if not cells.get("province"):
        if chosen is None:
            problems.append(("province", _("Give the province of this row."), False, None))
        return chosen
    province = province_for(cells["province"])
    if province is None:
        problems.append(("province", _("“%(value)s” is not a province of today or before 2025.", value=cells["province"]), False, None))
    elif not _may_import(actor, province):
        problems.append(("province", _("Only officers of %(province)s and administrators import its zones.", province=province.name_vi), False, None))
        return None
    return province


def check_rows(actor: User | None, table: Table, report: ZoneImportReport, choices: ImportChoices,
               transformer: maps.Reprojection | None) -> list[CheckedRow]:
    """Clean every row, recording each problem by row and column; return the rows that passed.

    A row naming a recorded zone (by code, else by name in its province, folded) is an update: the
    report names each field it changes, and refuses it when it would lower a figure dated after the file.
    """
    columns = {field_name: (name, table.column(name)) for name, field_name in report.mapping.items()}
    chosen = db.session.get(Province, normalize_code(choices.province_code, 2) or "") if choices.province_code else None
    existing = {(code, fold(name)): id_ for id_, code, name in db.session.execute(db.select(Zone.id, Zone.province_code, Zone.name_vi))}
    list_date = _date(choices.as_of)
    first_row_of: dict[tuple, int] = {}
    accepted = []
    total = len(table.rows)
    communes_then = CommuneSuccessors(choices.answers, report)
    progress.started(total)
    for done, row in enumerate(table.rows, start=1):
        cells = {f: row.cell(index) for f, (_name, index) in columns.items()}
        problems: list[tuple[str, str, bool, int | None]] = []
        province = _row_province(cells, chosen, actor, problems)
        province_code = province.code if province else None
        communes_then.row = row.number
        values = row_values(cells, choices, province_code, transformer, problems, communes_then)
        as_of = _row_date(cells, list_date, problems)
        folded = (province_code, fold(values["name_vi"]))
        zone = _matching_zone(cells, existing.get(folded) if folded[1] else None, problems)
        checked = _checked_update(zone, cells, values, as_of, problems) if zone is not None else _checked_new(values, problems)
        first = first_row_of.setdefault(folded, row.number)
        if folded[1] and first != row.number:
            problems.append(("name_vi", _("The same name is already on row %(row)d of the file.", row=first), False, None))
        for field_name, message, warning, existing_id in problems:
            column = columns.get(_column_of(field_name), ("", 0))[0] or str(FIELD_LABELS.get(field_name, field_name))
            report.problems.append(ImportProblem(row.number, column, message, warning, existing_id))
        if not any(not warning for _f, _m, warning, _e in problems):
            accepted.append(CheckedRow(checked, zone, as_of))
        progress.advance(done, total, report.problems)
    report.problems.sort(key=lambda p: (p.row or 0, p.warning))
    return accepted


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text and text.strip() else None
    except ValueError:
        return None


def _row_date(cells: dict[str, str], list_date: date | None, problems: list) -> date | None:
    """Return the date of the row's figures: its own cell, else the list's."""
    text = (cells.get("as_of") or "").strip()
    if not text:
        return list_date
    found = _date(text)
    if found is None:
        problems.append(("as_of", _("Write dates as YYYY-MM-DD, such as 2005-03-11."), False, None))
    return found


def _matching_zone(cells: dict[str, str], by_name: int | None, problems: list) -> Zone | None:
    """Find the recorded zone a row names: by its code when the file gives one, else by name in the province."""
    code = (cells.get("code") or "").strip()
    if code:
        zone = service.find_by_code(code)
        if zone is None:
            problems.append(("code", _("There is no zone “%(code)s”.", code=code[:60]), False, None))
        return zone
    return db.session.get(Zone, by_name) if by_name is not None else None


def _checked_new(values: dict, problems: list) -> dict:
    try:
        service.clean_zone(values)
    except service.ZoneError as error:
        problems += [(f, str(m), False, None) for f, ms in error.errors.items() for m in ms]
    _warn_areas(values, problems)
    return values


def _checked_update(zone: Zone, cells: dict[str, str], values: dict, as_of: date | None, problems: list) -> dict:
    """Return the fields of `zone` the row changes, noting each change; keep or refuse against newer figures."""
    given = {name: value for name, value in values.items() if name not in OWN_CELLS or cells.get(OWN_CELLS[name])}
    given = {name: value for name, value in given.items() if value not in (None, "") or name in {"province_code", "name_vi"}}
    try:
        cleaned = service.clean_zone(given, current=zone, partial=True)
    except service.ZoneError as error:
        problems += [(f, str(m), False, None) for f, ms in error.errors.items() for m in ms]
        return {}
    changes = {name: value for name, value in cleaned.items() if getattr(zone, name) != value and name != "province_code"}
    for name in list(changes):
        if name in COLUMN_METRICS and (newer := figures.newer_figures(zone, COLUMN_METRICS[name], as_of)):
            if changes[name] is not None and changes[name] < newer[0].value:
                problems.append((name, _("This row would lower %(figure)s of %(zone)s from %(recorded)s to %(value)s, but the recorded figure "
                                         "(%(date)s, %(source)s) is newer than the file's; nothing was imported. Give the file's date, "
                                         "or leave the cell empty.", figure=FIELD_LABELS.get(name, name), zone=zone.name_vi,
                                         recorded=_shown(newer[0].value), value=_shown(changes[name]), date=figures.date_label(newer[0]),
                                         source=describe_source(newer[0].source_name) or newer[0].source_url), False, zone.id))
            else:
                problems.append((name, _("%(zone)s keeps %(figure)s %(recorded)s: its figure (%(date)s) is newer than the file's.",
                                         zone=zone.name_vi, figure=FIELD_LABELS.get(name, name), recorded=_shown(newer[0].value),
                                         date=figures.date_label(newer[0])), True, zone.id))
            del changes[name]
    for name, value in changes.items():
        problems.append((name, _("Updates %(zone)s: %(figure)s %(before)s → %(after)s.", zone=zone.name_vi, figure=FIELD_LABELS.get(name, name),
                                 before=_shown(getattr(zone, name)), after=_shown(value)), True, zone.id))
    if not changes:
        problems.append(("name_vi", _("Matches the recorded zone %(zone)s; nothing changes.", zone=zone.name_vi), True, zone.id))
    merged = {name: changes.get(name, getattr(zone, name)) for name in service.AREA_FIELDS}
    _warn_areas(merged, problems)
    return changes


def _shown(value) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_decimal(value)
    return str(getattr(value, "value", value))


def _warn_areas(values: dict, problems: list) -> None:
    """Warn when the row's areas do not add up (leased and available above the industrial land, available above the total)."""
    areas = {name: _figure(values.get(name)) if isinstance(values.get(name), str) else values.get(name) for name in service.AREA_FIELDS}
    problems += [(name, str(message), True, None) for name, message in service.area_warnings(areas)]


def _column_of(field_name: str) -> str:
    return {"commune_codes": "commune", "location_text": "commune", "kind": "kind", "decision_date": "decision_number",
            "published_occupancy": "occupancy"}.get(field_name, field_name)


def row_values(cells: dict[str, str], choices: ImportChoices, province_code: str | None, transformer: maps.Reprojection | None,
               problems: list, communes_then: CommuneSuccessors | None = None) -> dict:
    """Turn one row's cells into `clean_zone` input, noting what cannot be read or does not add up."""
    values: dict = {name: cells[name] for name in FIELDS
                    if name in cells and name not in {"province", "commune", "kind", "status", "occupancy", "code", "as_of"}}
    if cells.get("occupancy"):
        values["published_occupancy"] = cells["occupancy"]
    values["province_code"] = province_code
    values["name_vi"] = cells.get("name_vi", "")
    _refuse_infinite(values, cells, problems)
    values["kind"] = _kind(cells, choices, problems)
    values["status"] = (status_of(cells["status"]) or cells["status"]) if cells.get("status") else choices.status
    if cells.get("commune"):
        values["location_text"] = cells["commune"][:500]
        values["commune_codes"] = _communes(cells["commune"], province_code, problems, communes_then)
    if cells.get("decision_number"):
        values["decision_date"] = decision_date_in(cells["decision_number"])
    _place(values, transformer, problems)
    _check_occupancy(cells, problems)
    return values


def _kind(cells: dict[str, str], choices: ImportChoices, problems: list) -> str:
    text = cells.get("kind", "")
    if text:
        kind = kind_of(text)
        if kind is None:
            problems.append(("kind", _("“%(value)s” is not a kind of zone we know (CCN, KCN, KKT …).", value=text), False, None))
        return kind or text
    return kind_from_name(cells.get("name_vi", "")) or choices.kind


def _communes(text: str, province_code: str | None, problems: list, communes_then: CommuneSuccessors | None) -> list[str]:
    """Read the communes a location names: today's, or the 2025 commune the importer chose for an older one; the text is kept."""
    codes = []
    for name in commune_names_in(text):
        code = commune_code_for(province_code, name)
        if code and code != name:
            codes.append(code)
            continue
        try:
            chosen, became = communes_then.answer(province_code, name) if communes_then and province_code else (None, [])
        except Invalid as refusal:
            problems.append(("commune", str(refusal.message), False, None))
            continue
        if chosen:
            codes.append(chosen)
        elif became:
            problems.append(("commune", successors.describe_successors(name, became) + " "
                             + _("Until then the text is kept as the location."), True, None))
        else:
            problems.append(("commune", _("“%(name)s” is not a commune of the province today (communes were merged in 2025); "
                                          "the text is kept as the location.", name=name), True, None))
    return list(dict.fromkeys(codes))


def _figure(text: object) -> float | None:
    """Read a figure written with a decimal point or comma; None when it is blank or not a number (infinity and NaN are read)."""
    return inputs.parse_number(str(text))


def _refuse_infinite(values: dict, cells: dict[str, str], problems: list) -> None:
    """Name the cells that read as no finite number (“inf”, “nan”, “1e400”) and leave them out."""
    for name in NUMBERS:
        number = _figure(cells.get(name))
        if number is not None and not math.isfinite(number):
            problems.append((name, _("“%(value)s” is not a number that can be recorded; write the figure in full, such as 12,5.", value=cells[name][:40]), False, None))
            if name in values:
                values[name] = None


def _place(values: dict, transformer: maps.Reprojection | None, problems: list) -> None:
    """Reproject the row's point when needed, and say so when latitude and longitude are swapped."""
    y, x = _figure(values.get("latitude")), _figure(values.get("longitude"))
    if y is None or x is None:
        return  # empty or not a number: clean_zone names the problem
    if transformer is not None:
        x, y = transformer.transform(x, y)
        values["longitude"], values["latitude"] = round(x, 6), round(y, 6)
    if not maps.is_point_in_vietnam(x, y) and maps.is_point_in_vietnam(y, x):
        problems.append(("latitude", _("Latitude and longitude appear to be swapped: the point lies in Vietnam only with the two exchanged."), False, None))
        values["latitude"] = values["longitude"] = None


def _check_occupancy(cells: dict[str, str], problems: list) -> None:
    """Warn when the list's occupancy disagrees with leased land over area by more than 5 points."""
    stated, leased, base = (_figure(text) for text in (cells.get("occupancy"), cells.get("leased_ha"),
                                                        cells.get("industrial_ha") or cells.get("total_ha")))
    if stated is None or leased is None or base is None or not math.isfinite(stated + leased + base) or base <= 0:
        return
    computed = 100 * leased / base
    if abs(computed - stated) > OCCUPANCY_TOLERANCE:
        problems.append(("occupancy", _("The list gives an occupancy of %(stated)s %%, but leased land over area is %(computed)s %%; "
                                        "the zone shows the published figure, with the computed one beside it.", stated=round(stated, 1), computed=round(computed, 1)), True, None))


def _create(values: dict, source: str, figure_source: service.FigureSource) -> Zone:
    cleaned_figures = {name: {"source": source, "confidence": ""} for name in FIGURES if values.get(name) not in (None, "")}
    if values.get("latitude") not in (None, ""):
        cleaned_figures["location"] = {"source": source, "confidence": ""}
    zone = service.create_zone(None, values, sources=cleaned_figures)
    service.record_figures(zone, {column: (None, None) for column in COLUMN_METRICS if getattr(zone, column) is not None}, figure_source)
    return zone
