"""The CP-SAT model and the search (docs/scheduling.md).

One yes/no per request and possible slot; tables are interchangeable within a slot, so they are
counted here and given out afterwards (`placement.assign_tables`). A small problem is solved whole. A
large one starts from the greedy placement and improves it neighbourhood by neighbourhood: a few
participants' requests are freed, everything else stays where it is, and CP-SAT solves the small
model that is left (a large-neighbourhood search); each accepted step raises the objective.
"""
from __future__ import annotations

import random
import time
from collections import Counter, defaultdict

from ortools.sat.python import cp_model

from .bounds import pairing_lp
from .greedy import greedy_slots
from .model import Problem, Schedule
from .placement import answer, assign_tables, idle_of, valid_published
from .prepared import Prepared, prepare

STATUS = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible"}
WHOLE = 3_000  # up to this many request-slot choices, the whole model is solved at once
NEIGHBOURHOOD = 150  # requests freed in one step of the large-neighbourhood search
STEP_WORK = 1.0  # CP-SAT deterministic time per step
total = cp_model.LinearExpr.sum


class Model:
    """The CP-SAT model of the requests in `free` (all open requests when None), the others fixed
    where `current` places them; `current` is also the complete hint the search starts from.
    The objective counts what the freed requests can change: their placements and the idle slots of
    every participant they involve."""

    def __init__(self, prepared: Prepared, current: dict, free: set | None = None):
        self.prepared = prepared
        self.cp = cp_model.CpModel()
        self.current = current
        if free is None:
            free = {r.id for r in prepared.open}
        self.free = [r for r in prepared.open if r.id in free and r.id not in prepared.pin]
        free_ids = {r.id for r in self.free}
        self.fixed_busy = set()
        self.fixed_count: Counter = Counter()
        self.fixed_tables: Counter = Counter()
        for request_id, slot in current.items():
            if request_id not in free_ids:
                request = prepared.request[request_id]
                self.fixed_busy.update(((request.a, slot), (request.b, slot)))
                self.fixed_count.update((request.a, request.b))
                self.fixed_tables[slot] += 1
        self.hinted: list[tuple[int, int]] = []
        self.x = self._placements()
        self.idle = self._idle()
        self._objective()
        hint = self.cp.proto.solution_hint
        hint.vars.extend(index for index, _ in self.hinted)
        hint.values.extend(value for _, value in self.hinted)

    def _bool(self, value: bool):
        var = self.cp.new_bool_var("")
        self.hinted.append((var.index, int(value)))
        return var

    def _placements(self) -> dict:
        """x[request, slot]; at most one slot per request, one meeting per participant and slot, the
        tables of a slot, each participant's limit."""
        prepared, cp = self.prepared, self.cp
        room = {slot.id: len(slot.tables) - self.fixed_tables[slot.id] for slot in prepared.slots}
        x = {}
        for request in self.free:
            placed = self.current.get(request.id)
            slots = [
                s for s in prepared.candidates[request.id]
                if room[s] > 0 and (request.a, s) not in self.fixed_busy and (request.b, s) not in self.fixed_busy
            ]
            for slot in slots:
                x[request.id, slot] = self._bool(placed == slot)
            if len(slots) > 1:
                cp.add_at_most_one(x[request.id, slot] for slot in slots)
        self.meets = defaultdict(list)
        by_slot = defaultdict(list)
        by_person = defaultdict(list)
        for (request_id, slot), var in x.items():
            request = prepared.request[request_id]
            self.meets[request.a, slot].append(var)
            self.meets[request.b, slot].append(var)
            by_person[request.a].append(var)
            by_person[request.b].append(var)
            by_slot[slot].append(var)
        for vars_ in self.meets.values():
            if len(vars_) > 1:
                cp.add_at_most_one(vars_)
        for slot, vars_ in by_slot.items():
            if len(vars_) > room[slot]:
                cp.add(total(vars_) <= room[slot])
        for person, vars_ in by_person.items():
            limit = prepared.participant[person].max_meetings
            if limit is not None and len(vars_) > limit - self.fixed_count[person]:
                cp.add(total(vars_) <= limit - self.fixed_count[person])
        return x

    def _idle(self) -> list:
        """idle[p, s] is forced to 1 when p is free at s with no meeting, and has a meeting before and
        after it that day. Only the slots p is free in count: where it is not, it is busy elsewhere."""
        prepared, cp = self.prepared, self.cp
        busy_now = defaultdict(set)
        for request_id, slot in self.current.items():
            request = prepared.request[request_id]
            busy_now[request.a].add(slot)
            busy_now[request.b].add(slot)
        touched = {p for r in self.free for p in (r.a, r.b)}
        idle = []
        for person in sorted(touched, key=repr):
            if prepared.cap(person) < 2:
                continue
            for day in prepared.days:
                slots = prepared.meeting_slots(person, day)
                busy = [self._busy(person, slot) for slot in slots]
                if len(busy) < 3 or sum(b is not None for b in busy) < 2 or all(isinstance(b, int) or b is None for b in busy):
                    continue
                marks = [slot in busy_now[person] for slot in slots]
                n = len(busy)
                before, after = [None] * n, [None] * n
                for i in range(1, n - 1):
                    before[i] = self._bool(any(marks[:i]))
                    self._at_least(before[i], busy[i - 1])
                    self._at_least(before[i], before[i - 1])
                for i in range(n - 2, 0, -1):
                    after[i] = self._bool(any(marks[i + 1:]))
                    self._at_least(after[i], busy[i + 1])
                    self._at_least(after[i], after[i + 1])
                for i in range(1, n - 1):
                    if isinstance(busy[i], int):
                        continue
                    gap = self._bool(any(marks[:i]) and any(marks[i + 1:]) and not marks[i])
                    cp.add(gap >= before[i] + after[i] - 1 - (0 if busy[i] is None else busy[i]))
                    idle.append(gap)
        return idle

    def _busy(self, person, slot):
        """1 if a fixed meeting holds the participant then, its free placements' sum, or None."""
        if (person, slot) in self.fixed_busy:
            return 1
        return total(self.meets[person, slot]) if self.meets[person, slot] else None

    def _at_least(self, var, expression) -> None:
        if expression is None or isinstance(expression, int) and expression == 0:
            return
        self.cp.add(var >= expression)

    def _objective(self) -> None:
        prepared = self.prepared
        weights = prepared.problem.weights
        published = {request: m.slot for request, m in valid_published(prepared).items()}
        vars_, values = [], []
        for (request_id, slot), var in self.x.items():
            value = prepared.weight(prepared.request[request_id])
            if published.get(request_id) == slot:
                value += weights.keep
            if value:
                vars_.append(var)
                values.append(prepared.unit * value)
        vars_ += self.idle
        values += [-weights.idle] * len(self.idle)
        self.cp.maximize(cp_model.LinearExpr.weighted_sum(vars_, values))

    def solve(self, solver: cp_model.CpSolver):
        """The solver's status code and the placement it found (`current` where it found none)."""
        code = solver.solve(self.cp)
        if code not in STATUS:
            return code, dict(self.current)
        free = {r.id for r in self.free}
        slot_of = {r: s for r, s in self.current.items() if r not in free}
        slot_of.update((request, slot) for (request, slot), var in self.x.items() if solver.boolean_value(var))
        return code, slot_of


