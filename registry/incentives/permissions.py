"""Who may keep incentive policies and commune difficulty lists: a province's Department officers theirs, administrators all."""
from __future__ import annotations

from registry.accounts.permissions import department_officer_of, department_provinces, is_admin, rule


def _keeps_policy(user, policy) -> bool:
    """National rules (no province) are changed by administrators; a province's by its Department's officers too."""
    province = getattr(policy, "province_code", None)
    return is_admin(user) or (province is not None and department_officer_of(user, province))


def _imports_communes(user, province_code) -> bool:
    """Any Department officer may upload a list; each row's commune must be in a province they keep (`province_code`)."""
    if is_admin(user):
        return True
    return bool(department_provinces(user)) if province_code is None else department_officer_of(user, province_code)


EDIT_POLICY = rule("incentives.edit_policy", _keeps_policy)
IMPORT_COMMUNES = rule("incentives.import_communes", _imports_communes)
