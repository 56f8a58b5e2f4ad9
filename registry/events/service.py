"""Run events: their fields, registration of participants and its waiting list, offers and needs, and meeting requests.

Every write checks its rule (`permissions.py`) here, cleans its input into field errors in the
user's language, and changes the records only once every check has passed; nothing commits.
Approvals and withdrawals lock the event's row first, so two organizers approving at once for
the last place act one after the other and the second puts its participant on the waiting list.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from registry import inputs
from registry.accounts.models import Organization
from registry.accounts.permissions import can, require, reviewed_provinces
from registry.audit.models import utcnow
from registry.catalog import service as catalog
from registry.domain_errors import Conflict, Invalid, NotFound
from registry.enterprises import service as enterprises
from registry.enterprises.duplicates import flag_similar
from registry.enterprises.models import Enterprise, Status
from registry.enterprises.taxcode import TaxCodeError, normalize_tax_code
from registry.extensions import db
from registry.incentives.service import read_date
from registry.places.service import UnknownPlace, get_province
from registry.text import fold

from .models import (Direction, Event, EventKind, EventStatus, Interest, MeetingRequest, Participant, ParticipantRole, ParticipantStatus,
                     Priority, RequestState)
from .permissions import ACT_FOR_PARTICIPANT, ORGANIZE_EVENT, REGISTER

PENDING_NAME = _l("An enterprise awaiting review")

TEXT_FIELDS = {"name_vi": 300, "name_en": 300, "venue": 300, "description": 5000}
FIELDS = (*TEXT_FIELDS, "kind", "starts_on", "ends_on", "latitude", "longitude", "province_code", "organization_id", "status",
          "participant_limit", "auto_accept", "request_hours", "max_open_requests")
MAX_PARTICIPANTS = 100_000
MAX_REQUEST_HOURS = 24 * 90
MAX_OPEN_REQUESTS = 1000
MAX_INTERESTS = 40
BOOTH_LIMIT = 20
# Where the registration's waiting list stops taking part: a place is taken by those approved.
TAKING_PART = (ParticipantStatus.APPROVED,)
ACTIVE = (ParticipantStatus.REQUESTED, ParticipantStatus.APPROVED, ParticipantStatus.WAITING)
KIND_MESSAGE = _l("Choose a fair or exhibition, an investment promotion conference, a B2B matchmaking session or a training.")
STATUS_MESSAGE = _l("Choose draft, open for registration, closed or held.")
ROLE_MESSAGE = _l("Choose exhibitor, buyer, investor or speaker.")
PRIORITY_MESSAGE = _l("Choose “must meet” or “would like to meet”.")


class EventError(Invalid):
    """Bad input for an event, a registration, an offer or need or a meeting request, as `{field: [messages]}`."""

    def __init__(self, errors: dict[str, list]):
        super().__init__(None, errors)


# --- reading ---------------------------------------------------------------------------------------

def get_event(event_id: int) -> Event | None:
    return db.session.get(Event, event_id)


def may_organize(user, event) -> bool:
    return can(user, ORGANIZE_EVENT, event)


def visible_to(user, event: Event) -> bool:
    """Events are public once out of draft; a draft is seen by its organizers."""
    return event.status != EventStatus.DRAFT or may_organize(user, event)


def visible_event(user, event_id: int) -> Event:
    event = get_event(event_id) if inputs.parse_id(event_id) else None
    if event is None or not visible_to(user, event):
        raise NotFound(_l("There is no event with id %(id)s.", id=event_id))
    return event


def participant_of(event: Event, participant_id) -> Participant:
    participant = db.session.get(Participant, inputs.parse_id(participant_id) or 0)
    if participant is None or participant.event_id != event.id:
        raise NotFound(_l("This event has no participant with id %(id)s.", id=participant_id))
    return participant


def request_of(event: Event, request_id) -> MeetingRequest:
    found = db.session.get(MeetingRequest, inputs.parse_id(request_id) or 0)
    if found is None or found.event_id != event.id:
        raise NotFound(_l("This event has no meeting request with id %(id)s.", id=request_id))
    return found


def load_participants(event: Event) -> Event:
    """Load the event's participants with their offers and needs in two statements, not one more per participant."""
    found = db.session.scalars(select(Participant).where(Participant.event_id == event.id).order_by(Participant.id)
                               .options(selectinload(Participant.interests))).unique().all()
    set_committed_value(event, "participants", list(found))
    return event


def may_act_for(user, participant: Participant) -> bool:
    return can(user, ACT_FOR_PARTICIPANT, participant)


