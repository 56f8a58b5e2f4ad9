"""Read attendance: check-in counts per day, the catalogue's exhibitors by catalog group, outcomes and their summaries.

The summaries are what the annual reports count: per event and per province of the event, the
accepted meetings, those held (every outcome but a no-show), no-shows, follow-ups, MoUs,
contracts and the contracts' value in đồng. An enterprise's profile shows the outcomes of its
meetings; the profile's own statement says whether there are any (`PROFILE_MARKS`).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from registry.catalog.models import CatalogNode
from registry.enterprises import queries as enterprise_queries
from registry.extensions import db

from ..models import Direction, Event, MeetingRequest, Participant, ParticipantRole, ParticipantStatus, RequestState
from ..queries import visible_condition
from .models import HELD_RESULTS, CheckIn, MeetingOutcome, Result


def check_in_counts(event: Event) -> dict[date, int]:
    """How many participants checked in on each day of the event (days without any count 0)."""
    counted = dict(db.session.execute(select(CheckIn.day, func.count()).where(CheckIn.event_id == event.id).group_by(CheckIn.day)).all())
    days = range(event.starts_on.toordinal(), event.ends_on.toordinal() + 1)
    return {date.fromordinal(n): counted.get(date.fromordinal(n), 0) for n in days}


def checked_in_days(participant_ids) -> dict[int, list[date]]:
    found: dict[int, list[date]] = defaultdict(list)
    ids = sorted(set(participant_ids))
    if ids:
        for participant_id, day in db.session.execute(select(CheckIn.participant_id, CheckIn.day)
                                                      .where(CheckIn.participant_id.in_(ids)).order_by(CheckIn.day)):
            found[participant_id].append(day)
    return found


# --- the exhibitor catalogue -------------------------------------------------------------------------

@dataclass
class Group:
    """A top-level Decision 980 group and the exhibitors offering something in it (None: offers outside the catalog)."""

    node: CatalogNode | None
    exhibitors: list[Participant] = field(default_factory=list)


def exhibitors(event: Event) -> list[Participant]:
    """The event's approved exhibitors, by booth then name, with their offers loaded in one statement."""
    found = db.session.scalars(select(Participant).where(Participant.event_id == event.id, Participant.status == ParticipantStatus.APPROVED,
                                                         Participant.role == ParticipantRole.EXHIBITOR)
                               .options(selectinload(Participant.interests))).unique().all()
    return sorted(found, key=lambda p: (p.booth is None, p.booth or "", p.display_name, p.id))


def catalogue(event: Event) -> list[Group]:
    """The exhibitors grouped by the top-level catalog group of each offer: one offering in two groups is listed in both."""
    listed = exhibitors(event)
    node_ids = {i.node_id for p in listed for i in p.interests if i.direction == Direction.OFFER and i.node_id is not None}
    tops = _top_nodes(node_ids)
    groups: dict[int | None, Group] = {}
    for participant in listed:
        keys = {tops[i.node_id].id for i in participant.interests if i.direction == Direction.OFFER and i.node_id in tops}
        for key in sorted(keys) or [None]:
            group = groups.setdefault(key, Group(next((t for t in tops.values() if t.id == key), None)))
            group.exhibitors.append(participant)
    return sorted(groups.values(), key=lambda g: (g.node is None, g.node.code if g.node else ""))


def _top_nodes(node_ids: set[int]) -> dict[int, CatalogNode]:
    """For each node, the top-level node above it (itself at the top), reading the catalog's parents once."""
    if not node_ids:
        return {}
    versions = db.session.scalars(select(CatalogNode.version_id).where(CatalogNode.id.in_(sorted(node_ids))).distinct()).all()
    nodes = {n.id: n for n in db.session.scalars(select(CatalogNode).where(CatalogNode.version_id.in_(versions)))}
    tops = {}
    for node_id in node_ids:
        node, seen = nodes.get(node_id), set()
        while node is not None and node.parent_id is not None and node.parent_id in nodes and node.id not in seen:
            seen.add(node.id)
            node = nodes[node.parent_id]
        if node is not None:
            tops[node_id] = node
    return tops


# --- outcomes ----------------------------------------------------------------------------------------

def accepted_requests(event: Event) -> list[MeetingRequest]:
    return db.session.scalars(select(MeetingRequest).where(MeetingRequest.event_id == event.id, MeetingRequest.status == RequestState.ACCEPTED)
                              .order_by(MeetingRequest.id)).unique().all()


def outcomes_of(event: Event) -> dict[int, MeetingOutcome]:
    """The event's outcomes by meeting request id."""
    return {o.request_id: o for o in db.session.scalars(select(MeetingOutcome).where(MeetingOutcome.event_id == event.id)).unique()}


