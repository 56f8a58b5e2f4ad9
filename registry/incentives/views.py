"""Incentive policy pages: the list with its filters, a policy, recording, editing and ending one, and the commune difficulty lists."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from registry.accounts.permissions import PermissionDenied, can, department_provinces, is_admin, require
from registry.i18n import locale_code
from registry.page_cache import shared_page
from registry.places import service as places
from registry.query_args import page_args

from . import import_views, queries, service
from .forms import EndForm, PolicyForm, fill_form, form_values
from .models import IncentivePolicy
from .permissions import EDIT_POLICY, IMPORT_COMMUNES
from .wording import AREA_LABELS, CONFIDENCE_LABELS, DIFFICULTY_LABELS, FIELD_LABELS, INSTRUMENT_LABELS, SECTOR_LABELS, \
    STATUS_LABELS, benefit_lines, condition_lines, validity

bp = Blueprint("incentives", __name__, url_prefix="/incentives")
bp.register_blueprint(import_views.bp)
MAX_LIST_PAGE = 100


@bp.app_template_global()
def policy_labels() -> dict:
    return {"instrument": INSTRUMENT_LABELS, "sector": SECTOR_LABELS, "area": AREA_LABELS, "confidence": CONFIDENCE_LABELS,
            "status": STATUS_LABELS, "field": FIELD_LABELS, "difficulty": DIFFICULTY_LABELS}


@bp.app_template_global()
def policy_province(code: str) -> str:
    """The name of a policy's province in the reader's language."""
    province = places.get_province(code)
    return province.name(locale_code())


def _may_create() -> bool:
    return current_user.is_authenticated and (is_admin(current_user) or bool(department_provinces(current_user)))


@bp.route("/")
@shared_page("incentives", "places")
def index():
    """List the policies, filtered by words, instrument, scope (national or a province) and a day they are in force on."""
    filters = queries.PolicyFilters.from_args(request.args)
    page, per_page = page_args(request.args, current_app.config["PER_PAGE"], MAX_LIST_PAGE)
    results = queries.page_of(filters, current_user, page, per_page)
    return render_template("incentives/list.html", policies=results.items, results=results, filters=filters,
                           provinces=places.all_provinces(), today=date.today(), validity=validity, may_create=_may_create(),
                           may_import=can(current_user, IMPORT_COMMUNES, None))


@bp.route("/<int:policy_id>")
@shared_page("incentives", "places")
def detail(policy_id: int):
    """Show a policy: legal basis and article, validity, scope, who qualifies and what they get, in words."""
    policy = service.visible_policy(current_user, policy_id)
    return render_template("incentives/detail.html", policy=policy, benefit=benefit_lines(policy.instrument, policy.benefit),
                           conditions=condition_lines(policy), validity=validity(policy, date.today()),
                           ended=policy.effective_to is not None and policy.effective_to < date.today(),
                           may_edit=service.may_edit(current_user, policy), end_form=EndForm())


def _scope_choices() -> list[SelectChoice]:
    """National for administrators; the provinces whose Department the officer belongs to (every province for administrators)."""
    admin = is_admin(current_user)
    own = department_provinces(current_user)
    provinces = [p for p in places.all_provinces() if admin or p.code in own]
    return ([SelectChoice("", _("National"))] if admin else []) + [SelectChoice(p.code, p.name_vi) for p in provinces]


def _show_errors(form: PolicyForm, error: service.PolicyError) -> list[str]:
    """Put each message beside its field; return those of no field of the form (the benefit's)."""
    others = []
    for name, messages in error.errors.items():
        if name in form:
            form[name].errors = list(form[name].errors or []) + [str(m) for m in messages]
        else:
            others.extend(str(m) for m in messages)
    return others


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """Record a policy of one's province (administrators: any province, or a national one)."""
    if not _may_create():
        raise PermissionDenied()
    form = PolicyForm()
    form.province_code.choices = _scope_choices()
    if form.validate_on_submit():
        try:
            policy = service.create_policy(current_user, form_values(form))
        except service.PolicyError as error:
            return render_template("incentives/form.html", form=form, policy=None, other_errors=_show_errors(form, error)), 422
        flash(_("The policy has been recorded."), "success")
        return redirect(url_for(".detail", policy_id=policy.id))
    return render_template("incentives/form.html", form=form, policy=None, other_errors=[])


def _editable(policy_id: int) -> IncentivePolicy:
    policy = service.visible_policy(current_user, policy_id)
    require(current_user, EDIT_POLICY, policy)
    return policy


@bp.route("/<int:policy_id>/edit", methods=["GET", "POST"])
@login_required
def edit(policy_id: int):
    """Change a policy: its conditions, benefit, legal basis or validity."""
    policy = _editable(policy_id)
    form = PolicyForm()
    form.province_code.choices = _scope_choices()
    if request.method == "GET":
        fill_form(form, policy)
    elif form.validate_on_submit():
        try:
            service.update_policy(current_user, policy, form_values(form))
        except service.PolicyError as error:
            return render_template("incentives/form.html", form=form, policy=policy, other_errors=_show_errors(form, error)), 422
        flash(_("The policy has been saved."), "success")
        return redirect(url_for(".detail", policy_id=policy.id))
    return render_template("incentives/form.html", form=form, policy=policy, other_errors=[])


@bp.post("/<int:policy_id>/end")
@login_required
def end(policy_id: int):
    """End a policy's validity on the day given: it is then never applied to a project starting after it."""
    policy = _editable(policy_id)
    form = EndForm()
    if not form.validate_on_submit():
        flash(_("The form had expired; try again."), "error")
        return redirect(url_for(".detail", policy_id=policy.id))
    try:
        service.end_policy(current_user, policy, form.last_day.data)
    except service.PolicyError as error:
        for message in error.messages():
            flash(message, "error")
        return redirect(url_for(".detail", policy_id=policy.id))
    flash(_("The policy is in force until %(day)s.", day=policy.effective_to.isoformat()), "success")
    return redirect(url_for(".detail", policy_id=policy.id))


@bp.route("/communes")
@shared_page("incentives", "places")
def communes_list():
    """The communes listed as especially difficult or difficult, by province, with their decisions and dates."""
    province = request.args.get("province") or ""
    if province and not any(p.code == province for p in places.all_provinces()):
        province = ""
    listings = queries.difficulties_of(province or None) if province else []
    communes = {c.code: c for c in places.communes_of_code(province)} if province else {}
    counts = queries.listing_counts()
    return render_template("incentives/communes.html", listings=listings, communes=communes, province=province,
                           provinces=places.all_provinces(), counts=counts, may_import=can(current_user, IMPORT_COMMUNES, None))
