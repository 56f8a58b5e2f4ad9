"""The CP-SAT model: one yes/no per request and possible slot (tables are interchangeable within a slot,
so they are counted here and given out afterwards), and the objective of docs/scheduling.md."""
from __future__ import annotations

import time
from collections import defaultdict

from ortools.sat.python import cp_model

from .greedy import greedy_slots
from .model import Problem, Schedule
from .placement import answer, assign_tables, valid_published
from .prepared import Prepared, prepare

STATUS = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible"}


def schedule(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 1,
    work_limit: float | None = None,
) -> Schedule:
    """Place the accepted requests (docs/scheduling.md). Raises `ScheduleError` on bad input or pins.

    `time_limit` bounds the search in seconds of wall time. With one worker and a fixed `seed` the search
    is deterministic, but where the time limit stops it depends on the machine; `work_limit` (CP-SAT's
    deterministic time, roughly seconds on a fast core) stops it at the same point on any machine.
    """
    started = time.perf_counter()
    prepared = prepare(problem)
    model = cp_model.CpModel()
    x = _placements(prepared, model)
    idle = _idle(prepared, model, x)
    _objective(prepared, model, x, idle)
    hint = greedy_slots(prepared)
    for (request, slot), var in x.items():
        model.add_hint(var, hint.get(request) == slot)

    solver = cp_model.CpSolver()
    parameters = solver.parameters
    parameters.num_workers = workers
    parameters.random_seed = seed
    parameters.max_time_in_seconds = max(0.0, time_limit - (time.perf_counter() - started))
    if work_limit is not None:
        parameters.max_deterministic_time = work_limit
    code = solver.solve(model)
    status = STATUS.get(code)
    if status is None:
        slot_of, status, objective, bound = hint, "fallback", 0.0, 0.0
    else:
        slot_of = {request: slot for (request, slot), var in x.items() if solver.boolean_value(var)}
        objective, bound = solver.objective_value, solver.best_objective_bound
    meetings = assign_tables(prepared, slot_of)
    return answer(prepared, meetings, status, objective, bound, time.perf_counter() - started)


def _placements(prepared: Prepared, model: cp_model.CpModel) -> dict:
    """x[request, slot]; at most one slot per request, one meeting per participant and slot, the tables
    of a slot, each participant's limit, and the pins."""
    x = {}
    for request in prepared.open:
        pin = prepared.pin.get(request.id)
        slots = [pin.slot] if pin else prepared.candidates[request.id]
        for slot in slots:
            x[request.id, slot] = model.new_bool_var(f"x_{len(x)}")
        if pin:
            model.add(x[request.id, pin.slot] == 1)
        elif len(slots) > 1:
            model.add_at_most_one(x[request.id, slot] for slot in slots)
    by_person = defaultdict(list)
    by_slot = defaultdict(list)
    for (request_id, slot), var in x.items():
        request = prepared.request[request_id]
        by_person[request.a, slot].append(var)
        by_person[request.b, slot].append(var)
        by_slot[slot].append(var)
    for vars_ in by_person.values():
        if len(vars_) > 1:
            model.add_at_most_one(vars_)
    for slot, vars_ in by_slot.items():
        if len(vars_) > len(prepared.slot[slot].tables):
            model.add(sum(vars_) <= len(prepared.slot[slot].tables))
    for person, requests in prepared.involving.items():
        limit = prepared.participant[person].max_meetings
        vars_ = [x[r.id, s] for r in requests for s in prepared.candidates[r.id] if (r.id, s) in x]
        if limit is not None and len(vars_) > limit:
            model.add(sum(vars_) <= limit)
    return x


def _idle(prepared: Prepared, model: cp_model.CpModel, x: dict) -> list:
    """idle[p, s] is forced to 1 when p is free at s with no meeting, and has a meeting before and after
    it that day. Only the slots p is free in count: where it is not, it is busy elsewhere."""
    meets = defaultdict(list)
    for (request_id, slot), var in x.items():
        request = prepared.request[request_id]
        meets[request.a, slot].append(var)
        meets[request.b, slot].append(var)
    idle = []
    for person in prepared.involving:
        if prepared.cap(person) < 2:
            continue
        for day in prepared.days:
            busy = [sum(meets[person, slot]) for slot in prepared.meeting_slots(person, day)]
            if len(busy) < 3 or sum(1 for b in busy if not isinstance(b, int)) < 2:
                continue
            before = [None] * len(busy)
            after = [None] * len(busy)
            for i in range(1, len(busy) - 1):
                before[i] = model.new_bool_var("")
                _at_least(model, before[i], busy[i - 1])
                if before[i - 1] is not None:
                    model.add(before[i] >= before[i - 1])
            for i in range(len(busy) - 2, 0, -1):
                after[i] = model.new_bool_var("")
                _at_least(model, after[i], busy[i + 1])
                if after[i + 1] is not None:
                    model.add(after[i] >= after[i + 1])
            for i in range(1, len(busy) - 1):
                gap = model.new_bool_var("")
                model.add(gap >= before[i] + after[i] - 1 - busy[i])
                idle.append(gap)
    return idle


def _at_least(model: cp_model.CpModel, var, expression) -> None:
    if not isinstance(expression, int):
        model.add(var >= expression)


def _objective(prepared: Prepared, model: cp_model.CpModel, x: dict, idle: list) -> None:
    weights = prepared.problem.weights
    published = {request: m.slot for request, m in valid_published(prepared).items()}
    terms = []
    for (request_id, slot), var in x.items():
        value = prepared.weight(prepared.request[request_id])
        if published.get(request_id) == slot:
            value += weights.keep
        if value:
            terms.append(prepared.unit * value * var)
    model.maximize(sum(terms) - weights.idle * sum(idle))
