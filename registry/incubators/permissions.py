"""Who may keep incubators, their cohorts and incubatees: the province's Department, the board of the zone hosting one, administrators."""
from __future__ import annotations

from registry.accounts.models import Role
from registry.accounts.permissions import department_officer_of, department_provinces, is_admin, member_of, rule

BOARD_ROLES = frozenset({Role.ZONE_EDITOR, Role.PROVINCE_OFFICER})


def zone_board_of(user, zone) -> bool:
    """Editors and officers of the board that manages `zone` (None: no zone)."""
    return zone is not None and member_of(user, getattr(zone, "organization_id", None), BOARD_ROLES)


def _keeps_incubator(user, incubator) -> bool:
    """An incubator is kept by administrators, its province's Department officers and the board of the zone hosting it."""
    return (is_admin(user) or department_officer_of(user, getattr(incubator, "province_code", None))
            or zone_board_of(user, getattr(incubator, "host_zone", None)))


def may_record_any(user) -> bool:
    """Whether the user keeps incubators somewhere: the pages offer "Record an incubator" to them."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_admin(user) or bool(department_provinces(user)) or any(m.role in BOARD_ROLES and m.organization.kind == "zone_board"
                                                                     for m in user.memberships)


EDIT_INCUBATOR = rule("incubators.edit", _keeps_incubator)