def participants_acted_for(user, event: Event) -> list[Participant]:
    """The event's participants the user acts for (all of them for its organizers), active ones only."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return [p for p in event.participants if p.status in ACTIVE and may_act_for(user, p)]


# --- events ----------------------------------------------------------------------------------------

def clean_event(values: dict, *, current: Event | None = None) -> dict:
    """Check an event's fields and return the values to store, or raise EventError with every problem at once."""
    errors: dict[str, list] = {}
    cleaned: dict = {field: inputs.text(values.get(field), field, errors, limit) for field, limit in TEXT_FIELDS.items()}
    if not cleaned["name_vi"] and "name_vi" not in errors:
        errors["name_vi"] = [_l("Give the event a name in Vietnamese.")]
    kind = inputs.choice(values.get("kind"), "kind", errors, EventKind, KIND_MESSAGE)
    if kind is None and "kind" not in errors:
        errors["kind"] = [KIND_MESSAGE]
    cleaned["kind"] = kind
    status = inputs.choice(values.get("status"), "status", errors, EventStatus, STATUS_MESSAGE,
                           current.status.value if current else EventStatus.DRAFT.value)
    cleaned["status"] = status
    for field in ("starts_on", "ends_on"):
        cleaned[field] = read_date(values.get(field), field, errors)
        if cleaned[field] is None and field not in errors:
            errors[field] = [_l("Give the first day of the event.") if field == "starts_on" else _l("Give the last day of the event.")]
    if cleaned["starts_on"] and cleaned["ends_on"] and cleaned["ends_on"] < cleaned["starts_on"]:
        errors["ends_on"] = [_l("The event cannot end (%(end)s) before it starts (%(start)s).", end=cleaned["ends_on"].isoformat(),
                                start=cleaned["starts_on"].isoformat())]
    _clean_point(values, errors, cleaned)
    try:
        cleaned["province_code"] = get_province(values.get("province_code")).code
    except UnknownPlace:
        errors["province_code"] = [_l("Choose the province where the event takes place.")]
    cleaned["organization_id"] = _organization(values.get("organization_id"), errors)
    cleaned["participant_limit"] = inputs.number(values.get("participant_limit"), "participant_limit", errors, 1, MAX_PARTICIPANTS,
                                                 whole=True)
    cleaned["auto_accept"] = bool(inputs.yes_no(values.get("auto_accept"), "auto_accept", errors))
    for field, low, high, default in (("request_hours", 1, MAX_REQUEST_HOURS, 72), ("max_open_requests", 1, MAX_OPEN_REQUESTS, 20)):
        found = inputs.number(values.get(field), field, errors, low, high, whole=True)
        cleaned[field] = default if found is None else found
    if current is not None and cleaned["participant_limit"] is not None and "participant_limit" not in errors:
        taken = approved_count(current)
        if taken > cleaned["participant_limit"]:
            errors["participant_limit"] = [_l("%(n)d participants are approved already: the limit cannot be lower.", n=taken)]
    if errors:
        raise EventError(errors)
    return cleaned


def _clean_point(values: dict, errors: dict, cleaned: dict) -> None:
    """The venue's map point: both coordinates or neither, inside Vietnam's bounds."""
    for field, (low, high) in enterprises.VIETNAM_BOUNDS.items():
        cleaned[field] = inputs.number(values.get(field), field, errors, low, high,
                                       out_of_range=lambda lo, hi: _l("Give a point in Vietnam: from %(low)s to %(high)s.", low=lo, high=hi))
    if (cleaned["latitude"] is None) != (cleaned["longitude"] is None) and not ({"latitude", "longitude"} & set(errors)):
        missing = "latitude" if cleaned["latitude"] is None else "longitude"
        errors[missing] = [_l("Give both the latitude and the longitude of the venue, or neither.")]


def _organization(raw, errors: dict) -> int | None:
    if raw in (None, ""):
        errors["organization_id"] = [_l("Choose the organizing organization.")]
        return None
    organization = db.session.get(Organization, inputs.parse_id(raw) or 0)
    if organization is None:
        errors["organization_id"] = [_l("Choose the organizing organization.")]
        return None
    return organization.id


def _apply(event: Event, cleaned: dict) -> None:
    for field, value in cleaned.items():
        setattr(event, field, value)
    event.search_folded = " " + fold(" ".join([event.name_vi or "", event.name_en or "", event.venue or ""])) + " "


