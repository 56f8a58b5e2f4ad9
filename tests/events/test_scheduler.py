"""The meeting scheduler as an organizer meets it: slots, tables, participants and accepted requests in,
a conflict-free schedule out, with what could not be placed and why, and re-runs that keep what was published."""
from __future__ import annotations

from datetime import date, time

import pytest

from registry.events.scheduler import solve as search
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
    Weights,
    capacity_bound,
    greedy,
    lp_bound,
    schedule,
    violations,
)

DAY = date(2027, 3, 16)


def slots(count: int = 4, tables: int = 2, day: date = DAY, prefix: str = "S") -> list[Slot]:
    """`count` half-hour slots from 9:00, ten minutes apart, each with `tables` tables."""
    return [
        Slot(f"{prefix}{n + 1}", day, time(9 + (40 * n) // 60, (40 * n) % 60), time(9 + (40 * n + 30) // 60, (40 * n + 30) % 60),
             tuple(f"T{t + 1}" for t in range(tables)))
        for n in range(count)
    ]


def people(*ids: str, **changes) -> list[Participant]:
    return [Participant(i, **changes) for i in ids]


def reason_of(result, request) -> tuple:
    found = [u.reason for u in result.unplaced if u.request == request]
    assert found, f"{request} was placed"
    return found[0].code, dict(found[0].params)


def where(result, request) -> Meeting | None:
    return next((m for m in result.meetings if m.request == request), None)


def test_an_event_gets_a_schedule_without_double_booking():
    problem = Problem(
        slots(3, tables=2),
        people("A", "B", "C", "D"),
        [Request(1, "A", "B"), Request(2, "A", "C"), Request(3, "A", "D"), Request(4, "B", "C"), Request(5, "C", "D")],
    )
    result = schedule(problem)
    assert result.status == "optimal"
    assert len(result.meetings) == 5
    assert violations(problem, result.meetings) == []
    assert result.unplaced == ()
    assert result.objective == pytest.approx(result.bound)


def test_a_participant_meets_only_in_the_slots_it_is_free():
    problem = Problem(slots(4), [Participant("A", available={"S3"}), Participant("B")], [Request(1, "A", "B")])
    assert where(schedule(problem), 1).slot == "S3"


def test_a_participants_limit_is_kept_and_named_when_it_leaves_requests_out():
    problem = Problem(
        slots(4), [Participant("A", max_meetings=2), *people("B", "C", "D")],
        [Request(1, "A", "B"), Request(2, "A", "C"), Request(3, "A", "D")],
    )
    result = schedule(problem)
    assert len(result.meetings) == 2
    (left,) = result.unplaced
    assert reason_of(result, left.request) == ("participant_full", {"participant": "A", "limit": 2})


def test_two_participants_never_free_at_the_same_time_have_no_common_slot():
    problem = Problem(slots(4), [Participant("A", available={"S1", "S2"}), Participant("B", available={"S3"})], [Request(1, "A", "B")])
    assert reason_of(schedule(problem), 1) == ("no_common_free_slot", {"shared": 0})


def test_a_common_slot_taken_by_other_meetings_is_no_common_free_slot():
    # A and B share only S1, and A meets C there, a must-meet request.
    problem = Problem(
        slots(2),
        [Participant("A", available={"S1"}), Participant("B", available={"S1", "S2"}), Participant("C", available={"S1"})],
        [Request(1, "A", "B"), Request(2, "A", "C", MUST)],
    )
    result = schedule(problem)
    assert where(result, 2).slot == "S1"
    assert reason_of(result, 1) == ("no_common_free_slot", {"shared": 1})


def test_when_every_table_is_taken_the_reason_is_no_table():
    problem = Problem(
        slots(1, tables=1), people("A", "B", "C", "D"), [Request(1, "A", "B", MUST), Request(2, "C", "D")]
    )
    result = schedule(problem)
    assert where(result, 1) == Meeting(1, "S1", "T1")
    assert reason_of(result, 2) == ("no_table", {"slots": ("S1",)})


def test_must_meet_requests_win_the_last_tables():
    problem = Problem(
        slots(1, tables=2), people("A", "B", "C", "D", "E", "F"),
        [Request(1, "A", "B"), Request(2, "C", "D", MUST), Request(3, "E", "F", MUST)],
    )
    result = schedule(problem)
    assert {m.request for m in result.meetings} == {2, 3}
    assert result.value == 6


def test_a_request_weight_replaces_its_prioritys():
    problem = Problem(
        slots(1, tables=1), people("A", "B", "C", "D"), [Request(1, "A", "B", MUST), Request(2, "C", "D", WOULD_LIKE, weight=5)]
    )
    assert [m.request for m in schedule(problem).meetings] == [2]


def test_a_participants_meetings_come_without_idle_slots_between_them():
    # A meets B and C; B is free in S1 and S4 only, so C's meeting goes next to B's, not across the day.
    problem = Problem(
        slots(4),
        [Participant("A"), Participant("B", available={"S1", "S4"}), Participant("C")],
        [Request(1, "A", "B"), Request(2, "A", "C")],
    )
    result = schedule(problem)
    assert result.idle == 0
    first, second = sorted(where(result, r).slot for r in (1, 2))
    assert (first, second) in {("S1", "S2"), ("S3", "S4")}


def test_a_break_between_slots_is_not_an_idle_slot():
    morning = slots(2)
    afternoon = [Slot("S9", DAY, time(14), time(14, 30), ("T1", "T2"))]
    problem = Problem(
        morning + afternoon,
        [Participant("A"), Participant("B", available={"S1"}), Participant("C", available={"S9"})],
        [Request(1, "A", "B"), Request(2, "A", "C")],
    )
    result = schedule(problem)
    assert len(result.meetings) == 2
    assert result.idle == 1  # S2, between S1 and S9; the lunch break itself is no slot


def test_a_declined_pair_is_never_scheduled():
    problem = Problem(slots(2), people("A", "B", "C"), [Request(1, "A", "B", MUST), Request(2, "A", "C")], declined={frozenset("AB")})
    result = schedule(problem)
    assert [m.request for m in result.meetings] == [2]
    assert reason_of(result, 1) == ("declined", {})


def test_pins_fix_a_meeting_to_its_slot_and_table():
    problem = Problem(
        slots(3, tables=3), people("A", "B", "C"),
        [Request(1, "A", "B"), Request(2, "A", "C"), Request(3, "B", "C")],
        pins=[Pin(1, "S3", "T2"), Pin(2, "S1")],
    )
    result = schedule(problem)
    assert where(result, 1) == Meeting(1, "S3", "T2")
    assert where(result, 2).slot == "S1"
    assert violations(problem, result.meetings) == []
    assert (result.status, result.objective) == ("optimal", pytest.approx(result.bound))


@pytest.mark.parametrize(
    "pins, code, params",
    [
        ([Pin(1, "S1", "T1"), Pin(2, "S1", "T1")], "pin_conflict", {"requests": (1, 2), "slot": "S1", "table": "T1"}),
        ([Pin(1, "S1"), Pin(3, "S1")], "pin_conflict", {"requests": (1, 3), "slot": "S1", "participant": "A"}),
        ([Pin(1, "S1"), Pin(1, "S2")], "pin_twice", {"request": 1}),
        ([Pin(1, "S1", "T9")], "pin_unknown_table", {"request": 1, "slot": "S1", "table": "T9"}),
        ([Pin(1, "S7")], "pin_unknown_slot", {"request": 1, "slot": "S7"}),
        ([Pin(8, "S1")], "pin_unknown_request", {"request": 8}),
        ([Pin(4, "S1")], "pin_unavailable", {"request": 4, "participant": "E", "slot": "S1"}),
        ([Pin(5, "S1")], "pin_declined", {"request": 5}),
        ([Pin(3, "S1"), Pin(1, "S2")], "pin_over_limit", {"requests": (3, 1), "participant": "A", "limit": 1}),
        ([Pin(2, "S1"), Pin(6, "S1"), Pin(7, "S1")], "pin_no_table", {"requests": (2, 6, 7), "slot": "S1"}),
    ],
)
def test_pins_that_cannot_all_hold_are_refused_with_a_code(pins, code, params):
    problem = Problem(
        slots(2, tables=2),
        [Participant("A", max_meetings=1), *people("B", "C", "D", "F", "G", "H", "I"), Participant("E", available={"S2"})],
        [Request(1, "A", "B"), Request(2, "C", "D"), Request(3, "A", "C"), Request(4, "B", "E"), Request(5, "D", "F"),
         Request(6, "F", "G"), Request(7, "H", "I")],
        declined={frozenset("DF")},
        pins=pins,
    )
    with pytest.raises(ScheduleError) as refused:
        schedule(problem)
    assert (refused.value.code, dict(refused.value.params)) == (code, params)


@pytest.mark.parametrize(
    "change, code",
    [
        (dict(requests=[Request(1, "A", "A")]), "self_meeting"),
        (dict(requests=[Request(1, "A", "B"), Request(2, "B", "A")]), "duplicate_pair"),
        (dict(requests=[Request(1, "A", "Z")]), "unknown_participant"),
        (dict(requests=[Request(1, "A", "B", "urgent")]), "unknown_priority"),
        (dict(requests=[Request(1, "A", "B"), Request(1, "B", "C")]), "duplicate_request"),
        (dict(participants=[Participant("A", available={"S9"}), Participant("B")]), "unknown_slot"),
        (dict(participants=[Participant("A", max_meetings=-1), Participant("B")]), "negative_limit"),
        (dict(slots=[Slot("S1", DAY, time(10), time(9))]), "slot_ends_before_start"),
        (dict(slots=[Slot("S1", DAY, time(9), time(10)), Slot("S2", DAY, time(9, 30), time(10, 30))]), "slots_overlap"),
        (dict(slots=[Slot("S1", DAY, time(9), time(10), ("T1", "T1"))]), "duplicate_table"),
        (dict(weights=Weights(idle=-1)), "negative_weight"),
    ],
)
def test_bad_input_is_refused_with_a_code(change, code):
    problem = dict(slots=slots(2), participants=people("A", "B", "C"), requests=[Request(1, "A", "B")])
    with pytest.raises(ScheduleError) as refused:
        schedule(Problem(**{**problem, **change}))
    assert refused.value.code == code


def test_a_slot_without_tables_holds_no_meeting():
    problem = Problem([*slots(1), Slot("K", DAY, time(12), time(13))], people("A", "B"), [Request(1, "A", "B")])
    assert where(schedule(problem), 1).slot == "S1"


def test_a_rerun_keeps_published_meetings_and_says_which_moved_and_why():
    first = Problem(
        slots(4, tables=2), people("A", "B", "C", "D", "E", "F"),
        [Request(1, "A", "B"), Request(2, "C", "D"), Request(3, "E", "F"), Request(4, "A", "C"), Request(5, "B", "D")],
    )
    published = schedule(first).meetings
    at = {m.request: m for m in published}
    # Late changes: request 2 is withdrawn, B can no longer come at request 1's slot; a new request arrives.
    b_free = {s.id for s in first.slots} - {at[1].slot}
    again = Problem(
        first.slots,
        [Participant(p.id, available=b_free if p.id == "B" else None) for p in first.participants],
        [r for r in first.requests if r.id != 2] + [Request(6, "E", "A", MUST)],
        published=published,
    )
    result = schedule(again)
    assert violations(again, result.meetings) == []
    moved = {m.request: m.reason.code for m in result.moved}
    assert moved[2] == "request_withdrawn"
    assert moved[1] == "unavailable"
    for request in (3, 4, 5):
        if request not in moved:
            assert where(result, request) == at[request]
    assert result.kept == len(published) - len(moved)
    assert where(result, 6) is not None
    assert next(m for m in result.moved if m.request == 2).after is None


def test_a_published_meeting_moves_for_a_pin_and_for_a_removed_slot_or_table():
    first = Problem(slots(3, tables=2), people("A", "B", "C", "D"), [Request(1, "A", "B"), Request(2, "C", "D"), Request(3, "A", "C")])
    published = [Meeting(1, "S1", "T1"), Meeting(2, "S2", "T2"), Meeting(3, "S3", "T1")]
    again = Problem(
        [first.slots[0], Slot("S2", DAY, first.slots[1].start, first.slots[1].end, ("T1",))],
        first.participants,
        first.requests + (Request(4, "B", "D"),),
        published=published,
        pins=[Pin(4, "S1", "T1")],
    )
    result = schedule(again)
    moved = {m.request: m.reason.code for m in result.moved}
    assert moved == {1: "pin_conflict", 2: "table_removed", 3: "slot_removed"}
    assert where(result, 4) == Meeting(4, "S1", "T1")
    assert where(result, 2) == Meeting(2, "S2", "T1")


def test_a_lowered_limit_moves_out_one_published_meeting_as_participant_full():
    first = Problem(slots(3), people("A", "B", "C"), [Request(1, "A", "B"), Request(2, "A", "C")])
    published = [Meeting(1, "S1", "T1"), Meeting(2, "S2", "T1")]
    again = Problem(first.slots, [Participant("A", max_meetings=1), *people("B", "C")], first.requests, published=published)
    result = schedule(again)
    (move,) = result.moved
    assert move.reason == ("participant_full", {"participant": "A", "limit": 1})
    assert move.after is None


def test_an_organizers_pin_moves_a_published_meeting_as_pinned():
    problem = Problem(
        slots(3), people("A", "B"), [Request(1, "A", "B")], published=[Meeting(1, "S1", "T1")], pins=[Pin(1, "S3", "T2")]
    )
    (move,) = schedule(problem).moved
    assert (move.after, move.reason.code) == (Meeting(1, "S3", "T2"), "pinned")


def test_the_same_input_gives_the_same_schedule():
    problem = Problem(
        slots(5, tables=2), people(*"ABCDEFG", max_meetings=3),
        [Request(n, a, b, MUST if n % 3 == 0 else WOULD_LIKE) for n, (a, b) in enumerate(
            [("A", "B"), ("A", "C"), ("B", "D"), ("C", "E"), ("D", "F"), ("E", "G"), ("A", "G"), ("B", "F"), ("C", "D")])],
    )
    assert schedule(problem, seed=3).meetings == schedule(problem, seed=3).meetings


def test_a_large_event_is_searched_by_neighbourhoods_and_stays_conflict_free(monkeypatch):
    monkeypatch.setattr(search, "WHOLE", 0)
    monkeypatch.setattr(search, "NEIGHBOURHOOD", 6)
    names = [f"P{n}" for n in range(12)]
    pairs = sorted({frozenset((names[n], names[(n * k + 1) % 12])) for n in range(12) for k in (5, 7)}, key=sorted)
    problem = Problem(
        slots(4, tables=3), people(*names, max_meetings=3),
        [Request(n, *sorted(pair), MUST if n % 4 == 0 else WOULD_LIKE) for n, pair in enumerate(pairs) if len(pair) == 2],
    )
    result = schedule(problem, time_limit=3, work_limit=2.0)
    assert result.status == "feasible"
    assert violations(problem, result.meetings) == []
    assert result.objective <= result.bound
    assert len(result.meetings) >= len(greedy(problem).meetings)


def test_no_schedule_places_more_than_the_bounds():
    problem = Problem(
        slots(2, tables=1), people("A", "B", "C", "D", max_meetings=1),
        [Request(1, "A", "B"), Request(2, "C", "D"), Request(3, "A", "C")],
    )
    placed = len(schedule(problem).meetings)
    assert placed == 2
    assert capacity_bound(problem) == 2
    assert lp_bound(problem) == pytest.approx(2.0)


def test_the_greedy_baseline_takes_the_first_free_slot_and_table():
    problem = Problem(slots(2, tables=2), people("A", "B", "C", "D"), [Request(1, "A", "B"), Request(2, "C", "D"), Request(3, "A", "C")])
    result = greedy(problem)
    assert result.meetings[:2] == (Meeting(1, "S1", "T1"), Meeting(2, "S1", "T2"))
    assert where(result, 3) == Meeting(3, "S2", "T1")


def test_violations_name_every_broken_rule_of_a_hand_edited_schedule():
    problem = Problem(
        slots(2, tables=1), [Participant("A", max_meetings=1), Participant("B", available={"S2"}), *people("C", "D")],
        [Request(1, "A", "B"), Request(2, "A", "C"), Request(3, "C", "D")],
        declined={frozenset("CD")}, pins=[Pin(2, "S2")],
    )
    codes = {r.code for r in violations(problem, [Meeting(1, "S1", "T1"), Meeting(2, "S1", "T1"), Meeting(3, "S2", "T7")])}
    assert codes == {"unavailable", "table_twice", "participant_twice", "over_limit", "declined", "unknown_table", "pin_not_kept"}
