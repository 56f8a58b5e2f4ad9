"""The problem checked and indexed once: slots in time order, who is free when, which requests can meet where."""
from __future__ import annotations

from collections import defaultdict
from typing import Hashable

from .model import MUST, PRIORITIES, Problem, ScheduleError


class Prepared:
    """A checked `Problem` with the lookups every step needs (build it with `prepare`)."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.slots = sorted(problem.slots, key=lambda slot: (slot.day, slot.start, slot.end))
        self.slot = {slot.id: slot for slot in self.slots}
        self.order = {slot.id: n for n, slot in enumerate(self.slots)}
        days: dict = defaultdict(list)
        for slot in self.slots:
            days[slot.day].append(slot.id)
        self.days = list(days.values())
        self.near = {}  # slot id -> the slots just before and after it on its day
        for day in self.days:
            for n, slot in enumerate(day):
                self.near[slot] = frozenset(day[max(0, n - 1):n] + day[n + 1:n + 2])
        self.participant = {p.id: p for p in problem.participants}
        every = frozenset(self.slot)
        self.free = {p.id: every if p.available is None else p.available for p in problem.participants}
        self.request = {r.id: r for r in problem.requests}
        self.declined = [r for r in problem.requests if r.pair in problem.declined]
        self.open = [r for r in problem.requests if r.pair not in problem.declined]
        self.candidates = {
            r.id: [slot.id for slot in self.slots if slot.id in self.free[r.a] and slot.id in self.free[r.b] and slot.tables]
            for r in self.open
        }
        self.involving: dict = defaultdict(list)
        for r in self.open:
            self.involving[r.a].append(r)
            self.involving[r.b].append(r)
        self.pin = {pin.request: pin for pin in problem.pins}
        weights = problem.weights
        longest = max((len(day) for day in self.days), default=0)
        # A meeting adds at most (day's slots - 2) idle slots to each of its two participants.
        self.unit = weights.idle * 2 * max(0, longest - 2) + 1

    def cap(self, participant: Hashable) -> int:
        """The most meetings a participant can have: its limit, its free slots, its requests."""
        limit = self.participant[participant].max_meetings
        most = min(len(self.free[participant]), len(self.involving[participant]))
        return most if limit is None else min(limit, most)

    def meeting_slots(self, participant: Hashable, day: list) -> list:
        """The slots of a day with tables in which the participant is free, in time order."""
        free = self.free[participant]
        return [slot for slot in day if slot in free and self.slot[slot].tables]

    def weight(self, request) -> int:
        if request.weight is not None:
            return request.weight
        weights = self.problem.weights
        return weights.must if request.priority == MUST else weights.would_like

    def by_priority(self, requests=None):
        """Must-meet requests first, then the rest, each in the caller's order."""
        requests = self.open if requests is None else requests
        return [r for r in requests if r.priority == MUST] + [r for r in requests if r.priority != MUST]


def prepare(problem: Problem) -> Prepared:
    """Check the problem (raising `ScheduleError` with a code) and index it."""
    _check_slots(problem)
    _check_participants(problem)
    _check_requests(problem)
    prepared = Prepared(problem)
    _check_pins(prepared)
    return prepared


def _unique(records, code: str) -> None:
    seen = set()
    for record in records:
        if record.id in seen:
            raise ScheduleError(code, id=record.id)
        seen.add(record.id)


def _check_slots(problem: Problem) -> None:
    _unique(problem.slots, "duplicate_slot")
    for slot in problem.slots:
        if slot.end <= slot.start:
            raise ScheduleError("slot_ends_before_start", slot=slot.id)
        if len(set(slot.tables)) != len(slot.tables):
            table = next(t for t in slot.tables if slot.tables.count(t) > 1)
            raise ScheduleError("duplicate_table", slot=slot.id, table=table)
    ordered = sorted(problem.slots, key=lambda slot: (slot.day, slot.start, slot.end))
    for first, second in zip(ordered, ordered[1:]):
        if first.day == second.day and second.start < first.end:
            raise ScheduleError("slots_overlap", slots=(first.id, second.id))


def _check_participants(problem: Problem) -> None:
    _unique(problem.participants, "duplicate_participant")
    slots = {slot.id for slot in problem.slots}
    for p in problem.participants:
        if p.max_meetings is not None and p.max_meetings < 0:
            raise ScheduleError("negative_limit", participant=p.id)
        for slot in sorted(p.available - slots, key=repr) if p.available is not None else ():
            raise ScheduleError("unknown_slot", participant=p.id, slot=slot)


def _check_requests(problem: Problem) -> None:
    _unique(problem.requests, "duplicate_request")
    weights = problem.weights
    if min(weights.must, weights.would_like, weights.keep, weights.idle) < 0:
        raise ScheduleError("negative_weight", request=None)
    people = {p.id for p in problem.participants}
    pairs: dict = {}
    for r in problem.requests:
        for side in (r.a, r.b):
            if side not in people:
                raise ScheduleError("unknown_participant", request=r.id, participant=side)
        if r.a == r.b:
            raise ScheduleError("self_meeting", request=r.id)
        if r.priority not in PRIORITIES:
            raise ScheduleError("unknown_priority", request=r.id, priority=r.priority)
        if r.weight is not None and r.weight < 0:
            raise ScheduleError("negative_weight", request=r.id)
        if r.pair in pairs:
            raise ScheduleError("duplicate_pair", requests=(pairs[r.pair], r.id))
        pairs[r.pair] = r.id


def _check_pins(prepared: Prepared) -> None:
    """Each pin must be possible, and all of them together: no table, participant or limit taken twice."""
    problem = prepared.problem
    seen: dict = {}
    at_table: dict = {}
    at_person: dict = {}
    per_slot: dict = defaultdict(list)
    per_person: dict = defaultdict(list)
    for pin in problem.pins:
        request = prepared.request.get(pin.request)
        if request is None:
            raise ScheduleError("pin_unknown_request", request=pin.request)
        if pin.request in seen:
            raise ScheduleError("pin_twice", request=pin.request)
        seen[pin.request] = pin
        slot = prepared.slot.get(pin.slot)
        if slot is None:
            raise ScheduleError("pin_unknown_slot", request=pin.request, slot=pin.slot)
        if pin.table is not None and pin.table not in slot.tables:
            raise ScheduleError("pin_unknown_table", request=pin.request, slot=pin.slot, table=pin.table)
        if request.pair in problem.declined:
            raise ScheduleError("pin_declined", request=pin.request)
        for side in (request.a, request.b):
            if pin.slot not in prepared.free[side]:
                raise ScheduleError("pin_unavailable", request=pin.request, participant=side, slot=pin.slot)
        if pin.table is not None:
            other = at_table.setdefault((pin.slot, pin.table), pin.request)
            if other != pin.request:
                raise ScheduleError("pin_conflict", requests=(other, pin.request), slot=pin.slot, table=pin.table)
        for side in (request.a, request.b):
            other = at_person.setdefault((pin.slot, side), pin.request)
            if other != pin.request:
                raise ScheduleError("pin_conflict", requests=(other, pin.request), slot=pin.slot, participant=side)
            per_person[side].append(pin.request)
        per_slot[pin.slot].append(pin.request)
        if len(per_slot[pin.slot]) > len(slot.tables):
            raise ScheduleError("pin_no_table", requests=tuple(per_slot[pin.slot]), slot=pin.slot)
    for side, requests in per_person.items():
        limit = prepared.participant[side].max_meetings
        if limit is not None and len(requests) > limit:
            raise ScheduleError("pin_over_limit", requests=tuple(requests), participant=side, limit=limit)
