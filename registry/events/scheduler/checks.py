"""What a schedule must never do, checked on any list of meetings (the solver's, the greedy one, or one
an organizer edited by hand)."""
from __future__ import annotations

from collections import Counter

from .model import Problem, Reason
from .prepared import prepare


def violations(problem: Problem, meetings) -> list[Reason]:
    """Every broken rule: a participant or table twice in a slot, an unknown slot or table, a side not
    free, a declined pair, a limit passed, a request placed twice or not accepted, a pin not kept."""
    prepared = prepare(problem)
    found = []
    tables = Counter()
    people = Counter()
    count = Counter()
    placed = {}
    for m in meetings:
        request = prepared.request.get(m.request)
        slot = prepared.slot.get(m.slot)
        if request is None:
            found.append(Reason("unknown_request", {"request": m.request}))
            continue
        if m.request in placed:
            found.append(Reason("placed_twice", {"request": m.request}))
        placed[m.request] = m
        if slot is None or m.table not in slot.tables:
            found.append(Reason("unknown_table", {"request": m.request, "slot": m.slot, "table": m.table}))
        if request.pair in problem.declined:
            found.append(Reason("declined", {"request": m.request}))
        tables[m.slot, m.table] += 1
        for side in (request.a, request.b):
            people[side, m.slot] += 1
            count[side] += 1
            if m.slot not in prepared.free[side]:
                found.append(Reason("unavailable", {"request": m.request, "participant": side, "slot": m.slot}))
    found += [Reason("table_twice", {"slot": s, "table": t}) for (s, t), n in tables.items() if n > 1]
    found += [Reason("participant_twice", {"participant": p, "slot": s}) for (p, s), n in people.items() if n > 1]
    for person, n in count.items():
        limit = prepared.participant[person].max_meetings
        if limit is not None and n > limit:
            found.append(Reason("over_limit", {"participant": person, "limit": limit, "meetings": n}))
    for pin in problem.pins:
        m = placed.get(pin.request)
        if m is None or m.slot != pin.slot or pin.table not in (None, m.table):
            found.append(Reason("pin_not_kept", {"request": pin.request}))
    return found
