"""The matching engine: an investor's proposal against zones and incentive rules, as plain data.

Pure: the standard library, NumPy and `maps` only, no Flask, no database, nothing else from `registry`
(the `engines` contract in setup.cfg). docs/matching.md explains the model.
"""
from .core import Exclusions, Matches, Prepared, match, match_many, prepare, project_start, reweigh, weight_change
from .model import (
    AREA_CLASSES,
    CRITERIA,
    DEFAULT_WEIGHTS,
    INSTRUMENTS,
    KIND_AREA_CLASS,
    LEASING_STATUSES,
    AppliedIncentive,
    Assumptions,
    Contribution,
    Exclusion,
    Match,
    Policy,
    Proposal,
    Reason,
    Result,
    SectorMap,
    Site,
    WeightChange,
    WhatIf,
)

__all__ = [
    "AREA_CLASSES",
    "CRITERIA",
    "DEFAULT_WEIGHTS",
    "INSTRUMENTS",
    "KIND_AREA_CLASS",
    "LEASING_STATUSES",
    "AppliedIncentive",
    "Assumptions",
    "Contribution",
    "Exclusion",
    "Exclusions",
    "Match",
    "Matches",
    "Policy",
    "Proposal",
    "Reason",
    "Result",
    "SectorMap",
    "Site",
    "Prepared",
    "WeightChange",
    "WhatIf",
    "match",
    "match_many",
    "prepare",
    "project_start",
    "reweigh",
    "weight_change",
]
