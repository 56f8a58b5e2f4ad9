"""Pages to load a commune difficulty list through the shared import wizard: upload, match the columns, check, import all or nothing."""
from __future__ import annotations

from flask import Blueprint, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.accounts.permissions import PermissionDenied, can
from registry.imports.kinds import ImportKind
from registry.imports.wizard import add_wizard

from .communes import FIELDS, LABELS, import_communes
from .forms import CommuneUploadForm
from .permissions import IMPORT_COMMUNES

bp = Blueprint("communes", __name__, url_prefix="/communes")


def _require_importer(user) -> None:
    if not can(user, IMPORT_COMMUNES, None):
        raise PermissionDenied(_l("Only officers of a provincial Department and administrators load commune lists."))


def _run(actor, parsed, filename, _choices, mapping, *, dry_run):
    return import_communes(actor, parsed.table, filename, mapping, dry_run=dry_run)


def _finish(outcome: dict, staged) -> tuple[str, list[tuple[str, str]]]:
    message = _("Loaded %(created)d new commune listings and updated %(updated)d from %(file)s.", created=outcome["created"],
                updated=outcome["updated"], file=staged.filename)
    return url_for("incentives.communes_list"), [(message, "success")]


KIND = add_wizard(bp, ImportKind(
    name="communes-difficulty", title=_l("Load a list of difficult communes"), fields=FIELDS, labels=LABELS,
    permit=_require_importer, run=_run, finish=_finish, upload_form=CommuneUploadForm,
    outcome=lambda report: {"imported": report.imported, "created": len(report.created_ids), "updated": len(report.updated_ids)},
    upload_lead=_l("Upload the communes a decision lists as especially difficult (ĐBKK) or difficult (KK). Next you match its columns "
                   "to ours and see every problem before anything is saved; the list is loaded only when every row is correct."),
    columns_help=_l("One commune per row: its 5-digit code, the level, the decision's number and the dates it is in force "
                    "(YYYY-MM-DD or DD/MM/YYYY)."),
    columns_lead=lambda _staged: _("We recognised the columns chosen below from their headers. Check each one; columns left as “do not import” are ignored."),
    import_button=lambda n: _("Load %(n)d communes", n=n),
    record_endpoint="incentives.detail", record_argument="policy_id", record_label=_l("See the policy"),
    warnings_label=_l("Warnings"), warning_label=_l("warning"),
))
