"""Schedule pages, on the events blueprint: the organizer's schedule (sessions, tables, limits, availability, build,
move and pin, publish), a table's sheet for its host, and a participant's agenda (printable and iCalendar)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry.accounts.permissions import require
from registry.domain_errors import NotFound
from registry.i18n import locale_code

from .. import service as events
from ..forms import ActionForm
from ..models import ParticipantStatus
from ..permissions import ORGANIZE_EVENT
from ..views import _show_errors
from . import calendar, service
from .forms import SESSION_FIELDS, LimitForm, ParticipantScheduleForm, PlaceForm, SessionForm
from .wording import reason_text, slot_words

bp = Blueprint("event_schedule", __name__, url_prefix="/events")


@bp.app_template_global()
def schedule_agenda(participant) -> list:
    """The participant's published meetings, for its page."""
    return service.published_of(participant.event, participant)


@bp.app_template_global()
def schedule_counterpart(meeting, participant):
    return meeting.request.counterpart if meeting.request.requester_id == participant.id else meeting.request.requester


def _organized(event_id: int):
    event = events.visible_event(current_user, event_id)
    require(current_user, ORGANIZE_EVENT, event)
    return event


def _page(event, *, session_form=None, status: int = 200, editing=None):
    b = service.board(event)
    name = service.names(b)
    draft = {(m.slot_key, m.table_id): m for m in b.meetings if m.slot_key and m.table_id}
    unplaced = [m for m in b.meetings if not m.slot_key and m.reason_code]
    moved = [m for m in b.meetings if m.moved]
    place_form = PlaceForm()
    place_form.slot.choices = [(s.key, slot_words(s.key, s)) for s in b.slots]
    sessions = {s.id: s.name(locale_code()) for s in b.sessions}
    place_form.table.choices = [(t.id, f"{t.label} · {sessions[t.session_id]}") for t in b.table.values()]
    limits = {p.id: service.limit_of(b, p) for p in b.participants}
    counts = {p.id: 0 for p in b.participants}
    for m in b.meetings:
        if m.slot_key:
            for side in (m.request.requester_id, m.request.counterpart_id):
                counts[side] = counts.get(side, 0) + 1
    return render_template(
        "events/schedule/organizer.html", event=event, b=b, draft=draft, unplaced=unplaced, moved=moved,
        why=lambda m: reason_text(m.reason_code, m.reason_params, name, b.slot), slot_words=slot_words, limits=limits, counts=counts,
        session_form=session_form or SessionForm(formdata=None), editing=editing, limit_form=LimitForm(formdata=None,
                                                                                                     max_meetings=b.settings.max_meetings),
        place_form=place_form, action_form=ActionForm(), published=sum(1 for m in b.meetings if m.published)), status


@bp.route("/<int:event_id>/schedule")
@login_required
def schedule(event_id: int):
    """The organizer's schedule: sessions and tables, the draft as a grid of slots by tables, what was not placed and why."""
    return _page(_organized(event_id))


def _session_values(form) -> dict:
    return {name: form[name].data for name in SESSION_FIELDS}


def _save_session(event, found=None):
    """Add a session (`found` None) or change one; a refusal shows the schedule page again with the fields' messages."""
    form = SessionForm()
    if not form.validate_on_submit():
        flash(_("The form had expired; try again."), "error")
        return redirect(url_for(".schedule", event_id=event.id))
    try:
        service.save_session(current_user, event, _session_values(form), found)
    except events.EventError as error:
        _show_errors(form, error)
        return _page(event, session_form=form, status=422, editing=found)
    flash(_("The session has been saved."), "success")
    return redirect(url_for(".schedule", event_id=event.id))


@bp.post("/<int:event_id>/schedule/sessions")
@login_required
def add_session(event_id: int):
    return _save_session(_organized(event_id))


@bp.route("/<int:event_id>/schedule/sessions/<int:session_id>", methods=["GET", "POST"])
@login_required
def edit_session(event_id: int, session_id: int):
    event = _organized(event_id)
    found = service.session_of(event, session_id)
    if request.method == "GET":
        return _page(event, session_form=SessionForm(formdata=None, data=service.session_values(found)), editing=found)
    return _save_session(event, found)


@bp.post("/<int:event_id>/schedule/sessions/<int:session_id>/delete")
@login_required
def delete_session(event_id: int, session_id: int):
    event = _organized(event_id)
    found = service.session_of(event, session_id)
    if ActionForm().validate_on_submit():
        service.delete_session(current_user, found)
        flash(_("The session has been removed."), "success")
    return redirect(url_for(".schedule", event_id=event.id))


@bp.post("/<int:event_id>/schedule/limit")
@login_required
def schedule_limit(event_id: int):
    event = _organized(event_id)
    form = LimitForm()
    if form.validate_on_submit():
        try:
            service.set_event_limit(current_user, event, form.max_meetings.data)
        except events.EventError as error:
            for message in error.messages():
                flash(message, "error")
        else:
            flash(_("Saved."), "success")
    return redirect(url_for(".schedule", event_id=event.id))


