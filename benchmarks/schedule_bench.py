"""Measure the meeting scheduler: 1,000 participants, 5,000 accepted requests, 12 slots by 100 tables.

    python benchmarks/schedule_bench.py [--participants 1000] [--requests 5000] [--tables 100] [--time-limit 8]
                                        [--work-limit N] [--changes 50] [--seed 1414]

Generates an event (two days of six 30-minute slots with a lunch break, 100 tables in each slot),
participants with meeting limits and availability (most free throughout, some one day only, some
missing a slot or two) and accepted requests between them, a quarter "must meet", demand skewed
towards a few sought-after participants. Measures, in one run: the upper bounds (the capacity bound
and the linear relaxation by GLOP), the greedy first-free-table placement, the solver, a check of
both answers for any conflict, then 50 late changes and the re-run that keeps published meetings.
Wall and CPU time are reported with the load average (the machine may be shared); results go to
benchmarks/results/schedule-<time>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, time as clock, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from registry.events.scheduler import (  # noqa: E402
    MUST,
    WOULD_LIKE,
    Participant,
    Pin,
    Problem,
    Request,
    Slot,
    capacity_bound,
    greedy,
    lp_bound,
    schedule,
    violations,
)

RESULTS = Path(__file__).resolve().parent / "results"
SEED = 1414
DAYS = (date(2027, 3, 16), date(2027, 3, 17))
STARTS = ((8, 30), (9, 10), (9, 50), (13, 30), (14, 10), (14, 50))  # a lunch break after the third


def event(tables: int) -> list[Slot]:
    names = tuple(f"T{n:03d}" for n in range(1, tables + 1))
    return [
        Slot(f"D{d + 1}S{n + 1}", day, clock(h, m), clock(h + (m + 30) // 60, (m + 30) % 60), names)
        for d, day in enumerate(DAYS)
        for n, (h, m) in enumerate(STARTS)
    ]


def generate(participants: int, requests: int, tables: int, rng: random.Random) -> Problem:
    slots = event(tables)
    ids = [slot.id for slot in slots]
    people = []
    for n in range(participants):
        kind = rng.random()
        if kind < 0.70:
            available = None
        elif kind < 0.85:
            available = frozenset(ids[:6] if rng.random() < 0.5 else ids[6:])
        else:
            available = frozenset(ids) - frozenset(rng.sample(ids, rng.randint(1, 3)))
        people.append(Participant(f"P{n:04d}", max_meetings=rng.choice((1, 2, 2, 3, 3, 4)), available=available))
    popularity = [1.0 / (1 + n) ** 0.6 for n in range(participants)]
    rng.shuffle(popularity)
    pairs = set()
    wanted = []
    while len(wanted) < requests:
        a = rng.randrange(participants)
        b = rng.choices(range(participants), weights=popularity)[0]
        pair = frozenset((a, b))
        if a != b and pair not in pairs:
            pairs.add(pair)
            wanted.append((a, b))
    accepted = [
        Request(f"R{n:05d}", people[a].id, people[b].id, MUST if n % 4 == 0 else WOULD_LIKE)
        for n, (a, b) in enumerate(wanted)
    ]
    return Problem(slots, people, accepted)


def late_changes(problem: Problem, published, count: int, rng: random.Random):
    """`count` changes an organizer sees in the last days, in turn: a new must-meet request, a withdrawn
    request, a participant who can no longer come to one slot, a lowered limit, a declined pair, a pin."""
    requests = list(problem.requests)
    people = {p.id: p for p in problem.participants}
    declined = set(problem.declined)
    pins = list(problem.pins)
    by_id = {m.request: m for m in published}
    placed = list(by_id)
    rng.shuffle(placed)
    log = Counter()
    known = {r.pair for r in requests}
    for n in range(count):
        kind = ("new_request", "withdrawn", "unavailable", "limit_lowered", "declined", "pinned")[n % 6]
        if kind == "new_request":
            while True:
                a, b = rng.sample(sorted(people), 2)
                if frozenset((a, b)) not in known:
                    break
            known.add(frozenset((a, b)))
            requests.append(Request(f"L{n:03d}", a, b, MUST))
        elif kind == "withdrawn":
            gone = placed.pop()
            requests = [r for r in requests if r.id != gone]
        elif kind == "unavailable":
            meeting = by_id[placed.pop()]
            request = next(r for r in requests if r.id == meeting.request)
            person = people[request.a]
            free = person.available if person.available is not None else frozenset(s.id for s in problem.slots)
            people[person.id] = replace(person, available=free - {meeting.slot})
        elif kind == "limit_lowered":
            request = next(r for r in requests if r.id == placed[-1])
            person = people[request.b]
            people[person.id] = replace(person, max_meetings=max(0, (person.max_meetings or 12) - 1))
        elif kind == "declined":
            gone = placed.pop()
            declined.add(next(r for r in requests if r.id == gone).pair)
        else:
            meeting = by_id[placed.pop()]
            pins.append(Pin(meeting.request, meeting.slot, meeting.table))
        log[kind] += 1
    changed = Problem(problem.slots, tuple(people.values()), tuple(requests), frozenset(declined), tuple(published), tuple(pins))
    return changed, dict(log)


def timed(call):
    wall, cpu = time.perf_counter(), time.process_time()
    value = call()
    return value, round(time.perf_counter() - wall, 3), round(time.process_time() - cpu, 3)


def load() -> float:
    return round(os.getloadavg()[0], 2)


def summary(problem: Problem, result, wall: float, cpu: float, load_before: float) -> dict:
    musts = {r.id for r in problem.requests if r.priority == MUST}
    return {
        "status": result.status,
        "placed": len(result.meetings),
        "must_placed": sum(m.request in musts for m in result.meetings),
        "value": result.value,
        "idle_slots": result.idle,
        "objective": result.objective,
        "bound": result.bound,
        "conflicts": len(violations(problem, result.meetings)),
        "unplaced_reasons": dict(Counter(u.reason.code for u in result.unplaced)),
        "wall_s": wall,
        "cpu_s": cpu,
        "load_before": load_before,
        "load_after": load(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--tables", type=int, default=100)
    parser.add_argument("--time-limit", type=float, default=8.0, help="seconds the solver may search; the whole timed call adds its checks and reasons")
    parser.add_argument("--work-limit", type=float, default=None, help="CP-SAT deterministic time: the same schedule on any machine")
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    problem = generate(args.participants, args.requests, args.tables, rng)
    report: dict = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "args": vars(args)}

    before = load()
    capacity, wall, cpu = timed(lambda: capacity_bound(problem))
    report["capacity_bound"] = {"placed": capacity, "wall_s": wall, "cpu_s": cpu, "load_before": before}
    before = load()
    lp, wall, cpu = timed(lambda: lp_bound(problem))
    lp_value, _, _ = timed(lambda: lp_bound(problem, weighted=True))
    report["lp_bound"] = {"placed": round(lp, 2), "value": round(lp_value, 2), "wall_s": wall, "cpu_s": cpu, "load_before": before}
    before = load()
    first, wall, cpu = timed(lambda: greedy(problem))
    report["greedy"] = summary(problem, first, wall, cpu, before)
    before = load()
    solved, wall, cpu = timed(lambda: schedule(problem, time_limit=args.time_limit, work_limit=args.work_limit))
    report["solver"] = summary(problem, solved, wall, cpu, before)
    bound = min(capacity, lp)
    report["solver"]["of_bound_pct"] = round(100 * len(solved.meetings) / bound, 2)
    report["greedy"]["of_bound_pct"] = round(100 * len(first.meetings) / bound, 2)

    changed, log = late_changes(problem, solved.meetings, args.changes, rng)
    before = load()
    again, wall, cpu = timed(lambda: schedule(changed, time_limit=args.time_limit, work_limit=args.work_limit))
    report["rerun"] = summary(changed, again, wall, cpu, before)
    report["rerun"].update(
        changes=log,
        published=len(solved.meetings),
        kept=again.kept,
        kept_pct=round(100 * again.kept / len(solved.meetings), 2),
        moved_reasons=dict(Counter(m.reason.code for m in again.moved)),
    )
    before = load()
    naive, wall, cpu = timed(lambda: greedy(changed, keep=False))
    report["rerun_greedy_without_memory"] = {"kept": naive.kept, "kept_pct": round(100 * naive.kept / len(solved.meetings), 2)}

    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"schedule-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    print(json.dumps(report, indent=2, default=str))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
