"""Enterprise pages: browse and search, a profile, register, claim, edit, and the representative's dashboard."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from registry.accounts import service as accounts
from registry.accounts.permissions import can, require, reviewed_provinces
from registry.catalog import service as catalog
from registry.i18n import with_words_written_in
from registry.inputs import form_version
from registry.ecolabels.views import ecolabel_facet
from registry.mapping.embed import enterprise_map
from registry.page_cache import shared_page
from registry.places import service as places
from registry.places import successors
from registry.enterprises.index import highlight

from . import queries, registration, service
from .changes import pending_changes_of
from .placement import province_check
from .forms import FIELD_LABELS, RELATION_LABELS, SIZE_LABELS, STATUS_LABELS, ClaimForm, ProfileForm, RegistrationForm
from .models import Decision, Enterprise, Status
from .permissions import EDIT_ENTERPRISE, REVIEW_ENTERPRISE

bp = Blueprint("enterprises", __name__, url_prefix="/enterprises")
PER_PAGE = 20


@bp.app_template_global()
def enterprise_labels() -> dict:
    return {"size": SIZE_LABELS, "relation": RELATION_LABELS, "status": STATUS_LABELS, "field": FIELD_LABELS}


@bp.app_template_global()
def reviews_enterprises() -> bool:
    """Tell the layout whether to offer the review queue."""
    provinces = reviewed_provinces(current_user)
    return provinces is None or bool(provinces)


@bp.app_template_filter("highlight")
def _highlight(value, query):
    return highlight(value, query)


@bp.route("/")
@shared_page("enterprises", "zones", "catalog", "places", "ecolabels")
def browse():
    """List enterprises with facets, sorting and pages; one box searches names, tax codes and items."""
    filters = queries.Filters.from_args(request.args)
    page = request.args.get("page", 1, type=int)
    results = queries.page_of(filters, current_user, max(page, 1), PER_PAGE)
    fragment = bool(request.args.get("fragment"))
    facets = {} if fragment else queries.facet_counts(filters, current_user)
    return render_template(
        "enterprises/_results.html" if fragment else "enterprises/list.html",
        filters=filters,
        results=results,
        facets=facets,
        facet_options=[] if fragment else _facet_options(filters, facets),
        statuses=list(Status) if reviews_enterprises() else [],
    )


def _facet_options(filters: queries.Filters, facets: dict) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """List each facet's title, filter name and (value, label) options in the user's language."""
    locale = str(get_locale())
    version = catalog.current_version()
    groups = [n for n in catalog.nodes_of(version) if n.parent_id is None] if version else []
    chosen = queries.catalog_node(filters.catalog)
    if chosen is not None and chosen.parent_id is not None:
        groups.append(chosen)
    return [
        (_("Province"), "province", [(p.code, p.name(locale)) for p in places.all_provinces()]),
        (_("Catalog group"), "catalog", [(n.code, f"{n.code} {n.name(locale)}") for n in groups]),
        (_("Relation to the item"), "relation", [(k.value, str(v)) for k, v in RELATION_LABELS.items()]),
        (_("Size"), "size", [(k.value, str(v)) for k, v in SIZE_LABELS.items()]),
        (_("Zone"), "zone", _zone_options(facets.get("zone", {}), filters.zone, locale)),
        (_("Eco-label"), "ecolabel", ecolabel_facet()),
    ]


def _zone_options(counts: dict[str, int], chosen: str, locale: str) -> list[tuple[str, str]]:
    """Offer the zones that hold matching enterprises (and the chosen one), most populated first."""
    wanted = sorted(counts, key=lambda key: -counts[key])[:30] + ([chosen] if chosen else [])
    zones = {str(z.id): z for z in queries.zones_by_id([int(k) for k in wanted if k.isdigit()])}
    return [(key, zones[key].name(locale)) for key in dict.fromkeys(wanted) if key in zones]


def _viewable(enterprise):
    if enterprise is None:
        abort(404)
    if not service.visible_to(current_user, enterprise):
        abort(404)
    return enterprise


@bp.route("/<int:enterprise_id>")
@shared_page("enterprises", "zones", "catalog", "places", "ecolabels", "incubators")
def detail(enterprise_id: int):
    """Show one enterprise: identity, location, catalog items, certificates and status.

    The record comes as plain rows (`queries.profile`), which the permission rules read as they
    read a model.
    """
    enterprise = queries.profile(enterprise_id)
    if enterprise is not None and enterprise.status == Status.MERGED and enterprise.merged_into_id:
        return redirect(url_for(".detail", enterprise_id=enterprise.merged_into_id), 301)
    enterprise = _viewable(enterprise)
    may_edit = can(current_user, EDIT_ENTERPRISE, enterprise)
    return render_template(
        with_words_written_in("enterprises/detail.html"),
        enterprise=enterprise,
        may_edit=may_edit,
        may_review=can(current_user, REVIEW_ENTERPRISE, enterprise),
        changes=pending_changes_of(enterprise) if may_edit else [],
        merged=enterprise.merged,
        map_parts=enterprise_map(enterprise),
        # Shown to those who may correct the point; visitors' profiles stay at their few statements.
        location_check=province_check(enterprise) if may_edit else None,
    )


def _province_choices():
    return [SelectChoice("", _("Choose a province"))] + [SelectChoice(p.code, p.name_vi) for p in places.all_provinces()]


def _catalog_leaves():
    version = catalog.current_version()
    return [n for n in catalog.nodes_of(version) if n.kind] if version else []


def _values_from(form: ProfileForm) -> dict:
    """Turn the submitted form into the service's input, resolving a commune given by name."""
    values = {name: form[name].data for name in (
        "tax_code", "name_vi", "name_en", "short_name", "province_code", "address", "latitude", "longitude",
        "size_class", "founded_year", "staff", "website", "email", "phone", "contact_name", "description", "national_brand",
    )}
    values["commune_code"] = places.commune_code_for(form.province_code.data, form.commune.data)
    values["commune_successor"] = request.form.get("commune_successor", "")
    values["items"] = [
        {"code": key.removeprefix("item-"), "relation": relation}
        for key, relation in request.form.items()
        if key.startswith("item-") and relation
    ]
    values["certificates"] = [entry.data for entry in form.certificates.entries if (entry.data.get("name") or "").strip()]
    return values


