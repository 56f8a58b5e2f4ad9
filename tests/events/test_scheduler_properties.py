"""On any event the scheduler is given, its schedule breaks no rule: no participant or table twice in a
slot, every meeting in a slot both sides are free in, no declined pair, no limit passed, every pin kept;
and every request is either placed or said why not. Re-runs over a previous schedule obey the same rules."""
from __future__ import annotations

from datetime import date, time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.events.scheduler import (
    MUST,
    WOULD_LIKE,
    Meeting,
    Participant,
    Pin,
    Problem,
    Request,
    ScheduleError,
    Slot,
    greedy,
    schedule,
    prepare,
    violations,
)
from registry.events.scheduler.solve import objective


@st.composite
def events(draw):
    days = draw(st.integers(1, 2))
    per_day = draw(st.integers(1, 4))
    slots = [
        Slot(f"D{d}S{n}", date(2027, 3, 16 + d), time(9 + n), time(9 + n, 45), tuple(f"T{t}" for t in range(draw(st.integers(0, 3)))))
        for d in range(days)
        for n in range(per_day)
    ]
    slot_ids = [s.id for s in slots]
    count = draw(st.integers(2, 8))
    people = [
        Participant(
            f"P{n}",
            max_meetings=draw(st.none() | st.integers(0, 4)),
            available=draw(st.none() | st.frozensets(st.sampled_from(slot_ids))),
        )
        for n in range(count)
    ]
    pairs = draw(st.lists(st.tuples(st.integers(0, count - 1), st.integers(0, count - 1)).filter(lambda p: p[0] != p[1]),
                          max_size=16, unique_by=lambda p: frozenset(p)))
    requests = [Request(n, f"P{a}", f"P{b}", draw(st.sampled_from((MUST, WOULD_LIKE)))) for n, (a, b) in enumerate(pairs)]
    declined = draw(st.frozensets(st.sampled_from([r.pair for r in requests]))) if requests else frozenset()
    tables = [(s.id, t) for s in slots for t in s.tables]
    ids = [r.id for r in requests] + [99]
    published = draw(st.lists(st.builds(lambda r, st_: Meeting(r, *st_), st.sampled_from(ids), st.sampled_from(tables)), max_size=6)) if tables else []
    pins = []
    if requests and tables:
        pins = draw(st.lists(st.builds(lambda r, st_, table: Pin(r, st_[0], st_[1] if table else None),
                                       st.sampled_from([r.id for r in requests]), st.sampled_from(tables), st.booleans()),
                             max_size=3, unique_by=lambda pin: pin.request))
    return Problem(slots, people, requests, declined, published, pins)


def assert_kept_every_rule(problem, result):
    """Checked here from the problem itself, and by the engine's own `violations`."""
    requests = {r.id: r for r in problem.requests}
    slots = {s.id: s for s in problem.slots}
    people = {p.id: p for p in problem.participants}
    meetings = result.meetings
    assert len({(m.slot, m.table) for m in meetings}) == len(meetings)
    assert len({m.request for m in meetings}) == len(meetings)
    held = [(side, m.slot) for m in meetings for side in (requests[m.request].a, requests[m.request].b)]
    assert len(set(held)) == len(held)
    for m in meetings:
        request = requests[m.request]
        assert m.table in slots[m.slot].tables
        assert request.pair not in problem.declined
        for side in (request.a, request.b):
            assert people[side].available is None or m.slot in people[side].available
    for person in people.values():
        if person.max_meetings is not None:
            assert sum(side == person.id for side, _ in held) <= person.max_meetings
    at = {m.request: m for m in meetings}
    for pin in problem.pins:
        assert at[pin.request].slot == pin.slot and pin.table in (None, at[pin.request].table)
    assert violations(problem, meetings) == []
    placed = [m.request for m in result.meetings]
    left = [u.request for u in result.unplaced]
    assert sorted(placed + left) == sorted(r.id for r in problem.requests)
    for move in result.moved:
        assert move.after != move.before and move.reason.code
    assert result.kept + len(result.moved) == len({m.request for m in problem.published})


@settings(max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(events())
def test_any_schedule_keeps_every_rule(problem):
    try:
        result = schedule(problem, time_limit=5)
    except ScheduleError as refused:
        # The events are well formed; only pins drawn at random may clash.
        assert refused.code.startswith("pin_"), refused
        return
    assert_kept_every_rule(problem, result)
    assert_kept_every_rule(problem, greedy(problem))
    if result.status == "optimal":
        baseline = greedy(problem).meetings
        assert result.objective >= objective(prepare(problem), {m.request: m.slot for m in baseline})
    rerun = Problem(problem.slots, problem.participants, problem.requests, problem.declined, result.meetings, problem.pins)
    again = schedule(rerun, time_limit=5)
    assert_kept_every_rule(rerun, again)
    if result.status == again.status == "optimal":
        assert again.kept == len(result.meetings)  # nothing changed: every published meeting stays
