"""Attendance pages: badges, the check-in desk and the badge's landing page, the exhibitor catalogue (page and XLSX),
meeting outcomes and their summaries. Registered as their own blueprint under /events."""
from __future__ import annotations

import base64
from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry.accounts.permissions import can, require
from registry.domain_errors import Conflict, Invalid
from registry.ecolabels.qr import qr_svg
from registry.i18n import locale_code
from registry.tabular import xlsx_bytes
from registry.transactions import writes

from .. import service as events
from ..models import Direction, ParticipantStatus
from . import queries, service
from .forms import CheckInForm, OutcomeForm
from .permissions import CHECK_IN, RECORD_OUTCOME
from .wording import RESULT_LABELS

bp = Blueprint("attendance", __name__, url_prefix="/events")
BADGE_MM = 30


@bp.app_template_global()
def event_outcomes(enterprise) -> list:
    """The outcomes of an enterprise's meetings at events, for its profile (`templates/events/attendance/_profile.html`)."""
    return queries.profile_outcomes(enterprise)


@bp.app_template_global()
def outcome_labels() -> dict:
    return RESULT_LABELS


def badge_url(participant, external: bool = True) -> str:
    return url_for("attendance.badge_landing", event_id=participant.event_id, token=service.badge_token(participant), _external=external)


def qr_image(address: str, title: str, side_mm: int = BADGE_MM) -> str:
    """A QR code as a data address for an <img>: the page and its print carry it without another request."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(address, title, side_mm)).decode("ascii")


@bp.route("/<int:event_id>/badges")
@login_required
def badges(event_id: int):
    """Every approved participant's badge, to print: name, role, organization, booth, the event, and the QR code of its page."""
    event = events.visible_event(current_user, event_id)
    participants = service.badge_participants(current_user, event)
    return render_template("events/attendance/badges.html", event=event, badges=[_badge(p) for p in participants])


@bp.route("/<int:event_id>/participants/<int:participant_id>/badge")
@login_required
def badge(event_id: int, participant_id: int):
    """One participant's badge, for those who act for it."""
    event = events.visible_event(current_user, event_id)
    participant = events.participant_of(event, participant_id)
    events.require_acting(current_user, participant)
    if participant.status != ParticipantStatus.APPROVED:
        raise Conflict(_("A badge is printed once the participant is approved."))
    return render_template("events/attendance/badges.html", event=event, badges=[_badge(participant)])


def _badge(participant) -> dict:
    name = events.shown_name(current_user, participant)
    person = participant.name if participant.enterprise is not None else ""
    if participant.enterprise is not None and not person and participant.user is not None:
        person = participant.user.full_name or ""
    address = badge_url(participant)
    return {"participant": participant, "person": person, "organization": name, "code": service.badge_token(participant),
            "qr": qr_image(address, _("Badge of %(name)s", name=name))}


@bp.route("/<int:event_id>/badge/<token>")
def badge_landing(event_id: int, token: str):
    """Where a badge's QR code leads. An organizer of the event, signed in on the phone that scanned it, sees the participant,
    the days it checked in and one button that checks it in for today (a write by POST, so no page elsewhere can make an
    organizer's browser check anybody in); everyone else is sent to the participant's page."""
    event = events.visible_event(current_user, event_id)
    participant = service.participant_of_token(event, token)
    if not (current_user.is_authenticated and can(current_user, CHECK_IN, event)):
        return redirect(url_for("events.participant", event_id=event.id, participant_id=participant.id))
    return _landing(event, participant, token)


@bp.route("/<int:event_id>/badge/<token>", methods=["POST"])
@login_required
@writes
def badge_check_in(event_id: int, token: str):
    """The landing page's button: check the badge's participant in for today, then show the landing page again."""
    event = events.visible_event(current_user, event_id)
    participant = service.participant_of_token(event, token)
    if not CheckInForm().validate_on_submit():
        flash(_("The form had expired; try again."), "error")
        return redirect(url_for(".badge_landing", event_id=event.id, token=token))
    try:
        service.check_in(current_user, participant)
    except Conflict as error:
        flash(str(error.message), "warning")
    except Invalid as error:
        return _landing(event, participant, token, messages=error.messages()), 422
    else:
        flash(_("%(name)s is checked in for today.", name=events.shown_name(current_user, participant)), "success")
    return redirect(url_for(".badge_landing", event_id=event.id, token=token))


def _landing(event, participant, token: str, messages=()):
    days = queries.checked_in_days([participant.id]).get(participant.id, [])
    return render_template("events/attendance/landing.html", event=event, participant=participant, days=days, token=token,
                           today_done=date.today() in days, messages=list(messages), form=CheckInForm())


@bp.route("/<int:event_id>/check-in", methods=["GET", "POST"])
@login_required
def check_in(event_id: int):
    """The organizers' check-in desk: scan or type a badge's code to record the day; the counts of each day."""
    event = events.visible_event(current_user, event_id)
    require(current_user, CHECK_IN, event)
    form = CheckInForm()
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            flash(_("The form had expired; try again."), "error")
        else:
            try:
                participant = service.participant_of_token(event, form.code.data)
                record = service.check_in(current_user, participant, form.day.data)
            except Invalid as error:
                for name, messages in error.errors.items():
                    form[name].errors = [str(m) for m in messages]
                status = 422
            except Conflict as error:
                flash(str(error.message), "warning")
                return redirect(url_for(".check_in", event_id=event.id))
            else:
                flash(_("%(name)s is checked in for %(day)s.", name=participant.display_name, day=record.day.isoformat()), "success")
                return redirect(url_for(".check_in", event_id=event.id))
    return render_template("events/attendance/check_in.html", event=event, form=form, counts=queries.check_in_counts(event),
                           approved=sum(1 for p in event.participants if p.status == ParticipantStatus.APPROVED)), status


