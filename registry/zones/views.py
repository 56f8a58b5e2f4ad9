"""Zone pages: the list, a zone, a new zone and the board's editing of its figures.

Boundary uploads and list imports are nested blueprints (boundary_views, import_views) under /zones.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from registry.accounts.permissions import can, require, reviewed_provinces
from registry.audit.models import utcnow
from registry.enterprises import queries as enterprise_queries
from registry.extensions import db
from registry.i18n import locale_code
from registry.inputs import form_version
from registry.mapping.zone_maps import zone_map
from registry.page_cache import shared_page
from registry.places import service as places
from registry.query_args import page_args

from . import boundaries, boundary_views, import_views, queries, service
from .forms import FIELD_LABELS, FIGURE_FIELDS, KIND_LABELS, STATUS_LABELS, NewZoneForm, ZoneForm
from .messages import describe_source, entered_source
from .models import Zone
from .permissions import EDIT_ZONE
from .queries import ZoneFilters

bp = Blueprint("zones", __name__, url_prefix="/zones")
MAX_LIST_PAGE = 200  # zones on one page of the list at most
bp.register_blueprint(boundary_views.bp)
bp.register_blueprint(import_views.bp)


@bp.app_template_global()
def zone_labels() -> dict:
    return {"kind": KIND_LABELS, "status": STATUS_LABELS, "field": FIELD_LABELS}


@bp.route("/")
@shared_page("zones", "places")
def index():
    """List zones a page at a time with their land and infrastructure, filtered by words, province, kind, status and free land."""
    filters = ZoneFilters.from_args(request.args)
    page, per_page = page_args(request.args, current_app.config["PER_PAGE"], MAX_LIST_PAGE)
    results = queries.page_of(filters, page, per_page, locale=locale_code())
    # Page links keep the filters, the order and a page size other than the default.
    keep = {"per_page": str(per_page)} if per_page != current_app.config["PER_PAGE"] else {}
    return render_template("zones/list.html", zones=results.items, results=results, filters=filters, keep=keep,
                           provinces=places.all_provinces(), may_create=_may_create(), may_import=_may_create())


def _may_create() -> bool:
    provinces = reviewed_provinces(current_user)
    return provinces is None or bool(provinces)


@bp.route("/<int:zone_id>")
@shared_page("zones", "enterprises", "places", "organizations")
def detail(zone_id: int):
    """Show a zone: figures with their sources, infrastructure, sub-zones, enterprises, boundary versions and a map."""
    zone = db.get_or_404(Zone, zone_id)
    children = queries.listed(ZoneFilters(parent=zone.id, sort="name"))
    enterprises = enterprise_queries.page_of(enterprise_queries.Filters(zone=str(zone.id)), current_user, 1, 20)
    may_edit = can(current_user, EDIT_ZONE, zone)
    return render_template(
        "zones/detail.html", zone=zone, children=children, enterprises=enterprises, versions=boundaries.versions_of(zone),
        may_edit=may_edit, source_of=_source_of(zone),
        communes=[places.get_commune(code) for code in zone.commune_codes or []], map_parts=zone_map(zone, children),
    )


def _source_of(zone: Zone):
    """Return a lookup from a figure's field to its source entry ({"source", "confidence"}), or None."""
    aliases = {"decision_date": "decision_number", "latitude": "location", "longitude": "location", "occupancy": "leased_ha"}

    def lookup(name: str) -> dict | None:
        sources = zone.sources or {}
        entry = sources.get(name) or sources.get(aliases.get(name, ""))
        if not entry:
            return None
        # Reference data carries its sources in both languages.
        written = (entry.get("source_en") if locale_code() == "en" else None) or entry.get("source") or ""
        return {**entry, "source": describe_source(written)}

    return lookup


def _form_values(form: ZoneForm, province_code: str) -> dict:
    """Turn the submitted form into the service's input, resolving communes given by name."""
    names = [part.strip() for part in (form.commune_codes.data or "").replace(",", ";").split(";") if part.strip()]
    values = {name: form[name].data for name in FIGURE_FIELDS}
    values["commune_codes"] = [places.commune_code_for(province_code, name) for name in names]
    values["province_code"] = province_code
    return values


def _fill(form: ZoneForm, zone: Zone) -> None:
    for name in FIGURE_FIELDS:
        value = getattr(zone, name)
        if name in {"kind", "status"}:
            value = value.value
        elif name in {"wastewater_plant", "solid_waste_service"}:
            value = "" if value is None else ("1" if value else "0")
        elif name == "commune_codes":
            value = "; ".join(places.get_commune(code).name_vi for code in value or [])
        elif name == "priority_groups":
            value = "; ".join(value or [])
        form[name].data = "" if value is None else str(value)
    form.version.data = str(zone.version)


