"""Pages to import a province's list of zones: upload, match the columns, check every row, import all or nothing."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import maps
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField

from registry.accounts.permissions import PermissionDenied, reviewed_provinces
from registry.places import service as places
from registry.tabular import TableError, staging
from registry.tabular.staging import import_limit
from registry.transactions import discard

from .forms import STATUS_LABELS, ConfirmForm, ImportUploadForm
from .importing import FIELD_LABELS, ImportChoices, import_zones, resolve_mapping
from .import_reading import read_zone_table

bp = Blueprint("imports", __name__)
PREVIEW_LIMIT = 500


def _folder() -> Path:
    return Path(current_app.instance_path) / "imports" / "zones"


def _require_importer() -> None:
    provinces = reviewed_provinces(current_user)
    if provinces is not None and not provinces:
        raise PermissionDenied(_("Only province officers and administrators import lists of zones."))


def _staged_or_404(token: str) -> tuple[staging.StagedFile, ImportChoices]:
    _require_importer()
    staged = staging.load(_folder(), token, current_user.id)
    if staged is None:
        abort(404)
    try:
        choices = ImportChoices(**json.loads((_folder() / f"{token}.choices.json").read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        abort(404)
    return staged, choices


def _save_choices(staged: staging.StagedFile, choices: ImportChoices) -> None:
    (_folder() / f"{staged.token}.choices.json").write_text(json.dumps(asdict(choices), ensure_ascii=False), encoding="utf-8")


@bp.route("/import", methods=["GET", "POST"])
@login_required
def upload():
    """Ask for the file and what it does not say (province, default kind, coordinate system)."""
    _require_importer()
    form = ImportUploadForm()
    form.province_code.choices = [SelectChoice("", _("Given by a column of the file"))] + [SelectChoice(p.code, p.name_vi) for p in places.all_provinces()]
    form.crs.choices = [SelectChoice(c.code, f"{c.name} ({c.code})") for c in maps.crs_choices()]
    if form.validate_on_submit():
        data = form.file.data.read(import_limit() + 1)
        filename = Path(form.file.data.filename or "").name or "upload"
        if len(data) > import_limit():
            form.file.errors.append(_("The file is larger than %(mb)d MB; split the list into smaller files.", mb=import_limit() // 2**20))
        else:
            try:
                table, _lists = read_zone_table(data, filename)
            except TableError as error:
                form.file.errors.append(str(error.message))
            else:
                staged = staging.stage(_folder(), current_user.id, filename, data)
                staged.mapping = resolve_mapping(table.header, None)
                staged.save()
                _save_choices(staged, ImportChoices(form.province_code.data, form.kind.data, crs=form.crs.data or "EPSG:4326"))
                return redirect(url_for(".columns", token=staged.token))
    return render_template("zones/import_upload.html", form=form, fields=FIELD_LABELS)


def _mapping_form(header: list[str], mapping: dict[str, str], lists: list[str], choices: ImportChoices) -> FlaskForm:
    """Build a form with one select per file column, plus the list to read and the status rows without one get."""

    class MappingForm(FlaskForm):
        pass

    options = [SelectChoice("", _("— do not import —"))] + [SelectChoice(name, str(label)) for name, label in FIELD_LABELS.items()]
    for index, name in enumerate(header):
        setattr(MappingForm, f"column_{index}", SelectField(name, choices=options, default=mapping.get(name, "")))
    if len(lists) > 1:
        MappingForm.list_key = SelectField(_("List in the file"), choices=lists, default=choices.list_key or lists[0])
    MappingForm.status = SelectField(_("Status, where a row gives none"), choices=[SelectChoice(k.value, v) for k, v in STATUS_LABELS.items()],
                                     default=choices.status)
    return MappingForm()


@bp.route("/import/<token>/columns", methods=["GET", "POST"])
@login_required
def columns(token: str):
    """Match each file column to one of our fields, starting from the recognised headers."""
    staged, choices = _staged_or_404(token)
    table, lists = read_zone_table(staged.read(), staged.filename, choices.list_key)
    form = _mapping_form(table.header, staged.mapping, lists, choices)
    if form.validate_on_submit():
        chosen_list = form.list_key.data if "list_key" in form else None
        _save_choices(staged, ImportChoices(choices.province_code, choices.kind, form.status.data, choices.crs, chosen_list))
        if chosen_list != choices.list_key:
            # Another list has other columns: match them afresh.
            staged.mapping = resolve_mapping(read_zone_table(staged.read(), staged.filename, chosen_list)[0].header, None)
            staged.save()
            return redirect(url_for(".columns", token=token))
        staged.mapping = {name: form[f"column_{i}"].data or "" for i, name in enumerate(table.header)}
        staged.save()
        return redirect(url_for(".preview", token=token))
    selects = [form[f"column_{i}"] for i in range(len(table.header))]
    samples = table.samples()
    return render_template("zones/import_columns.html", form=form, staged=staged, table=table, selects=selects, samples=samples,
                           province=places.get_province(choices.province_code) if choices.province_code else None)


@bp.get("/import/<token>/preview")
@login_required
def preview(token: str):
    """Check every row without writing, and show what would be imported and what is wrong."""
    staged, choices = _staged_or_404(token)
    report = import_zones(current_user, staged.read(), staged.filename, choices, staged.mapping, dry_run=True)
    return render_template("zones/import_preview.html", report=report, staged=staged, form=ConfirmForm(), limit=PREVIEW_LIMIT)


@bp.post("/import/<token>/commit")
@login_required
def commit(token: str):
    """Import every row, or none when any row is bad."""
    staged, choices = _staged_or_404(token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    report = import_zones(current_user, staged.read(), staged.filename, choices, staged.mapping, dry_run=False)
    if not report.imported:
        discard()
        flash(_("Nothing was imported: %(n)d problem(s) were found. Correct the file and upload it again.", n=len(report.errors)), "error")
        return redirect(url_for(".preview", token=token))
    staged.discard()
    (_folder() / f"{token}.choices.json").unlink(missing_ok=True)
    flash(_("Imported %(n)d zones from %(file)s.", n=report.imported, file=staged.filename), "success")
    return redirect(url_for("zones.index", province=choices.province_code, sort="name"))
