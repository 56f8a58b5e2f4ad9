"""The organizer's schedule: sessions and tables, limits and availability, the solver's draft, pins, publishing.

Every write checks that the actor organizes the event (`ORGANIZE_EVENT`), cleans its input into field
errors (`EventError`) and changes the records only once every check has passed; nothing commits.
A run reads the records into the scheduler's plain `Problem` (approved participants, accepted
requests, declined pairs, published meetings, pins) and writes its answer back as the draft:
published meetings stay published where they were until the organizer publishes again.
"""
from __future__ import annotations

from datetime import date, datetime, time
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from registry import inputs
from registry.accounts.permissions import require
from registry.audit.models import utcnow
from registry.domain_errors import Conflict, NotFound
from registry.extensions import db

from .. import scheduler
from ..models import Event, Meeting, MeetingRequest, Participant, ParticipantStatus, RequestState
from ..permissions import ORGANIZE_EVENT
from ..service import EventError
from .models import ParticipantSchedule, ScheduleSession, ScheduleSettings, ScheduleTable
from .slots import MAX_SLOTS, SlotTime, clock, of_session, parse_ranges, session_slots
from .wording import error_text

MAX_MEETINGS = 1000
MAX_TABLES = 500
SESSION_TEXT = {"name_vi": 200, "name_en": 200}
SESSION_FIELDS = (*SESSION_TEXT, "first_day", "last_day", "starts_at", "ends_at", "meeting_minutes", "pause_minutes", "breaks", "tables")


def _check(actor, event: Event) -> None:
    """The actor organizes the event; None is the demo data or the command line."""
    if actor is not None:
        require(actor, ORGANIZE_EVENT, event)


def _lock(event: Event) -> None:
    """Runs, pins and publishing of one event follow one another (two organizers at once): lock the event's row."""
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())


# --- reading ---------------------------------------------------------------------------------------

def settings_of(event: Event) -> ScheduleSettings:
    """The event's schedule settings; an unsaved default until the organizer changes them."""
    return db.session.get(ScheduleSettings, event.id) or ScheduleSettings(event_id=event.id, last_status="")


def sessions_of(event: Event) -> list[ScheduleSession]:
    return list(db.session.scalars(select(ScheduleSession).where(ScheduleSession.event_id == event.id)
                                   .order_by(ScheduleSession.first_day, ScheduleSession.starts_at, ScheduleSession.id)))


def slots_of(sessions: list[ScheduleSession]) -> list[SlotTime]:
    return sorted((s for session in sessions for s in of_session(session)), key=lambda s: (s.day, s.start))


def _of(model, raw_id, event_of, event: Event, message):
    """The record with the id given in a path, if it belongs to the event; otherwise NotFound with `message`."""
    found = db.session.get(model, inputs.parse_id(raw_id) or 0)
    if found is None or event_of(found) != event.id:
        raise NotFound(message)
    return found


def session_of(event: Event, session_id) -> ScheduleSession:
    return _of(ScheduleSession, session_id, lambda s: s.event_id, event, _l("This event has no session with id %(id)s.", id=session_id))


def table_of(event: Event, table_id) -> ScheduleTable:
    return _of(ScheduleTable, table_id, lambda t: t.session.event_id, event, _l("This event has no table with id %(id)s.", id=table_id))


def meeting_of(event: Event, meeting_id) -> Meeting:
    return _of(Meeting, meeting_id, lambda m: m.request.event_id, event, _l("This event has no meeting with id %(id)s.", id=meeting_id))


def meetings_of(event: Event) -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).join(MeetingRequest).where(MeetingRequest.event_id == event.id).order_by(Meeting.id)))


def still_on(meeting: Meeting) -> bool:
    """Whether a meeting can still take place: its request accepted and both sides still approved participants. One that
    withdrew or was declined after the schedule was published leaves its meetings off the agendas, sheets and API at once."""
    request = meeting.request
    return (request.status == RequestState.ACCEPTED and request.requester.status == ParticipantStatus.APPROVED
            and request.counterpart.status == ParticipantStatus.APPROVED)


