"""What would change the answer, and why an empty answer is empty.

A zone counts for a requirement's what-if only when that requirement is the only one it fails (the matcher marks
each zone with the requirements it fails): relaxing it alone then admits the zone. For each requirement the first step is the smallest change that admits at least
one more zone; further steps (at most MAX_STEPS in all) give the totals of larger changes, and a last step
with value None says what dropping the requirement altogether admits, when that admits more.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from operator import itemgetter
from typing import Mapping, Sequence

from .model import Exclusion, Proposal, Reason, Site, WhatIf

MAX_STEPS = 3


def thresholds(blocked: list[Site], value_of, descending: bool, total: int) -> list[tuple[object, list[int]]]:
    """Steps of a numeric requirement: each distinct value that admits zones, and the ids admitted by then.

    The zones' own figures sorted (the largest free areas below the need, the nearest ports …): no filter runs again.
    """
    # `blocked` is in zone-code order, and a stable sort keeps it among equal values.
    numeric = sorted(((value, site) for site in blocked if (value := value_of(site)) is not None), key=itemgetter(0), reverse=descending)
    steps: list[tuple[object, list[int]]] = []
    admitted: list[int] = []
    for value, site in numeric:
        admitted.append(site.id)
        if steps and steps[-1][0] == value:
            steps[-1] = (value, list(admitted))
        elif len(steps) < MAX_STEPS:
            steps.append((value, list(admitted)))
        else:
            break
    if total > (len(steps[-1][1]) if steps else 0):
        steps.append((None, [site.id for site in blocked]))
    return steps


def counted(blocked: list[Site], key) -> list[tuple[object, list[int]]]:
    """Steps of a list requirement (provinces, zone kinds): add the value admitting most, then the next."""
    by_value: dict[str, list[int]] = defaultdict(list)
    for site in blocked:
        by_value[key(site)].append(site.id)
    order = sorted(by_value, key=lambda value: (-len(by_value[value]), value))
    steps, admitted = [], []
    for value in order[:MAX_STEPS]:
        admitted = admitted + by_value[value]
        steps.append((value, list(admitted)))
    if len(order) > MAX_STEPS:
        steps.append((None, [site.id for site in blocked]))
    return steps


def what_ifs(proposal: Proposal, blocked: Mapping[str, list[Site]]) -> tuple[WhatIf, ...]:
    """The what-ifs from the zones that fail one requirement only (`blocked`: requirement -> zones, by zone code)."""
    found = []
    for requirement in sorted(blocked):
        zones = blocked[requirement]
        if requirement == "land_min_ha":
            steps = thresholds(zones, lambda site: site.available_ha, True, 0)
            current = proposal.land_min_ha
        elif requirement == "wastewater_m3_day":
            steps = thresholds(zones, lambda site: site.wastewater_capacity_m3_day, True, len(zones))
            current = proposal.wastewater_m3_day
        elif requirement == "port_within_km":
            steps = thresholds(zones, lambda site: site.port_km, False, len(zones))
            current = proposal.port_within_km
        elif requirement == "needs_power":
            steps, current = [(False, [site.id for site in zones])], True
        elif requirement == "provinces":
            steps = [
                (None if value is None else (*proposal.provinces, value), ids)
                for value, ids in counted(zones, lambda site: site.province)
            ]
            current = proposal.provinces
        else:  # required_kinds
            steps = [
                (None if value is None else (*proposal.required_kinds, value), ids)
                for value, ids in counted(zones, lambda site: site.kind)
            ]
            current = proposal.required_kinds
        if not steps:
            continue
        first_value, first_ids = steps[0]
        found.append(
            WhatIf(
                requirement=requirement,
                current=current,
                value=first_value,
                admits=len(first_ids),
                site_ids=tuple(first_ids),
                steps=tuple((value, len(ids)) for value, ids in steps),
            )
        )
    return tuple(found)


def explain_empty(proposal: Proposal, sites: Sequence[Site], excluded: Sequence[Exclusion]) -> Reason:
    """Why nothing matched: the largest free area and where, as of when, and how many zones each reason left out."""
    if not sites:
        return Reason("no_sites", {})
    counts = Counter(reason.code for exclusion in excluded for reason in exclusion.reasons)
    known = [site for site in sites if site.available_ha is not None]
    largest = min(known, key=lambda site: (-site.available_ha, site.code, site.id), default=None)
    return Reason(
        "no_match",
        {
            "need": proposal.land_min_ha,
            "largest_free": None if largest is None else largest.available_ha,
            "largest_site_id": None if largest is None else largest.id,
            "largest_site_code": None if largest is None else largest.code,
            "largest_as_of": None if largest is None else largest.available_as_of,
            "zones": len(sites),
            "by_reason": dict(sorted(counts.items())),
        },
    )

