"""API routes for what happens at and after an event: badges, check-ins, the exhibitor catalogue, meeting outcomes and
their summaries (per event and per province, for the annual reports)."""
from __future__ import annotations

from flask import g, jsonify, request, url_for
from flask_babel import lazy_gettext as _l

from registry.accounts.permissions import can, require
from registry.domain_errors import Invalid
from registry.events import service as events
from registry.events.attendance import queries, service
from registry.events.attendance.models import Result
from registry.events.attendance.permissions import CHECK_IN, RECORD_OUTCOME
from registry.events.attendance.views import badge_url, catalogue_rows

from . import bp
from .auth import token_required
from .events import _body, _viewer
from .spec import ID_SCHEMA, param


def _check_in_json(record) -> dict:
    return {"participant": record.participant_id, "day": record.day.isoformat(), "checked_at": record.checked_at.isoformat() + "Z"}


def outcome_json(meeting, outcome) -> dict:
    return {"request": meeting.id, "participants": [meeting.requester_id, meeting.counterpart_id],
            "result": outcome.result.value if outcome else None, "contract_value": outcome.contract_value if outcome else None,
            "currency": "VND", "notes": outcome.notes if outcome else ""}


@bp.get("/events/<int:event_id>/badges")
@token_required
def event_badges(event_id: int):
    """The approved participants' badges (organizers): name, role, booth and the address the QR code carries."""
    found = events.visible_event(g.api_user, event_id)
    return jsonify({"items": [{
        "participant": p.id, "name": events.shown_name(g.api_user, p), "person": p.name if p.enterprise is not None else "",
        "role": p.role.value, "booth": p.booth, "code": service.badge_token(p), "qr_url": badge_url(p)}
        for p in service.badge_participants(g.api_user, found)]})


@bp.get("/events/<int:event_id>/check-ins")
@token_required
def event_check_ins(event_id: int):
    """How many participants checked in on each day of the event (organizers)."""
    found = events.visible_event(g.api_user, event_id)
    require(g.api_user, CHECK_IN, found)
    return jsonify({"days": [{"day": day.isoformat(), "checked_in": n} for day, n in queries.check_in_counts(found).items()]})


@bp.post("/events/<int:event_id>/check-ins")
@token_required
def check_in(event_id: int):
    """Check a participant in for a day of the event (today unless `day`), by its badge's code (organizers)."""
    found = events.visible_event(g.api_user, event_id)
    body, refused = _body({"code", "day"}, _l("Send the check-in as a JSON object."))
    if refused is not None:
        return refused
    require(g.api_user, CHECK_IN, found)
    participant = service.participant_of_token(found, body.get("code"))
    return jsonify(_check_in_json(service.check_in(g.api_user, participant, body.get("day")))), 201


@bp.get("/events/<int:event_id>/catalogue")
def event_catalogue(event_id: int):
    """The exhibitor catalogue: each approved exhibitor under the catalog groups of its offers, with booth, offers and contact."""
    viewer = _viewer()
    found = events.visible_event(viewer, event_id)
    return jsonify({"items": [{
        "group": row["group"].code if row["group"] else None, "group_vi": row["group"].name_vi if row["group"] else None,
        "group_en": (row["group"].name_en or None) if row["group"] else None, "participant": row["participant"].id, "name": row["name"],
        "booth": row["booth"], "offers": [{"node": i.node.code if i.node else None, "name_vi": i.node.name_vi if i.node else None,
                                           "name_en": (i.node.name_en or None) if i.node else None, "text": i.text} for i in row["offers"]],
        "website": row["website"], "email": row["email"], "phone": row["phone"], "page": row["page"]} for row in catalogue_rows(found, viewer)],
        "xlsx": url_for("attendance.catalogue_xlsx", event_id=found.id, _external=True)})


