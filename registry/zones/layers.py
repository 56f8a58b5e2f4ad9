"""Import a GIS layer of many zones (GeoJSON, zipped Shapefile, GeoPackage, KML, KMZ): one boundary per feature.

The layer's attributes are read as a table's columns and matched to zone fields the same way
(the wizard's column step, or `--map` on the command line). Each feature's boundary is read and
checked as a single boundary upload is (`maps.read_layer_file`, then `boundaries.review_notices`),
matched to a recorded zone (by code, else by folded name in its province) to publish its next
boundary version, or creates the zone when its attributes make one. Every feature is checked
before anything is written; one bad feature stops them all. The caller commits.

A layer travels through the wizard as a `Table` of its attributes; each row carries the
feature's boundary (and its problems) as one JSON cell past the header, and the table's
`delimiter` is LAYER_MARK so the steps after the upload know what they hold.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePosixPath
from types import SimpleNamespace

import maps
import shapely
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from shapely.geometry.base import BaseGeometry

from registry import tabular
from registry.accounts.models import User
from registry.accounts.permissions import can
from registry.extensions import db
from registry.imports import progress
from registry.places.models import Province
from registry.places.service import normalize_code, province_for
from registry.tabular import ImportProblem, Table, TableError
from registry.tabular.reading import Row, TableLimits, clean_cell
from registry.text import fold

from . import boundaries, service
from .importing import FIELD_LABELS, FIELDS, FIGURES, ImportChoices, ZoneImportReport, row_values
from .messages import geodata_message, imported_source
from .models import Zone
from .permissions import EDIT_ZONE

LAYER_SUFFIXES = frozenset({".geojson", ".zip", ".gpkg", ".kml", ".kmz"})
LAYER_MARK = "layer"
# A layer's attributes name the zone code in more ways than a list's columns do (a short "ma" is common in GIS tables).
CODE_SPELLINGS = ("ma", "mã", "ma_khu", "zone_code", "mã ccn", "mã kcn")
LAYER_FIELDS: dict[str, tuple[str, ...]] = {**FIELDS, "code": tuple(dict.fromkeys(FIELDS["code"] + CODE_SPELLINGS))}
CODE_LABEL = _l("Zone code (a layer's feature matches the recorded zone of this code)")
LAYER_LABELS = {**FIELD_LABELS, "code": CODE_LABEL}
BOUNDARY_COLUMN = _l("boundary")
# A GeoJSON saved as .json is told from a list of records by this word near its start.
_GEOJSON_SNIFF = 4096


def is_layer_file(filename: str, data: bytes = b"") -> bool:
    """Tell whether a file is a GIS layer by its name, or for .json by being a GeoJSON FeatureCollection."""
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    return suffix in LAYER_SUFFIXES or (suffix == ".json" and b'"FeatureCollection"' in data[:_GEOJSON_SNIFF])


def is_layer_table(table: Table) -> bool:
    return table.delimiter == LAYER_MARK


def read_layer_table(data: bytes, filename: str, crs: str = "", province_code: str = "") -> Table:
    """Read a layer into a table of its attributes, each row carrying its feature's boundary; TableError when it cannot be read.

    `crs` "" reads the system from the file. When the file does not say it, the message proposes
    the province's own VN-2000 meridians first.
    """
    try:
        upload = maps.read_layer_file(data, filename, crs or None, shape_limits=_shape_limits())
    except maps.GeodataError as error:
        raise TableError(_refusal(error, province_code)) from None
    limits = TableLimits.configured()
    if len(upload.features) > limits.rows:
        raise limits.too_many_rows()
    header = list(dict.fromkeys(str(key) for feature in upload.features for key in feature.attributes))
    if len(header) > limits.columns:
        raise limits.too_many_columns(len(header))
    notices = [[notice.code, notice.params] for notice in upload.notices]
    rows = [Row(feature.number, tuple(clean_cell(feature.attributes.get(name))[:limits.cell_chars] for name in header)
                + (json.dumps(_carried(feature, upload.source_crs, notices if index == 0 else [])),))
            for index, feature in enumerate(upload.features)]
    return Table(header=header, rows=rows, header_row=0, delimiter=LAYER_MARK)


def _shape_limits() -> maps.ShapeLimits:
    config = current_app.config
    return maps.ShapeLimits(max_features=int(config["BOUNDARY_MAX_FEATURES"]), max_vertices=int(config["BOUNDARY_MAX_VERTICES"]))


def _carried(feature: maps.LayerFeature, source_crs: str, file_notices: list) -> dict:
    return {
        "wkb": shapely.to_wkb(feature.geometry, hex=True) if feature.geometry is not None else None,
        "error": [feature.error.code, feature.error.params] if feature.error is not None else None,
        "notices": file_notices + [[notice.code, notice.params] for notice in feature.notices],
        "crs": source_crs,
    }


def _refusal(error: maps.GeodataError, province_code: str) -> str:
    """The reason a layer cannot be read; when its system is unknown, the province's meridians to choose from."""
    message = geodata_message(error.code, error.params)
    if error.code not in ("missing_prj", "missing_crs", "coordinates_not_degrees"):
        return message
    proposed = maps.meridians_of(normalize_code(province_code, 2) or "")
    if not proposed:
        hint = _("A layer drawn in VN-2000 is usually in its province’s TM-3 zone; the list of systems names each zone’s provinces.")
    else:
        hint = _("For this province: %(systems)s.", systems=", ".join(f"{meridian.name} ({_code_of(meridian)})" for meridian in proposed))
    return f"{message} {hint}"


