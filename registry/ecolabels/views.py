"""Eco-label pages: the public register and its certificates, the verification, QR codes and the feed; the officers' writes and dashboard."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry.accounts.permissions import PermissionDenied, can, department_provinces, is_admin, require
from registry.domain_errors import Invalid
from registry.enterprises.taxcode import format_tax_code
from registry.page_cache import shared_page
from registry.places import service as places
from registry.query_args import page_args

from . import feed, import_views, queries, service
from .forms import CERTIFICATE_FIELDS, CertificateForm, DecisionForm
from .models import Scheme
from .permissions import RECORD_LABEL, WITHDRAW_LABEL
from .qr import qr_svg
from .status import IN_FORCE, Status
from .wording import EVENT_LABELS, FIELD_LABELS, SCHEME_LABELS, STATUS_LABELS

bp = Blueprint("ecolabels", __name__, url_prefix="/ecolabels")
bp.register_blueprint(import_views.bp)
MAX_LIST_PAGE = 100
DASHBOARD_DAYS = (30, 60, 90)


def _today() -> str:
    """Pages that show a status are kept per day as well as per change: a status moves with the date alone."""
    return date.today().isoformat()


@bp.app_template_global()
def ecolabel_labels() -> dict:
    return {"scheme": SCHEME_LABELS, "status": STATUS_LABELS, "event": EVENT_LABELS, "field": FIELD_LABELS}


@bp.app_template_global()
def ecolabel_badges(enterprise_ids) -> dict:
    """The certificates in force of these enterprises, by id, for their badges: one statement for a whole page, kept for the request."""
    ids = frozenset(enterprise_ids)
    kept = g.setdefault("ecolabel_badges", {})
    if ids not in kept:
        found = queries.labels_of(ids)
        kept[ids] = {key: [entry for entry in entries if entry.status in IN_FORCE] for key, entries in found.items()}
    return kept[ids]


@bp.app_template_global()
def ecolabels_of(enterprise) -> list:
    """Every certificate of one enterprise (its profile) with its status today."""
    return queries.profile_labels(enterprise)


def _may_record() -> bool:
    return can(current_user, RECORD_LABEL, None)


@bp.route("/")
@shared_page("ecolabels", "enterprises", "catalog", "places", audience=_today)
def index():
    """The register: filters by scheme, criteria set, status, province and catalog node; words of the number, product or holder."""
    filters = queries.Filters.from_args(request.args)
    page, per_page = page_args(request.args, current_app.config["PER_PAGE"], MAX_LIST_PAGE)
    results = queries.page_of(filters, current_user, page, per_page)
    return render_template("ecolabels/list.html", results=results, filters=filters, provinces=places.all_provinces(),
                           criteria=queries.criteria_codes(), may_record=_may_record())


@bp.route("/<int:certificate_id>")
@shared_page("ecolabels", "enterprises", "places", audience=_today)
def detail(certificate_id: int):
    certificate = service.visible_certificate(current_user, certificate_id)
    return render_template("ecolabels/detail.html", certificate=certificate, status=certificate.status_on(date.today()),
                           may_withdraw=can(current_user, WITHDRAW_LABEL, certificate.enterprise), form=DecisionForm(),
                           verify_url=_verify_url(certificate, external=True))


def _verify_url(certificate, *, external: bool = False) -> str:
    return url_for("ecolabels.verify", number=certificate.number, scheme=certificate.scheme, _external=external)


@bp.route("/<int:certificate_id>/qr.svg")
@shared_page("ecolabels")
def qr(certificate_id: int):
    """The QR code of the certificate's verification page, 25 mm wide, as SVG."""
    certificate = service.visible_certificate(current_user, certificate_id)
    svg = qr_svg(_verify_url(certificate, external=True), _("Verify eco-label certificate %(number)s", number=certificate.number))
    return Response(svg, mimetype="image/svg+xml")


@bp.route("/<int:certificate_id>/label")
@shared_page("ecolabels", "enterprises", audience=_today)
def label(certificate_id: int):
    """A page to print the QR code at label size, with the number and the address it opens."""
    certificate = service.visible_certificate(current_user, certificate_id)
    return render_template("ecolabels/label.html", certificate=certificate, verify_url=_verify_url(certificate, external=True))