def create_event(actor, values: dict, *, is_demo: bool = False) -> Event:
    """Record an event; `actor` None is the demo data or the command line."""
    cleaned = clean_event(values)
    event = Event(is_demo=is_demo)
    _apply(event, cleaned)
    if actor is not None:
        require(actor, ORGANIZE_EVENT, event)
    db.session.add(event)
    db.session.flush()
    return event


def update_event(actor, event: Event, values: dict) -> Event:
    """Change an event; one moved to another organization or province needs the right to organize it there too."""
    require(actor, ORGANIZE_EVENT, event)
    cleaned = clean_event(values, current=event)
    require(actor, ORGANIZE_EVENT, Event(province_code=cleaned["province_code"], organization_id=cleaned["organization_id"]))
    _apply(event, cleaned)
    db.session.flush()
    return event


# --- registration ----------------------------------------------------------------------------------

def approved_count(event: Event) -> int:
    return db.session.scalar(select(func.count()).select_from(Participant).where(
        Participant.event_id == event.id, Participant.status.in_(TAKING_PART))) or 0


def register(actor, event: Event, values: dict, *, is_demo: bool = False) -> Participant:
    """Ask for a participant to take part: an enterprise by its tax code (a new one is recorded pending), or an investor.

    The organizers approve it. Registration is open to all only while the event is open for it;
    its organizers may register anyone at any time. Only the enterprise's representatives and
    the organizers register an enterprise; an unknown one registered by a visitor makes them
    its representative, as the enterprise registration does.
    """
    if actor is not None:
        require(actor, REGISTER, event)
    organizer = actor is None or may_organize(actor, event)
    if not organizer and event.status != EventStatus.OPEN:
        raise Conflict(_l("Registration for this event is not open."))
    errors: dict[str, list] = {}
    role = inputs.choice(values.get("role"), "role", errors, ParticipantRole, ROLE_MESSAGE)
    if role is None and "role" not in errors:
        errors["role"] = [ROLE_MESSAGE]
    name = inputs.text(values.get("name"), "name", errors, 300)
    raw_code = (values.get("tax_code") or "").strip() if isinstance(values.get("tax_code"), str) else values.get("tax_code")
    enterprise, profile = None, None
    if raw_code:
        enterprise, profile = _enterprise_for(values, raw_code, errors)
    elif role is not None and role != ParticipantRole.INVESTOR:
        errors["tax_code"] = [_l("Give the tax code of the enterprise taking part; only investors may take part without one.")]
    elif role == ParticipantRole.INVESTOR and not name and not (actor and actor.full_name):
        errors["name"] = [_l("Give the investor's name, or the tax code of its enterprise.")]
    existing = _existing_registration(event, enterprise, actor if not raw_code else None)
    if existing is not None and existing.status in ACTIVE:
        errors.setdefault("tax_code" if enterprise else "name", []).append(_l("This participant is registered for the event already."))
    if errors:
        raise EventError(errors)
    if enterprise is not None and actor is not None and not organizer:
        require(actor, ACT_FOR_PARTICIPANT, SimpleNamespace(user_id=None, enterprise=enterprise, event=event))
    if enterprise is None and profile is not None:
        enterprise = _record_pending(actor, profile, values, organizer, is_demo)
    participant = existing or Participant(event=event, enterprise=enterprise)
    participant.role, participant.status, participant.booth = role, ParticipantStatus.REQUESTED, None
    participant.name = name or ("" if enterprise else (actor.full_name if actor else ""))
    participant.user_id = actor.id if actor is not None else None
    participant.is_demo, participant.waiting_since, participant.decided_at = is_demo, None, None
    db.session.add(participant)
    db.session.flush()
    return participant


def _enterprise_for(values: dict, raw_code, errors: dict) -> tuple[Enterprise | None, dict | None]:
    """The enterprise with the tax code, or the profile of a new pending one (a Vietnamese name and a province are then needed)."""
    try:
        tax_code = normalize_tax_code(str(raw_code))
    except TaxCodeError as error:
        errors["tax_code"] = [error.message]
        return None, None
    found = enterprises.find_by_tax_code(tax_code)
    if found is not None:
        if found.status in (Status.MERGED, Status.REJECTED):
            errors["tax_code"] = [_l("The enterprise with this tax code is no longer in the registry.")]
        return found, None
    profile_values = {"tax_code": tax_code, "name_vi": values.get("enterprise_name"), "province_code": values.get("enterprise_province")}
    try:
        return None, enterprises.clean_profile(profile_values)
    except enterprises.EnterpriseError as error:
        where = {"name_vi": "enterprise_name", "province_code": "enterprise_province"}
        for field, messages in error.errors.items():
            errors.setdefault(where.get(field, field), []).extend(messages)
        if "enterprise_name" in errors or "enterprise_province" in errors:
            errors.setdefault("tax_code", []).append(_l(
                "No enterprise with this tax code is in the registry: give its Vietnamese name and province to record it, pending review."))
        return None, None


