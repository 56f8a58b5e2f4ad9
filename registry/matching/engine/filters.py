"""The hard filters: every requirement a zone fails, as a reason code with its parameters."""
from __future__ import annotations

from .model import LEASING_STATUSES, Proposal, Reason, SectorMap, Site

# The requirement (a Proposal field) each reason code belongs to; None: the investor cannot change it.
REQUIREMENT_OF = {
    "zone_status": None,
    "kind_not_allowed": None,
    "land_unknown": None,
    "kind_not_wanted": "required_kinds",
    "province_not_preferred": "provinces",
    "land_short": "land_min_ha",
    "wastewater_unknown": "wastewater_m3_day",
    "wastewater_short": "wastewater_m3_day",
    "port_unknown": "port_within_km",
    "port_far": "port_within_km",
    "power_unknown": "needs_power",
    "no_power": "needs_power",
}


def failures(proposal: Proposal, site: Site, sector_map: SectorMap) -> list[Reason]:
    """Every hard requirement the site fails, in a fixed order (docs/matching.md, "Hard filters")."""
    found: list[Reason] = []
    if site.status not in LEASING_STATUSES:
        found.append(Reason("zone_status", {"status": site.status, "allowed": LEASING_STATUSES}))
    allowed = sector_map.activity_kinds.get(proposal.activity)
    if allowed is not None and site.kind not in allowed:
        found.append(Reason("kind_not_allowed", {"kind": site.kind, "activity": proposal.activity, "allowed": tuple(sorted(allowed))}))
    if proposal.required_kinds and site.kind not in proposal.required_kinds:
        found.append(Reason("kind_not_wanted", {"kind": site.kind, "required": proposal.required_kinds}))
    if proposal.strict_provinces and site.province not in proposal.provinces:
        found.append(Reason("province_not_preferred", {"province": site.province, "preferred": proposal.provinces}))
    if site.available_ha is None:
        found.append(Reason("land_unknown", {"need": proposal.land_min_ha}))
    elif site.available_ha < proposal.land_min_ha:
        found.append(Reason("land_short", {"free": site.available_ha, "as_of": site.available_as_of, "need": proposal.land_min_ha}))
    need = proposal.wastewater_m3_day
    if need:
        capacity = site.wastewater_capacity_m3_day
        if capacity is None:
            found.append(Reason("wastewater_unknown", {"need": need}))
        elif capacity < need:
            found.append(Reason("wastewater_short", {"capacity": capacity, "need": need}))
    within = proposal.port_within_km
    if within is not None:
        if site.port_km is None:
            found.append(Reason("port_unknown", {"within_km": within}))
        elif site.port_km > within:
            found.append(Reason("port_far", {"km": site.port_km, "within_km": within}))
    if proposal.needs_power and site.has_power is not True:
        found.append(Reason("power_unknown" if site.has_power is None else "no_power", {}))
    return found
