"""From the requests' slots to the answer: tables at each slot, idle slots, and why each move and gap happened."""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Hashable, Mapping

from .model import Meeting, Move, Reason, Schedule, Unplaced
from .prepared import Prepared


def valid_published(prepared: Prepared) -> dict:
    """request id -> its published meeting, for the published meetings that could stay where they are:
    the request is still accepted and not declined, its slot and table exist, both sides are free then."""
    kept = {}
    for meeting in prepared.problem.published:
        request = prepared.request.get(meeting.request)
        slot = prepared.slot.get(meeting.slot)
        if request is None or slot is None or meeting.request in kept or request.pair in prepared.problem.declined:
            continue
        if meeting.slot in prepared.candidates[request.id]:
            kept[meeting.request] = meeting
    return kept


def assign_tables(prepared: Prepared, slot_of: Mapping[Hashable, Hashable]) -> list[Meeting]:
    """Give each placed request a table in its slot: a pinned table first, then the published one if it
    is still free, then the first free table in the slot's order. The caller placed no more requests in
    a slot than it has tables."""
    published = {m.request: (m.slot, m.table) for m in prepared.problem.published}
    pinned = {pin.request: (pin.slot, pin.table) for pin in prepared.problem.pins if pin.table is not None}
    in_slot: dict = defaultdict(list)
    for request in prepared.problem.requests:
        if request.id in slot_of:
            in_slot[slot_of[request.id]].append(request.id)
    meetings = []
    for slot_id, requests in in_slot.items():
        tables = prepared.slot[slot_id].tables
        taken: dict = {}
        for wanted in (pinned, published):
            for request in requests:
                slot, table = wanted.get(request, (None, None))
                if slot == slot_id and request not in taken.values() and table in tables and table not in taken:
                    taken[table] = request
        free = iter(table for table in tables if table not in taken)
        placed = set(taken.values())
        for request in requests:
            if request not in placed:
                taken[next(free)] = request
        meetings.extend(Meeting(request, slot_id, table) for table, request in taken.items())
    return sorted(meetings, key=lambda m: (prepared.order[m.slot], tables_order(prepared, m)))


def tables_order(prepared: Prepared, meeting: Meeting) -> int:
    return prepared.slot[meeting.slot].tables.index(meeting.table)


def idle_of(prepared: Prepared, slot_of: Mapping) -> int:
    """Slots with tables a participant is free in but has no meeting, between its first and last
    meeting of a day, summed over the participants (`slot_of`: request id -> slot)."""
    busy = defaultdict(set)
    for request_id, slot in slot_of.items():
        request = prepared.request[request_id]
        busy[request.a].add(slot)
        busy[request.b].add(slot)
    idle = 0
    for person, slots in busy.items():
        for day in prepared.days:
            marks = [slot in slots for slot in prepared.meeting_slots(person, day)]
            if True in marks:
                first, last = marks.index(True), len(marks) - 1 - marks[::-1].index(True)
                idle += marks[first:last + 1].count(False)
    return idle


def answer(prepared: Prepared, meetings: list[Meeting], status: str, objective: float, bound: float, seconds: float) -> Schedule:
    """The schedule with its moves and unplaced requests, each with its reason."""
    placed = {m.request: m for m in meetings}
    return Schedule(
        meetings=tuple(meetings),
        moved=tuple(_moves(prepared, placed)),
        unplaced=tuple(_unplaced(prepared, placed, status)),
        status=status,
        objective=objective,
        bound=bound,
        value=sum(prepared.weight(prepared.request[r]) for r in placed),
        idle=idle_of(prepared, {m.request: m.slot for m in meetings}),
        kept=sum(placed.get(m.request) == m for m in _first_published(prepared)),
        wall_seconds=seconds,
    )


def _first_published(prepared: Prepared) -> list[Meeting]:
    seen: dict = {}
    for meeting in prepared.problem.published:
        seen.setdefault(meeting.request, meeting)
    return list(seen.values())


def _moves(prepared: Prepared, placed: Mapping) -> list[Move]:
    problem = prepared.problem
    valid = valid_published(prepared)
    pins_in_slot: dict = defaultdict(list)
    for pin in problem.pins:
        pins_in_slot[pin.slot].append(pin)
    still: Counter = Counter()
    per_slot: Counter = Counter()
    for meeting in valid.values():
        request = prepared.request[meeting.request]
        still.update((request.a, request.b))
        per_slot[meeting.slot] += 1
    moves = []
    for before in _first_published(prepared):
        after = placed.get(before.request)
        if after != before:
            moves.append(Move(before.request, before, after, _move_reason(prepared, before, after, pins_in_slot, still, per_slot)))
    return moves


def _move_reason(prepared: Prepared, before: Meeting, after, pins_in_slot, still, per_slot) -> Reason:
    problem = prepared.problem
    request = prepared.request.get(before.request)
    if request is None:
        return Reason("request_withdrawn")
    if request.pair in problem.declined:
        return Reason("declined")
    pin = prepared.pin.get(request.id)
    if pin is not None and (pin.slot != before.slot or pin.table not in (None, before.table)):
        return Reason("pinned")
    slot = prepared.slot.get(before.slot)
    if slot is None:
        return Reason("slot_removed")
    for side in (request.a, request.b):
        if before.slot not in prepared.free[side]:
            return Reason("unavailable", {"participant": side})
    for other in pins_in_slot[before.slot]:
        if other.request != request.id and (
            other.table == before.table or prepared.request[other.request].pair & request.pair
        ):
            return Reason("pin_conflict", {"pin": other.request})
    if before.table not in slot.tables:
        return Reason("table_removed")
    for side in (request.a, request.b):
        limit = prepared.participant[side].max_meetings
        if limit is not None and still[side] > limit:
            return Reason("participant_full", {"participant": side, "limit": limit})
    if per_slot[before.slot] > len(slot.tables):
        return Reason("no_table", {"slot": before.slot})
    if after is not None and after.slot == before.slot:
        return Reason("table_taken")
    return Reason("rearranged")


def _unplaced(prepared: Prepared, placed: Mapping, status: str) -> list[Unplaced]:
    count: Counter = Counter()
    busy = set()
    per_slot: Counter = Counter()
    for m in placed.values():
        request = prepared.request[m.request]
        count.update((request.a, request.b))
        busy.update(((request.a, m.slot), (request.b, m.slot)))
        per_slot[m.slot] += 1
    left = []
    for request in prepared.problem.requests:
        if request.id in placed:
            continue
        left.append(Unplaced(request.id, _unplaced_reason(prepared, request, count, busy, per_slot, status)))
    return left


def _unplaced_reason(prepared: Prepared, request, count, busy, per_slot, status: str) -> Reason:
    if request.pair in prepared.problem.declined:
        return Reason("declined")
    shared = prepared.candidates[request.id]
    if not shared:
        return Reason("no_common_free_slot", {"shared": 0})
    for side in (request.a, request.b):
        limit = prepared.participant[side].max_meetings
        if limit is not None and count[side] >= limit:
            return Reason("participant_full", {"participant": side, "limit": limit})
    free = [s for s in shared if (request.a, s) not in busy and (request.b, s) not in busy]
    if not free:
        return Reason("no_common_free_slot", {"shared": len(shared)})
    if all(per_slot[s] >= len(prepared.slot[s].tables) for s in free):
        return Reason("no_table", {"slots": tuple(free)})
    # Both are free in a slot with a free table: only a search stopped early leaves such a request out
    # (or a weight of 0, which earns nothing).
    return Reason("not_reached" if status != "optimal" else "no_gain")
