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


class Filters:
    """The hard filters of one proposal; `failures(site)` lists what the site fails, in a fixed order."""

    def __init__(self, proposal: Proposal, sector_map: SectorMap):
        self.proposal = proposal
        allowed = sector_map.activity_kinds.get(proposal.activity)
        self.allowed = None if allowed is None else frozenset(allowed)
        self.allowed_sorted = None if allowed is None else tuple(sorted(allowed))
        self.required = frozenset(proposal.required_kinds)
        self.provinces = frozenset(proposal.provinces) if proposal.strict_provinces else None
        self.need = proposal.land_min_ha
        self.wastewater = proposal.wastewater_m3_day or None
        self.port = proposal.port_within_km
        self.power = proposal.needs_power

    def failures(self, site: Site, first_only: bool = False) -> list[Reason]:
        """Every hard requirement the site fails (docs/matching.md, "Hard filters"); the first one only if asked."""
        found: list[Reason] = []
        proposal = self.proposal
        if site.status not in LEASING_STATUSES:
            found.append(Reason("zone_status", {"status": site.status, "allowed": LEASING_STATUSES}))
            if first_only:
                return found
        if self.allowed is not None and site.kind not in self.allowed:
            found.append(Reason("kind_not_allowed", {"kind": site.kind, "activity": proposal.activity, "allowed": self.allowed_sorted}))
            if first_only:
                return found
        if self.required and site.kind not in self.required:
            found.append(Reason("kind_not_wanted", {"kind": site.kind, "required": proposal.required_kinds}))
            if first_only:
                return found
        if self.provinces is not None and site.province not in self.provinces:
            found.append(Reason("province_not_preferred", {"province": site.province, "preferred": proposal.provinces}))
            if first_only:
                return found
        free = site.available_ha
        if free is None:
            found.append(Reason("land_unknown", {"need": self.need}))
        elif free < self.need:
            found.append(Reason("land_short", {"free": free, "as_of": site.available_as_of, "need": self.need}))
        if first_only and found:
            return found
        if self.wastewater is not None:
            capacity = site.wastewater_capacity_m3_day
            if capacity is None:
                found.append(Reason("wastewater_unknown", {"need": self.wastewater}))
            elif capacity < self.wastewater:
                found.append(Reason("wastewater_short", {"capacity": capacity, "need": self.wastewater}))
        if self.port is not None:
            if site.port_km is None:
                found.append(Reason("port_unknown", {"within_km": self.port}))
            elif site.port_km > self.port:
                found.append(Reason("port_far", {"km": site.port_km, "within_km": self.port}))
        if self.power and site.has_power is not True:
            found.append(Reason("power_unknown" if site.has_power is None else "no_power", {}))
        return found


def failures(proposal: Proposal, site: Site, sector_map: SectorMap) -> list[Reason]:
    """Every hard requirement the site fails, in a fixed order."""
    return Filters(proposal, sector_map).failures(site)
