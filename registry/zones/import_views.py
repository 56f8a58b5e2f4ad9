"""Pages to import a province's list of zones, through the shared import wizard: upload, match the columns, check, import all or nothing."""
from __future__ import annotations

from dataclasses import asdict

import maps
from flask import Blueprint, url_for
from flask_login import current_user
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField

from registry.accounts.permissions import PermissionDenied, reviewed_provinces
from registry.imports.kinds import ImportKind, ParsedTable
from registry.imports.wizard import add_wizard
from registry.places import service as places

from . import layers
from .forms import STATUS_LABELS, ImportUploadForm
from .import_reading import read_zone_table
from .importing import ImportChoices, import_zones

bp = Blueprint("imports", __name__)
FEATURE_LINES = 50  # features of a layer listed after its import, one message each


def _require_importer(user) -> None:
    provinces = reviewed_provinces(user)
    if provinces is not None and not provinces:
        raise PermissionDenied(_("Only province officers and administrators import lists of zones."))


def _upload_form() -> ImportUploadForm:
    """Ask for the file and what it does not say (province, default kind, coordinate system)."""
    form = ImportUploadForm()
    form.province_code.choices = [SelectChoice("", _("Given by a column of the file"))] + [SelectChoice(p.code, p.name_vi) for p in places.all_provinces()]
    provinces = reviewed_provinces(current_user) or ()
    own = next(iter(provinces)) if len(provinces) == 1 else None
    form.crs.choices = [SelectChoice("", _("Read it from the file (a list without one: WGS84)"))] + [
        SelectChoice(c.code, c.label) for c in maps.crs_choices(own)]
    return form


def _choices_of(form: ImportUploadForm) -> dict:
    return asdict(ImportChoices(form.province_code.data, form.kind.data, crs=form.crs.data or "",
                                as_of=form.as_of.data.isoformat() if form.as_of.data else ""))


def _read(data: bytes, filename: str, choices: dict) -> ParsedTable:
    if layers.is_layer_file(filename, data):
        return ParsedTable(layers.read_layer_table(data, filename, choices.get("crs") or "", choices.get("province_code") or ""))
    return ParsedTable(*read_zone_table(data, filename, choices.get("list_key")))


def _column_extras(parsed: ParsedTable, staged) -> dict:
    """The list to read, when the file holds several, and the status rows without one get."""
    choices = ImportChoices(**staged.choices)
    extras = {}
    if len(parsed.lists) > 1:
        extras["list_key"] = SelectField(_("List in the file"), choices=parsed.lists, default=choices.list_key or parsed.lists[0])
    extras["status"] = SelectField(_("Status, where a row gives none"), choices=[SelectChoice(k.value, v) for k, v in STATUS_LABELS.items()],
                                   default=choices.status)
    return extras


def _take_extras(form, staged) -> bool:
    """Keep the status and list chosen; tell whether another list was chosen, whose columns are to be read."""
    chosen_list = form.list_key.data if "list_key" in form else None
    before = staged.choices.get("list_key")
    staged.choices = {**staged.choices, "status": form.status.data, "list_key": chosen_list}
    return chosen_list != before


def _columns_lead(staged) -> str:
    code = staged.choices.get("province_code")
    province = places.get_province(code) if code else None
    lead = _("We recognised the columns chosen below from their headers; check each one. Columns left as “do not import” are ignored.")
    return f"{_('Zones of %(province)s.', province=province.name_vi)} {lead}" if province else lead


def _run(actor, parsed: ParsedTable, filename: str, choices: dict, mapping: dict, *, dry_run: bool):
    if layers.is_layer_table(parsed.table):
        return layers.import_layer(actor, parsed.table, filename, ImportChoices(**choices), mapping, dry_run=dry_run)
    return import_zones(actor, (parsed.table, parsed.lists), filename, ImportChoices(**choices), mapping, dry_run=dry_run)


def _finish(outcome: dict, staged) -> tuple[str, list[tuple[str, str]]]:
    target = url_for("zones.index", province=staged.choices.get("province_code"), sort="name")
    if outcome.get("layer"):
        summary = _("Published the boundaries of %(n)d zones from %(file)s.", n=outcome["imported"], file=staged.filename)
        return target, [(summary, "success")] + [(line, "success") for line in layers.published_lines(outcome["zones"][:FEATURE_LINES])]
    message = _("Imported %(n)d zones from %(file)s.", n=outcome["imported"], file=staged.filename)
    if outcome.get("updated"):
        message = _("Imported %(created)d new zones and updated %(updated)d recorded ones from %(file)s.", created=outcome["created"],
                    updated=outcome["updated"], file=staged.filename)
    return target, [(message, "success")]


def _outcome(report) -> dict:
    if layers.is_layer_report(report):
        return {"imported": report.imported, "layer": True, "zones": report.created_ids}
    return {"imported": report.imported, "created": len(report.created_ids), "updated": len(report.updated_ids)}


KIND = add_wizard(bp, ImportKind(
    name="zones", title=_l("Import a list of zones"), fields=layers.LAYER_FIELDS, labels=layers.LAYER_LABELS,
    permit=_require_importer, run=_run, finish=_finish, outcome=_outcome, upload_form=_upload_form, read=_read, choices_of=_choices_of,
    column_extras=_column_extras, take_extras=_take_extras, columns_lead=_columns_lead,
    upload_lead=_l("Upload a province’s list of industrial clusters or parks. Next you match its columns to ours and see every problem "
                   "before anything is saved; the list is imported only when every row is correct."),
    columns_help=_l("Headers may be in Vietnamese or English, such as the field names of a department’s published list "
                    "(ten, xa, trangThai, dienTich …). Only the name is required."),
    import_button=lambda n: _("Import %(n)d zones", n=n),
    record_endpoint="zones.detail", record_argument="zone_id", record_label=_l("See the recorded zone"),
    warnings_label=_l("Warnings"), warning_label=_l("warning"),
))
