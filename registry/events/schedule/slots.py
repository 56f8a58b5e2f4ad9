"""A session's slots: from its start, one meeting length after another with a pause between, skipping its breaks."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

MAX_SLOTS = 2000  # of one event; a session making more is refused


@dataclass(frozen=True)
class SlotTime:
    key: str
    session_id: int
    day: date
    start: time
    end: time

    @property
    def starts(self) -> datetime:
        return datetime.combine(self.day, self.start)

    @property
    def ends(self) -> datetime:
        return datetime.combine(self.day, self.end)


def slot_key(day: date, start: time) -> str:
    return f"{day:%Y%m%d}T{start:%H%M}"


def clock(text: str) -> time:
    """A wall-clock time such as 08:30; one with an offset (08:30+07:00, 08:30Z) is refused, as an event's times are local."""
    found = time.fromisoformat(text.strip())
    if found.tzinfo is not None:
        raise ValueError(text)
    return found


def parse_ranges(text: str) -> list[tuple[time, time]] | None:
    """"12:00-13:30, 15:00-15:15" as time pairs; None when a part is not such a range."""
    found = []
    for part in (p.strip() for p in text.replace("\n", ",").split(",")):
        if not part:
            continue
        try:
            start, end = (clock(t) for t in part.replace("–", "-").split("-"))
        except ValueError:
            return None
        if end <= start:
            return None
        found.append((start, end))
    return found


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def session_slots(session_id: int, first_day: date, last_day: date, starts_at: time, ends_at: time, meeting_minutes: int,
                  pause_minutes: int, breaks: list[tuple[time, time]]) -> list[SlotTime]:
    found: list[SlotTime] = []
    for day in days(first_day, last_day):
        at = datetime.combine(day, starts_at)
        stop = datetime.combine(day, ends_at)
        while at + timedelta(minutes=meeting_minutes) <= stop and len(found) <= MAX_SLOTS:
            end = at + timedelta(minutes=meeting_minutes)
            hit = next((b for b in breaks if datetime.combine(day, b[0]) < end and at < datetime.combine(day, b[1])), None)
            if hit is not None:
                at = max(at, datetime.combine(day, hit[1]))
                continue
            found.append(SlotTime(slot_key(day, at.time()), session_id, day, at.time(), end.time()))
            at = end + timedelta(minutes=pause_minutes)
    return found


def of_session(session) -> list[SlotTime]:
    return session_slots(session.id, session.first_day, session.last_day, session.starts_at, session.ends_at, session.meeting_minutes,
                         session.pause_minutes, parse_ranges(session.breaks) or [])