def _record_pending(actor, profile: dict, values: dict, organizer: bool, is_demo: bool) -> Enterprise:
    """A new enterprise, pending its province's review: an organizer's is nobody's yet; a visitor's is theirs, as a registration."""
    if actor is not None and not organizer:
        return enterprises.register_enterprise(actor, {"tax_code": profile["tax_code"], "name_vi": values.get("enterprise_name"),
                                                       "province_code": values.get("enterprise_province")})
    enterprise = Enterprise(status=Status.PENDING, source="event registration", is_demo=is_demo)
    enterprises.apply_values(enterprise, profile)
    enterprises.save_enterprise(enterprise)
    flag_similar(enterprise)
    return enterprise


def _existing_registration(event: Event, enterprise: Enterprise | None, investor) -> Participant | None:
    if enterprise is not None and enterprise.id is not None:
        return db.session.scalar(select(Participant).where(Participant.event_id == event.id, Participant.enterprise_id == enterprise.id))
    if investor is not None:
        return db.session.scalar(select(Participant).where(Participant.event_id == event.id, Participant.enterprise_id.is_(None),
                                                           Participant.user_id == investor.id).order_by(Participant.id.desc()).limit(1))
    return None


def _lock(event: Event) -> Event:
    """Read the event again under a row lock: decisions on its places follow one another."""
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())
    db.session.refresh(event)
    return event


def approve(actor, participant: Participant) -> Participant:
    """Approve a registration; past the event's limit it goes on the waiting list instead, in the order approved."""
    event = participant.event
    if actor is not None:
        require(actor, ORGANIZE_EVENT, event)
    _lock(event)
    db.session.refresh(participant)
    if participant.status not in (ParticipantStatus.REQUESTED, ParticipantStatus.WAITING, ParticipantStatus.DECLINED):
        raise Conflict(_l("This registration was decided already."))
    if event.participant_limit is not None and approved_count(event) >= event.participant_limit:
        if participant.status != ParticipantStatus.WAITING:
            participant.status, participant.waiting_since = ParticipantStatus.WAITING, utcnow()
    else:
        participant.status, participant.waiting_since = ParticipantStatus.APPROVED, None
    participant.decided_at = utcnow()
    db.session.flush()
    return participant


def decline(actor, participant: Participant) -> Participant:
    """Decline a registration that is still in play; an approved one's place goes to the first on the waiting list."""
    require(actor, ORGANIZE_EVENT, participant.event)
    _lock(participant.event)
    db.session.refresh(participant)
    if participant.status not in ACTIVE:
        raise Conflict(_l("This participant has withdrawn already or was declined."))
    was = participant.status
    participant.status, participant.booth, participant.decided_at = ParticipantStatus.DECLINED, None, utcnow()
    if was == ParticipantStatus.APPROVED:
        _promote_first_waiting(participant.event)
    db.session.flush()
    return participant


def withdraw(actor, participant: Participant) -> Participant | None:
    """Withdraw a participant; an approved one's place goes to the first on the waiting list, who is returned."""
    require(actor, ACT_FOR_PARTICIPANT, participant)
    if participant.status not in ACTIVE:
        raise Conflict(_l("This participant has withdrawn already or was declined."))
    _lock(participant.event)
    was = participant.status
    participant.status, participant.booth, participant.waiting_since = ParticipantStatus.WITHDRAWN, None, None
    db.session.flush()
    return _promote_first_waiting(participant.event) if was == ParticipantStatus.APPROVED else None


def _promote_first_waiting(event: Event) -> Participant | None:
    if event.participant_limit is not None and approved_count(event) >= event.participant_limit:
        return None
    first = db.session.scalar(select(Participant).where(Participant.event_id == event.id, Participant.status == ParticipantStatus.WAITING)
                              .order_by(Participant.waiting_since, Participant.id).limit(1))
    if first is not None:
        first.status, first.waiting_since, first.decided_at = ParticipantStatus.APPROVED, None, utcnow()
        db.session.flush()
    return first