def published_of(event: Event, participant: Participant | None = None) -> list[Meeting]:
    """The published meetings that can still take place, by time and table; only the participant's when given."""
    query = select(Meeting).join(MeetingRequest).where(MeetingRequest.event_id == event.id, Meeting.published.is_(True))
    if participant is not None:
        query = query.where((MeetingRequest.requester_id == participant.id) | (MeetingRequest.counterpart_id == participant.id))
    return [m for m in db.session.scalars(query.order_by(Meeting.slot_start, Meeting.table_label, Meeting.id)) if still_on(m)]


def participant_settings(participant: Participant) -> ParticipantSchedule:
    return db.session.get(ParticipantSchedule, participant.id) or ParticipantSchedule(participant_id=participant.id, availability="")


def approved_of(event: Event) -> list[Participant]:
    return [p for p in event.participants if p.status == ParticipantStatus.APPROVED]


# --- sessions and tables ---------------------------------------------------------------------------

def _time(raw, field: str, errors: dict) -> time | None:
    if isinstance(raw, time):
        return raw
    text = raw.strip() if isinstance(raw, str) else ""
    try:
        return clock(text) if text else None
    except ValueError:
        errors[field] = [_l("Give a time as HH:MM, for example 08:30.")]
        return None


def _day(raw, field: str, errors: dict) -> date | None:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(raw.strip()) if isinstance(raw, str) and raw.strip() else None
    except ValueError:
        errors[field] = [_l("Give a date as YYYY-MM-DD.")]
        return None


def _labels(raw, errors: dict) -> list[str]:
    """Table labels, one per line or separated by commas; a number alone gives that many tables, "Bàn 1" to "Bàn N"."""
    text = raw.strip() if isinstance(raw, str) else ""
    if text.isdecimal():
        count = int(text)
        if not 1 <= count <= MAX_TABLES:
            errors["tables"] = [_l("Give from 1 to %(n)d tables.", n=MAX_TABLES)]
            return []
        return [f"Bàn {n}" for n in range(1, count + 1)]
    labels = [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]
    if not labels:
        errors["tables"] = [_l("A session needs at least one table: give their labels, or how many there are.")]
    elif len(labels) > MAX_TABLES:
        errors["tables"] = [_l("Give from 1 to %(n)d tables.", n=MAX_TABLES)]
    elif any(len(label) > 40 for label in labels):
        errors["tables"] = [_l("A table's label has at most 40 characters.")]
    elif len(set(labels)) != len(labels):
        twice = next(label for label in labels if labels.count(label) > 1)
        errors["tables"] = [_l("The table “%(label)s” is listed twice.", label=twice)]
    return labels