def objective(prepared: Prepared, slot_of: dict) -> int:
    """The objective of docs/scheduling.md for a placement (request id -> slot)."""
    weights = prepared.problem.weights
    published = {request: m.slot for request, m in valid_published(prepared).items()}
    value = sum(prepared.weight(prepared.request[r]) + (weights.keep if published.get(r) == s else 0) for r, s in slot_of.items())
    return prepared.unit * value - weights.idle * idle_of(prepared, slot_of)


def upper_bound(prepared: Prepared) -> float:
    """No schedule beats this: the relaxation of choosing requests without slots (`bounds.pairing_lp`)
    valued as the objective values placements, with no idle slot."""
    weights = prepared.problem.weights
    published = valid_published(prepared)
    chosen = pairing_lp(prepared, lambda r: prepared.weight(r) + (weights.keep if r.id in published else 0))
    return prepared.unit * sum(
        value * (prepared.weight(prepared.request[r]) + (weights.keep if r in published else 0)) for r, value in chosen.items()
    )


def _neighbourhood(prepared: Prepared, slot_of: dict, rng: random.Random, size: int) -> set:
    """Requests around a few participants: start from one with room for more meetings (where a chain of
    swaps can win a placement), else anyone; take its requests, then its counterparts', until `size`."""
    count: Counter = Counter()
    for request_id in slot_of:
        request = prepared.request[request_id]
        count.update((request.a, request.b))
    room = {p: prepared.cap(p) - count[p] for p in prepared.involving}
    hopeful = [p for p in sorted(prepared.involving, key=repr) if room[p] > 0]
    people = sorted(prepared.involving, key=repr)
    free: set = set()
    queue: list = []
    while len(free) < min(size, len(prepared.open)):
        if not queue:
            if hopeful and rng.random() < 0.8:
                queue.append(rng.choice(hopeful))
            else:
                queue.append(rng.choice(people))
        person = queue.pop(0)
        for request in prepared.involving[person]:
            if request.id not in free:
                free.add(request.id)
                queue.append(request.b if request.a == person else request.a)
    return free


