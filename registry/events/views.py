"""Event pages: the list of coming and past events, an event with its participants, organizing it, registering,
a participant's offers, needs, suggestions and meeting requests."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from registry.accounts.models import Organization, Role
from registry.accounts.permissions import PermissionDenied, is_admin, require
from registry.audit.models import utcnow
from registry.domain_errors import NotFound
from registry.extensions import db
from registry.i18n import locale_code
from registry.page_cache import shared_page
from registry.places import service as places
from registry.query_args import page_args

from . import queries, service
from .forms import ActionForm, BoothForm, EventForm, InterestForm, RegisterForm, RequestForm, event_values, fill_event_form
from .models import EventStatus, Interest, MeetingRequest, ParticipantStatus
from .permissions import ORGANIZE_EVENT, may_create_events
from .suggestions import suggestions_for
from .wording import labels, reason_text

bp = Blueprint("events", __name__, url_prefix="/events")
MAX_LIST_PAGE = 100


@bp.app_template_global()
def event_labels() -> dict:
    return labels()


@bp.app_template_global()
def event_reason(reason) -> str:
    return reason_text(reason)


@bp.app_template_global()
def participant_name(participant) -> str:
    """Who a participant is, as the reader may know it: an enterprise awaiting review is not named to visitors."""
    return service.shown_name(current_user, participant)


@bp.app_template_global()
def event_province(code: str) -> str:
    return places.get_province(code).name(locale_code())


@bp.route("/")
@shared_page("events", "places")
def index():
    """Coming and past events, filtered by words, kind, province and status."""
    filters = queries.EventFilters.from_args(request.args)
    page, per_page = page_args(request.args, current_app.config["PER_PAGE"], MAX_LIST_PAGE)
    today = date.today()
    results = queries.page_of(filters, current_user, today, page, per_page)
    may_create = current_user.is_authenticated and may_create_events(current_user)
    return render_template("events/list.html", events=results.items, results=results, filters=filters, today=today,
                           provinces=places.all_provinces(), may_create=may_create)


@bp.route("/<int:event_id>")
@shared_page("events", "enterprises", "places")
def detail(event_id: int):
    """An event: when, where, who organizes it, its approved participants with their offers and needs; its organizers decide here."""
    event = service.load_participants(service.visible_event(current_user, event_id))
    organizer = service.may_organize(current_user, event)
    approved = [p for p in event.participants if p.status == ParticipantStatus.APPROVED]
    return render_template("events/detail.html", event=event, approved=approved, organizer=organizer, today=date.today(),
                           mine=service.participants_acted_for(current_user, event) if not organizer else [],
                           registrations=event.participants if organizer else [], action_form=ActionForm(), booth_form=BoothForm())


def _organizations() -> list[SelectChoice]:
    """The organizations the user organizes events for: all for administrators; their event organizers' and officers' organizations."""
    if is_admin(current_user):
        found = db.session.scalars(db.select(Organization).order_by(Organization.name)).all()
    else:
        found = [m.organization for m in current_user.memberships if m.role in {Role.EVENT_ORGANIZER, Role.PROVINCE_OFFICER}]
    return [SelectChoice("", "—")] + [SelectChoice(str(o.id), o.name) for o in found]


def _provinces() -> list[SelectChoice]:
    return [SelectChoice("", "—")] + [SelectChoice(p.code, p.name_vi) for p in places.all_provinces()]


def _event_form() -> EventForm:
    form = EventForm()
    form.organization_id.choices = _organizations()
    form.province_code.choices = _provinces()
    return form


def _show_errors(form, error) -> None:
    for name, messages in error.errors.items():
        target = form[name] if name in form else None
        if target is not None:
            target.errors = list(target.errors or []) + [str(m) for m in messages]
        else:
            for message in messages:
                flash(str(message), "error")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """Record an event for an organization one organizes for, or in one's province."""
    if not may_create_events(current_user):
        raise PermissionDenied()
    form = _event_form()
    if form.validate_on_submit():
        try:
            event = service.create_event(current_user, event_values(form))
        except service.EventError as error:
            _show_errors(form, error)
            return render_template("events/form.html", form=form, event=None), 422
        flash(_("The event has been recorded."), "success")
        return redirect(url_for(".detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = service.visible_event(current_user, event_id)
    require(current_user, ORGANIZE_EVENT, event)
    form = _event_form()
    if request.method == "GET":
        fill_event_form(form, event)
    elif form.validate_on_submit():
        try:
            service.update_event(current_user, event, event_values(form))
        except service.EventError as error:
            _show_errors(form, error)
            return render_template("events/form.html", form=form, event=event), 422
        flash(_("The event has been saved."), "success")
        return redirect(url_for(".detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=event)


@bp.route("/<int:event_id>/register", methods=["GET", "POST"])
@login_required
def register(event_id: int):
    """Ask to take part: one's enterprise by its tax code, an enterprise new to the registry, or as an investor."""
    event = service.visible_event(current_user, event_id)
    form = RegisterForm()
    form.enterprise_province.choices = _provinces()
    if form.validate_on_submit():
        try:
            participant = service.register(current_user, event, {name: form[name].data for name in
                                                                 ("role", "tax_code", "enterprise_name", "enterprise_province", "name")})
        except service.EventError as error:
            _show_errors(form, error)
            return render_template("events/register.html", form=form, event=event), 422
        flash(_("The registration has been sent; the organizers approve it."), "success")
        return redirect(url_for(".participant", event_id=event.id, participant_id=participant.id))
    return render_template("events/register.html", form=form, event=event)


def _decided(event_id: int, participant_id: int, decide) -> object:
    event = service.visible_event(current_user, event_id)
    participant = service.participant_of(event, participant_id)
    if not ActionForm().validate_on_submit():
        flash(_("The form had expired; try again."), "error")
    else:
        decide(participant)
    if request.form.get("back") == "participant":
        return redirect(url_for(".participant", event_id=event.id, participant_id=participant.id))
    return redirect(url_for(".detail", event_id=event.id))


@bp.post("/<int:event_id>/participants/<int:participant_id>/approve")
@login_required
def approve(event_id: int, participant_id: int):
    def decide(participant):
        service.approve(current_user, participant)
        if participant.status == ParticipantStatus.WAITING:
            flash(_("The event is full: %(name)s is on the waiting list.", name=participant.display_name), "warning")
        else:
            flash(_("%(name)s is approved.", name=participant.display_name), "success")
    return _decided(event_id, participant_id, decide)


@bp.post("/<int:event_id>/participants/<int:participant_id>/decline")
@login_required
def decline(event_id: int, participant_id: int):
    def decide(participant):
        service.decline(current_user, participant)
        flash(_("The registration of %(name)s is declined.", name=participant.display_name), "success")
    return _decided(event_id, participant_id, decide)


@bp.post("/<int:event_id>/participants/<int:participant_id>/withdraw")
@login_required
def withdraw(event_id: int, participant_id: int):
    def decide(participant):
        promoted = service.withdraw(current_user, participant)
        flash(_("%(name)s has withdrawn.", name=participant.display_name), "success")
        if promoted is not None:
            flash(_("%(name)s, first on the waiting list, takes the place.", name=promoted.display_name), "success")
    return _decided(event_id, participant_id, decide)


@bp.post("/<int:event_id>/participants/<int:participant_id>/booth")
@login_required
def booth(event_id: int, participant_id: int):
    event = service.visible_event(current_user, event_id)
    participant = service.participant_of(event, participant_id)
    form = BoothForm()
    if not form.validate_on_submit():
        flash(_("The form had expired; try again."), "error")
    else:
        try:
            service.set_booth(current_user, participant, form.booth.data)
        except service.EventError as error:
            for message in error.messages():
                flash(message, "error")
        else:
            flash(_("The booth of %(name)s is saved.", name=participant.display_name), "success")
    return redirect(url_for(".detail", event_id=event.id))


@bp.route("/<int:event_id>/participants/<int:participant_id>")
def participant(event_id: int, participant_id: int):
    """A participant: what it offers and seeks; for those who act for it, its suggestions and meeting requests."""
    event = service.visible_event(current_user, event_id)
    found = service.participant_of(service.load_participants(event), participant_id)
    acting = service.may_act_for(current_user, found)
    if found.status != ParticipantStatus.APPROVED and not acting:
        raise NotFound(_("This event has no participant with id %(id)s.", id=participant_id))
    now = utcnow()
    requests = []
    if acting:
        requests = db.session.scalars(db.select(MeetingRequest).where(
            (MeetingRequest.requester_id == found.id) | (MeetingRequest.counterpart_id == found.id)).order_by(MeetingRequest.id)).all()
    return render_template("events/participant.html", event=event, participant=found, acting=acting, now=now, requests=requests,
                           suggestions=suggestions_for(found) if acting and found.status == ParticipantStatus.APPROVED else [],
                           interest_form=InterestForm(), request_form=RequestForm(), action_form=ActionForm(),
                           may_request=found.status == ParticipantStatus.APPROVED and event.status in (EventStatus.OPEN, EventStatus.CLOSED))


def _acting_on(event_id: int, participant_id: int):
    event = service.visible_event(current_user, event_id)
    return event, service.participant_of(event, participant_id)


def _back(event, participant):
    return redirect(url_for(".participant", event_id=event.id, participant_id=participant.id))


@bp.post("/<int:event_id>/participants/<int:participant_id>/interests")
@login_required
def add_interest(event_id: int, participant_id: int):
    event, found = _acting_on(event_id, participant_id)
    form = InterestForm()
    if not form.validate_on_submit():
        flash(_("The form had expired; try again."), "error")
        return _back(event, found)
    try:
        service.add_interest(current_user, found, {"direction": form.direction.data, "node": form.node.data, "text": form.text.data})
    except service.EventError as error:
        for message in error.messages():
            flash(message, "error")
    else:
        flash(_("Saved."), "success")
    return _back(event, found)


@bp.post("/<int:event_id>/participants/<int:participant_id>/interests/<int:interest_id>/remove")
@login_required
def remove_interest(event_id: int, participant_id: int, interest_id: int):
    event, found = _acting_on(event_id, participant_id)
    interest = db.session.get(Interest, interest_id)
    if interest is None or interest.participant_id != found.id:
        raise NotFound(_("There is no such offer or need."))
    if ActionForm().validate_on_submit():
        service.remove_interest(current_user, interest)
        flash(_("Removed."), "success")
    return _back(event, found)


@bp.post("/<int:event_id>/participants/<int:participant_id>/requests")
@login_required
def request_meeting(event_id: int, participant_id: int):
    event, found = _acting_on(event_id, participant_id)
    form = RequestForm()
    if not form.validate_on_submit():
        flash(_("The form had expired; try again."), "error")
        return _back(event, found)
    try:
        sent = service.request_meeting(current_user, found, {"counterpart_id": form.counterpart_id.data, "priority": form.priority.data,
                                                            "message": form.message.data})
    except service.EventError as error:
        for message in error.messages():
            flash(message, "error")
    else:
        flash(_("The meeting request has been sent to %(name)s.", name=sent.counterpart.display_name), "success")
    return _back(event, found)


@bp.post("/<int:event_id>/requests/<int:request_id>/answer")
@login_required
def answer(event_id: int, request_id: int):
    event = service.visible_event(current_user, event_id)
    found = service.request_of(event, request_id)
    if not ActionForm().validate_on_submit():
        flash(_("The form had expired; try again."), "error")
    else:
        service.answer_request(current_user, found, request.form.get("accept"))
        flash(_("Accepted.") if found.status == "accepted" else _("Declined."), "success")
    return _back(event, found.counterpart)