@bp.route("/verify")
def verify():
    """Is certificate N of scheme S valid today? The answer, or what is wrong with the question; never cached, rate-limited."""
    asked = "number" in request.args
    verdict, errors = None, {}
    if asked:
        try:
            verdict = queries.verify(request.args.get("number"), request.args.get("scheme"))
        except Invalid as error:
            errors = error.errors
    number = (request.args.get("number") or "")[:queries.MAX_NUMBER]
    return render_template("ecolabels/verify.html", verdict=verdict, errors=errors, number=number,
                           scheme=request.args.get("scheme") or "", today=date.today()), 422 if errors else 200


@bp.route("/feed.atom")
@shared_page("ecolabels", "enterprises")
def atom():
    """The register's changes as an Atom feed: certificates recorded, suspended, reinstated and revoked."""
    shown = feed.entries()
    return Response(render_template("ecolabels/feed.xml", entries=shown, updated=feed.updated(shown)),
                    mimetype="application/atom+xml")


def _province_choices() -> list[tuple[str, str]]:
    own = department_provinces(current_user)
    return [(p.code, p.name_vi) for p in places.all_provinces() if is_admin(current_user) or p.code in own]


def _show_errors(form, error) -> None:
    for name, messages in error.errors.items():
        target = form[name] if name in form else form.number
        target.errors = list(target.errors or []) + [str(m) for m in messages]


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """Record a certificate; a holder the registry lacks may be registered here as a pending enterprise."""
    if not _may_record():
        raise PermissionDenied()
    form = CertificateForm()
    form.holder_province.choices = _province_choices()
    unknown = None
    if form.validate_on_submit():
        values = {name: form[name].data for name in CERTIFICATE_FIELDS}
        try:
            if form.create_holder.data:
                holder = {"holder_name": form.holder_name.data, "holder_province": form.holder_province.data or ""}
                certificate = service.record_with_new_holder(current_user, {**values, **holder})
            else:
                certificate = service.record_certificate(current_user, values)
        except service.CertificateError as error:
            unknown = error.unknown_holder
            _show_errors(form, error)
        except Invalid as error:
            _show_errors(form, error)
        else:
            flash(_("The certificate %(number)s has been recorded.", number=certificate.number), "success")
            return redirect(url_for(".detail", certificate_id=certificate.id))
        return render_template("ecolabels/form.html", form=form, unknown=unknown and format_tax_code(unknown)), 422
    return render_template("ecolabels/form.html", form=form, unknown=None)


@bp.post("/<int:certificate_id>/<any(suspend, reinstate, revoke):decision>")
@login_required
def decide(certificate_id: int, decision: str):
    """Suspend, reinstate or revoke a certificate with the date, reason and deciding document."""
    certificate = service.visible_certificate(current_user, certificate_id)
    require(current_user, WITHDRAW_LABEL, certificate.enterprise)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("The form had expired; try again."), "error")
        return redirect(url_for(".detail", certificate_id=certificate.id))
    values = {"effective_on": form.effective_on.data, "reason": form.reason.data, "document": form.document.data}
    try:
        service.DECISIONS[decision](current_user, certificate, values)
    except Invalid as error:
        for message in error.messages():
            flash(message, "error")
        return redirect(url_for(".detail", certificate_id=certificate.id))
    flash({"suspend": _("The certificate is suspended."), "reinstate": _("The certificate is reinstated."),
           "revoke": _("The certificate is revoked.")}[decision], "success")
    return redirect(url_for(".detail", certificate_id=certificate.id))


@bp.route("/expiring")
@login_required
def dashboard():
    """The certificates of one's provinces that end within 30, 60 and 90 days."""
    if not _may_record():
        raise PermissionDenied()
    soon = queries.expiring_within(current_user, max(DASHBOARD_DAYS))
    today = date.today()
    bands = [(days, [entry for entry in soon if (entry.certificate.valid_until - today).days <= days
                     and (days == DASHBOARD_DAYS[0] or (entry.certificate.valid_until - today).days > DASHBOARD_DAYS[DASHBOARD_DAYS.index(days) - 1])])
             for days in DASHBOARD_DAYS]
    return render_template("ecolabels/dashboard.html", bands=bands, today=today)


STATUSES = [s.value for s in Status]
SCHEMES = [s.value for s in Scheme]


def ecolabel_facet() -> list[tuple[str, str]]:
    """The enterprise list's "Eco-label" facet: holders of a certificate in force, of any scheme, then per scheme."""
    return [("any", _("Eco-labelled")), *((s.value, str(SCHEME_LABELS[s])) for s in Scheme)]