def _parent_choices(province_code: str, zone: Zone | None) -> list[SelectChoice]:
    others = queries.listed(ZoneFilters(province=province_code, sort="name")) if province_code else []
    return [SelectChoice("", _("None"))] + [SelectChoice(str(z.id), z.name_vi) for z in others if zone is None or z.id != zone.id]


def _show_errors(form: ZoneForm, error: service.ZoneError) -> None:
    for field_name, messages in error.errors.items():
        if field_name in form:
            form[field_name].errors = list(form[field_name].errors or []) + [str(m) for m in messages]
        else:
            for message in messages:
                flash(str(message), "error")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """Record a zone, as an officer of its province or an administrator."""
    if not _may_create():
        abort(403)
    form = NewZoneForm()
    form.province_code.choices = [SelectChoice("", _("Choose a province"))] + [SelectChoice(p.code, p.name_vi) for p in places.all_provinces()]
    form.organization_id.choices = [SelectChoice("", _("None"))] + [SelectChoice(str(o.id), o.name) for o in service.boards()]
    form.parent_id.choices = _parent_choices(form.province_code.data or "", None)
    if form.validate_on_submit():
        values = _form_values(form, form.province_code.data)
        board = next((o for o in service.boards() if str(o.id) == form.organization_id.data), None)
        try:
            zone = service.create_zone(current_user, values, organization=board, sources=_edit_sources(values, None))
        except service.ZoneError as error:
            _show_errors(form, error)
            return render_template("zones/form.html", form=form, zone=None), 422
        flash(_("The zone has been recorded."), "success")
        return redirect(url_for(".detail", zone_id=zone.id))
    return render_template("zones/form.html", form=form, zone=None)


@bp.route("/<int:zone_id>/edit", methods=["GET", "POST"])
@login_required
def edit(zone_id: int):
    """Change a zone's figures; a save based on an older version shows both versions instead of overwriting."""
    zone = db.get_or_404(Zone, zone_id)
    require(current_user, EDIT_ZONE, zone)
    form = ZoneForm()
    form.parent_id.choices = _parent_choices(zone.province_code, zone)
    if request.method == "GET":
        _fill(form, zone)
    elif form.validate_on_submit():
        values = _form_values(form, zone.province_code)
        try:
            changed = _changed_fields(zone, values)
            service.update_zone(current_user, zone, values, expected_version=form_version(form.version.data), sources=_edit_sources(values, changed))
        except service.ZoneConflict as conflict:
            return _conflict(form, conflict.zone.id)
        except service.ZoneError as error:
            _show_errors(form, error)
            return render_template("zones/form.html", form=form, zone=zone), 422
        flash(_("The zone's figures have been saved."), "success")
        return redirect(url_for(".detail", zone_id=zone.id))
    return render_template("zones/form.html", form=form, zone=zone)


def _changed_fields(zone: Zone, values: dict) -> set[str]:
    """Name the figures whose cleaned value differs from the saved one (so only they get a new source)."""
    cleaned = service.clean_zone(values, current=zone, partial=True)
    return {name for name, value in cleaned.items() if getattr(zone, name) != value}


def _edit_sources(values: dict, changed: set[str] | None) -> dict:
    """Say who gave each changed figure: the editor's organization and account, and the date."""
    organizations = ", ".join(m.organization.name for m in current_user.memberships if m.organization) or current_user.email
    source = entered_source(organizations, current_user.email, utcnow().date().isoformat())
    names = changed if changed is not None else {name for name, value in values.items() if value not in (None, "", [])}
    names = {"decision_number" if n == "decision_date" else "location" if n in {"latitude", "longitude"} else n for n in names}
    return {name: {"source": source, "confidence": ""} for name in names}


def _conflict(form: ZoneForm, zone_id: int):
    """Show what is saved now beside what the editor sent, with their values kept in a form on the new version."""
    db.session.expire_all()
    saved = db.session.get(Zone, zone_id)
    mine = ZoneForm(formdata=None)
    mine.parent_id.choices = _parent_choices(saved.province_code, saved)
    for name in FIGURE_FIELDS:
        mine[name].data = form[name].data
    mine.version.data = str(saved.version)
    theirs = ZoneForm(formdata=None)
    theirs.parent_id.choices = mine.parent_id.choices
    _fill(theirs, saved)
    differing = [name for name in FIGURE_FIELDS if str(theirs[name].data or "").strip() != str(mine[name].data or "").strip()]
    return render_template("zones/conflict.html", zone=saved, form=mine, theirs=theirs, differing=differing), 409
