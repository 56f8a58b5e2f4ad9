"""Events, their participants (enterprises of the registry or investors), offers and needs, meeting requests and meetings.

An event is a public record (audited, under the "events" data version); its participants, their
offers and needs and the meeting requests are the event's working data, shown on its pages.
A request's expiry is kept as a time (`expires_at`): an open request past it reads as expired
(`MeetingRequest.state`), and `service.expire_requests` writes that down, safe to repeat.
`Meeting` is what the scheduler fills: an accepted request placed in a slot at a table.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.accounts.models import Organization, User
from registry.audit.models import Audited, utcnow
from registry.catalog.models import CatalogNode
from registry.enterprises.models import Enterprise
from registry.extensions import db, stored_enum
from registry.places.models import Province


class EventKind(enum.StrEnum):
    FAIR = "fair"
    CONFERENCE = "conference"
    MATCHMAKING = "matchmaking"
    TRAINING = "training"


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    HELD = "held"


class ParticipantRole(enum.StrEnum):
    EXHIBITOR = "exhibitor"
    BUYER = "buyer"
    INVESTOR = "investor"
    SPEAKER = "speaker"


class ParticipantStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    WAITING = "waiting"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Direction(enum.StrEnum):
    OFFER = "offer"
    NEED = "need"


class Priority(enum.StrEnum):
    MUST = "must"
    WOULD_LIKE = "would_like"


class RequestState(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


class Event(Audited, db.Model):
    __audit_exclude__ = ("search_folded",)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EventKind] = mapped_column(stored_enum(EventKind, 20), index=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(index=True)
    ends_on: Mapped[date]
    venue: Mapped[str] = mapped_column(String(300), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"), index=True)
    status: Mapped[EventStatus] = mapped_column(stored_enum(EventStatus, 20), default=EventStatus.DRAFT, index=True)
    participant_limit: Mapped[int | None]
    auto_accept: Mapped[bool] = mapped_column(default=False)
    # An unanswered meeting request expires this many hours after it was sent.
    request_hours: Mapped[int] = mapped_column(default=72)
    max_open_requests: Mapped[int] = mapped_column(default=20)
    is_demo: Mapped[bool] = mapped_column(default=False, index=True)
    search_folded: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    province: Mapped[Province] = relationship(lazy="joined")
    organization: Mapped[Organization | None] = relationship(lazy="joined")
    participants: Mapped[list[Participant]] = relationship(back_populates="event", cascade="all, delete-orphan",
                                                           order_by="Participant.id")

    def name(self, locale: str) -> str:
        return (self.name_en if locale == "en" else self.name_vi) or self.name_vi


class Participant(db.Model):
    """An enterprise of the registry or an investor (an account, with the name it gives) taking part in an event in one role."""

    __table_args__ = (UniqueConstraint("event_id", "booth", name="uq_participant_event_id_booth"),
                      UniqueConstraint("event_id", "enterprise_id", name="uq_participant_event_id_enterprise_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    role: Mapped[ParticipantRole] = mapped_column(stored_enum(ParticipantRole, 20))
    status: Mapped[ParticipantStatus] = mapped_column(stored_enum(ParticipantStatus, 20), default=ParticipantStatus.REQUESTED,
                                                      index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    # The account that registered (for an investor: the investor); it acts for the participant with the enterprise's representatives.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(300), default="")
    booth: Mapped[str | None] = mapped_column(String(20))
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    waiting_since: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship(back_populates="participants")
    enterprise: Mapped[Enterprise | None] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship(lazy="joined")
    interests: Mapped[list[Interest]] = relationship(back_populates="participant", cascade="all, delete-orphan", order_by="Interest.id")

    @property
    def display_name(self) -> str:
        return self.enterprise.name_vi if self.enterprise is not None else self.name

    @property
    def province_code(self) -> str | None:
        return self.enterprise.province_code if self.enterprise is not None else None


class Interest(db.Model):
    """One thing a participant offers or seeks: a Decision 980 node, free text, or both."""

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    direction: Mapped[Direction] = mapped_column(stored_enum(Direction, 10))
    node_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_node.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(String(500), default="")

    participant: Mapped[Participant] = relationship(back_populates="interests")
    node: Mapped[CatalogNode | None] = relationship(lazy="joined")


class MeetingRequest(db.Model):
    """A participant's request to meet another at the event, with its priority and the other side's answer."""

    __table_args__ = (UniqueConstraint("requester_id", "counterpart_id", name="uq_meeting_request_requester_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    counterpart_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    priority: Mapped[Priority] = mapped_column(stored_enum(Priority, 20), default=Priority.WOULD_LIKE)
    status: Mapped[RequestState] = mapped_column(stored_enum(RequestState, 20), default=RequestState.OPEN, index=True)
    message: Mapped[str] = mapped_column(String(1000), default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]

    requester: Mapped[Participant] = relationship(foreign_keys=[requester_id], lazy="joined")
    counterpart: Mapped[Participant] = relationship(foreign_keys=[counterpart_id], lazy="joined")

    def state(self, now: datetime) -> RequestState:
        """The request as it stands at `now`: an open one past its time has expired, written down or not."""
        if self.status == RequestState.OPEN and now >= self.expires_at:
            return RequestState.EXPIRED
        return self.status


class Meeting(db.Model):
    """An accepted request placed by the scheduler in a slot at a table; participants see it once published.

    Two placements (events/schedule/): the draft (`slot_key`, `table_id`: the last run or the organizer's
    hand, `pinned` when the organizer fixed it) and the published one (`published`, `published_slot_key`,
    `published_table_id` and the times and label participants read). A draft without a slot says why in
    `reason_code`/`reason_params`; a published meeting the last run moved says why the same way (`moved`).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("meeting_request.id", ondelete="CASCADE"), unique=True)
    slot_start: Mapped[datetime | None]
    slot_end: Mapped[datetime | None]
    table_label: Mapped[str] = mapped_column(String(40), default="")
    published: Mapped[bool] = mapped_column(default=False, index=True)
    slot_key: Mapped[str | None] = mapped_column(String(20))
    table_id: Mapped[int | None] = mapped_column(ForeignKey("schedule_table.id", ondelete="SET NULL"), index=True)
    pinned: Mapped[bool] = mapped_column(default=False)
    published_slot_key: Mapped[str | None] = mapped_column(String(20))
    published_table_id: Mapped[int | None] = mapped_column(ForeignKey("schedule_table.id", ondelete="SET NULL"), index=True)
    moved: Mapped[bool] = mapped_column(default=False)
    reason_code: Mapped[str] = mapped_column(String(40), default="")
    reason_params: Mapped[dict] = mapped_column(JSON, default=dict)
    is_demo: Mapped[bool] = mapped_column(default=False)

    request: Mapped[MeetingRequest] = relationship(lazy="joined")
