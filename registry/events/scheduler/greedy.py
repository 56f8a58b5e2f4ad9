"""First come, first placed: each request at the first slot where both sides and a table are free.

What matchmaking tools do, kept as the benchmark's baseline, the solver's starting hint and its fallback.
"""
from __future__ import annotations

import time
from collections import Counter, defaultdict

from .bounds import pairing_lp
from .model import MUST, Schedule
from .placement import answer, assign_tables, valid_published
from .prepared import Prepared, prepare


def greedy_slots(prepared: Prepared, keep: bool = True, careful: bool = False) -> dict:
    """request id -> slot: the pins first, then (with `keep`) the published meetings that still fit,
    then every other request, must-meet first, at its earliest possible slot.

    `careful` (the solver's start) takes first the requests that the linear relaxation of choosing
    requests without slots picks (`bounds.pairing_lp`, valued as the objective values them), then the
    requests of the least sought-after participants (the fewest requests per meeting they can have),
    and puts each where it sits next to its participants' other meetings, else in the emptiest slot."""
    slot_of: dict = {}
    beside: dict = defaultdict(set)
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
        beside[request.a].add(slot)
        beside[request.b].add(slot)
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
    if not careful:
        for request in prepared.by_priority():
            if request.id not in slot_of:
                slot = next((s for s in prepared.candidates[request.id] if fits(request, s)), None)
                if slot is not None:
                    place(request, slot)
        return slot_of
    demand = {person: len(requests) / max(1, prepared.cap(person)) for person, requests in prepared.involving.items()}
    published = valid_published(prepared)
    weights = prepared.problem.weights
    # Ten times the objective's value, plus one: of two choices worth the same, the one with more meetings.
    chosen = pairing_lp(prepared, lambda r: 10 * (prepared.weight(r) + (weights.keep if r.id in published else 0)) + 1)
    order = sorted(
        prepared.open,
        key=lambda r: (-round(chosen.get(r.id, 0.0), 3), r.priority != MUST, demand[r.a] + demand[r.b], len(prepared.candidates[r.id])),
    )

    def closeness(request, slot) -> tuple:
        near = prepared.near[slot]
        return (-sum(len(near & beside[side]) for side in (request.a, request.b)), used[slot])

    for request in order:
        if request.id not in slot_of:
            slots = [s for s in prepared.candidates[request.id] if fits(request, s)]
            if slots:
                place(request, min(slots, key=lambda s: closeness(request, s)))
    return slot_of


def greedy(problem, keep: bool = True) -> Schedule:
    """The greedy placement as a schedule (status "greedy"), with its moves and unplaced requests."""
    started = time.perf_counter()
    prepared = prepare(problem)
    meetings = assign_tables(prepared, greedy_slots(prepared, keep))
    return answer(prepared, meetings, "greedy", 0.0, 0.0, time.perf_counter() - started)
