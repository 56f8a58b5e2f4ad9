"""The schedule's forms: a session with its tables, the limits, a participant's availability, a meeting placed by hand.

Field rules live in `service.py`; these carry CSRF, labels and hints.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Optional

LABELS = {
    "name_vi": _l("Session name (Vietnamese)"), "name_en": _l("Session name (English)"), "first_day": _l("First day"),
    "last_day": _l("Last day"), "starts_at": _l("Starts at"), "ends_at": _l("Ends at"), "meeting_minutes": _l("Meeting length (minutes)"),
    "pause_minutes": _l("Pause between meetings (minutes)"), "breaks": _l("Breaks"), "tables": _l("Tables"),
    "max_meetings": _l("Most meetings per participant"), "availability": _l("Availability"), "slot": _l("Slot"), "table": _l("Table"),
}


def _field(name: str, description=None, area: bool = False):
    return (TextAreaField if area else StringField)(LABELS[name], description=description, validators=[Optional()])


class SessionForm(FlaskForm):
    name_vi = _field("name_vi", _l("Such as “Phiên gặp gỡ B2B buổi sáng”."))
    name_en = _field("name_en")
    first_day = _field("first_day", _l("YYYY-MM-DD, within the event's days."))
    last_day = _field("last_day", _l("YYYY-MM-DD; empty: the first day only. The same hours every day."))
    starts_at = _field("starts_at", _l("HH:MM, such as 08:30."))
    ends_at = _field("ends_at", _l("HH:MM, such as 11:30."))
    meeting_minutes = _field("meeting_minutes", _l("20 when left empty."))
    pause_minutes = _field("pause_minutes", _l("5 when left empty."))
    breaks = _field("breaks", _l("Such as 10:00-10:15, 12:00-13:30; no meeting is placed in a break."))
    tables = _field("tables", _l("One label per line (“Bàn 1”, “Bàn 2”…), or how many tables there are."), area=True)


SESSION_FIELDS = ("name_vi", "name_en", "first_day", "last_day", "starts_at", "ends_at", "meeting_minutes", "pause_minutes", "breaks",
                  "tables")


class LimitForm(FlaskForm):
    max_meetings = _field("max_meetings", _l("Empty: no limit but the slots."))


class ParticipantScheduleForm(FlaskForm):
    max_meetings = _field("max_meetings", _l("Empty: the event's limit."))
    availability = _field("availability", _l("One time range per line, such as 2026-12-10 08:00-12:00; empty: free in every session."),
                          area=True)


class PlaceForm(FlaskForm):
    slot = SelectField(LABELS["slot"], validate_choice=False)
    table = SelectField(LABELS["table"], validate_choice=False)
