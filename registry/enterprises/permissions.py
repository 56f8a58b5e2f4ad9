"""Who may create, edit and review enterprises: the rules behind the enterprise actions."""
from __future__ import annotations

from registry.accounts.models import Role
from registry.accounts.permissions import member_of, oversees, rule


def _reviews(user, enterprise) -> bool:
    return oversees(user, getattr(enterprise, "province_code", None))


def _edits(user, enterprise) -> bool:
    """Reviewers of the enterprise and its own representatives edit it."""
    return _reviews(user, enterprise) or member_of(user, getattr(enterprise, "organization_id", None), {Role.ENTERPRISE_REP})


# Officers create, import and review the enterprises of their own province; the object is the province.
CREATE_ENTERPRISE = rule("enterprise.create", lambda user, province: oversees(user, getattr(province, "code", None)))
REVIEW_ENTERPRISE = rule("enterprise.review", _reviews)
EDIT_ENTERPRISE = rule("enterprise.edit", _edits)
# A profile registered before its representative confirms the address waits out of the review queue until then.
REGISTER_ENTERPRISE = rule("enterprise.register", lambda user, _obj: True, before_confirmation=True)
CLAIM_ENTERPRISE = rule("enterprise.claim", lambda user, _obj: True)  # any confirmed account may ask; an officer decides
