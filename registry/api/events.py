"""API routes for events: the list, one event with its public participant list, its published schedule, and the writes
(record an event, register, request a meeting, answer one) with a token under the pages' permissions."""
from __future__ import annotations

from datetime import date

from flask import g, jsonify, request, url_for
from flask_babel import lazy_gettext as _l

from registry.audit.models import utcnow
from registry.events import queries, service
from registry.events.models import (Direction, Event, EventKind, EventStatus, MeetingRequest, Participant, ParticipantRole,
                                    ParticipantStatus, Priority, RequestState)
from registry.events.schedule import api as schedule_api
from registry.events.schedule import service as schedule_service
from registry.events.suggestions import suggestions_for
from registry.events.wording import reason_text
from registry.query_args import page_args

from . import bp
from .auth import token_required, token_user
from .errors import error_response
from .spec import ID_SCHEMA, param


def event_json(event: Event) -> dict:
    return {
        "id": event.id, "kind": event.kind.value, "name_vi": event.name_vi, "name_en": event.name_en, "description": event.description,
        "starts_on": event.starts_on.isoformat(), "ends_on": event.ends_on.isoformat(), "venue": event.venue,
        "latitude": event.latitude, "longitude": event.longitude, "province": event.province_code,
        "organization": event.organization.name if event.organization else None, "status": event.status.value,
        "participant_limit": event.participant_limit, "auto_accept": event.auto_accept, "request_hours": event.request_hours,
        "max_open_requests": event.max_open_requests, "is_demo": event.is_demo,
        "url": url_for("events.detail", event_id=event.id, _external=True),
    }


def participant_json(participant: Participant, viewer) -> dict:
    """A participant as the API gives it; an enterprise still awaiting review is not named to those who may not know it."""
    enterprise = participant.enterprise
    named = service.named_for(viewer, participant)
    return {
        "id": participant.id, "name": service.shown_name(viewer, participant), "role": participant.role.value,
        "status": participant.status.value, "booth": participant.booth, "province": participant.province_code,
        "enterprise": {"id": enterprise.id, "tax_code": enterprise.tax_code} if enterprise is not None and named else None,
        "offers": [_interest(i) for i in participant.interests if i.direction == Direction.OFFER],
        "needs": [_interest(i) for i in participant.interests if i.direction == Direction.NEED],
    }


def _interest(interest) -> dict:
    return {"node": interest.node.code if interest.node else None, "text": interest.text}


def request_json(found: MeetingRequest) -> dict:
    return {"id": found.id, "requester": found.requester_id, "counterpart": found.counterpart_id, "priority": found.priority.value,
            "state": found.state(utcnow()).value, "message": found.message, "expires_at": found.expires_at.isoformat() + "Z"}


def _viewer():
    return token_user() if request.headers.get("Authorization") else None


def _body(allowed, missing):
    """The request's JSON object, or the refusal: 400 (`missing`) when it is not an object, 422 naming the fields it may not send."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None, error_response(400, missing)
    if unknown := sorted(set(body) - set(allowed)):
        return None, error_response(422, None, {name: [_l("This field cannot be changed here.")] for name in unknown})
    return body, None


@bp.get("/events")
def events():
    """Coming and past events, filtered by words, kind, province, status and when."""
    filters = queries.EventFilters.from_args(request.args, strict=True)
    page, per_page = page_args(request.args, queries.MAX_PER_PAGE, queries.MAX_PER_PAGE)
    results = queries.page_of(filters, _viewer(), date.today(), page, per_page)
    return jsonify({"items": [event_json(e) for e in results.items], "total": results.total, "page": page, "per_page": per_page})


@bp.get("/events/<int:event_id>")
def event(event_id: int):
    """One event with its approved participants, their roles, booths, offers and needs."""
    viewer = _viewer()
    found = service.load_participants(service.visible_event(viewer, event_id))
    approved = [participant_json(p, viewer) for p in found.participants if p.status == ParticipantStatus.APPROVED]
    return jsonify({**event_json(found), "participants": approved})


@bp.get("/events/<int:event_id>/schedule")
def event_schedule(event_id: int):
    """The event's published meetings: slot, table and the two participants (none until a schedule is published)."""
    viewer = _viewer()
    found = service.visible_event(viewer, event_id)
    meetings = schedule_service.published_of(found)
    return jsonify({"event": event_json(found), "meetings": [{
        "id": m.id, "request": m.request_id, "slot_start": m.slot_start.isoformat() if m.slot_start else None,
        "slot_end": m.slot_end.isoformat() if m.slot_end else None, "table": m.table_label,
        "participants": [m.request.requester_id, m.request.counterpart_id], "priority": m.request.priority.value,
        **schedule_api.meeting_json(m, lambda p: service.shown_name(viewer, p))} for m in meetings]})