def _code_of(meridian: maps.Meridian) -> str:
    return meridian.crs if meridian.crs.startswith("EPSG:") else meridian.name


@dataclass
class LayerImportReport(ZoneImportReport):
    """A layer import's outcome: `created_ids` are the zones whose boundaries were published, one per feature."""


def is_layer_report(report: object) -> bool:
    return isinstance(report, LayerImportReport)


@dataclass
class _Plan:
    """What one feature will do: publish a boundary for `zone`, or create a zone from `values` first."""

    number: int
    geometry: BaseGeometry
    source_crs: str
    notices: list[maps.Notice]
    zone: Zone | None = None
    values: dict | None = None
    code: str | None = None


def import_layer(actor: User | None, data: bytes | Table, filename: str, choices: ImportChoices,
                 mapping: dict[str, str] | None = None, *, dry_run: bool) -> LayerImportReport:
    """Check every feature of a layer and, unless `dry_run` or any is bad, publish every boundary (creating zones as needed).

    `data` is the file's bytes or the table `read_layer_table` made of them; `actor` None is the
    command line. `report.created_ids` lists the zone of each feature, in the file's order.
    """
    report = LayerImportReport(filename=filename)
    try:
        table = data if isinstance(data, Table) else read_layer_table(data, filename, choices.crs, choices.province_code)
    except TableError as error:
        report.problems.append(ImportProblem(None, "", str(error.message)))
        return report
    report.take_table(table)
    report.mapping = tabular.resolve_mapping(table.header, mapping, LAYER_FIELDS)
    if not _checked_mapping(report):
        return report
    plans = _check_features(actor, table, report, choices)
    if dry_run or report.errors:
        return report
    progress.writing(len(plans))
    report.created_ids = [_carry_out(actor, plan, filename).id for plan in plans]
    return report


def _checked_mapping(report: ZoneImportReport) -> bool:
    if not report.rows:
        report.problems.append(ImportProblem(None, "", _("The layer holds no features.")))
    named = {"name_vi", "code"} & set(report.mapping.values())
    if report.rows and not named:
        report.problems.append(ImportProblem(None, "", _(
            "No attribute of the layer names its zones: match one attribute to the zone's name or to its code.")))
    return report.check_mapping(LAYER_LABELS, ())


def _check_features(actor: User | None, table: Table, report: ZoneImportReport, choices: ImportChoices) -> list[_Plan]:
    """Check each feature's boundary, its zone and, for a new zone, its fields; record every problem by feature."""
    columns = {field_name: (name, table.column(name)) for name, field_name in report.mapping.items() if field_name}
    chosen = db.session.get(Province, normalize_code(choices.province_code, 2) or "") if choices.province_code else None
    boundary_column = str(BOUNDARY_COLUMN)
    plans, zone_of_feature = [], {}
    total = len(table.rows)
    progress.started(total)
    for done, row in enumerate(table.rows, start=1):
        cells = {field_name: row.cell(index) for field_name, (_name, index) in columns.items()}
        carried = json.loads(row.cell(len(table.header)))
        problems: list[tuple[str, str, bool, int | None]] = []
        plan = _plan_of(actor, row.number, cells, carried, chosen, choices, problems)
        if plan is not None:
            # A recorded zone by id; a new one by its code, else its folded name in its province.
            key = plan.zone.id if plan.zone is not None else plan.code or (plan.values["province_code"], fold(plan.values["name_vi"]))
            first = zone_of_feature.setdefault(key, row.number)
            if first != row.number:
                name = plan.zone.name_vi if plan.zone is not None else plan.values["name_vi"]
                problems.append(("name_vi", _("Feature %(other)d already matches this zone, %(zone)s.", other=first, zone=name),
                                 False, plan.zone.id if plan.zone is not None else None))
        label = cells.get("name_vi") or cells.get("code")
        for field_name, message, warning, existing_id in problems:
            column = boundary_column if field_name == "boundary" else columns.get(field_name, ("", 0))[0] or str(LAYER_LABELS.get(field_name, field_name))
            report.problems.append(ImportProblem(row.number, column, f"{label}: {message}" if label else message, warning, existing_id))
        if plan is not None and not any(not warning for _f, _m, warning, _e in problems):
            plans.append(plan)
        progress.advance(done, total, report.problems)
    report.problems.sort(key=lambda p: (p.row or 0, p.warning))
    return plans


