"""What the API adds to a published meeting (`GET /api/v1/events/<id>/schedule`): its slot, its table and both sides named."""
from __future__ import annotations

from registry.extensions import db

from .models import ScheduleTable


def meeting_json(meeting, name) -> dict:
    """`name(participant)` is how the reader may know a participant (pending enterprises stay unnamed to the public)."""
    table = db.session.get(ScheduleTable, meeting.published_table_id) if meeting.published_table_id else None
    session = table.session if table is not None else None
    sides = (meeting.request.requester, meeting.request.counterpart)
    return {
        "slot": {"key": meeting.published_slot_key, "day": meeting.slot_start.date().isoformat() if meeting.slot_start else None,
                 "session": session.name_vi if session else None, "session_en": (session.name_en or session.name_vi) if session else None},
        "table_id": meeting.published_table_id,
        "sides": [{"id": p.id, "name": name(p), "role": p.role.value} for p in sides],
    }


MEETING_SCHEMA = {
    "slot": {"type": "object", "properties": {"key": {"type": "string", "nullable": True}, "day": {"type": "string", "nullable": True},
                                              "session": {"type": "string", "nullable": True},
                                              "session_en": {"type": "string", "nullable": True}}},
    "table_id": {"type": "integer", "nullable": True},
    "sides": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                                                          "role": {"type": "string"}}}},
}