@bp.get("/events/<int:event_id>/participants/<int:participant_id>/suggestions")
@token_required
def participant_suggestions(event_id: int, participant_id: int):
    """The counterparts suggested to a participant one acts for, best first, each with its reasons."""
    found = service.visible_event(g.api_user, event_id)
    participant = service.participant_of(service.load_participants(found), participant_id)
    service.require_acting(g.api_user, participant)
    return jsonify({"items": [{"participant": participant_json(s.participant, g.api_user), "score": s.score,
                               "reasons": [{"code": r.code, "params": r.params, "text": reason_text(r)} for r in s.reasons]}
                              for s in suggestions_for(participant)]})


@bp.post("/events")
@token_required
def create_event():
    """Record an event (organizers of its organization, officers of its province, administrators)."""
    body, refused = _body(service.FIELDS, _l("Send the event as a JSON object."))
    if refused is not None:
        return refused
    return jsonify(event_json(service.create_event(g.api_user, body))), 201


@bp.post("/events/<int:event_id>/participants")
@token_required
def register_participant(event_id: int):
    """Register a participant: an enterprise by its tax code (a new one with its name and province), or an investor."""
    found = service.visible_event(g.api_user, event_id)
    body, refused = _body(REGISTRATION_FIELDS, _l("Send the registration as a JSON object."))
    if refused is not None:
        return refused
    return jsonify(participant_json(service.register(g.api_user, found, body), g.api_user)), 201


@bp.post("/events/<int:event_id>/participants/<int:participant_id>/requests")
@token_required
def request_meeting(event_id: int, participant_id: int):
    """Request a meeting for a participant one acts for, with another approved participant."""
    found = service.visible_event(g.api_user, event_id)
    requester = service.participant_of(found, participant_id)
    body, refused = _body({"counterpart_id", "priority", "message"}, _l("Send the request as a JSON object."))
    if refused is not None:
        return refused
    return jsonify(request_json(service.request_meeting(g.api_user, requester, body))), 201


@bp.post("/events/<int:event_id>/requests/<int:request_id>/answer")
@token_required
def answer_request(event_id: int, request_id: int):
    """Accept or decline a request sent to a participant one acts for: `{"accept": true}` or `false`."""
    found = service.visible_event(g.api_user, event_id)
    meeting_request = service.request_of(found, request_id)
    body, refused = _body({"accept"}, _l("Send the answer as a JSON object."))
    if refused is not None:
        return refused
    return jsonify(request_json(service.answer_request(g.api_user, meeting_request, body.get("accept"))))


REGISTRATION_FIELDS = frozenset({"role", "tax_code", "enterprise_name", "enterprise_province", "name"})


