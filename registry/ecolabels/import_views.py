"""Pages to load a list of certificates through the shared import wizard: upload, match the columns, check, import all or nothing."""
from __future__ import annotations

from flask import Blueprint, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.accounts.permissions import PermissionDenied, can
from registry.imports.kinds import ImportKind
from registry.imports.wizard import add_wizard

from .forms import UploadForm
from .importing import FIELDS, LABELS, import_certificates
from .permissions import RECORD_LABEL

bp = Blueprint("import", __name__)


def _require_keeper(user) -> None:
    if not can(user, RECORD_LABEL, None):
        raise PermissionDenied(_l("Only officers of a provincial Department and administrators load certificates."))


def _run(actor, parsed, filename, choices, mapping, *, dry_run):
    return import_certificates(actor, parsed.table, filename, mapping, choices, dry_run=dry_run)


def _finish(outcome: dict, staged) -> tuple[str, list[tuple[str, str]]]:
    message = _("Recorded %(created)d certificates from %(file)s.", created=outcome["created"], file=staged.filename)
    return url_for("ecolabels.index"), [(message, "success")]


KIND = add_wizard(bp, ImportKind(
    name="ecolabels", title=_l("Load a list of eco-label certificates"), fields=FIELDS, labels=LABELS,
    permit=_require_keeper, run=_run, finish=_finish, upload_form=UploadForm,
    outcome=lambda report: {"imported": report.imported, "created": len(report.created_ids)},
    upload_lead=_l("Upload the certificates of a list (the ministry's published list, for one). Next you match its columns to ours "
                   "and see every problem before anything is saved; the list is recorded only when every row is correct."),
    columns_help=_l("One certificate per row: scheme, number, criteria set, product, the holder's tax code and the date of issue "
                    "(YYYY-MM-DD or DD/MM/YYYY); the validity end defaults to 36 months after issue."),
    columns_lead=lambda _staged: _("We recognised the columns chosen below from their headers. Check each one; columns left as “do not import” are ignored."),
    import_button=lambda n: _("Record %(n)d certificates", n=n),
    record_endpoint="ecolabels.detail", record_argument="certificate_id", record_label=_l("See the certificate"),
    warnings_label=_l("Warnings"), warning_label=_l("warning"),
))