def clean_session(event: Event, values: dict, *, current: ScheduleSession | None = None) -> dict:
    """Check a session's fields: inside the event's days, hours that make slots, breaks inside them, tables, and no
    overlap with the event's other sessions. Returns the values to store, or raises EventError with every problem."""
    errors: dict[str, list] = {}
    cleaned: dict = {field: inputs.text(values.get(field), field, errors, limit) for field, limit in SESSION_TEXT.items()}
    if not cleaned["name_vi"] and "name_vi" not in errors:
        errors["name_vi"] = [_l("Give the session a name in Vietnamese.")]
    for field in ("first_day", "last_day"):
        cleaned[field] = _day(values.get(field), field, errors)
    cleaned["last_day"] = cleaned["last_day"] or cleaned["first_day"]
    if cleaned["first_day"] is None and "first_day" not in errors:
        errors["first_day"] = [_l("Give the session's first day.")]
    for field in ("first_day", "last_day"):
        day = cleaned[field]
        if day is not None and field not in errors and not event.starts_on <= day <= event.ends_on:
            errors[field] = [_l("The event runs from %(start)s to %(end)s: a session falls within those days.",
                                start=event.starts_on.isoformat(), end=event.ends_on.isoformat())]
    if cleaned["first_day"] and cleaned["last_day"] and cleaned["last_day"] < cleaned["first_day"] and "last_day" not in errors:
        errors["last_day"] = [_l("The session's last day cannot come before its first day.")]
    for field in ("starts_at", "ends_at"):
        cleaned[field] = _time(values.get(field), field, errors)
        if cleaned[field] is None and field not in errors:
            errors[field] = [_l("Give the time the session starts.") if field == "starts_at" else _l("Give the time the session ends.")]
    if cleaned["starts_at"] and cleaned["ends_at"] and cleaned["ends_at"] <= cleaned["starts_at"] and "ends_at" not in errors:
        errors["ends_at"] = [_l("The session must end after it starts.")]
    for field, low, high, default in (("meeting_minutes", 5, 480, 20), ("pause_minutes", 0, 240, 5)):
        found = inputs.number(values.get(field), field, errors, low, high, whole=True)
        cleaned[field] = default if found is None else found
    breaks_text = inputs.text(values.get("breaks"), "breaks", errors, 500)
    breaks = parse_ranges(breaks_text)
    if breaks is None:
        errors["breaks"] = [_l("Give breaks as HH:MM-HH:MM separated by commas, for example 12:00-13:30.")]
    elif cleaned["starts_at"] and cleaned["ends_at"] and any(s < cleaned["starts_at"] or e > cleaned["ends_at"] for s, e in breaks):
        errors["breaks"] = [_l("A break falls within the session's hours.")]
    cleaned["breaks"] = breaks_text
    cleaned["tables"] = _labels(values.get("tables"), errors)
    if not errors:
        made = session_slots(0, cleaned["first_day"], cleaned["last_day"], cleaned["starts_at"], cleaned["ends_at"],
                             cleaned["meeting_minutes"], cleaned["pause_minutes"], breaks)
        if not made:
            errors["meeting_minutes"] = [_l("No meeting of this length fits in the session's hours.")]
        elif len(made) > MAX_SLOTS:
            errors["meeting_minutes"] = [_l("A session makes at most %(n)d slots.", n=MAX_SLOTS)]
        for other in sessions_of(event):
            if current is not None and other.id == current.id:
                continue
            if (other.first_day <= cleaned["last_day"] and cleaned["first_day"] <= other.last_day
                    and other.starts_at < cleaned["ends_at"] and cleaned["starts_at"] < other.ends_at):
                errors["starts_at"] = [_l("This session overlaps the session “%(name)s” (%(start)s–%(end)s).", name=other.name_vi,
                                          start=other.starts_at.strftime("%H:%M"), end=other.ends_at.strftime("%H:%M"))]
                break
    if errors:
        raise EventError(errors)
    return cleaned


def save_session(actor, event: Event, values: dict, session: ScheduleSession | None = None, *, is_demo: bool = False) -> ScheduleSession:
    """Add a session, or change one: its tables are matched by label, so a kept table keeps its meetings."""
    _check(actor, event)
    cleaned = clean_session(event, values, current=session)
    labels = cleaned.pop("tables")
    if session is None:
        session = ScheduleSession(event_id=event.id, is_demo=is_demo)
        db.session.add(session)
    for field, value in cleaned.items():
        setattr(session, field, value)
    kept = {table.label: table for table in session.tables}
    session.tables = [kept.get(label) or ScheduleTable(label=label) for label in labels]
    for position, table in enumerate(session.tables):
        table.position = position
    db.session.flush()
    return session


def delete_session(actor, session: ScheduleSession) -> None:
    _check(actor, db.session.get(Event, session.event_id))
    db.session.delete(session)
    db.session.flush()


def session_values(session: ScheduleSession) -> dict:
    return {"name_vi": session.name_vi, "name_en": session.name_en, "first_day": session.first_day.isoformat(),
            "last_day": session.last_day.isoformat(), "starts_at": session.starts_at.strftime("%H:%M"),
            "ends_at": session.ends_at.strftime("%H:%M"), "meeting_minutes": session.meeting_minutes,
            "pause_minutes": session.pause_minutes, "breaks": session.breaks, "tables": "\n".join(t.label for t in session.tables)}


