"""First come, first placed: each request at the first slot where both sides and a table are free.

What matchmaking tools do, kept as the benchmark's baseline, the solver's starting hint and its fallback.
"""
from __future__ import annotations

import time
from collections import Counter

from .model import Schedule
from .placement import answer, assign_tables, valid_published
from .prepared import Prepared, prepare


def greedy_slots(prepared: Prepared, keep: bool = True) -> dict:
    """request id -> slot: the pins first, then (with `keep`) the published meetings that still fit,
    then every other request, must-meet first, at its earliest possible slot."""
    slot_of: dict = {}
    busy = set()
    count: Counter = Counter()
    used: Counter = Counter()

    def fits(request, slot) -> bool:
        if used[slot] >= len(prepared.slot[slot].tables):
            return False
        for side in (request.a, request.b):
            limit = prepared.participant[side].max_meetings
            if (side, slot) in busy or (limit is not None and count[side] >= limit):
                return False
        return True

    def place(request, slot) -> None:
        slot_of[request.id] = slot
        busy.update(((request.a, slot), (request.b, slot)))
        count.update((request.a, request.b))
        used[slot] += 1

    for pin in prepared.problem.pins:
        place(prepared.request[pin.request], pin.slot)
    if keep:
        for request_id, meeting in valid_published(prepared).items():
            request = prepared.request[request_id]
            if request_id not in slot_of and fits(request, meeting.slot):
                place(request, meeting.slot)
    for request in prepared.by_priority():
        if request.id not in slot_of:
            slot = next((s for s in prepared.candidates[request.id] if fits(request, s)), None)
            if slot is not None:
                place(request, slot)
    return slot_of


def greedy(problem, keep: bool = True) -> Schedule:
    """The greedy placement as a schedule (status "greedy"), with its moves and unplaced requests."""
    started = time.perf_counter()
    prepared = prepare(problem)
    meetings = assign_tables(prepared, greedy_slots(prepared, keep))
    return answer(prepared, meetings, "greedy", 0.0, 0.0, time.perf_counter() - started)
