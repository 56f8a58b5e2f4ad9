"""Who may keep the eco-label register: the Department officers of the holder's province, and administrators."""
from __future__ import annotations

from registry.accounts.permissions import department_officer_of, department_provinces, is_admin, rule


def _keeps(user, enterprise) -> bool:
    """`enterprise` is the holder (anything with a `province_code`); None asks whether the user keeps any province's certificates."""
    if is_admin(user):
        return True
    if enterprise is None:
        return bool(department_provinces(user))
    return department_officer_of(user, getattr(enterprise, "province_code", None))


RECORD_LABEL = rule("ecolabels.record", _keeps)
WITHDRAW_LABEL = rule("ecolabels.withdraw", _keeps)
