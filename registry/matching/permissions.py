"""Who follows up investors' leads: the rules behind the matching actions.

A zone's board (its editors and officers) and administrators read and move the leads of the
board's zones, and see an investor's contact once the investor expressed interest in that zone.
Officers of a province see its proposals and leads only as counts. A proposal itself is its
investor's: whoever holds its private link, or the signed-in account that made it.
"""
from __future__ import annotations

from registry.accounts.models import Role
from registry.accounts.permissions import is_admin, member_of, oversees, rule


def _boards_zone(user, zone) -> bool:
    return is_admin(user) or member_of(user, getattr(zone, "organization_id", None), {Role.ZONE_EDITOR, Role.PROVINCE_OFFICER})


FOLLOW_LEADS = rule("matching.follow_leads", _boards_zone)
SEE_PROVINCE_LEADS = rule("matching.province_leads", lambda user, province_code: oversees(user, province_code))