def set_booth(actor, participant: Participant, raw) -> Participant:
    """Give an exhibitor its booth number, unique within the event; empty clears it."""
    require(actor, ORGANIZE_EVENT, participant.event)
    errors: dict[str, list] = {}
    booth = inputs.text(raw, "booth", errors, BOOTH_LIMIT) or None
    if booth and participant.role != ParticipantRole.EXHIBITOR:
        errors["booth"] = [_l("Only exhibitors have booths.")]
    if booth and not errors:
        held = db.session.scalar(select(Participant).where(Participant.event_id == participant.event_id, Participant.booth == booth,
                                                           Participant.id != participant.id))
        if held is not None:
            errors["booth"] = [_l("Booth %(booth)s is given to %(name)s already.", booth=booth, name=held.display_name)]
    if errors:
        raise EventError(errors)
    participant.booth = booth
    db.session.flush()
    return participant


# --- offers and needs ------------------------------------------------------------------------------

def add_interest(actor, participant: Participant, values: dict) -> Interest:
    """List something the participant offers or seeks: a Decision 980 node by its code, free text, or both."""
    if actor is not None:
        require(actor, ACT_FOR_PARTICIPANT, participant)
    errors: dict[str, list] = {}
    direction = inputs.choice(values.get("direction"), "direction", errors, Direction, _l("Choose an offer or a need."))
    if direction is None and "direction" not in errors:
        errors["direction"] = [_l("Choose an offer or a need.")]
    text = inputs.text(values.get("text"), "text", errors, 500)
    code = inputs.text(values.get("node"), "node", errors, 40)
    node = None
    if code and "node" not in errors:
        version = catalog.current_version()
        node = catalog.get_node(version, code) if version else None
        if node is None:
            errors["node"] = [_l("The Decision 980 catalog has no item “%(code)s”.", code=code)]
    if not code and not text and not errors:
        errors["node"] = [_l("Choose a catalog item or describe it in words.")]
    if len(participant.interests) >= MAX_INTERESTS:
        errors.setdefault("text", []).append(_l("A participant lists at most %(n)d offers and needs.", n=MAX_INTERESTS))
    if errors:
        raise EventError(errors)
    interest = Interest(participant=participant, direction=direction, node=node, text=text)
    db.session.add(interest)
    db.session.flush()
    return interest


def remove_interest(actor, interest: Interest) -> None:
    require(actor, ACT_FOR_PARTICIPANT, interest.participant)
    db.session.delete(interest)
    db.session.flush()


# --- meeting requests ------------------------------------------------------------------------------

def open_requests_of(participant: Participant, now: datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(MeetingRequest).where(
        MeetingRequest.requester_id == participant.id, MeetingRequest.status == RequestState.OPEN,
        MeetingRequest.expires_at > now)) or 0


def request_meeting(actor, requester: Participant, values: dict, *, now: datetime | None = None, is_demo: bool = False) -> MeetingRequest:
    """Ask another participant of the event for a meeting, must-meet or would-like-to-meet.

    Refused, with the field's message: a meeting with oneself, a second request between the same
    two (either way round, unless the first expired), one with a participant who declined, one
    beyond the requester's cap of open requests. An event set to accept automatically accepts it.
    """
    now = now or utcnow()
    event = requester.event
    if actor is not None:
        require(actor, ACT_FOR_PARTICIPANT, requester)
    errors: dict[str, list] = {}
    priority = inputs.choice(values.get("priority"), "priority", errors, Priority, PRIORITY_MESSAGE, Priority.WOULD_LIKE.value)
    message = inputs.text(values.get("message"), "message", errors, 1000)
    counterpart = db.session.get(Participant, inputs.parse_id(values.get("counterpart_id")) or 0)
    if requester.status != ParticipantStatus.APPROVED:
        errors["counterpart_id"] = [_l("Only approved participants request meetings.")]
    elif counterpart is None or counterpart.event_id != event.id or counterpart.status != ParticipantStatus.APPROVED:
        errors["counterpart_id"] = [_l("Choose an approved participant of this event.")]
    elif counterpart.id == requester.id:
        errors["counterpart_id"] = [_l("A participant cannot request a meeting with itself.")]
    elif event.status not in (EventStatus.OPEN, EventStatus.CLOSED):
        errors["counterpart_id"] = [_l("Meetings are requested while the event is open or closed for registration, before it is held.")]
    reused = None
    if not errors:
        reused = _refuse_repeat(requester, counterpart, now, errors)
        if not errors and open_requests_of(requester, now) >= event.max_open_requests:
            errors["counterpart_id"] = [_l("%(name)s has %(n)d open requests, the most this event allows; wait for answers first.",
                                           name=requester.display_name, n=event.max_open_requests)]
    if errors:
        raise EventError(errors)
    request = reused or MeetingRequest(event_id=event.id, requester_id=requester.id, counterpart_id=counterpart.id)
    request.priority, request.message, request.is_demo = priority, message, is_demo
    request.created_at, request.expires_at, request.answered_at = now, now + timedelta(hours=event.request_hours), None
    request.status = RequestState.OPEN
    if event.auto_accept:
        request.status, request.answered_at = RequestState.ACCEPTED, now
    db.session.add(request)
    db.session.flush()
    return request