def _show_errors(form: ProfileForm, error: service.EnterpriseError) -> None:
    targets = {"commune_code": "commune", "items": None, "certificates": None}
    for field, messages in error.errors.items():
        name = targets.get(field, field)
        if name and name in form:
            form[name].errors = list(form[name].errors or []) + [str(m) for m in messages]
        else:
            for message in messages:
                flash(str(message), "error")


def _fill_form(form: ProfileForm, enterprise: Enterprise) -> None:
    for name in ("tax_code", "name_vi", "name_en", "short_name", "province_code", "address", "latitude", "longitude",
                 "founded_year", "staff", "website", "email", "phone", "contact_name", "description", "national_brand"):
        value = getattr(enterprise, name)
        form[name].data = enterprise.tax_code_display if name == "tax_code" else ("" if value is None else value)
    form.size_class.data = enterprise.size_class.value if enterprise.size_class else ""
    form.commune.data = enterprise.commune.name_vi if enterprise.commune else ""
    form.version.data = str(enterprise.version)
    while len(form.certificates.entries) < len(enterprise.certificates) + 1:
        form.certificates.append_entry()
    for entry, certificate in zip(form.certificates.entries, enterprise.certificates):
        entry.form.process(None, obj=certificate)


def _render_form(template: str, form, enterprise=None, status=200, **context):
    chosen = {key.removeprefix("item-"): value for key, value in request.form.items() if key.startswith("item-")}
    if enterprise is not None and request.method == "GET":
        chosen = {link.node.code: link.relation.value for link in enterprise.items}
    form.province_code.choices = _province_choices()
    return render_template(template, form=form, enterprise=enterprise, leaves=_catalog_leaves(), chosen=chosen,
                           communes=places.communes_of_code(form.province_code.data), successors=_successors_offered(form),
                           chosen_successor=request.form.get("commune_successor", ""), **context), status


def _successors_offered(form) -> list:
    """The 2025 communes a pre-2025 commune typed in the form became, to choose from; [] for a commune of today."""
    if request.method != "POST" or not form.commune.data or not form.commune.errors:
        return []
    code = places.normalize_code(form.province_code.data, 2)
    typed = places.commune_code_for(code, form.commune.data)
    return successors.successors_of(code, typed) if typed == form.commune.data.strip() else []


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """Record an enterprise directly, as an officer of its province; it is published at once."""
    form = ProfileForm()
    form.province_code.choices = _province_choices()
    if form.validate_on_submit():
        try:
            enterprise = service.create_enterprise(current_user, _values_from(form), source="officer")
        except service.EnterpriseError as error:
            _show_errors(form, error)
            return _render_form("enterprises/form.html", form, status=422, existing=error.existing)
        flash(_("The enterprise has been recorded and published."), "success")
        return redirect(url_for(".detail", enterprise_id=enterprise.id))
    return _render_form("enterprises/form.html", form, existing=None)


