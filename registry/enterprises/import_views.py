"""Pages to import enterprise lists (the shared import wizard) and to export any filtered list."""
from __future__ import annotations

from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired

from registry.accounts.permissions import PermissionDenied, reviewed_provinces
from registry.imports.kinds import ImportKind
from registry.imports.wizard import add_wizard

from . import queries
from .exporting import export_response
from .importing import FIELD_LABELS, FIELDS, import_enterprises, report_table

bp = Blueprint("enterprise_io", __name__, url_prefix="/enterprises")


class UploadForm(FlaskForm):
    file = FileField(
        _l("List of enterprises"),
        description=_l("A CSV file (UTF-8, UTF-16 or Windows-1258; comma, semicolon or tab) or an Excel workbook (.xlsx), one enterprise per row."),
        validators=[FileRequired(_l("Choose a CSV or XLSX file.")), FileAllowed(["csv", "txt", "xlsx", "xlsm"], _l("Choose a CSV or XLSX file."))],
    )


def _require_importer(user) -> None:
    provinces = reviewed_provinces(user)
    if provinces is not None and not provinces:
        raise PermissionDenied(_l("Only province officers and administrators import enterprise lists."))


def _run(actor, parsed, filename, choices, mapping, *, dry_run):
    # Looked up at each call, so a test may stand in for import_enterprises.
    return import_enterprises(actor, parsed.table, filename, mapping, dry_run=dry_run, answers=choices.get("answers"))


def _finish(outcome: dict, staged) -> tuple[str, list[tuple[str, str]]]:
    messages = [(_("Imported %(n)d enterprises from %(file)s.", n=outcome["imported"], file=staged.filename), "success")]
    if outcome.get("flagged"):
        messages.append((_("%(n)d possible duplicates were flagged for an officer.", n=outcome["flagged"]), "warning"))
    return url_for("enterprise_io.upload"), messages


KIND = add_wizard(bp, ImportKind(
    name="enterprises", title=_l("Import a list of enterprises"), fields=FIELDS, labels=FIELD_LABELS,
    permit=_require_importer, run=_run, finish=_finish, upload_form=UploadForm,
    outcome=lambda report: {"imported": report.imported, "flagged": report.flagged},
    upload_lead=_l("Upload a CSV or Excel list. Next you match its columns to ours and see every problem before anything is saved; "
                   "the list is imported only when every row is correct."),
    columns_help=_l("Headers may be in Vietnamese or English and in any order; titles above the table are skipped. "
                    "Tax code, name and province are required."),
    columns_lead=lambda _staged: _("We recognised the columns chosen below from their headers. Check each one; columns left as “do not import” are ignored."),
    import_button=lambda n: _("Import %(n)d enterprises", n=n),
    record_endpoint="enterprises.detail", record_argument="enterprise_id", record_label=_l("See the registered record"),
    warnings_label=_l("Likely duplicates"), warning_label=_l("likely duplicate"), report_table=report_table, show_encoding=True,
))


def record_url(enterprise_id: int) -> str:
    """Link to an enterprise's page (served by the enterprises blueprint)."""
    return url_for("enterprises.detail", enterprise_id=enterprise_id)


@bp.get("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    """Export the list as filtered on the list page, as CSV for Excel or as a workbook."""
    return export_response(queries.Filters.from_args(request.args), current_user, fmt)
