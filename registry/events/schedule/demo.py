"""The demo event's schedule: two sessions with their tables, the solver's placement of the accepted requests, published."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from registry.extensions import db

from .. import service as events
from ..models import Event, MeetingRequest, RequestState
from . import service

SESSIONS = (
    {"name_vi": "Gặp gỡ B2B buổi sáng (demo)", "name_en": "Morning B2B meetings (demo)", "starts_at": "08:30", "ends_at": "11:30",
     "meeting_minutes": 25, "pause_minutes": 5, "breaks": "10:00-10:15", "tables": "Bàn 1\nBàn 2\nBàn 3", "day": 0},
    {"name_vi": "Gặp gỡ B2B buổi chiều (demo)", "name_en": "Afternoon B2B meetings (demo)", "starts_at": "14:00", "ends_at": "16:00",
     "meeting_minutes": 25, "pause_minutes": 5, "breaks": "", "tables": "Bàn 1\nBàn 2", "day": 1},
)


def load_demo_schedule(event: Event) -> None:
    """Accept the demo requests still open but the last (one stays open to show), then build and publish the schedule."""
    for session in SESSIONS:
        day = min(event.starts_on + timedelta(days=session["day"]), event.ends_on)
        service.save_session(None, event, {**session, "first_day": day, "last_day": day}, is_demo=True)
    waiting = list(event_requests(event, RequestState.OPEN))
    for request in waiting[:-1]:
        events.answer_request(None, request, True)
    service.set_event_limit(None, event, 4)
    service.build(None, event, time_limit=3.0, work_limit=2.0)
    service.publish(None, event)


def event_requests(event: Event, status: RequestState):
    return db.session.scalars(select(MeetingRequest).where(MeetingRequest.event_id == event.id, MeetingRequest.status == status)
                                     .order_by(MeetingRequest.id))
