"""Proposal pages: the form one step at a time, the results by their private link, interest; the boards' leads.

The results page reads the engine's kept answer; the what-if controls (weights, margin) ask the
engine again with the changed values and show the new order beside the kept one, keeping nothing.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from registry.accounts.permissions import can, reviewed_provinces
from registry.catalog import service as catalog
from registry.domain_errors import Invalid
from registry.extensions import db
from registry.i18n import locale_code
from registry.mapping.embed import embedded_map, zone_layer_data
from registry.mapping.zone_maps import extent
from registry.places import service as places
from registry.zones.forms import KIND_LABELS
from registry.zones.models import Zone

from maps.display_levels import union_box

from . import cleaning, engine, reasons, service
from .forms import CHECKBOXES, LEAD_STATUS_LABELS, LIST_FIELDS, STEPS, LeadForm, ProposalForm
from .permissions import SEE_PROVINCE_LEADS

bp = Blueprint("proposals", __name__, url_prefix="/proposals")
DRAFT = "proposal_draft"
COMPARED = 3  # matches side by side


@bp.app_template_global()
def matching_words() -> dict:
    return {"reason": reasons.describe, "money": reasons.money, "criteria": reasons.CRITERIA_LABELS,
            "instruments": reasons.INSTRUMENT_LABELS, "requirements": reasons.REQUIREMENT_LABELS,
            "activities": cleaning.ACTIVITY_LABELS, "headings": reasons.REASON_HEADINGS, "stages": LEAD_STATUS_LABELS, "kinds": KIND_LABELS}


bp.add_app_template_global(service.answerer, "answerer")
bp.add_app_template_global(reasons.assumption, "assumption_words")
bp.add_app_template_global(reasons.describe_what_if, "what_if_words")
bp.add_app_template_global(reasons.ASSUMPTION_LABELS, "assumption_labels")


@bp.app_template_global()
def follows_leads() -> bool:
    """Whether the viewer has a leads page: a zone board's member, an officer of a province, an administrator."""
    if not current_user.is_authenticated:
        return False
    provinces = reviewed_provinces(current_user)
    return provinces is None or bool(provinces) or bool(service.board_zones(current_user))


@bp.app_template_global()
def own_proposals(limit: int = 5) -> tuple[list, int]:
    """The signed-in user's newest proposals (for the account page) as (proposal, zones matched), and how many they have."""
    if not current_user.is_authenticated:
        return [], 0
    found = service.of_user(current_user, limit)
    return found, len(found) if len(found) < limit else service.count_of_user(current_user)


def _steps() -> list[tuple]:
    return [step for step in STEPS if step[0] != "contact" or not current_user.is_authenticated]


def _form(draft: dict) -> ProposalForm:
    form = ProposalForm(formdata=None, data={name: value for name, value in draft.items()})
    version = catalog.current_version()
    form.catalog_codes.choices = [SelectChoice(node.code, f"{node.code} · {node.name_en if locale_code() == 'en' else node.name_vi}")
                                  for node in (catalog.nodes_of(version) if version else [])]
    form.provinces.choices = [SelectChoice(p.code, p.name_en if locale_code() == "en" else p.name_vi) for p in places.all_provinces()]
    for name in CHECKBOXES:
        if name in draft:
            form[name].data = draft[name] in (True, "1")
    return form


@bp.route("/new")
def start():
    """Begin a proposal with its first question (or go on with the one begun in this browser)."""
    return step(_steps()[0][0])


@bp.route("/new/<name>", methods=["GET", "POST"])
def step(name: str):
    """Ask one thing; on a post keep the answer and go on to the next step (or back)."""
    steps = _steps()
    names = [step[0] for step in steps]
    if name not in names:
        abort(404)
    index = names.index(name)
    _step, title, fields = steps[index]
    draft = dict(session.get(DRAFT) or {})
    errors: dict = {}
    if request.method == "POST":
        form = ProposalForm()
        if not form.validate_on_submit() and form.errors.get("csrf_token"):
            abort(400)
        answers = {field: (request.form.getlist(field) if field in LIST_FIELDS else "1" if field in CHECKBOXES and field in request.form
                           else "0" if field in CHECKBOXES else request.form.get(field, "")) for field in fields}
        draft.update(answers)
        session[DRAFT] = draft
        if "back" in request.form and index > 0:
            return redirect(url_for(".step", name=names[index - 1]))
        try:
            cleaning.clean(draft, fields, anonymous=not current_user.is_authenticated)
        except Invalid as error:
            errors = error.errors
        else:
            return redirect(url_for(".step", name=names[index + 1]))
    form = _form(draft)
    for field, messages in errors.items():
        form[field].errors = [str(message) for message in messages]
    return render_template("matching/step.html", form=form, title=title, fields=fields, step=name, number=index + 1,
                           total=len(steps), previous=names[index - 1] if index else None, draft=draft,
                           summary=_summary(draft) if name == "review" else None, rate=cleaning.usd_rate()), 422 if errors else 200


def _summary(draft: dict) -> list[tuple[str, str, str]]:
    """(step, label, answer) for the review step."""
    form = _form(draft)
    rows = []
    for step_name, _title, fields in _steps():
        for field in fields:
            value = draft.get(field)
            if field in LIST_FIELDS:
                labels = {choice.value: choice.label for choice in form[field].choices}
                shown = ", ".join(str(labels.get(code, code)) for code in (value or [])) or "—"
            elif field in CHECKBOXES:
                shown = _("yes") if value in (True, "1") else _("no")
            elif field == "activity":
                shown = str(cleaning.ACTIVITY_LABELS.get(value, value or "—"))
            else:
                shown = value or "—"
            rows.append((step_name, str(form[field].label.text), shown))
    return rows


