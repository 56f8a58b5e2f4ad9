"""Incubator pages: the network list, an incubator with its cohorts and incubatees, the statistics per province,
the officers' forms, and the incubator history shown on an enterprise's profile."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from registry.accounts.permissions import PermissionDenied, department_provinces, is_admin, require
from registry.catalog import service as catalog
from registry.extensions import db
from registry.i18n import locale_code
from registry.incentives.views import _show_errors  # puts a service's field errors beside the form's fields
from registry.page_cache import shared_page
from registry.places import service as places
from registry.query_args import page_args
from registry.zones.models import Zone

from . import queries, service
from .forms import INCUBATOR_FIELDS, CohortForm, IncubateeForm, IncubatorForm, fill, values_of
from .models import Incubator
from .permissions import BOARD_ROLES, EDIT_INCUBATOR, may_record_any
from .wording import FIELD_LABELS, HOST_LABELS, OUTCOME_LABELS

bp = Blueprint("incubators", __name__, url_prefix="/incubators")
MAX_LIST_PAGE = 100
SHOWN = ("incubators", "enterprises", "places", "zones", "catalog", "ecolabels")


def _today() -> str:
    """The graduates' eco-labels count those in force today: those pages are kept per day as well as per change."""
    return date.today().isoformat()


@bp.app_template_global()
def incubator_labels() -> dict:
    return {"host": HOST_LABELS, "outcome": OUTCOME_LABELS, "field": FIELD_LABELS}


@bp.app_template_global()
def incubator_history(enterprise) -> list:
    """An enterprise's incubations, for its profile (`templates/incubators/_history.html`)."""
    return queries.profile_history(enterprise)


def _groups() -> list:
    version = catalog.current_version()
    return [node for node in catalog.nodes_of(version) if node.depth == 0] if version else []


def _group_names(codes) -> list[tuple[str, str]]:
    version = catalog.current_version()
    named = []
    for code in codes or ():
        node = catalog.get_node(version, code) if version else None
        named.append((code, node.name_en if node is not None and locale_code() == "en" and node.name_en else node.name_vi if node else code))
    return named


@bp.route("/")
@shared_page(*SHOWN)
def index():
    """The network: incubators filtered by province, host kind, focus group and words, with their incubatee counts."""
    filters = queries.IncubatorFilters.from_args(request.args)
    page, per_page = page_args(request.args, current_app.config["PER_PAGE"], MAX_LIST_PAGE)
    results = queries.page_of(filters, page, per_page)
    return render_template("incubators/list.html", results=results, filters=filters, provinces=places.all_provinces(),
                           groups=_groups(), may_create=may_record_any(current_user))


@bp.route("/<int:incubator_id>")
@shared_page(*SHOWN, audience=_today)
def detail(incubator_id: int):
    """An incubator: its host, focus, services and contacts, its cohorts with their incubatees, and what became of its graduates."""
    incubator = service.found_incubator(incubator_id)
    placements = queries.placements_of(incubator.id)
    by_cohort: dict[int, list] = {}
    for placement in placements:
        by_cohort.setdefault(placement.cohort_id, []).append(placement)
    return render_template("incubators/detail.html", incubator=incubator, by_cohort=by_cohort, fates=queries.fates(placements),
                           counts=queries.counts([incubator.id])[incubator.id], groups=_group_names(incubator.focus_groups),
                           may_edit=service.may_edit(current_user, incubator), named_for=queries.named_for)


@bp.route("/statistics")
@shared_page(*SHOWN, audience=_today)
def statistics():
    """Per province: incubators, active incubatees, graduates per year, graduates still active after 1, 3 and 5 years."""
    province = request.args.get("province") or ""
    if province and not any(p.code == province for p in places.all_provinces()):
        province = ""
    today = date.today()
    rows = queries.statistics(today, province)
    years = sorted({year for row in rows for year in row.graduates_per_year})
    provinces = places.all_provinces()
    return render_template("incubators/statistics.html", rows=rows, years=years, province=province, provinces=provinces,
                           names={p.code: p.name(locale_code()) for p in provinces}, after=queries.STILL_ACTIVE_AFTER, today=today)


# --- officers' forms ----------------------------------------------------------------------------

def _board_zones() -> list[Zone]:
    boards = {m.organization_id for m in current_user.memberships if m.role in BOARD_ROLES}
    return list(db.session.scalars(db.select(Zone).where(Zone.organization_id.in_(sorted(boards))).order_by(Zone.name_vi))) if boards else []


def _province_choices() -> list[SelectChoice]:
    admin, own = is_admin(current_user), department_provinces(current_user)
    own |= {zone.province_code for zone in _board_zones()}
    return [SelectChoice("", _("Choose a province"))] + [SelectChoice(p.code, p.name_vi) for p in places.all_provinces() if admin or p.code in own]


def _zone_choices() -> list[SelectChoice]:
    if is_admin(current_user):
        zones = list(db.session.scalars(db.select(Zone).order_by(Zone.province_code, Zone.name_vi)))
    else:
        own = department_provinces(current_user)
        zones = list(db.session.scalars(db.select(Zone).where(Zone.province_code.in_(sorted(own))).order_by(Zone.name_vi))) if own else []
        zones += [zone for zone in _board_zones() if zone not in zones]
    return [SelectChoice("", _("None"))] + [SelectChoice(str(z.id), f"{z.name_vi} ({z.province_code})") for z in zones]


