"""Who runs events and who acts for a participant: the rules behind the event actions.

An event is organized by its organizing organization's members with the event-organizer role,
by the officers of its province, and by administrators. Anyone signed in (and confirmed) may
ask to take part while registration is open; the organizers decide. A participant is acted for
by the account that registered it and by the representatives of its enterprise, and by the
event's organizers.
"""
from __future__ import annotations

from registry.accounts.models import Role
from registry.accounts.permissions import is_admin, member_of, oversees, rule


def organizes(user, event) -> bool:
    """`event` is an Event, or an unsaved one carrying the organizing organization and province to check a creation."""
    return (is_admin(user) or oversees(user, getattr(event, "province_code", None))
            or member_of(user, getattr(event, "organization_id", None), {Role.EVENT_ORGANIZER}))


def acts_for(user, participant) -> bool:
    """The participant's own account, its enterprise's representatives, or the event's organizers."""
    if getattr(participant, "user_id", None) is not None and participant.user_id == user.id:
        return True
    enterprise = getattr(participant, "enterprise", None)
    if enterprise is not None and member_of(user, enterprise.organization_id, {Role.ENTERPRISE_REP}):
        return True
    return organizes(user, participant.event)


def may_create_events(user) -> bool:
    """Whether the user organizes for some organization or province (the "new event" link; the service checks the event itself)."""
    return is_admin(user) or any(m.role in {Role.EVENT_ORGANIZER, Role.PROVINCE_OFFICER} for m in user.memberships)


ORGANIZE_EVENT = rule("events.organize", organizes)
REGISTER = rule("events.register", lambda user, _event: True)
ACT_FOR_PARTICIPANT = rule("events.act_for", acts_for)