@bp.post("/new/submit")
def submit():
    """Send the proposal: match it, keep it, and open its results."""
    ProposalForm().validate_on_submit()
    draft = dict(session.get(DRAFT) or {})
    try:
        proposal = service.submit(current_user if current_user.is_authenticated else None, draft, locale=locale_code())
    except Invalid as error:
        first = next((step for step, _title, fields in _steps() if set(fields) & set(error.errors)), _steps()[-1][0])
        for messages in error.errors.values():
            for message in messages:
                flash(str(message), "error")
        return redirect(url_for(".step", name=first))
    session.pop(DRAFT, None)
    flash(_("Your proposal is matched. Keep this page's address: it is your private link to the results."), "success")
    return redirect(url_for(".results", token=proposal.token))


@bp.route("/mine")
@login_required
def mine():
    """The signed-in investor's proposals."""
    return render_template("matching/mine.html", proposals=service.of_user(current_user))


def _what_if_args() -> tuple[dict, float | None, dict]:
    """Read the changed weights and margin from the query; problems are named per field."""
    errors: dict = {}
    weights = {}
    from registry.inputs import number

    for criterion in engine.CRITERIA:
        raw = request.args.get(f"w_{criterion}")
        if raw not in (None, ""):
            found = number(raw, f"w_{criterion}", errors, 0, 100)
            if found is not None:
                weights[criterion] = found
    margin = number(request.args.get("margin"), "margin", errors, 0, 100)
    return weights, None if margin is None else margin / 100, errors


@bp.route("/<token>")
def results(token: str):
    """The results: ranked matches with each criterion, incentives, ten-year value, map, comparison, exclusions, what-if."""
    return _results(token, printable=False)


@bp.route("/<token>/print")
def printable(token: str):
    """The results laid out for paper."""
    return _results(token, printable=True)


def _results(token: str, *, printable: bool):
    proposal = service.by_token(token)
    weights, margin, errors = _what_if_args()
    kept = proposal.result or {}
    tried = service.answer(service.run(proposal, weights=weights, margin=margin)) if (weights or margin is not None) and not errors else None
    shown = tried or kept
    zone_ids = {m["site_id"] for m in shown.get("matches", [])} | {e["site_id"] for e in shown.get("excluded", [])}
    zones = {zone.id: zone for zone in db.session.scalars(db.select(Zone).where(Zone.id.in_(zone_ids or {-1})))}
    leads = service.interests_of(proposal)
    matched = [zones[m["site_id"]] for m in shown.get("matches", []) if m["site_id"] in zones]
    return render_template(
        "matching/results.html", proposal=proposal, result=shown, kept=kept, tried=tried is not None, zones=zones,
        compared=shown.get("matches", [])[:COMPARED], errors=errors, weights=weights, margin=margin, printable=printable,
        interested=leads, map_parts=None if printable else _map(matched), criteria=engine.CRITERIA,
        default_weights=engine.DEFAULT_WEIGHTS, kept_order=[m["site_id"] for m in kept.get("matches", [])[:COMPARED]],
    )


def _map(zones: list[Zone]):
    placed = [zone for zone in zones if zone.display_geojson is not None or zone.latitude is not None]
    if not placed:
        return None
    layer = {"name": _("Matched zones"), "data": zone_layer_data(placed), "style": "zone", "fit": False}
    return embedded_map(layers=[layer], bounds=union_box([extent(zone) for zone in placed]), label=_("Map of the matched zones"))


@bp.post("/<token>/interest/<int:zone_id>")
def interest(token: str, zone_id: int):
    """Tell the zone's board the investor is interested; say who will answer."""
    ProposalForm().validate_on_submit()
    proposal = service.by_token(token)
    lead = service.express_interest(proposal, zone_id, request.form.get("message", ""))
    flash(_("%(board)s will answer you at %(email)s about %(zone)s.", board=service.answerer(lead.zone),
            email=proposal.contact_email, zone=lead.zone.name(locale_code())), "success")
    return redirect(url_for(".results", token=token))


# --- zone boards ---------------------------------------------------------------------------------

@bp.route("/leads")
@login_required
def leads():
    """A board's leads and the proposals that fit its zones; a province's counts for its officers."""
    zones = service.board_zones(current_user)
    zone_ids = [zone.id for zone in zones]
    provinces = reviewed_provinces(current_user)
    provinces = sorted(provinces) if provinces is not None else []
    counts = [(places.get_province(code), service.province_counts(code)) for code in provinces if can(current_user, SEE_PROVINCE_LEADS, code)]
    if not zones and not counts:
        abort(403)
    return render_template("matching/leads.html", zones={zone.id: zone for zone in zones}, leads=service.leads_of(zone_ids),
                           fits=service.fits_for(zone_ids), counts=counts)


@bp.route("/leads/<int:lead_id>", methods=["GET", "POST"])
@login_required
def lead(lead_id: int):
    """One lead: the investor's contact and project, its stage and dated notes; the board moves it on."""
    found = service.get_lead(current_user, lead_id)
    form = LeadForm()
    form.status.choices = [SelectChoice(status.value, label) for status, label in LEAD_STATUS_LABELS.items()]
    status = 200
    if request.method == "POST":
        form.validate_on_submit()
        try:
            service.follow_up(current_user, found, form.status.data, form.note.data or "", expected=request.form.get("was"))
        except Invalid as error:
            for field, messages in error.errors.items():
                form[field].errors = [str(message) for message in messages]
            status = 422
        else:
            flash(_("The lead is updated."), "success")
            return redirect(url_for(".lead", lead_id=lead_id))
    form.status.data = form.status.data if status == 422 else found.status.value
    return render_template("matching/lead.html", lead=found, form=form), status
