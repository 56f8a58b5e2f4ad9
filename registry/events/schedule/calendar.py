"""A participant's agenda as an iCalendar file (RFC 5545, made with `icalendar`): one VEVENT per published meeting.

Times are the venue's, Vietnam's time zone (no daylight saving), written with their VTIMEZONE. A
meeting's UID is its id and the registry's host, so importing the file again updates the same events.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

VENUE_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def agenda(event, participant, meetings, locale: str, host: str, name) -> bytes:
    """`name(participant)` is how the reader may know a counterpart."""
    calendar = Calendar()
    calendar.add("prodid", "-//CNMT Investment Registry//Event agenda//VI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{event.name(locale)} · {name(participant)}")
    stamp = datetime.now(timezone.utc).replace(microsecond=0)
    for meeting in meetings:
        request = meeting.request
        counterpart = request.counterpart if request.requester_id == participant.id else request.requester
        item = CalendarEvent()
        item.add("uid", f"meeting-{meeting.id}@{host.split(':')[0] or 'registry'}")
        item.add("dtstamp", stamp)
        item.add("dtstart", meeting.slot_start.replace(tzinfo=VENUE_ZONE))
        item.add("dtend", meeting.slot_end.replace(tzinfo=VENUE_ZONE))
        item.add("summary", _("Meeting with %(name)s", name=name(counterpart)))
        item.add("location", ", ".join(part for part in (meeting.table_label, event.venue) if part))
        item.add("description", "\n".join((event.name(locale), meeting.table_label, _("Counterpart: %(name)s", name=name(counterpart)),
                                           request.message or "")).strip())
        calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical()