@dataclass(frozen=True)
class Summary:
    """What an event's (or a province's) meetings came to."""

    meetings: int = 0
    recorded: int = 0
    held: int = 0
    no_shows: int = 0
    follow_ups: int = 0
    mous: int = 0
    contracts: int = 0
    contract_value: int = 0

    def json(self) -> dict:
        return dict(vars(self))


def _tallies():
    """The summary's columns over meeting_outcome, in the order of Summary after `meetings`."""
    def counted(*results):
        return func.coalesce(func.sum(case((MeetingOutcome.result.in_(list(results)), 1), else_=0)), 0)
    return (func.count(MeetingOutcome.id), counted(*HELD_RESULTS), counted(Result.NO_SHOW), counted(Result.FOLLOW_UP),
            counted(Result.MOU), counted(Result.CONTRACT), func.coalesce(func.sum(MeetingOutcome.contract_value), 0))


def event_summary(event: Event) -> Summary:
    meetings = db.session.scalar(select(func.count()).select_from(MeetingRequest).where(
        MeetingRequest.event_id == event.id, MeetingRequest.status == RequestState.ACCEPTED)) or 0
    row = db.session.execute(select(*_tallies()).where(MeetingOutcome.event_id == event.id)).one()
    return Summary(meetings, *(int(v or 0) for v in row))


@dataclass(frozen=True)
class ProvinceSummary:
    province_code: str
    events: int
    summary: Summary


def province_summaries(viewer, year: int | None = None) -> list[ProvinceSummary]:
    """Per province of the events the viewer may see (that began in `year` when given): events, meetings and what they came to."""
    events = select(Event.id, Event.province_code).where(visible_condition(viewer))
    if year is not None:
        events = events.where(Event.starts_on >= date(year, 1, 1), Event.starts_on <= date(year, 12, 31))
    events = events.subquery()
    counts = dict(db.session.execute(select(events.c.province_code, func.count()).group_by(events.c.province_code)).all())
    meetings = dict(db.session.execute(select(events.c.province_code, func.count(MeetingRequest.id))
                                       .join(MeetingRequest, MeetingRequest.event_id == events.c.id)
                                       .where(MeetingRequest.status == RequestState.ACCEPTED).group_by(events.c.province_code)).all())
    tallies = {row[0]: row[1:] for row in db.session.execute(select(events.c.province_code, *_tallies())
                                                             .join(MeetingOutcome, MeetingOutcome.event_id == events.c.id)
                                                             .group_by(events.c.province_code))}
    return [ProvinceSummary(code, counts[code], Summary(meetings.get(code, 0), *(int(v or 0) for v in tallies.get(code, (0,) * 7))))
            for code in sorted(counts)]


# An enterprise's profile says whether any of its meetings has an outcome, in its own statement.
_SIDE = aliased(Participant)


def _with_outcomes(enterprise_id):
    return (select(MeetingOutcome.id).join(MeetingRequest, MeetingRequest.id == MeetingOutcome.request_id)
            .join(_SIDE, or_(_SIDE.id == MeetingRequest.requester_id, _SIDE.id == MeetingRequest.counterpart_id))
            .where(_SIDE.enterprise_id == enterprise_id).exists())


enterprise_queries.PROFILE_MARKS["met_at_events"] = _with_outcomes


@dataclass(frozen=True)
class Met:
    """One meeting of an enterprise at an event, with its outcome, as its profile shows it."""

    event: Event
    own: Participant
    counterpart: Participant
    outcome: MeetingOutcome


def profile_outcomes(record) -> list[Met]:
    """The outcomes of an enterprise's meetings, latest event first; none asked for when its profile says there are none."""
    marks = getattr(record, "marks", None)
    if marks is not None and "met_at_events" not in marks:
        return []
    side = aliased(Participant)
    query = (select(MeetingOutcome).join(MeetingRequest, MeetingRequest.id == MeetingOutcome.request_id)
             .join(side, or_(side.id == MeetingRequest.requester_id, side.id == MeetingRequest.counterpart_id))
             .where(side.enterprise_id == record.id))
    found = []
    for outcome in db.session.scalars(query).unique():
        request = outcome.request
        own, other = ((request.requester, request.counterpart) if request.requester.enterprise_id == record.id
                      else (request.counterpart, request.requester))
        found.append(Met(db.session.get(Event, outcome.event_id), own, other, outcome))
    return sorted(found, key=lambda m: (m.event.starts_on, m.event.id, m.outcome.id), reverse=True)