# --- limits and availability -----------------------------------------------------------------------

def _limit(raw, field: str, errors: dict) -> int | None:
    return inputs.number(raw, field, errors, 0, MAX_MEETINGS, whole=True)


def set_event_limit(actor, event: Event, raw) -> ScheduleSettings:
    """The most meetings a participant has at this event (empty: no limit but the slots)."""
    _check(actor, event)
    errors: dict[str, list] = {}
    limit = _limit(raw, "max_meetings", errors)
    if errors:
        raise EventError(errors)
    settings = _saved_settings(event)
    settings.max_meetings = limit
    db.session.flush()
    return settings


def _saved_settings(event: Event) -> ScheduleSettings:
    settings = settings_of(event)
    if settings not in db.session:
        db.session.add(settings)
    return settings


def parse_availability(event: Event, text: str, errors: dict) -> list[tuple[datetime, datetime]]:
    """Lines "YYYY-MM-DD HH:MM-HH:MM" within the event's days; the first bad line is named."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            day_text, hours = line.split(None, 1)
            day = date.fromisoformat(day_text)
            start, end = (clock(t) for t in hours.replace("–", "-").split("-"))
        except ValueError:
            errors["availability"] = [_l("Line %(n)d: give a day and hours as YYYY-MM-DD HH:MM-HH:MM.", n=number)]
            return []
        if end <= start:
            errors["availability"] = [_l("Line %(n)d: the time range must end after it starts.", n=number)]
            return []
        if not event.starts_on <= day <= event.ends_on:
            errors["availability"] = [_l("Line %(n)d: %(day)s is outside the event, which runs from %(start)s to %(end)s.", n=number,
                                         day=day.isoformat(), start=event.starts_on.isoformat(), end=event.ends_on.isoformat())]
            return []
        found.append((datetime.combine(day, start), datetime.combine(day, end)))
    return found


def set_participant(actor, participant: Participant, values: dict) -> ParticipantSchedule:
    """A participant's own limit of meetings (empty: the event's) and the time ranges it can meet in (empty: any)."""
    event = participant.event
    _check(actor, event)
    errors: dict[str, list] = {}
    limit = _limit(values.get("max_meetings"), "max_meetings", errors)
    text = inputs.text(values.get("availability"), "availability", errors, 10_000)
    if "availability" not in errors:
        parse_availability(event, text, errors)
    if errors:
        raise EventError(errors)
    found = participant_settings(participant)
    if found not in db.session:
        db.session.add(found)
    found.max_meetings, found.availability = limit, "\n".join(line.strip() for line in text.splitlines() if line.strip())
    db.session.flush()
    return found


# --- the problem and a run -------------------------------------------------------------------------

class Board(SimpleNamespace):
    """The event's schedule as the pages and a run read it: slots, tables, participants, requests, meetings."""


def board(event: Event) -> Board:
    sessions = sessions_of(event)
    slots = slots_of(sessions)
    tables = {session.id: list(session.tables) for session in sessions}
    settings = settings_of(event)
    approved = approved_of(event)
    own = {row.participant_id: row for row in db.session.scalars(select(ParticipantSchedule).where(
        ParticipantSchedule.participant_id.in_([p.id for p in approved])))} if approved else {}
    requests = list(db.session.scalars(select(MeetingRequest).where(MeetingRequest.event_id == event.id).order_by(MeetingRequest.id)))
    return Board(event=event, sessions=sessions, slots=slots, slot={s.key: s for s in slots}, tables=tables,
                 table={t.id: t for ts in tables.values() for t in ts}, settings=settings, participants=approved,
                 own=own, requests=requests, meetings=meetings_of(event))


def _available(b: Board, participant: Participant) -> frozenset | None:
    row = b.own.get(participant.id)
    if row is None or not row.availability.strip():
        return None
    ranges = parse_availability(b.event, row.availability, {})
    return frozenset(s.key for s in b.slots if any(start <= s.starts and s.ends <= end for start, end in ranges))


