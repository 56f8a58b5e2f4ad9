"""Upper bounds on how many requests any schedule can place, to judge a schedule against."""
from __future__ import annotations

from collections import defaultdict

from ortools.linear_solver import pywraplp

from .model import Problem
from .prepared import prepare


def capacity_bound(problem: Problem) -> int:
    """The least of: the tables of all slots, half the participants' meeting caps, the open requests."""
    prepared = prepare(problem)
    tables = sum(len(slot.tables) for slot in prepared.slots)
    caps = sum(prepared.cap(person) for person in prepared.participant)
    placeable = sum(1 for r in prepared.open if prepared.candidates[r.id])
    return min(tables, caps // 2, placeable)


def lp_bound(problem: Problem, weighted: bool = False) -> float:
    """The linear relaxation of the placement (GLOP): the most meetings (or, `weighted`, the most
    priority weight) that fractional placements could reach under the tables, the participants'
    slots and limits. No schedule places more."""
    prepared = prepare(problem)
    solver = pywraplp.Solver.CreateSolver("GLOP")
    x = {}
    for request in prepared.open:
        for slot in prepared.candidates[request.id]:
            x[request.id, slot] = solver.NumVar(0.0, 1.0, "")
    once = defaultdict(list)
    by_person = defaultdict(list)
    by_slot = defaultdict(list)
    per_person = defaultdict(list)
    for (request_id, slot), var in x.items():
        request = prepared.request[request_id]
        once[request_id].append(var)
        for side in (request.a, request.b):
            by_person[side, slot].append(var)
            per_person[side].append(var)
        by_slot[slot].append(var)
    for group in (*once.values(), *by_person.values()):
        solver.Add(solver.Sum(group) <= 1)
    for slot, group in by_slot.items():
        solver.Add(solver.Sum(group) <= len(prepared.slot[slot].tables))
    for person, group in per_person.items():
        limit = prepared.participant[person].max_meetings
        if limit is not None:
            solver.Add(solver.Sum(group) <= limit)
    coefficient = (lambda r: prepared.weight(prepared.request[r])) if weighted else (lambda r: 1)
    solver.Maximize(solver.Sum(coefficient(request_id) * var for (request_id, _), var in x.items()))
    solver.Solve()
    return solver.Objective().Value()


def pairing_lp(prepared, value) -> dict:
    """The linear relaxation of choosing requests without slots (GLOP): each request 0..1, each
    participant within its cap, all of them within the tables; maximising `value(request)`. Returns
    request id -> its value in the relaxation (almost always 0 or 1). Pins are chosen."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    y = {}
    for request in prepared.open:
        if prepared.candidates[request.id]:
            y[request.id] = solver.NumVar(1.0 if request.id in prepared.pin else 0.0, 1.0, "")
    per_person = defaultdict(list)
    for request_id, var in y.items():
        request = prepared.request[request_id]
        per_person[request.a].append(var)
        per_person[request.b].append(var)
    for person, group in per_person.items():
        if len(group) > prepared.cap(person):
            solver.Add(solver.Sum(group) <= prepared.cap(person))
    solver.Add(solver.Sum(list(y.values())) <= sum(len(slot.tables) for slot in prepared.slots))
    solver.Maximize(solver.Sum([value(prepared.request[request_id]) * var for request_id, var in y.items()]))
    if solver.Solve() not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return {}
    return {request_id: var.solution_value() for request_id, var in y.items()}