def openapi_paths(json_response, ref, error) -> dict:
    """Describe the event routes for the OpenAPI document."""
    event_id = param("event_id", "The event's id", ID_SCHEMA, "path")
    participant_id = param("participant_id", "The participant's id", ID_SCHEMA, "path")
    request_id = param("request_id", "The meeting request's id", ID_SCHEMA, "path")
    writes = {"400": error, "401": error, "403": error, "404": error, "409": error, "422": error}

    def body(schema: str) -> dict:
        return {"required": True, "content": {"application/json": {"schema": ref(schema)}}}

    return {
        "/events": {
            "get": {
                "summary": "Events, coming first then past, filtered by words, kind, province, status and when",
                "parameters": [
                    param("q", "Words of the name or venue; case and accents are ignored"),
                    param("kind", "Kind of event", {"type": "string", "enum": [k.value for k in EventKind]}),
                    param("province", "GSO code of the province", {"type": "string", "pattern": "^[0-9]{2}$"}),
                    param("status", "Status", {"type": "string", "enum": [s.value for s in EventStatus]}),
                    param("when", "Coming (not ended) or past events", {"type": "string", "enum": list(queries.WHEN)}),
                    param("page", "Page number, from 1", {"type": "integer", "minimum": 1}),
                    param("per_page", f"Events per page, 1 to {queries.MAX_PER_PAGE}", {"type": "integer", "minimum": 1,
                                                                                        "maximum": queries.MAX_PER_PAGE}),
                ],
                "responses": {"200": json_response({"type": "object", "properties": {
                    "items": {"type": "array", "items": ref("Event")}, "total": {"type": "integer"}, "page": {"type": "integer"},
                    "per_page": {"type": "integer"}}}, "One page of events"), "400": error, "422": error},
            },
            "post": {"summary": "Record an event (its organization's organizers, its province's officers, administrators)",
                     "security": [{"bearer": []}], "requestBody": body("EventNew"),
                     "responses": {"201": json_response(ref("Event"), "The event"), **writes}},
        },
        "/events/{event_id}": {
            "get": {"summary": "One event with its approved participants; drafts only for its organizers", "parameters": [event_id],
                    "responses": {"200": json_response(ref("EventWithParticipants"), "The event"), "404": error}},
        },
        "/events/{event_id}/schedule": {
            "get": {"summary": "The event's published meetings: slot, table and participants (empty until a schedule is published)",
                    "parameters": [event_id], "responses": {"200": json_response(ref("EventSchedule"), "The schedule"), "404": error}},
        },
        "/events/{event_id}/participants": {
            "post": {"summary": "Register a participant (an enterprise by tax code, a new one pending review, or an investor)",
                     "security": [{"bearer": []}], "parameters": [event_id], "requestBody": body("Registration"),
                     "responses": {"201": json_response(ref("Participant"), "The registration, awaiting approval"), **writes}},
        },
        "/events/{event_id}/participants/{participant_id}/suggestions": {
            "get": {"summary": "Counterparts suggested to a participant one acts for, with the reason of each",
                    "security": [{"bearer": []}], "parameters": [event_id, participant_id],
                    "responses": {"200": json_response({"type": "object", "properties": {"items": {"type": "array", "items": ref("Suggestion")}}},
                                                       "The suggestions, best first"), "401": error, "403": error, "404": error}},
        },
        "/events/{event_id}/participants/{participant_id}/requests": {
            "post": {"summary": "Request a meeting for a participant one acts for", "security": [{"bearer": []}],
                     "parameters": [event_id, participant_id], "requestBody": body("MeetingRequestNew"),
                     "responses": {"201": json_response(ref("MeetingRequest"), "The request"), **writes}},
        },
        "/events/{event_id}/requests/{request_id}/answer": {
            "post": {"summary": "Accept or decline a meeting request sent to a participant one acts for", "security": [{"bearer": []}],
                     "parameters": [event_id, request_id], "requestBody": body("MeetingAnswer"),
                     "responses": {"200": json_response(ref("MeetingRequest"), "The answered request"), **writes}},
        },
    }