def schedule(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    work_limit: float | None = None,
) -> Schedule:
    """Place the accepted requests (docs/scheduling.md). Raises `ScheduleError` on bad input or pins.

    `time_limit` bounds the whole call in seconds of wall time. The search runs on one worker with a
    fixed `seed`, so it is deterministic, but where the time limit stops it depends on the machine;
    `work_limit` (CP-SAT's deterministic time, summed over the steps) stops it at the same point on
    any machine.
    """
    started = time.perf_counter()
    prepared = prepare(problem)
    current = greedy_slots(prepared, careful=True)
    choices = sum(len(prepared.candidates[r.id]) for r in prepared.open)

    reserve = max(0.3, 0.1 * time_limit)  # for the tables and the reasons afterwards

    def left() -> float:
        return time_limit - (time.perf_counter() - started)

    def solver_for(work: float | None) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed
        solver.parameters.max_time_in_seconds = max(0.0, left() - reserve)
        if work is not None:
            solver.parameters.max_deterministic_time = work
        return solver

    if choices <= WHOLE:
        solver = solver_for(work_limit)
        code, current = Model(prepared, current).solve(solver)
        status = STATUS.get(code, "fallback")
        if code in STATUS:
            # The model leaves out what it cannot change (the pins): add it back to its bound.
            bound = solver.best_objective_bound + objective(prepared, current) - solver.objective_value
        else:
            bound = upper_bound(prepared)
    else:
        rng = random.Random(seed)
        bound = upper_bound(prepared)
        value = objective(prepared, current)
        work = building = 0.0
        while left() > reserve + building and (work_limit is None or work < work_limit):
            step = STEP_WORK if work_limit is None else min(STEP_WORK, work_limit - work)
            built = time.perf_counter()
            model = Model(prepared, current, _neighbourhood(prepared, current, rng, NEIGHBOURHOOD))
            building = time.perf_counter() - built  # the next step's model takes about as long
            solver = solver_for(step)
            _, found = model.solve(solver)
            work += solver.response_proto.deterministic_time
            found_value = objective(prepared, found)
            if found_value > value:
                current, value = found, found_value
        status = "feasible"
    meetings = assign_tables(prepared, current)
    return answer(prepared, meetings, status, float(objective(prepared, current)), bound, time.perf_counter() - started)
