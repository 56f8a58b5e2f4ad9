"""Zone pages: the list, a zone, a new zone and the board's editing of its figures.

Boundary uploads and list imports are nested blueprints (boundary_views, import_views) under /zones.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
from registry.places import successors
from registry.query_args import page_args

from . import boundaries, boundary_views, figures, import_views, queries, service
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


@bp.app_template_global()
def figure_date(figure: figures.ZoneFigure) -> str:
    return figures.date_label(figure)


@bp.app_template_global()
def source_kind_label(kind: figures.SourceKind) -> str:
    return str(figures.SOURCE_KIND_LABELS[kind])


bp.add_app_template_global(describe_source, "describe_source")


@bp.app_template_global()
def figure_metric(field_name: str) -> str:
    """The figure table's metric for a zone column (“total_ha” → “total”); the occupancy is both."""
    return figures.COLUMN_METRICS.get(field_name, field_name)


@bp.route("/")
@shared_page("zones", "places")
def index():
    """List zones a page at a time with their land and infrastructure, filtered by words, province, kind, status and free land."""
    filters = ZoneFilters.from_args(request.args)
    page, per_page = page_args(request.args, current_app.config["PER_PAGE"], MAX_LIST_PAGE)
    results = queries.page_of(filters, page, per_page, locale=locale_code())
    ages = figures.ages_of(results.items, "available").describe() if filters.min_available_ha is not None and results.items else ""
    # Page links keep the filters, the order and a page size other than the default.
    keep = {"per_page": str(per_page)} if per_page != current_app.config["PER_PAGE"] else {}
    return render_template("zones/list.html", zones=results.items, results=results, filters=filters, keep=keep,
                           provinces=places.all_provinces(), may_create=_may_create(), may_import=_may_create(), free_land_ages=ages)


def _may_create() -> bool:
    provinces = reviewed_provinces(current_user)
    return provinces is None or bool(provinces)


@bp.route("/<int:zone_id>")
@shared_page("zones", "enterprises", "places", "organizations", "ecolabels")
def detail(zone_id: int):
    """Show a zone: the figures it has with their dates and sources (the missing ones named in one line), sub-zones,
    enterprises, boundary versions and a map."""
    zone = db.get_or_404(Zone, zone_id)
    children = queries.listed(ZoneFilters(parent=zone.id, sort="name"))
    enterprises = enterprise_queries.page_of(enterprise_queries.Filters(zone=str(zone.id)), current_user, 1, 20)
    may_edit = can(current_user, EDIT_ZONE, zone)
    present = _present(zone)
    return render_template(
        "zones/detail.html", zone=zone, children=children, enterprises=enterprises, versions=boundaries.versions_of(zone),
        may_edit=may_edit, source_of=_source_of(zone), figures=figures.figures_of([zone.id])[zone.id], present=present,
        missing={section: [str(MISSING_LABELS.get(name) or FIELD_LABELS[name]) for name in names if not present[name]]
                 for section, names in SECTIONS.items()},
        occupancy_differs=_occupancy_differs(zone), area_warnings=service.area_warnings(zone) if may_edit else [],
        communes=[places.get_commune(code) for code in zone.commune_codes or []], map_parts=zone_map(zone, children),
    )


# The figures of each table of the zone page, in their order.
SECTIONS = {
    "land": ("total_ha", "industrial_ha", "leased_ha", "available_ha", "occupancy", "land_price_usd_m2"),
    "founding": ("decision_number", "founded_year", "organization", "developer", "location", "tenants", "sectors", "priority_groups"),
    "infrastructure": ("wastewater_plant", "solid_waste_service", "wastewater_capacity_m3_day", "port_km", "airport_km", "expressway_km",
                       "power_note", "water_note"),
}
MISSING_LABELS = {"organization": _l("Managing board"), "location": _l("Location")}
OCCUPANCY_TOLERANCE = 5.0  # percentage points between the published occupancy and leased ÷ industrial land


def _present(zone: Zone) -> dict[str, bool]:
    """Tell, for every figure of the page, whether the zone has it."""
    values = {name: getattr(zone, name, None) for names in SECTIONS.values() for name in names}
    values["organization"] = zone.organization
    values["location"] = zone.location_text or zone.commune_codes
    return {name: value not in (None, "", []) for name, value in values.items()}


def _occupancy_differs(zone: Zone) -> bool:
    computed = zone.computed_occupancy
    return None not in (zone.published_occupancy, computed) and abs(zone.published_occupancy - computed) > OCCUPANCY_TOLERANCE


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


def _commune_names(form: ZoneForm) -> list[str]:
    return [part.strip() for part in (form.commune_codes.data or "").replace(",", ";").split(";") if part.strip()]


def _form_values(form: ZoneForm, province_code: str) -> dict:
    """Turn the submitted form into the service's input, resolving communes given by name (and the 2025 communes chosen for older ones)."""
    values = {name: form[name].data for name in FIGURE_FIELDS}
    values["commune_codes"] = [places.commune_code_for(province_code, name) for name in _commune_names(form)]
    values["commune_successors"] = {name: request.form[_successor_field(name)] for name in values["commune_codes"]
                                    if request.form.get(_successor_field(name))}
    values["province_code"] = province_code
    return values


def _successor_field(name: str) -> str:
    return "successor-" + successors.bare_folded(name).replace(" ", "-")


def _changed_communes(form: ZoneForm, province_code: str) -> list[tuple]:
    """For each pre-2025 commune typed in the form: the name, its choice's field, the 2025 communes it became and the one chosen."""
    found = []
    for name in _commune_names(form):
        if places.commune_code_for(province_code, name) == name and not name.isdigit():
            offered = successors.successors_of(province_code, name)
            if offered:
                found.append((name, _successor_field(name), offered, request.form.get(_successor_field(name), "")))
    return found


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
            return render_template("zones/form.html", form=form, zone=None,
                                   changed_communes=_changed_communes(form, form.province_code.data)), 422
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
            for _field, warning in service.area_warnings(zone):
                flash(str(warning), "warning")
        except service.ZoneConflict as conflict:
            return _conflict(form, conflict.zone.id)
        except service.ZoneError as error:
            _show_errors(form, error)
            return render_template("zones/form.html", form=form, zone=zone, changed_communes=_changed_communes(form, zone.province_code)), 422
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
    names = changed if changed is not None else {name for name, value in values.items()
                                                  if value not in (None, "", []) and name != "commune_successors"}
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
