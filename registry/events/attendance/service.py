"""Badges and check-in, and the outcomes of meetings: the writes, checked, cleaned, and never committed here.

A badge's QR code carries a signed token naming the event and the participant (`badge_token`):
anyone scanning it lands on the participant's public page, and only an organizer of the event
may turn that token into a check-in (`CHECK_IN`, checked here, not in the page). A participant
is checked in once per day of the event; the unique (participant, day) pair settles two
organizers scanning the same badge at once.
"""
from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from registry import inputs
from registry.accounts.permissions import require
from registry.domain_errors import Conflict, Invalid, NotFound
from registry.extensions import db
from registry.incentives.service import read_date

from ..models import Event, MeetingRequest, Participant, ParticipantStatus, RequestState
from ..permissions import ORGANIZE_EVENT
from .models import CheckIn, MeetingOutcome, Result
from .permissions import CHECK_IN, RECORD_OUTCOME

BADGE_SALT = "event-badge"
MAX_CONTRACT_VALUE = 10 ** 15  # a million billion đồng: beyond any contract signed at a fair
NOTES_LIMIT = 2000
RESULT_MESSAGE = _l("Choose no-show, met, follow-up agreed, MoU signed or contract signed.")
CODE_LIMIT = 500


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=BADGE_SALT)


def badge_token(participant: Participant) -> str:
    """The badge's token: the event and participant ids, signed with the site's secret key."""
    return _signer().dumps([participant.event_id, participant.id])


def participant_of_token(event: Event, raw) -> Participant:
    """The participant a badge's token (or the whole scanned address ending in it) names, in this event; Invalid otherwise."""
    errors: dict[str, list] = {}
    text = inputs.text(raw, "code", errors, CODE_LIMIT)
    if errors:
        raise Invalid(None, errors)
    token = text.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    try:
        event_id, participant_id = _signer().loads(token)
    except (BadSignature, TypeError, ValueError):
        raise Invalid(None, {"code": [_l("This is not the code of a badge of this event.")]}) from None
    participant = db.session.get(Participant, participant_id) if isinstance(participant_id, int) else None
    if event_id != event.id or participant is None or participant.event_id != event.id:
        raise Invalid(None, {"code": [_l("This is not the code of a badge of this event.")]})
    return participant


def badge_participants(actor, event: Event) -> list[Participant]:
    """The approved participants of the event, whose badges its organizers print."""
    require(actor, ORGANIZE_EVENT, event)
    return [p for p in event.participants if p.status == ParticipantStatus.APPROVED]


def event_days(event: Event) -> list[date]:
    return [date.fromordinal(n) for n in range(event.starts_on.toordinal(), event.ends_on.toordinal() + 1)]


def check_in(actor, participant: Participant, day_raw=None, *, today: date | None = None, is_demo: bool = False) -> CheckIn:
    """Record that the participant came on `day` (today unless given); once per day, on the event's days only."""
    event = participant.event
    if actor is not None:
        require(actor, CHECK_IN, event)
    errors: dict[str, list] = {}
    day = read_date(day_raw, "day", errors) if day_raw not in (None, "") else (today or date.today())
    if errors:
        raise Invalid(None, errors)
    if not event.starts_on <= day <= event.ends_on:
        raise Invalid(None, {"day": [_l("The event runs from %(start)s to %(end)s: there is no check-in on %(day)s.",
                                        start=event.starts_on.isoformat(), end=event.ends_on.isoformat(), day=day.isoformat())]})
    if participant.status != ParticipantStatus.APPROVED:
        raise Invalid(None, {"code": [_l("%(name)s is not an approved participant of this event.", name=participant.display_name)]})
    already = _checked_in(participant, day)
    if already is not None:
        raise Conflict(_l("%(name)s checked in already on %(day)s.", name=participant.display_name, day=day.isoformat()))
    record = CheckIn(event_id=event.id, participant=participant, day=day, by_user_id=getattr(actor, "id", None), is_demo=is_demo)
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        raise Conflict(_l("%(name)s checked in already on %(day)s.", name=participant.display_name, day=day.isoformat())) from None
    return record


def _checked_in(participant: Participant, day: date) -> CheckIn | None:
    return db.session.scalar(select(CheckIn).where(CheckIn.participant_id == participant.id, CheckIn.day == day))


# --- outcomes --------------------------------------------------------------------------------------

def outcome_of(request: MeetingRequest) -> MeetingOutcome | None:
    return db.session.scalar(select(MeetingOutcome).where(MeetingOutcome.request_id == request.id))


def clean_outcome(values: dict) -> dict:
    """Check an outcome's fields; a contract needs its value, a no-show or a plain meeting has none."""
    errors: dict[str, list] = {}
    result = inputs.choice(values.get("result"), "result", errors, Result, RESULT_MESSAGE)
    if result is None and "result" not in errors:
        errors["result"] = [RESULT_MESSAGE]
    value = inputs.number(values.get("contract_value"), "contract_value", errors, 0, MAX_CONTRACT_VALUE, whole=True, grouping=". ,")
    if result == Result.CONTRACT and value is None and "contract_value" not in errors:
        errors["contract_value"] = [_l("Give the contract's value in đồng.")]
    elif result in (Result.NO_SHOW, Result.HELD, Result.FOLLOW_UP) and value:
        errors["contract_value"] = [_l("A value is given only for an MoU or a contract signed.")]
    notes = inputs.text(values.get("notes"), "notes", errors, NOTES_LIMIT)
    if errors:
        raise Invalid(None, errors)
    return {"result": result, "contract_value": value if result in (Result.MOU, Result.CONTRACT) else None, "notes": notes}


def record_outcome(actor, request: MeetingRequest, values: dict, *, today: date | None = None, is_demo: bool = False) -> MeetingOutcome:
    """Record (or correct) what came of an accepted meeting, once the event has begun; either side or its organizers."""
    if actor is not None:
        require(actor, RECORD_OUTCOME, request)
    event = db.session.get(Event, request.event_id)
    if request.status != RequestState.ACCEPTED:
        raise Conflict(_l("Only an accepted meeting has an outcome."))
    if (today or date.today()) < event.starts_on:
        raise Conflict(_l("Outcomes are recorded once the event has begun (%(start)s).", start=event.starts_on.isoformat()))
    cleaned = clean_outcome(values)
    # Both sides recording at once: the second waits for the first and corrects its outcome instead of adding another.
    db.session.execute(select(MeetingRequest.id).where(MeetingRequest.id == request.id).with_for_update())
    outcome = outcome_of(request) or MeetingOutcome(request_id=request.id, event_id=request.event_id, is_demo=is_demo)
    for field, value in cleaned.items():
        setattr(outcome, field, value)
    outcome.recorded_by_id = getattr(actor, "id", None)
    db.session.add(outcome)
    db.session.flush()
    return outcome


def accepted_request_of(event: Event, request_id) -> MeetingRequest:
    found = db.session.get(MeetingRequest, inputs.parse_id(request_id) or 0)
    if found is None or found.event_id != event.id or found.status != RequestState.ACCEPTED:
        raise NotFound(_l("This event has no accepted meeting with id %(id)s.", id=request_id))
    return found