def _refuse_repeat(requester: Participant, counterpart: Participant, now: datetime, errors: dict) -> MeetingRequest | None:
    """Note a request between the two that stands (either way round); return this way's expired one, to be sent again."""
    pair = db.session.scalars(select(MeetingRequest).where(or_(
        (MeetingRequest.requester_id == requester.id) & (MeetingRequest.counterpart_id == counterpart.id),
        (MeetingRequest.requester_id == counterpart.id) & (MeetingRequest.counterpart_id == requester.id)))).all()
    expired = None
    for found in pair:
        state = found.state(now)
        if state == RequestState.DECLINED and found.counterpart_id == counterpart.id:
            errors["counterpart_id"] = [_l("%(name)s declined a meeting with %(requester)s: it cannot be requested again.",
                                           name=counterpart.display_name, requester=requester.display_name)]
        elif state == RequestState.DECLINED:
            errors["counterpart_id"] = [_l("%(requester)s declined a meeting with %(name)s before.", requester=requester.display_name,
                                           name=counterpart.display_name)]
        elif state == RequestState.EXPIRED:
            if found.requester_id == requester.id:
                expired = found
        elif found.requester_id == requester.id:
            errors["counterpart_id"] = [_l("%(requester)s has requested a meeting with %(name)s already.", requester=requester.display_name,
                                           name=counterpart.display_name)]
        else:
            errors["counterpart_id"] = [_l("%(name)s has requested a meeting with %(requester)s already: answer that request.",
                                           name=counterpart.display_name, requester=requester.display_name)]
    return expired


def answer_request(actor, request: MeetingRequest, accept, *, now: datetime | None = None) -> MeetingRequest:
    """Accept or decline a request sent to one's participant, while it is open (not answered, not expired)."""
    now = now or utcnow()
    if actor is not None:
        require(actor, ACT_FOR_PARTICIPANT, request.counterpart)
    errors: dict[str, list] = {}
    answer = inputs.yes_no(accept, "accept", errors)
    if answer is None and "accept" not in errors:
        errors["accept"] = [_l("Accept or decline the request.")]
    if errors:
        raise EventError(errors)
    state = request.state(now)
    if state == RequestState.EXPIRED:
        raise Conflict(_l("This request expired before it was answered."))
    if state != RequestState.OPEN:
        raise Conflict(_l("This request was answered already."))
    request.status, request.answered_at = (RequestState.ACCEPTED if answer else RequestState.DECLINED), now
    db.session.flush()
    return request


def expire_requests(now: datetime | None = None) -> int:
    """Write down that open requests past their time expired; returns how many. Safe to repeat and to run beside the pages."""
    now = now or utcnow()
    result = db.session.execute(update(MeetingRequest).where(MeetingRequest.status == RequestState.OPEN, MeetingRequest.expires_at <= now)
                                .values(status=RequestState.EXPIRED), execution_options={"synchronize_session": False})
    return result.rowcount or 0


def coming(on: date, event: Event) -> bool:
    return event.ends_on >= on


def require_acting(user, participant: Participant) -> None:
    require(user, ACT_FOR_PARTICIPANT, participant)


def named_for(viewer, participant: Participant) -> bool:
    """Whether `viewer` may learn who a participant is: an investor by the name it registered, a published enterprise, and a
    pending one only to those who review its province and those who act for it (the event's organizers among them)."""
    enterprise = participant.enterprise
    if enterprise is None or enterprise.status == Status.PUBLISHED:
        return True
    provinces = reviewed_provinces(viewer)
    return provinces is None or enterprise.province_code in provinces or can(viewer, ACT_FOR_PARTICIPANT, participant)


def shown_name(viewer, participant: Participant) -> str:
    return participant.display_name if named_for(viewer, participant) else str(PENDING_NAME)
