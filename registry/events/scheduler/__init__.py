"""The meeting scheduler: accepted meeting requests placed in slots at tables, as plain data.

Pure: the standard library and OR-Tools only, no Flask, no database, nothing else from `registry`
(the `engines` and `events_scheduler` contracts in setup.cfg). docs/scheduling.md explains the model.
"""
from .bounds import capacity_bound, lp_bound
from .checks import violations
from .greedy import greedy
from .model import (
    MUST,
    PRIORITIES,
    WOULD_LIKE,
    Meeting,
    Move,
    Participant,
    Pin,
    Problem,
    Reason,
    Request,
    Schedule,
    ScheduleError,
    Slot,
    Unplaced,
    Weights,
)
from .prepared import prepare
from .solve import schedule

__all__ = [
    "MUST",
    "PRIORITIES",
    "WOULD_LIKE",
    "Meeting",
    "Move",
    "Participant",
    "Pin",
    "Problem",
    "Reason",
    "Request",
    "Schedule",
    "ScheduleError",
    "Slot",
    "Unplaced",
    "Weights",
    "capacity_bound",
    "greedy",
    "lp_bound",
    "prepare",
    "schedule",
    "violations",
]
