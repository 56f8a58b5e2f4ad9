"""The zones as columns (NumPy arrays, one entry per zone in zone-code order), for the filters and criteria of a whole call.

A zone's figures are read once into arrays; a call then runs each hard filter and each criterion over every zone
at once instead of zone by zone. The arithmetic is element by element with the operations of `Criteria.values`
in the same order (IEEE double precision, no operation fused or reordered), so every value and score is the one
the zone-by-zone formulas give, to the last bit; what NumPy would compute differently (logarithms, rounding to
two decimals) is left to the standard library, per distinct value.
"""
from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np

from .model import LEASING_STATUSES, Site, classes_of


def clamp(values: np.ndarray) -> np.ndarray:
    """`scoring.clamp` element by element: below 0 is 0, above 1 is 1, anything else itself."""
    return np.where(values < 0, 0.0, np.where(values > 1, 1.0, values))


def _floats(values: Iterable) -> np.ndarray:
    """A float column, NaN where the figure is missing."""
    return np.array([math.nan if value is None else value for value in values], dtype=np.float64)


def _codes(values: Sequence) -> tuple[tuple, np.ndarray]:
    """The distinct values (in first-seen order) and each entry's index among them."""
    index: dict = {}
    ids = np.array([index.setdefault(value, len(index)) for value in values], dtype=np.intp)
    return tuple(index), ids


class Columns:
    """Every zone's fields the filters and the criteria read, as arrays in the order of `sites`."""

    def __init__(self, sites: Sequence[Site]):
        self.size = len(sites)
        self.leasing = np.array([site.status in LEASING_STATUSES for site in sites], dtype=bool)
        self.kinds, self.kind = _codes([site.kind for site in sites])
        self.provinces, self.province = _codes([site.province for site in sites])
        self.free = _floats(site.available_ha for site in sites)
        self.capacity = _floats(site.wastewater_capacity_m3_day for site in sites)
        self.port = _floats(site.port_km for site in sites)
        self.power = np.array([site.has_power is True for site in sites], dtype=bool)
        self.power_unknown = np.array([site.has_power is None for site in sites], dtype=bool)
        # The incentive-area key of each zone: the rules' winners depend on nothing else of it.
        self.keys, self.key = _codes([(site.province, site.kind, site.area_classes) for site in sites])
        self.key_classes = tuple(classes_of(kind, area_classes) for _province, kind, area_classes in self.keys)
        # The priority groups and the enterprises nearby by catalog group, one column per group.
        self.groups = tuple(sorted({group for site in sites for group in site.priority_groups}))
        self.priority = np.zeros((self.size, len(self.groups)), dtype=bool)
        self.near_groups = tuple(sorted({group for site in sites for group in site.nearby}))
        self.near = np.zeros((self.size, len(self.near_groups)), dtype=np.int64)
        group_column = {group: n for n, group in enumerate(self.groups)}
        near_column = {group: n for n, group in enumerate(self.near_groups)}
        for row, site in enumerate(sites):
            for group in site.priority_groups:
                self.priority[row, group_column[group]] = True
            for group, count in site.nearby.items():
                self.near[row, near_column[group]] = count

    def kinds_in(self, wanted) -> np.ndarray:
        """Per zone: whether its kind is one of `wanted`."""
        return np.array([kind in wanted for kind in self.kinds], dtype=bool)[self.kind]

    def provinces_in(self, wanted) -> np.ndarray:
        """Per zone: whether its province is one of `wanted`."""
        return np.array([province in wanted for province in self.provinces], dtype=bool)[self.province]


def per_value(values: np.ndarray, function) -> np.ndarray:
    """`function` of each entry, called once per distinct value (for what NumPy would round differently)."""
    distinct, where = np.unique(values, return_inverse=True)
    return np.array([function(value) for value in distinct.tolist()], dtype=np.float64)[where.reshape(-1)]
