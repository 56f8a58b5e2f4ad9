"""Check-ins (one per participant and day of the event) and the outcomes of accepted meetings.

An outcome is keyed by the accepted meeting request, not by a scheduled meeting: a meeting
happens whether or not the schedule placed it. It is audited and kept for the annual reports.
A contract's value is in Vietnamese đồng; one signed in another currency is entered converted
at the rate of its signing day, so the reports sum one unit.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.audit.models import Audited, utcnow
from registry.extensions import db, stored_enum

from ..models import MeetingRequest, Participant


class Result(enum.StrEnum):
    NO_SHOW = "no_show"
    HELD = "held"
    FOLLOW_UP = "follow_up"
    MOU = "mou_signed"
    CONTRACT = "contract_signed"


HELD_RESULTS = (Result.HELD, Result.FOLLOW_UP, Result.MOU, Result.CONTRACT)


class CheckIn(db.Model):
    """A participant's arrival on one day of the event, recorded by an organizer scanning its badge."""

    __tablename__ = "check_in"
    __table_args__ = (UniqueConstraint("participant_id", "day", name="uq_check_in_participant_id_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(index=True)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    is_demo: Mapped[bool] = mapped_column(default=False)

    participant: Mapped[Participant] = relationship(lazy="joined")


class MeetingOutcome(Audited, db.Model):
    """What came of an accepted meeting: a no-show, a meeting held, a follow-up, an MoU or a contract with its value."""

    __tablename__ = "meeting_outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("meeting_request.id", ondelete="CASCADE"), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    result: Mapped[Result] = mapped_column(stored_enum(Result, 20), index=True)
    contract_value: Mapped[int | None] = mapped_column(BigInteger)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    request: Mapped[MeetingRequest] = relationship(lazy="joined")
