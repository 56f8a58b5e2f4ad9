"""The one permission check: `can(user, action, obj)`. Services call it before every write."""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l

from registry.domain_errors import Forbidden

from .models import OrgKind, Role, User


class PermissionDenied(Forbidden):
    """The user may not do this; pages and the API answer 403."""

    def __init__(self, message=None):
        super().__init__(message or _l("You do not have permission to do this."))


def _is_admin(user: User) -> bool:
    return Role.ADMIN in user.roles


def _in_ministry(user: User) -> bool:
    return any(
        m.organization.kind == OrgKind.MINISTRY and m.role != Role.INVESTOR for m in user.memberships
    )


def _is_official(user: User) -> bool:
    official_roles = {Role.PROVINCE_OFFICER, Role.ZONE_EDITOR}
    return _is_admin(user) or _in_ministry(user) or bool(user.roles & official_roles)


def _officer_of(user: User, province_code: str | None) -> bool:
    return province_code is not None and any(
        m.role == Role.PROVINCE_OFFICER
        and m.organization.kind in {OrgKind.DEPARTMENT, OrgKind.ZONE_BOARD}
        and m.organization.province_code == province_code
        for m in user.memberships
    )


def _represents(user: User, enterprise) -> bool:
    organization_id = getattr(enterprise, "organization_id", None)
    return organization_id is not None and any(
        m.role == Role.ENTERPRISE_REP and m.organization_id == organization_id for m in user.memberships
    )


def _reviews(user: User, enterprise) -> bool:
    return _is_admin(user) or _officer_of(user, getattr(enterprise, "province_code", None))


def _edits_zone(user: User, zone) -> bool:
    """Editors of the managing board, officers of the zone's province, and administrators edit a zone."""
    organization_id = getattr(zone, "organization_id", None)
    board_member = organization_id is not None and any(
        m.organization_id == organization_id and m.role in {Role.ZONE_EDITOR, Role.PROVINCE_OFFICER} for m in user.memberships
    )
    return board_member or _is_admin(user) or _officer_of(user, getattr(zone, "province_code", None))


RULES: dict[str, Callable[[User, object], bool]] = {
    "catalog.manage": lambda user, _obj: _is_admin(user) or _in_ministry(user),
    "audit.view": lambda user, _obj: _is_official(user),
    "accounts.manage": lambda user, _obj: _is_admin(user),
    "province.edit": lambda user, province: _is_admin(user) or _officer_of(user, getattr(province, "code", None)),
    # Officers create, import and review the enterprises of their own province.
    "enterprise.create": lambda user, province: _is_admin(user) or _officer_of(user, getattr(province, "code", None)),
    "enterprise.review": _reviews,
    "enterprise.edit": lambda user, enterprise: _reviews(user, enterprise) or _represents(user, enterprise),
    "enterprise.register": lambda user, _obj: True,
    "zone.edit": _edits_zone,
}


def can(user: User | None, action: str, obj: object = None) -> bool:
    """Tell whether `user` may perform `action` on `obj`; anonymous users may not write."""
    if action not in RULES:
        raise KeyError(f"unknown permission action {action!r}")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return RULES[action](user, obj)


def require(user: User | None, action: str, obj: object = None) -> None:
    """Raise PermissionDenied unless `can(user, action, obj)`."""
    if not can(user, action, obj):
        raise PermissionDenied()


def reviewed_provinces(user: User | None) -> set[str] | None:
    """Return the province codes whose enterprises `user` reviews; None means every province (admins)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    if _is_admin(user):
        return None
    return {
        m.organization.province_code
        for m in user.memberships
        if m.role == Role.PROVINCE_OFFICER
        and m.organization.kind in {OrgKind.DEPARTMENT, OrgKind.ZONE_BOARD}
        and m.organization.province_code
    }