def _incubator_form() -> IncubatorForm:
    form = IncubatorForm()
    form.province_code.choices = _province_choices()
    form.host_zone_id.choices = _zone_choices()
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """Record an incubator of one's province (a zone board: one hosted in its zones; administrators: anywhere)."""
    if not may_record_any(current_user):
        raise PermissionDenied()
    form = _incubator_form()
    if form.validate_on_submit():
        try:
            incubator = service.create_incubator(current_user, values_of(form, INCUBATOR_FIELDS))
        except service.IncubatorError as error:
            return render_template("incubators/form.html", form=form, incubator=None, other_errors=_show_errors(form, error)), 422
        flash(_("The incubator has been recorded."), "success")
        return redirect(url_for(".detail", incubator_id=incubator.id))
    return render_template("incubators/form.html", form=form, incubator=None, other_errors=[])


def _editable(incubator_id: int) -> Incubator:
    incubator = service.found_incubator(incubator_id)
    require(current_user, EDIT_INCUBATOR, incubator)
    return incubator


@bp.route("/<int:incubator_id>/edit", methods=["GET", "POST"])
@login_required
def edit(incubator_id: int):
    """Change an incubator's host, focus, services, contacts, location or dates."""
    incubator = _editable(incubator_id)
    form = _incubator_form()
    if request.method == "GET":
        fill(form, incubator, INCUBATOR_FIELDS)
    elif form.validate_on_submit():
        try:
            service.update_incubator(current_user, incubator, values_of(form, INCUBATOR_FIELDS), partial=True)
        except service.IncubatorError as error:
            return render_template("incubators/form.html", form=form, incubator=incubator, other_errors=_show_errors(form, error)), 422
        flash(_("The incubator has been saved."), "success")
        return redirect(url_for(".detail", incubator_id=incubator.id))
    return render_template("incubators/form.html", form=form, incubator=incubator, other_errors=[])


@bp.route("/<int:incubator_id>/cohorts/new", methods=["GET", "POST"])
@bp.route("/<int:incubator_id>/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"], endpoint="edit_cohort")
@login_required
def create_cohort(incubator_id: int, cohort_id: int | None = None):
    """Record or change a cohort (a programme with its dates, inside the incubator's life)."""
    incubator = _editable(incubator_id)
    cohort = service.found_cohort(incubator, cohort_id) if cohort_id is not None else None
    form = CohortForm()
    if request.method == "GET" and cohort is not None:
        fill(form, cohort, ("name", "starts_on", "ends_on"))
    elif form.validate_on_submit():
        values = values_of(form, ("name", "starts_on", "ends_on"))
        try:
            if cohort is None:
                service.create_cohort(current_user, incubator, values)
            else:
                service.update_cohort(current_user, incubator, cohort, values)
        except service.IncubatorError as error:
            _show_errors(form, error)
            return render_template("incubators/cohort_form.html", form=form, incubator=incubator, cohort=cohort), 422
        flash(_("The cohort has been saved."), "success")
        return redirect(url_for(".detail", incubator_id=incubator.id))
    return render_template("incubators/cohort_form.html", form=form, incubator=incubator, cohort=cohort)


@bp.route("/<int:incubator_id>/incubatees/new", methods=["GET", "POST"])
@bp.route("/<int:incubator_id>/incubatees/<int:incubatee_id>/edit", methods=["GET", "POST"], endpoint="edit_incubatee")
@login_required
def add_incubatee(incubator_id: int, incubatee_id: int | None = None):
    """Place an enterprise (by tax code) in a cohort, or change an incubatee's dates and outcome."""
    incubator = _editable(incubator_id)
    incubatee = service.found_incubatee(incubator, incubatee_id) if incubatee_id is not None else None
    if not incubator.cohorts:
        flash(_("Record a cohort first: every incubatee belongs to one."), "error")
        return redirect(url_for(".create_cohort", incubator_id=incubator.id))
    form = IncubateeForm()
    form.cohort_id.choices = [SelectChoice(str(c.id), f"{c.name} ({c.starts_on.isoformat()})") for c in incubator.cohorts]
    if request.method == "GET" and incubatee is not None:
        fill(form, incubatee, ("cohort_id", "started_on", "ended_on", "outcome", "note"))
    elif form.validate_on_submit():
        names = ("cohort_id", "started_on", "ended_on", "outcome", "note")
        try:
            if incubatee is None:
                service.add_incubatee(current_user, incubator, values_of(form, (*names, "tax_code", "create_pending", "name_vi")))
            else:
                service.update_incubatee(current_user, incubator, incubatee, values_of(form, names))
        except service.IncubatorError as error:
            others = _show_errors(form, error)
            return render_template("incubators/incubatee_form.html", form=form, incubator=incubator, incubatee=incubatee,
                                   other_errors=others), 422
        flash(_("The incubatee has been saved."), "success")
        return redirect(url_for(".detail", incubator_id=incubator.id))
    return render_template("incubators/incubatee_form.html", form=form, incubator=incubator, incubatee=incubatee, other_errors=[])
