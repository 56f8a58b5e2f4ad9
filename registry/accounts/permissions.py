"""The one permission check, `can(user, action, obj)`, and the registry of rules behind it.

Each feature declares its actions and their rules in its own `permissions.py`, next to the
services that check them, with `rule()`; the service imports the action constants from there,
so its rules are registered whenever it can run. This module imports no feature: the role and
membership helpers below are the building blocks the features' rules are made of.
"""
from __future__ import annotations

from collections.abc import Callable, Collection

from flask_babel import lazy_gettext as _l

from registry.domain_errors import Forbidden

from .models import OrgKind, Role, User

Rule = Callable[[User, object], bool]

RULES: dict[str, Rule] = {}
# Actions an account may take before its owner has confirmed its e-mail address.
BEFORE_CONFIRMATION: set[str] = set()


class PermissionDenied(Forbidden):
    """The user may not do this; pages and the API answer 403."""

    def __init__(self, message=None):
        super().__init__(message or _l("You do not have permission to do this."))


class EmailNotConfirmed(PermissionDenied):
    """A visitor's own account may not act until its owner confirms the address."""

    def __init__(self):
        super().__init__(_l("Confirm your e-mail address first: open the link we sent you, or ask for a new one on your account page."))


class UnknownAction(LookupError):
    """`can` was asked about an action no feature registered: a programming error, never a refusal."""


class DuplicateRule(ValueError):
    """Two rules were registered for one action."""


def rule(action: str, check: Rule, *, before_confirmation: bool = False) -> str:
    """Register `check(user, obj)` as the rule of `action` and return the action for callers to import.

    Every action waits for the account's e-mail address to be confirmed unless `before_confirmation`.
    """
    if action in RULES:
        raise DuplicateRule(f"a rule for permission action {action!r} is already registered")
    RULES[action] = check
    if before_confirmation:
        BEFORE_CONFIRMATION.add(action)
    return action


def can(user: User | None, action: str, obj: object = None) -> bool:
    """Tell whether `user` may perform `action` on `obj`; anonymous, inactive and unconfirmed users may not."""
    check = RULES.get(action)
    if check is None:
        raise UnknownAction(f"no rule is registered for permission action {action!r}")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if _awaits_confirmation(user, action):
        return False
    return check(user, obj)


def require(user: User | None, action: str, obj: object = None) -> None:
    """Raise PermissionDenied unless `can(user, action, obj)`; EmailNotConfirmed when confirming is what is missing."""
    if not can(user, action, obj):
        if user is not None and getattr(user, "is_authenticated", False) and _awaits_confirmation(user, action):
            raise EmailNotConfirmed()
        raise PermissionDenied()


def _awaits_confirmation(user: User, action: str) -> bool:
    return not user.email_confirmed and action not in BEFORE_CONFIRMATION


# --- building blocks of the features' rules --------------------------------------------------

def is_admin(user: User) -> bool:
    return Role.ADMIN in user.roles


def in_ministry(user: User) -> bool:
    return any(
        m.organization.kind == OrgKind.MINISTRY and m.role != Role.INVESTOR for m in user.memberships
    )


def is_official(user: User) -> bool:
    official_roles = {Role.PROVINCE_OFFICER, Role.ZONE_EDITOR}
    return is_admin(user) or in_ministry(user) or bool(user.roles & official_roles)


def officer_of(user: User, province_code: str | None) -> bool:
    """Tell whether `user` is an officer of a department or zone board of the province."""
    return province_code is not None and province_code in _officer_provinces(user)


def department_officer_of(user: User, province_code: str | None) -> bool:
    """Tell whether `user` is an officer of the provincial Department (not a zone board) of the province."""
    return province_code is not None and province_code in department_provinces(user)


def department_provinces(user: User) -> set[str]:
    """The provinces whose Department `user` is an officer of."""
    return {
        m.organization.province_code
        for m in user.memberships
        if m.role == Role.PROVINCE_OFFICER and m.organization.kind == OrgKind.DEPARTMENT and m.organization.province_code
    }


def oversees(user: User, province_code: str | None) -> bool:
    """Administrators and the province's officers oversee a province's records."""
    return is_admin(user) or officer_of(user, province_code)


def member_of(user: User, organization_id: int | None, roles: Collection[Role]) -> bool:
    """Tell whether `user` holds one of `roles` in the organization."""
    return organization_id is not None and any(
        m.organization_id == organization_id and m.role in roles for m in user.memberships
    )


def reviewed_provinces(user: User | None) -> set[str] | None:
    """Return the province codes whose enterprises `user` reviews; None means every province (admins)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    if is_admin(user):
        return None
    return _officer_provinces(user)


def _officer_provinces(user: User) -> set[str]:
    return {
        m.organization.province_code
        for m in user.memberships
        if m.role == Role.PROVINCE_OFFICER
        and m.organization.kind in {OrgKind.DEPARTMENT, OrgKind.ZONE_BOARD}
        and m.organization.province_code
    }


# --- the base layer's own rules ---------------------------------------------------------------
# Audit and places sit below accounts (its models import theirs), so their rules live here.

MANAGE_ACCOUNTS = rule("accounts.manage", lambda user, _obj: is_admin(user))
VIEW_AUDIT = rule("audit.view", lambda user, _obj: is_official(user))
EDIT_PROVINCE = rule("province.edit", lambda user, province: oversees(user, getattr(province, "code", None)))