_NULLABLE_NUMBER = {"type": "number", "nullable": True}
_EVENT_FIELDS = {
    "name_vi": {"type": "string", "minLength": 1, "maxLength": 300}, "name_en": {"type": "string", "maxLength": 300},
    "description": {"type": "string", "maxLength": 5000}, "venue": {"type": "string", "maxLength": 300},
    "kind": {"type": "string", "enum": [k.value for k in EventKind]}, "status": {"type": "string", "enum": [s.value for s in EventStatus]},
    "starts_on": {"type": "string", "format": "date"}, "ends_on": {"type": "string", "format": "date", "description": "Not before starts_on"},
    "latitude": {"type": "number", "minimum": 6.0, "maximum": 23.6, "nullable": True},
    "longitude": {"type": "number", "minimum": 102.0, "maximum": 117.9, "nullable": True},
    "province_code": {"type": "string", "pattern": "^[0-9]{2}$"}, "organization_id": ID_SCHEMA,
    "participant_limit": {"type": "integer", "minimum": 1, "maximum": service.MAX_PARTICIPANTS, "nullable": True},
    "auto_accept": {"type": "boolean"},
    "request_hours": {"type": "integer", "minimum": 1, "maximum": service.MAX_REQUEST_HOURS},
    "max_open_requests": {"type": "integer", "minimum": 1, "maximum": service.MAX_OPEN_REQUESTS},
}
_EVENT = {
    "id": {"type": "integer"}, "kind": {"type": "string"}, "name_vi": {"type": "string"}, "name_en": {"type": "string"},
    "description": {"type": "string"}, "starts_on": {"type": "string", "format": "date"}, "ends_on": {"type": "string", "format": "date"},
    "venue": {"type": "string"}, "latitude": _NULLABLE_NUMBER, "longitude": _NULLABLE_NUMBER, "province": {"type": "string"},
    "organization": {"type": "string", "nullable": True}, "status": {"type": "string"},
    "participant_limit": {"type": "integer", "nullable": True}, "auto_accept": {"type": "boolean"}, "request_hours": {"type": "integer"},
    "max_open_requests": {"type": "integer"}, "is_demo": {"type": "boolean"}, "url": {"type": "string"},
}
_INTEREST = {"type": "object", "properties": {"node": {"type": "string", "nullable": True}, "text": {"type": "string"}}}
_PARTICIPANT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"}, "role": {"type": "string", "enum": [r.value for r in ParticipantRole]},
    "status": {"type": "string", "enum": [s.value for s in ParticipantStatus]}, "booth": {"type": "string", "nullable": True},
    "province": {"type": "string", "nullable": True},
    "enterprise": {"type": "object", "nullable": True, "properties": {"id": {"type": "integer"}, "tax_code": {"type": "string"}}},
    "offers": {"type": "array", "items": _INTEREST}, "needs": {"type": "array", "items": _INTEREST}}}
OPENAPI_SCHEMAS = {
    "Event": {"type": "object", "properties": _EVENT},
    "EventNew": {"type": "object", "additionalProperties": False,
                 "required": ["name_vi", "kind", "starts_on", "ends_on", "province_code", "organization_id"], "properties": _EVENT_FIELDS},
    "Participant": _PARTICIPANT,
    "EventWithParticipants": {"type": "object", "properties": {**_EVENT, "participants": {"type": "array", "items": _PARTICIPANT}}},
    "EventSchedule": {"type": "object", "properties": {
        "event": {"type": "object", "properties": _EVENT},
        "meetings": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "request": {"type": "integer"}, "slot_start": {"type": "string", "nullable": True},
            "slot_end": {"type": "string", "nullable": True}, "table": {"type": "string"},
            "participants": {"type": "array", "items": {"type": "integer"}}, "priority": {"type": "string"},
            **schedule_api.MEETING_SCHEMA}}}}},
    "Registration": {"type": "object", "additionalProperties": False, "required": ["role"], "properties": {
        "role": {"type": "string", "enum": [r.value for r in ParticipantRole]},
        "tax_code": {"type": "string", "description": "The enterprise's tax code; investors may leave it out"},
        "enterprise_name": {"type": "string", "maxLength": 300, "description": "Only for an enterprise the registry lacks"},
        "enterprise_province": {"type": "string", "pattern": "^[0-9]{2}$"},
        "name": {"type": "string", "maxLength": 300, "description": "An investor's name"}}},
    "MeetingRequestNew": {"type": "object", "additionalProperties": False, "required": ["counterpart_id"], "properties": {
        "counterpart_id": ID_SCHEMA, "priority": {"type": "string", "enum": [p.value for p in Priority]},
        "message": {"type": "string", "maxLength": 1000}}},
    "MeetingAnswer": {"type": "object", "additionalProperties": False, "required": ["accept"], "properties": {"accept": {"type": "boolean"}}},
    "MeetingRequest": {"type": "object", "properties": {
        "id": {"type": "integer"}, "requester": {"type": "integer"}, "counterpart": {"type": "integer"},
        "priority": {"type": "string", "enum": [p.value for p in Priority]}, "state": {"type": "string", "enum": [s.value for s in RequestState]},
        "message": {"type": "string"}, "expires_at": {"type": "string"}}},
    "Suggestion": {"type": "object", "properties": {
        "participant": _PARTICIPANT, "score": {"type": "number"},
        "reasons": {"type": "array", "items": {"type": "object", "properties": {
            "code": {"type": "string"}, "params": {"type": "object"}, "text": {"type": "string"}}}}}},
}