@bp.get("/events/<int:event_id>/outcomes")
def event_outcomes(event_id: int):
    """The event's summary of outcomes, and with a token the accepted meetings whose outcome the token's account may record."""
    viewer = _viewer()
    found = events.visible_event(viewer, event_id)
    items = []
    if viewer is not None:
        recorded = queries.outcomes_of(found)
        items = [outcome_json(r, recorded.get(r.id)) for r in queries.accepted_requests(found) if can(viewer, RECORD_OUTCOME, r)]
    return jsonify({"summary": queries.event_summary(found).json(), "items": items})


@bp.post("/events/<int:event_id>/requests/<int:request_id>/outcome")
@token_required
def record_outcome(event_id: int, request_id: int):
    """Record or correct what came of an accepted meeting (either side, or the organizers), once the event has begun."""
    found = events.visible_event(g.api_user, event_id)
    meeting = service.accepted_request_of(found, request_id)
    body, refused = _body({"result", "contract_value", "notes"}, _l("Send the outcome as a JSON object."))
    if refused is not None:
        return refused
    return jsonify(outcome_json(meeting, service.record_outcome(g.api_user, meeting, body)))


@bp.get("/events/outcomes")
def outcomes_by_province():
    """Per province of the events, for one year or all: events, accepted meetings and what they came to."""
    raw = (request.args.get("year") or "").strip()
    year = None
    if raw:
        if not (raw.isdecimal() and 2000 <= int(raw) <= 2100):
            raise Invalid(None, {"year": [_l("Give a year from 2000 to 2100.")]})
        year = int(raw)
    return jsonify({"year": year, "items": [{"province": row.province_code, "events": row.events, **row.summary.json()}
                                            for row in queries.province_summaries(_viewer(), year)]})


def openapi_paths(json_response, ref, error) -> dict:
    event_id = param("event_id", "The event's id", ID_SCHEMA, "path")
    request_id = param("request_id", "The accepted meeting request's id", ID_SCHEMA, "path")
    writes = {"400": error, "401": error, "403": error, "404": error, "409": error, "422": error}
    reads = {"401": error, "403": error, "404": error}

    def body(schema: str) -> dict:
        return {"required": True, "content": {"application/json": {"schema": ref(schema)}}}

    return {
        "/events/{event_id}/badges": {
            "get": {"summary": "The approved participants' badges with the address of each QR code (the event's organizers)",
                    "security": [{"bearer": []}], "parameters": [event_id],
                    "responses": {"200": json_response({"type": "object", "properties": {"items": {"type": "array", "items": ref("Badge")}}},
                                                       "The badges"), **reads}},
        },
        "/events/{event_id}/check-ins": {
            "get": {"summary": "Participants checked in per day of the event (the event's organizers)", "security": [{"bearer": []}],
                    "parameters": [event_id], "responses": {"200": json_response(ref("CheckInCounts"), "The counts per day"), **reads}},
            "post": {"summary": "Check a participant in by its badge's code, once per day of the event (the event's organizers)",
                     "security": [{"bearer": []}], "parameters": [event_id], "requestBody": body("CheckInNew"),
                     "responses": {"201": json_response(ref("CheckIn"), "The check-in"), **writes}},
        },
        "/events/{event_id}/catalogue": {
            "get": {"summary": "The exhibitor catalogue by catalog group, in Vietnamese and English", "parameters": [event_id],
                    "responses": {"200": json_response(ref("Catalogue"), "The catalogue"), "404": error}},
        },
        "/events/{event_id}/outcomes": {
            "get": {"summary": "The summary of the event's meeting outcomes; with a token, the meetings whose outcome one may record",
                    "parameters": [event_id], "responses": {"200": json_response(ref("EventOutcomes"), "The outcomes"), "401": error,
                                                            "404": error}},
        },
        "/events/{event_id}/requests/{request_id}/outcome": {
            "post": {"summary": "Record what came of an accepted meeting (either side or the organizers), once the event has begun",
                     "security": [{"bearer": []}], "parameters": [event_id, request_id], "requestBody": body("OutcomeNew"),
                     "responses": {"200": json_response(ref("Outcome"), "The outcome"), **writes}},
        },
        "/events/outcomes": {
            "get": {"summary": "Outcomes of events per province, for the annual reports",
                    "parameters": [param("year", "The year the events began in", {"type": "integer", "minimum": 2000, "maximum": 2100})],
                    "responses": {"200": json_response(ref("OutcomesByProvince"), "The figures per province"), "400": error, "422": error}},
        },
    }