def _plan_of(actor: User | None, number: int, cells: dict[str, str], carried: dict, chosen: Province | None,
             choices: ImportChoices, problems: list) -> _Plan | None:
    """Decide what one feature does, or note why it cannot."""
    for code, params in carried["notices"]:
        problems.append(("boundary", geodata_message(code, params), True, None))
    if carried["error"] is not None:
        problems.append(("boundary", geodata_message(*carried["error"]), False, None))
        return None
    geometry = shapely.from_wkb(carried["wkb"])
    province = _province(cells, chosen, problems)
    zone = _matched_zone(cells, province, problems)
    notices = [maps.Notice(code, params) for code, params in carried["notices"]]
    plan = _Plan(number, geometry, carried["crs"], notices, zone=zone, code=cells.get("code") or None)
    if zone is None:
        if any(not warning for _f, _m, warning, _e in problems):
            return None
        plan.values = _new_zone_values(actor, cells, province, choices, problems)
        if plan.values is None:
            return None
        province_code = plan.values["province_code"]
    else:
        if actor is not None and not can(actor, EDIT_ZONE, zone):
            problems.append(("name_vi", _("You may not edit %(zone)s.", zone=zone.name_vi), False, zone.id))
            return None
        review = boundaries.review_notices(zone, geometry)
        plan.notices += review
        problems += [("boundary", geodata_message(n.code, n.params), True, zone.id) for n in review]
        province_code = zone.province_code
    outside = boundaries.outside_province(province_code, geometry)
    if outside is not None:
        problems.append(("boundary", geodata_message(outside.code, outside.params), False, zone.id if zone else None))
        return None
    return plan


def _province(cells: dict[str, str], chosen: Province | None, problems: list) -> Province | None:
    if not cells.get("province"):
        return chosen
    province = province_for(cells["province"])
    if province is None:
        problems.append(("province", _("“%(value)s” is not a province of today or before 2025.", value=cells["province"]), False, None))
    return province


def _matched_zone(cells: dict[str, str], province: Province | None, problems: list) -> Zone | None:
    """The recorded zone of the feature's code, else of its folded name in its province; two zones are refused."""
    code = cells.get("code", "").strip()
    if code:
        zone = service.find_by_code(code)
        if zone is not None:
            return zone
    name = fold(cells.get("name_vi", ""))
    if not name:
        if not code:
            problems.append(("name_vi", _("The feature has neither a name nor a code."), False, None))
        return None
    statement = db.select(Zone).where(Zone.name_folded == name).order_by(Zone.id)
    if province is not None:
        statement = statement.where(Zone.province_code == province.code)
    found = list(db.session.scalars(statement.limit(3)))
    if len(found) > 1:
        names = ", ".join(f"{zone.name_vi} ({zone.code})" for zone in found)
        problems.append(("name_vi", _("The feature matches several recorded zones: %(zones)s. Give it the code of one.", zones=names),
                         False, found[0].id))
        return None
    return found[0] if found else None


def _new_zone_values(actor: User | None, cells: dict[str, str], province: Province | None, choices: ImportChoices,
                     problems: list) -> dict | None:
    """The fields of a zone the feature creates, checked as a list's row is; None when they do not make one."""
    if province is None:
        problems.append(("province", _("No recorded zone matches this feature; give its province (a column or the list's province) to record it."),
                         False, None))
        return None
    if actor is not None and not can(actor, EDIT_ZONE, SimpleNamespace(organization_id=None, province_code=province.code)):
        problems.append(("province", _("Only officers of %(province)s and administrators import its zones.", province=province.name_vi), False, None))
        return None
    before = len(problems)
    values = row_values(cells, choices, province.code, None, problems)
    try:
        service.clean_zone(values)
    except service.ZoneError as error:
        problems += [(field_name, str(message), False, None) for field_name, messages in error.errors.items() for message in messages]
    if any(not warning for _f, _m, warning, _e in problems[before:]):
        return None
    return values


def _carry_out(actor: User | None, plan: _Plan, filename: str) -> Zone:
    source = imported_source(filename)[:200]
    zone = plan.zone
    if zone is None:
        sources = {name: {"source": source, "confidence": ""} for name in FIGURES if plan.values.get(name) not in (None, "")}
        zone = service.create_zone(None, plan.values, code=plan.code, sources=sources)
    boundaries.publish_boundary(actor, zone, plan.geometry, source=filename, source_crs=plan.source_crs, notices=plan.notices)
    return zone


def published_lines(zone_ids: list[int]) -> list[str]:
    """One line per imported feature (the zones of `report.created_ids`): the zone it went to and the boundary version it became."""
    lines = []
    for number, zone_id in enumerate(zone_ids, start=1):
        zone = db.session.get(Zone, zone_id)
        latest = boundaries.versions_of(zone)[0]
        lines.append(_("Feature %(n)d: %(zone)s (%(code)s), boundary version %(version)d, %(ha)s ha.",
                       n=number, zone=zone.name_vi, code=zone.code, version=latest.number, ha=zone.mapped_ha))
    return lines