@bp.route("/<int:event_id>/schedule/participants/<int:participant_id>", methods=["GET", "POST"])
@login_required
def participant_schedule(event_id: int, participant_id: int):
    """A participant's own limit of meetings and the hours it can meet in."""
    event = _organized(event_id)
    found = events.participant_of(event, participant_id)
    settings = service.participant_settings(found)
    form = ParticipantScheduleForm(formdata=None, max_meetings=settings.max_meetings, availability=settings.availability) \
        if request.method == "GET" else ParticipantScheduleForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            service.set_participant(current_user, found, {"max_meetings": form.max_meetings.data, "availability": form.availability.data})
        except events.EventError as error:
            _show_errors(form, error)
            return render_template("events/schedule/participant_form.html", event=event, participant=found, form=form), 422
        flash(_("Saved."), "success")
        return redirect(url_for(".schedule", event_id=event.id))
    return render_template("events/schedule/participant_form.html", event=event, participant=found, form=form)


@bp.post("/<int:event_id>/schedule/build")
@login_required
def build_schedule(event_id: int):
    """Run the solver, bounded by SCHEDULE_TIME_LIMIT (and SCHEDULE_WORK_LIMIT), and show the draft."""
    event = _organized(event_id)
    if ActionForm().validate_on_submit():
        work = current_app.config["SCHEDULE_WORK_LIMIT"] or None
        try:
            result = service.build(current_user, event, time_limit=current_app.config["SCHEDULE_TIME_LIMIT"], work_limit=work)
        except events.EventError as error:
            for message in error.messages():
                flash(message, "error")
        else:
            flash(_("The draft schedule has been built: %(placed)d meetings placed, %(left)d not placed, %(moved)d published meetings moved.",
                    placed=len(result.meetings), left=len(result.unplaced), moved=len(result.moved)), "success")
    return redirect(url_for(".schedule", event_id=event.id))


@bp.post("/<int:event_id>/schedule/meetings/<int:meeting_id>/place")
@login_required
def place_meeting(event_id: int, meeting_id: int):
    """Move a meeting by hand to a slot and table and pin it there."""
    event = _organized(event_id)
    meeting = service.meeting_of(event, meeting_id)
    form = PlaceForm()
    if form.validate_on_submit():
        try:
            service.place(current_user, meeting, {"slot": form.slot.data, "table": form.table.data})
        except events.EventError as error:
            for message in error.messages():
                flash(message, "error")
            return _page(event, status=422)
        flash(_("The meeting is pinned there."), "success")
    return redirect(url_for(".schedule", event_id=event.id))


@bp.post("/<int:event_id>/schedule/meetings/<int:meeting_id>/unpin")
@login_required
def unpin_meeting(event_id: int, meeting_id: int):
    event = _organized(event_id)
    meeting = service.meeting_of(event, meeting_id)
    if ActionForm().validate_on_submit():
        service.unpin(current_user, meeting)
        flash(_("The meeting is no longer pinned."), "success")
    return redirect(url_for(".schedule", event_id=event.id))


@bp.post("/<int:event_id>/schedule/publish")
@login_required
def publish_schedule(event_id: int):
    event = _organized(event_id)
    if ActionForm().validate_on_submit():
        count = service.publish(current_user, event)
        flash(_("The schedule is published: %(n)d meetings.", n=count), "success")
    return redirect(url_for(".schedule", event_id=event.id))


@bp.route("/<int:event_id>/schedule/tables/<int:table_id>")
@login_required
def table_sheet(event_id: int, table_id: int):
    """A table's sheet for its host: its published meetings by slot, printable."""
    event = _organized(event_id)
    table = service.table_of(event, table_id)
    meetings = [m for m in service.published_of(event) if m.published_table_id == table.id]
    return render_template("events/schedule/table_sheet.html", event=event, table=table, meetings=meetings)


def _agenda_of(event_id: int, participant_id: int):
    event = events.visible_event(current_user, event_id)
    found = events.participant_of(event, participant_id)
    if found.status != ParticipantStatus.APPROVED or not events.may_act_for(current_user, found):
        raise NotFound(_("This event has no participant with id %(id)s.", id=participant_id))
    return event, found


@bp.route("/<int:event_id>/participants/<int:participant_id>/agenda")
@login_required
def agenda(event_id: int, participant_id: int):
    """A participant's published meetings, printable."""
    event, found = _agenda_of(event_id, participant_id)
    return render_template("events/schedule/agenda.html", event=event, participant=found, meetings=service.published_of(event, found))


@bp.route("/<int:event_id>/participants/<int:participant_id>/agenda.ics")
@login_required
def agenda_ics(event_id: int, participant_id: int):
    """The participant's published meetings as an iCalendar file."""
    event, found = _agenda_of(event_id, participant_id)
    body = calendar.agenda(event, found, service.published_of(event, found), locale_code(), request.host,
                           lambda p: events.shown_name(current_user, p))
    answer = make_response(body)
    answer.headers["Content-Type"] = "text/calendar; charset=utf-8"
    answer.headers["Content-Disposition"] = f'attachment; filename="agenda-{event.id}-{found.id}.ics"'
    return answer