def limit_of(b: Board, participant: Participant) -> int | None:
    row = b.own.get(participant.id)
    return row.max_meetings if row is not None and row.max_meetings is not None else b.settings.max_meetings


def problem(b: Board, pins: dict | None = None) -> scheduler.Problem:
    """The scheduler's input: `pins` (request id -> (slot key, table id)) replaces the meetings' own pins when given."""
    taking_part = {p.id for p in b.participants}
    accepted = [r for r in b.requests if r.status == RequestState.ACCEPTED and r.requester_id in taking_part
                and r.counterpart_id in taking_part]
    declined = [{r.requester_id, r.counterpart_id} for r in b.requests if r.status == RequestState.DECLINED]
    if pins is None:
        pins = {m.request_id: (m.slot_key, m.table_id) for m in b.meetings if m.pinned and m.slot_key}
    # A pin whose request, slot or table is gone since holds nothing: the meeting is placed afresh.
    still = {r.id for r in accepted}
    pins = {request: (slot, table) for request, (slot, table) in pins.items()
            if request in still and slot in b.slot and table in b.table and b.table[table].session_id == b.slot[slot].session_id}
    return scheduler.Problem(
        slots=[scheduler.Slot(s.key, s.day, s.start, s.end, tuple(t.id for t in b.tables[s.session_id])) for s in b.slots],
        participants=[scheduler.Participant(p.id, limit_of(b, p), _available(b, p)) for p in b.participants],
        requests=[scheduler.Request(r.id, r.requester_id, r.counterpart_id, r.priority.value) for r in accepted],
        declined=declined,
        published=[scheduler.Meeting(m.request_id, m.published_slot_key, m.published_table_id) for m in b.meetings
                   if m.published and m.published_slot_key and m.published_table_id],
        pins=[scheduler.Pin(request, slot, table) for request, (slot, table) in pins.items()],
    )


def build(actor, event: Event, *, time_limit: float, work_limit: float | None = None) -> scheduler.Schedule:
    """Run the scheduler on the accepted requests and write its answer as the draft; published meetings stay published."""
    _check(actor, event)
    _lock(event)
    b = board(event)
    if not b.slots:
        raise EventError({"build": [_l("Define a session with its tables first: there is no slot to place meetings in.")]})
    given = problem(b)
    try:
        result = scheduler.schedule(given, time_limit=time_limit, work_limit=work_limit)
    except scheduler.ScheduleError as error:
        raise EventError({"build": [explain_error(error, b)]}) from None
    row = {m.request_id: m for m in b.meetings}
    placed = {m.request: m for m in result.meetings}
    why = {u.request: u.reason for u in result.unplaced}
    moves = {m.request: m.reason for m in result.moved}
    pinned = {pin.request for pin in given.pins}
    for request_id in placed.keys() | why.keys() | moves.keys():
        meeting = row.get(request_id)
        if meeting is None:
            meeting = row[request_id] = Meeting(request_id=request_id, table_label="", published=False, is_demo=event.is_demo)
            db.session.add(meeting)
        at = placed.get(request_id)
        meeting.slot_key, meeting.table_id = (at.slot, at.table) if at else (None, None)
        meeting.pinned = request_id in pinned
        reason = moves.get(request_id) or why.get(request_id)
        meeting.moved = request_id in moves
        meeting.reason_code = reason.code if reason else ""
        meeting.reason_params = _plain(reason.params) if reason else {}
    for request_id, meeting in row.items():
        if request_id not in placed and request_id not in why and request_id not in moves:
            if meeting.published:  # its request is still accepted, but its published table was removed with its session
                meeting.slot_key, meeting.table_id, meeting.pinned = None, None, False
                meeting.moved, meeting.reason_code, meeting.reason_params = True, "table_removed", {}
            else:
                db.session.delete(meeting)
    settings = _saved_settings(event)
    settings.last_run_at, settings.last_status = utcnow(), result.status
    db.session.flush()
    return result


def _plain(params) -> dict:
    return {key: list(value) if isinstance(value, (tuple, list, frozenset, set)) else value for key, value in params.items()}