@bp.route("/<int:enterprise_id>/edit", methods=["GET", "POST"])
@login_required
def edit(enterprise_id: int):
    """Change a profile; a representative's change to a published profile goes to the officer's queue."""
    enterprise = _viewable(service.get_enterprise(enterprise_id))
    require(current_user, EDIT_ENTERPRISE, enterprise)
    form = ProfileForm()
    form.province_code.choices = _province_choices()
    if request.method == "GET":
        _fill_form(form, enterprise)
    elif form.validate_on_submit():
        try:
            outcome = service.update_enterprise(
                current_user, enterprise, _values_from(form), expected_version=form_version(form.version.data)
            )
        except service.EditConflict:
            fresh = service.get_enterprise(enterprise_id)
            return render_template("enterprises/conflict.html", enterprise=fresh, submitted=_values_from(form)), 409
        except service.EnterpriseError as error:
            _show_errors(form, error)
            return _render_form("enterprises/form.html", form, enterprise, status=422, existing=error.existing)
        if outcome is enterprise:
            flash(_("The profile has been saved."), "success")
        else:
            flash(_("Your changes wait for review by the Department of Industry and Trade; the profile shows the approved values until then."), "success")
        return redirect(url_for(".detail", enterprise_id=enterprise.id))
    return _render_form("enterprises/form.html", form, enterprise, existing=None)


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Register an enterprise and, for a visitor, the representative's account; the profile waits for review.

    A visitor is told to sign in afterwards whether or not the e-mail address already had an
    account (then nothing is stored), so the page never reveals which addresses have one.
    """
    form = RegistrationForm() if not current_user.is_authenticated else ProfileForm()
    form.province_code.choices = _province_choices()
    if form.validate_on_submit():
        values = _values_from(form)
        visitor = not current_user.is_authenticated
        try:
            enterprise = registration.register(
                values, user=None if visitor else current_user,
                account=registration.NewAccount(form.account_email.data, form.password.data, form.account_name.data) if visitor else None,
            )
        except accounts.AccountError as error:
            target = {"email": "account_email", "password": "password"}.get(error.field, error.field)
            form[target].errors = list(form[target].errors or []) + [str(error.message)]
            return _render_form("enterprises/register.html", form, status=422, existing=None)
        except service.EnterpriseError as error:
            _show_errors(form, error)
            return _render_form("enterprises/register.html", form, status=422, existing=error.existing)
        if visitor:
            flash(_("Thank you. Sign in with the e-mail address and password you gave to follow the review of %(name)s. "
                    "If that address already had an account, sign in with it and register the enterprise from there.",
                    name=values["name_vi"]), "success")
            return redirect(url_for("accounts.sign_in", next=url_for(".mine")))
        flash(_("Thank you. The profile of %(name)s waits for review by the Department of Industry and Trade of its province.", name=enterprise.name_vi), "success")
        return redirect(url_for(".mine"))
    return _render_form("enterprises/register.html", form, existing=None)


@bp.route("/claim", methods=["GET", "POST"])
@login_required
def claim():
    """Ask to represent an enterprise already in the registry."""
    from .review import claim as submit_claim

    form = ClaimForm()
    if form.validate_on_submit():
        try:
            request_ = submit_claim(current_user, form.tax_code.data, form.message.data)
        except service.EnterpriseError as error:
            form.tax_code.errors = [str(m) for m in error.errors["tax_code"]]
            return render_template("enterprises/claim.html", form=form), 422
        flash(_("Your claim on %(name)s waits for an officer of its province.", name=request_.enterprise.name_vi), "success")
        return redirect(url_for(".mine"))
    return render_template("enterprises/claim.html", form=form)


@bp.route("/mine")
@login_required
def mine():
    """Show the representative's enterprises, with review outcomes and pending requests."""
    enterprises = service.represented_enterprises(current_user)
    claims = queries.claims_of(current_user)
    return render_template(
        "enterprises/mine.html",
        enterprises=enterprises,
        changes={e.id: pending_changes_of(e) for e in enterprises},
        claims=claims,
        Decision=Decision,
    )
