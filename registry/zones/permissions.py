"""Who may change zones: the rules behind the zone actions, registered when the zone services import them."""
from __future__ import annotations

from registry.accounts.models import Role
from registry.accounts.permissions import member_of, oversees, rule


def _edits_zone(user, zone) -> bool:
    """Editors and officers of the managing board, the province's officers and administrators edit a zone."""
    board = member_of(user, getattr(zone, "organization_id", None), {Role.ZONE_EDITOR, Role.PROVINCE_OFFICER})
    return board or oversees(user, getattr(zone, "province_code", None))


EDIT_ZONE = rule("zone.edit", _edits_zone)