def place(actor, meeting: Meeting, values: dict) -> Meeting:
    """Move a meeting by hand to a slot and a table, and pin it there: the next runs keep it. A slot or table the event does
    not have, a participant not free then, or a clash with another pin is a field error, and nothing changes."""
    event = db.session.get(Event, meeting.request.event_id)
    _check(actor, event)
    _lock(event)
    b = board(event)
    errors: dict[str, list] = {}
    key = values.get("slot") if isinstance(values.get("slot"), str) else None
    slot = b.slot.get(key or "")
    if slot is None:
        errors["slot"] = [_l("Choose one of the event's slots.")]
    table = b.table.get(inputs.parse_id(values.get("table")) or 0)
    if table is None:
        errors["table"] = [_l("Choose one of the event's tables.")]
    elif slot is not None and table.session_id != slot.session_id:
        errors["table"] = [_l("The table “%(label)s” is not open in that slot.", label=table.label)]
    if meeting.request.status != RequestState.ACCEPTED:
        errors["slot"] = [_l("Only accepted requests are scheduled.")]
    if not errors:
        pins = {m.request_id: (m.slot_key, m.table_id) for m in b.meetings if m.pinned and m.slot_key and m.id != meeting.id}
        pins[meeting.request_id] = (slot.key, table.id)
        try:
            scheduler.prepare(problem(b, pins))
        except scheduler.ScheduleError as error:
            errors["slot"] = [explain_error(error, b)]
        else:
            taken = next((m for m in b.meetings if m.id != meeting.id and m.slot_key == slot.key and m.table_id == table.id), None)
            busy = next((m for m in b.meetings if m.id != meeting.id and m.slot_key == slot.key
                         and {m.request.requester_id, m.request.counterpart_id} & {meeting.request.requester_id,
                                                                                   meeting.request.counterpart_id}), None)
            for other in (taken, busy):
                if other is not None and not other.pinned:
                    other.slot_key, other.table_id = None, None
                    other.reason_code, other.reason_params, other.moved = "pin_conflict", {"pin": meeting.request_id}, other.published
    if errors:
        raise EventError(errors)
    meeting.slot_key, meeting.table_id, meeting.pinned = slot.key, table.id, True
    meeting.reason_code, meeting.reason_params, meeting.moved = "", {}, False
    db.session.flush()
    return meeting


def unpin(actor, meeting: Meeting) -> Meeting:
    _check(actor, db.session.get(Event, meeting.request.event_id))
    meeting.pinned = False
    db.session.flush()
    return meeting


def publish(actor, event: Event) -> int:
    """Publish the draft: participants see each placed meeting at its slot and table; returns how many are published."""
    _check(actor, event)
    _lock(event)
    b = board(event)
    if not any(m.slot_key for m in b.meetings):
        raise Conflict(_l("There is no draft to publish: build the schedule first."))
    count = 0
    for meeting in b.meetings:
        slot = b.slot.get(meeting.slot_key or "")
        table = b.table.get(meeting.table_id or 0)
        if slot is None or table is None or not still_on(meeting):
            meeting.published, meeting.published_slot_key, meeting.published_table_id = False, None, None
            meeting.slot_start = meeting.slot_end = None
            meeting.table_label = ""
            continue
        meeting.published, meeting.published_slot_key, meeting.published_table_id = True, slot.key, table.id
        meeting.slot_start, meeting.slot_end, meeting.table_label = slot.starts, slot.ends, table.label
        meeting.moved, meeting.reason_code, meeting.reason_params = False, "", {}
        count += 1
    settings = _saved_settings(event)
    settings.published_at = utcnow()
    db.session.flush()
    return count


def names(b: Board):
    """Who a participant id is, for the organizer's messages (the organizers may know every participant)."""
    by_id = {p.id: p.display_name for p in b.participants}
    return lambda participant_id: by_id.get(participant_id, str(participant_id))


def explain_error(error: scheduler.ScheduleError, b: Board) -> str:
    return error_text(error.code, error.params, names(b), {r.id: r for r in b.requests}, b.slot)
