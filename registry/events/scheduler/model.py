"""The scheduler's input and output: frozen, plain data (docs/scheduling.md describes every field).

Ids are whatever the caller uses (database ids, codes): anything hashable and sortable among its kind.
Reasons and errors are codes with parameters, never text; the pages translate them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from types import MappingProxyType
from typing import Any, Hashable, Mapping, NamedTuple

MUST = "must"
WOULD_LIKE = "would_like"
PRIORITIES = (MUST, WOULD_LIKE)

NOTHING: Mapping[str, Any] = MappingProxyType({})


def _as(record, kind: type, *names: str) -> None:
    """Let callers pass lists and sets: store them as tuples or frozensets, so records stay hashable."""
    for name in names:
        value = getattr(record, name)
        if value is not None and type(value) is not kind:
            object.__setattr__(record, name, kind(value))


class Reason(NamedTuple):
    """Why: a code and its parameters (ids, counts), translated by the pages."""

    code: str
    params: Mapping[str, Any] = NOTHING


class ScheduleError(ValueError):
    """The input cannot be scheduled as given (a bad slot, a request with itself, conflicting pins).

    Domain-free: `code` and `params` say what and where; the caller turns them into its own error.
    """

    def __init__(self, code: str, **params: Any):
        super().__init__(code, params)
        self.code = code
        self.params = MappingProxyType(dict(params))

    def __str__(self) -> str:
        details = ", ".join(f"{key}={value!r}" for key, value in self.params.items())
        return f"{self.code}({details})"


@dataclass(frozen=True)
class Slot:
    """A time slot in which every table holds one meeting. A break is the time between two slots."""

    id: Hashable
    day: date
    start: time
    end: time
    tables: tuple[Hashable, ...] = ()  # the tables open in this slot, by id

    def __post_init__(self):
        _as(self, tuple, "tables")


@dataclass(frozen=True)
class Participant:
    """One side of meetings. `available`: the slot ids it can meet in (None: every slot)."""

    id: Hashable
    max_meetings: int | None = None  # None: no limit but the slots
    available: frozenset[Hashable] | None = None

    def __post_init__(self):
        _as(self, frozenset, "available")


@dataclass(frozen=True)
class Request:
    """An accepted meeting request between two participants.

    `weight`, when given, replaces the weight of its priority (`Weights.must` or `Weights.would_like`).
    """

    id: Hashable
    a: Hashable
    b: Hashable
    priority: str = WOULD_LIKE
    weight: int | None = None

    @property
    def pair(self) -> frozenset:
        return frozenset((self.a, self.b))


@dataclass(frozen=True)
class Meeting:
    """A request placed in a slot at a table."""

    request: Hashable
    slot: Hashable
    table: Hashable


@dataclass(frozen=True)
class Pin:
    """The organizer fixed a request to a slot, and to a table unless `table` is None."""

    request: Hashable
    slot: Hashable
    table: Hashable | None = None


@dataclass(frozen=True)
class Weights:
    """The objective's weights (docs/scheduling.md).

    Placing a request earns its priority's weight, keeping a published meeting in its slot earns `keep`,
    each idle slot in a participant's day costs `idle`. The placement and keep weights are counted in
    units worth more than the idle slots one meeting can add to its two participants' days, so a
    meeting that fits is never left out to spare idle time.
    """

    must: int = 3
    would_like: int = 1
    keep: int = 7  # above two must-meet placements: a published meeting moves only when a change forces it
    idle: int = 1


@dataclass(frozen=True)
class Problem:
    """Everything one run of the scheduler reads."""

    slots: tuple[Slot, ...]
    participants: tuple[Participant, ...]
    requests: tuple[Request, ...]
    declined: frozenset[frozenset] = frozenset()  # pairs of participant ids that never meet
    published: tuple[Meeting, ...] = ()  # the previous run's published meetings, kept where they still fit
    pins: tuple[Pin, ...] = ()
    weights: Weights = field(default_factory=Weights)

    def __post_init__(self):
        _as(self, tuple, "slots", "participants", "requests", "published", "pins")
        if type(self.declined) is not frozenset or not all(type(pair) is frozenset for pair in self.declined):
            object.__setattr__(self, "declined", frozenset(frozenset(pair) for pair in self.declined))


@dataclass(frozen=True)
class Move:
    """A published meeting not kept in place: where it went (None: it could not be placed again) and why."""

    request: Hashable
    before: Meeting
    after: Meeting | None
    reason: Reason


@dataclass(frozen=True)
class Unplaced:
    """An accepted request left out, and why."""

    request: Hashable
    reason: Reason


@dataclass(frozen=True)
class Schedule:
    """The answer. `status`: "optimal", "feasible" (the time limit stopped the search) or "fallback"
    (the solver found nothing in time: the greedy placement is returned). `objective` and `bound` are
    the solver's, in the objective's units; `value` is the placed requests' weight, `idle` the idle slots.
    """

    meetings: tuple[Meeting, ...]
    moved: tuple[Move, ...]
    unplaced: tuple[Unplaced, ...]
    status: str
    objective: float
    bound: float
    value: int
    idle: int
    kept: int
    wall_seconds: float = 0.0