def catalogue_rows(event, viewer) -> list[dict]:
    """The catalogue's lines, one per exhibitor and catalog group (shared by the page, the XLSX file and the API)."""
    rows = []
    for group in queries.catalogue(event):
        for participant in group.exhibitors:
            enterprise = participant.enterprise
            named = events.named_for(viewer, participant)
            offers = [i for i in participant.interests if i.direction == Direction.OFFER]
            rows.append({
                "group": group.node, "participant": participant, "name": events.shown_name(viewer, participant), "booth": participant.booth,
                "offers": offers, "website": enterprise.website if enterprise is not None and named else "",
                "email": enterprise.email if enterprise is not None and named else "",
                "phone": enterprise.phone if enterprise is not None and named else "",
                "page": url_for("events.participant", event_id=event.id, participant_id=participant.id, _external=True)})
    return rows


@bp.route("/<int:event_id>/catalogue")
def catalogue(event_id: int):
    """The exhibitor catalogue, to print: by catalog group, in Vietnamese and English, with booths, offers, contacts and QR codes."""
    event = events.visible_event(current_user, event_id)
    rows = catalogue_rows(event, current_user)
    for row in rows:
        row["qr"] = qr_image(row["page"], row["name"], 20)
    return render_template("events/attendance/catalogue.html", event=event, rows=rows)


def _offer_words(interest, language: str) -> str:
    node = interest.node
    name = ((node.name_en or node.name_vi) if language == "en" else node.name_vi) if node is not None else ""
    return " ".join(part for part in ((node.code if node else ""), name, (f"({interest.text})" if interest.text and node else interest.text))
                    if part)


@bp.route("/<int:event_id>/catalogue.xlsx")
def catalogue_xlsx(event_id: int):
    """The exhibitor catalogue as a spreadsheet; text that a spreadsheet would run as a formula is written as text."""
    event = events.visible_event(current_user, event_id)
    header = [_("Catalog group"), _("Group in Vietnamese"), _("Group in English"), _("Booth"), _("Exhibitor"), _("Offers in Vietnamese"),
              _("Offers in English"), _("Website"), _("E-mail"), _("Phone"), _("Page")]
    lines = [[row["group"].code if row["group"] else "", row["group"].name_vi if row["group"] else "",
              (row["group"].name_en or row["group"].name_vi) if row["group"] else "", row["booth"] or "", row["name"],
              "; ".join(_offer_words(i, "vi") for i in row["offers"]), "; ".join(_offer_words(i, "en") for i in row["offers"]),
              row["website"], row["email"], row["phone"], row["page"]] for row in catalogue_rows(event, current_user)]
    data = xlsx_bytes(header, lines, sheet_title=_("Exhibitors"))
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="event-{event.id}-exhibitors.xlsx"'})


# --- outcomes --------------------------------------------------------------------------------------

@bp.route("/<int:event_id>/outcomes")
def outcomes(event_id: int):
    """What the event's meetings came to: the summary for all, and the accepted meetings for those who may record their outcome."""
    event = events.visible_event(current_user, event_id)
    mine = []
    if current_user.is_authenticated:
        recorded = queries.outcomes_of(event)
        mine = [(r, recorded.get(r.id)) for r in queries.accepted_requests(event) if can(current_user, RECORD_OUTCOME, r)]
    return render_template("events/attendance/outcomes.html", event=event, summary=queries.event_summary(event), meetings=mine,
                           organizer=events.may_organize(current_user, event), form=OutcomeForm(), today=date.today())


@bp.post("/<int:event_id>/requests/<int:request_id>/outcome")
@login_required
def record_outcome(event_id: int, request_id: int):
    event = events.visible_event(current_user, event_id)
    meeting = service.accepted_request_of(event, request_id)
    form = OutcomeForm()
    if not form.validate_on_submit():
        flash(_("The form had expired; try again."), "error")
    else:
        try:
            service.record_outcome(current_user, meeting, {"result": form.result.data, "contract_value": form.contract_value.data,
                                                           "notes": form.notes.data})
        except Invalid as error:
            for message in error.messages():
                flash(message, "error")
        else:
            flash(_("The outcome of the meeting of %(a)s and %(b)s is saved.", a=events.shown_name(current_user, meeting.requester),
                    b=events.shown_name(current_user, meeting.counterpart)), "success")
    return redirect(url_for(".outcomes", event_id=event.id))


@bp.route("/outcomes")
def report():
    """The annual report's figures: per province of the events, the meetings and what they came to, for one year or all."""
    raw = (request.args.get("year") or "").strip()
    year = int(raw) if raw.isdecimal() and 2000 <= int(raw) <= 2100 else None
    return render_template("events/attendance/report.html", year=year, rows=queries.province_summaries(current_user, year),
                           locale=locale_code())