_SUMMARY = {name: {"type": "integer"} for name in ("meetings", "recorded", "held", "no_shows", "follow_ups", "mous", "contracts",
                                                    "contract_value")}
_NULLABLE_TEXT = {"type": "string", "nullable": True}
OPENAPI_SCHEMAS = {
    "Badge": {"type": "object", "properties": {
        "participant": {"type": "integer"}, "name": {"type": "string"}, "person": {"type": "string"}, "role": {"type": "string"},
        "booth": _NULLABLE_TEXT, "code": {"type": "string"}, "qr_url": {"type": "string"}}},
    "CheckInCounts": {"type": "object", "properties": {"days": {"type": "array", "items": {"type": "object", "properties": {
        "day": {"type": "string", "format": "date"}, "checked_in": {"type": "integer"}}}}}},
    "CheckInNew": {"type": "object", "additionalProperties": False, "required": ["code"], "properties": {
        "code": {"type": "string", "maxLength": service.CODE_LIMIT, "description": "The badge's code, or the address its QR code carries"},
        "day": {"type": "string", "format": "date", "description": "A day of the event; today when left out"}}},
    "CheckIn": {"type": "object", "properties": {"participant": {"type": "integer"}, "day": {"type": "string", "format": "date"},
                                                 "checked_at": {"type": "string"}}},
    "Catalogue": {"type": "object", "properties": {"xlsx": {"type": "string"}, "items": {"type": "array", "items": {"type": "object", "properties": {
        "group": _NULLABLE_TEXT, "group_vi": _NULLABLE_TEXT, "group_en": _NULLABLE_TEXT, "participant": {"type": "integer"},
        "name": {"type": "string"}, "booth": _NULLABLE_TEXT,
        "offers": {"type": "array", "items": {"type": "object", "properties": {
            "node": _NULLABLE_TEXT, "name_vi": _NULLABLE_TEXT, "name_en": _NULLABLE_TEXT, "text": {"type": "string"}}}},
        "website": {"type": "string"}, "email": {"type": "string"}, "phone": {"type": "string"}, "page": {"type": "string"}}}}}},
    "OutcomeNew": {"type": "object", "additionalProperties": False, "required": ["result"], "properties": {
        "result": {"type": "string", "enum": [r.value for r in Result]},
        "contract_value": {"type": "integer", "minimum": 0, "maximum": service.MAX_CONTRACT_VALUE, "nullable": True,
                           "description": "In đồng; for an MoU or a contract (required for a contract)"},
        "notes": {"type": "string", "maxLength": service.NOTES_LIMIT}}},
    "Outcome": {"type": "object", "properties": {
        "request": {"type": "integer"}, "participants": {"type": "array", "items": {"type": "integer"}},
        "result": {"type": "string", "nullable": True, "enum": [r.value for r in Result] + [None]},
        "contract_value": {"type": "integer", "nullable": True}, "currency": {"type": "string"}, "notes": {"type": "string"}}},
    "EventOutcomes": {"type": "object", "properties": {"summary": {"type": "object", "properties": _SUMMARY},
                                                       "items": {"type": "array", "items": {"$ref": "#/components/schemas/Outcome"}}}},
    "OutcomesByProvince": {"type": "object", "properties": {"year": {"type": "integer", "nullable": True}, "items": {"type": "array", "items": {
        "type": "object", "properties": {"province": {"type": "string"}, "events": {"type": "integer"}, **_SUMMARY}}}}},
}
