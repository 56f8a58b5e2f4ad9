"""Pages to import enterprise lists (upload, match columns, preview, commit) and to export any filtered list."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectChoice, SelectField

from registry.accounts.permissions import PermissionDenied, reviewed_provinces
from registry.tabular import TableError, csv_chunks, read_table, suggest_mapping
from registry.tabular import staging
from registry.tabular.staging import import_limit
from registry.transactions import discard

from . import queries
from .exporting import export_response
from .importing import FIELD_LABELS, FIELDS, import_enterprises, report_table

bp = Blueprint("enterprise_io", __name__, url_prefix="/enterprises")
PREVIEW_LIMIT = 500


class UploadForm(FlaskForm):
    file = FileField(
        _l("List of enterprises"),
        description=_l("A CSV file (UTF-8, UTF-16 or Windows-1258; comma, semicolon or tab) or an Excel workbook (.xlsx), one enterprise per row."),
        validators=[FileRequired(_l("Choose a CSV or XLSX file.")), FileAllowed(["csv", "txt", "xlsx", "xlsm"], _l("Choose a CSV or XLSX file."))],
    )


class ConfirmForm(FlaskForm):
    """Only the CSRF token: the import itself is decided by the staged file and mapping."""


def _mapping_form(header: list[str], mapping: dict[str, str]) -> FlaskForm:
    """Build a form with one select per file column, our fields as choices, pre-filled with `mapping`."""

    class MappingForm(FlaskForm):
        pass

    choices = [SelectChoice("", _("— do not import —"))] + [SelectChoice(name, str(label)) for name, label in FIELD_LABELS.items()]
    for index, name in enumerate(header):
        setattr(MappingForm, f"column_{index}", SelectField(name, choices=choices, default=mapping.get(name, "")))
    return MappingForm()


def _staging_folder() -> Path:
    return Path(current_app.instance_path) / "imports"


def _require_importer() -> None:
    provinces = reviewed_provinces(current_user)
    if provinces is not None and not provinces:
        raise PermissionDenied(_l("Only province officers and administrators import enterprise lists."))


def _staged_or_404(token: str) -> staging.StagedFile:
    _require_importer()
    staged = staging.load(_staging_folder(), token, current_user.id)
    if staged is None:
        abort(404)
    return staged


@bp.route("/import", methods=["GET", "POST"])
@login_required
def upload():
    """Ask for the file; keep it under a random token for the next steps."""
    _require_importer()
    form = UploadForm()
    if form.validate_on_submit():
        data = form.file.data.read(import_limit() + 1)
        filename = Path(form.file.data.filename or "").name
        if len(data) > import_limit():
            form.file.errors.append(_("The file is larger than %(mb)d MB; split the list into smaller files.", mb=import_limit() // 2**20))
        else:
            try:
                table = read_table(data, filename)
            except TableError as error:
                form.file.errors.append(str(error.message))
            else:
                staged = staging.stage(_staging_folder(), current_user.id, filename, data)
                staged.mapping = suggest_mapping(table.header, FIELDS)
                staged.save()
                return redirect(url_for(".columns", token=staged.token))
    return render_template("enterprises/import_upload.html", form=form, fields=FIELD_LABELS)


@bp.route("/import/<token>/columns", methods=["GET", "POST"])
@login_required
def columns(token: str):
    """Match each file column to one of our fields, starting from the recognised headers."""
    staged = _staged_or_404(token)
    table = read_table(staged.read(), staged.filename)
    form = _mapping_form(table.header, staged.mapping)
    if form.validate_on_submit():
        # "" is kept: a column the user chose not to import must not be matched again by its header.
        staged.mapping = {name: form[f"column_{i}"].data or "" for i, name in enumerate(table.header)}
        staged.save()
        return redirect(url_for(".preview", token=token))
    selects = [form[f"column_{i}"] for i in range(len(table.header))]
    samples = table.samples()
    return render_template("enterprises/import_columns.html", form=form, staged=staged, table=table, selects=selects, samples=samples)


@bp.get("/import/<token>/preview")
@login_required
def preview(token: str):
    """Check every row without writing, and show what would be imported and what is wrong."""
    staged = _staged_or_404(token)
    report = import_enterprises(current_user, staged.read(), staged.filename, staged.mapping, dry_run=True)
    return render_template("enterprises/import_preview.html", report=report, staged=staged, form=ConfirmForm(),
                           limit=PREVIEW_LIMIT)


@bp.post("/import/<token>/commit")
@login_required
def commit(token: str):
    """Import every row, or none when any row is bad."""
    staged = _staged_or_404(token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    report = import_enterprises(current_user, staged.read(), staged.filename, staged.mapping, dry_run=False)
    if not report.imported:
        discard()
        flash(_("Nothing was imported: %(n)d problem(s) were found. Correct the file and upload it again.", n=len(report.errors)), "error")
        return redirect(url_for(".preview", token=token))
    staged.discard()
    flash(_("Imported %(n)d enterprises from %(file)s.", n=report.imported, file=staged.filename), "success")
    if report.flagged:
        flash(_("%(n)d possible duplicates were flagged for an officer.", n=report.flagged), "warning")
    return redirect(url_for(".upload"))


@bp.get("/import/<token>/report.csv")
@login_required
def report(token: str):
    """Download every bad row and column, and the likely duplicates, as CSV."""
    staged = _staged_or_404(token)
    result = import_enterprises(current_user, staged.read(), staged.filename, staged.mapping, dry_run=True)
    header, rows = report_table(result, lambda id_: request.host_url.rstrip("/") + record_url(id_))
    name = Path(staged.filename).stem or "import"
    return Response(csv_chunks(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{_ascii(name)}-report.csv"'})


def record_url(enterprise_id: int) -> str:
    """Link to an enterprise's page (served by the enterprises blueprint)."""
    return url_for("enterprises.detail", enterprise_id=enterprise_id)


def _ascii(name: str) -> str:
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in name)[:80] or "import"


@bp.get("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    """Export the list as filtered on the list page, as CSV for Excel or as a workbook."""
    return export_response(queries.Filters.from_args(request.args), current_user, fmt)
