"""Sessions (days, hours, meeting length, pauses and breaks) give the slots; each session has its tables.

A slot is not stored: it is computed from its session (`slots.py`) and known by its key, the day and
time it starts (`20261210T0900`). Sessions of an event never overlap, so a start identifies a slot,
and a session edited or made again with the same hours keeps its slots' keys, and the meetings in them.
`ScheduleSettings` holds the event's default limit of meetings per participant and the last run;
`ParticipantSchedule` a participant's own limit and availability (time ranges, one per line).
"""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db


class ScheduleSession(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    first_day: Mapped[date]
    last_day: Mapped[date]
    starts_at: Mapped[time]
    ends_at: Mapped[time]
    meeting_minutes: Mapped[int] = mapped_column(default=20)
    pause_minutes: Mapped[int] = mapped_column(default=5)
    # Breaks within the session's hours, as "12:00-13:30" separated by commas; no slot overlaps one.
    breaks: Mapped[str] = mapped_column(String(500), default="")
    is_demo: Mapped[bool] = mapped_column(default=False)

    tables: Mapped[list[ScheduleTable]] = relationship(back_populates="session", cascade="all, delete-orphan",
                                                        order_by="ScheduleTable.position")

    def name(self, locale: str) -> str:
        return (self.name_en if locale == "en" else self.name_vi) or self.name_vi


class ScheduleTable(db.Model):
    """A meeting table of a session, with its host's label ("Bàn 1")."""

    __table_args__ = (UniqueConstraint("session_id", "label", name="uq_schedule_table_session_id_label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("schedule_session.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)

    session: Mapped[ScheduleSession] = relationship(back_populates="tables")


class ScheduleSettings(db.Model):
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    max_meetings: Mapped[int | None]
    last_run_at: Mapped[datetime | None]
    last_status: Mapped[str] = mapped_column(String(20), default="")
    published_at: Mapped[datetime | None]


class ParticipantSchedule(db.Model):
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True)
    max_meetings: Mapped[int | None]
    # "2026-12-10 08:00-12:00", one range per line; empty: free during every session.
    availability: Mapped[str] = mapped_column(Text, default="")
