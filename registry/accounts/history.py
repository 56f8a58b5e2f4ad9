"""How the history pages read accounts (users, organizations, roles): for administrators only, labelled as the admin forms are."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_
from sqlalchemy.sql.elements import ColumnElement

from registry.audit.records import RecordKind, describe, form_labels, stored_record
from registry.extensions import db
from registry.i18n import locale_code
from registry.places.models import Province

from .forms import ORG_KIND_LABELS, ROLE_LABELS, OrganizationForm, UserForm
from .models import Membership, Organization, User
from .permissions import is_admin, reviewed_provinces


def organization_name(organization_id: object) -> str:
    organization = stored_record(Organization, organization_id)
    return organization.name if organization else _("organization no. %(id)s", id=organization_id)


def user_name(user_id: object) -> str:
    user = stored_record(User, user_id)
    return f"{user.display_name} ({user.email})" if user and user.full_name else (user.email if user else _("account no. %(id)s", id=user_id))


def members_or_officers(user, model, roles) -> ColumnElement | bool:
    """The SQL form of "members of the record's organization with `roles`, or officers of its province" (True for administrators).

    The zone and enterprise rules are made of `member_of` and `oversees`; this selects the same records.
    """
    if is_admin(user):
        return True
    organizations = [m.organization_id for m in user.memberships if m.role in roles]
    provinces = sorted(reviewed_provinces(user) or ())
    if not organizations and not provinces:
        return False
    return or_(model.organization_id.in_(organizations), model.province_code.in_(provinces))


def province_name(code: object) -> str:
    province = db.session.get(Province, str(code))
    return province.name(locale_code()) if province else str(code)


describe(RecordKind(
    table="organization", model=Organization, label=_l("Organization"), name=lambda values: values.get("name") or "",
    labels=form_labels(OrganizationForm, {"name": "name", "kind": "kind", "province_code": "province"}),
    choices={"kind": ORG_KIND_LABELS}, values={"province_code": province_name}, accounts=True,
))
describe(RecordKind(
    table="user", model=User, label=_l("Account"), name=lambda values: values.get("full_name") or values.get("email") or "",
    labels={**form_labels(UserForm, {"email": "email", "full_name": "full_name"}), "locale": _l("Language"), "active": _l("Active")},
    choices={"locale": {"vi": "Tiếng Việt", "en": "English"}}, accounts=True,
))
describe(RecordKind(
    table="membership", model=Membership, label=_l("Role"),
    name=lambda values: _("%(role)s in %(organization)s", role=ROLE_LABELS.get(values.get("role"), values.get("role")),
                          organization=organization_name(values.get("organization_id"))) if values.get("role") else "",
    labels={"user_id": _l("Account"), **form_labels(UserForm, {"organization_id": "organization", "role": "role"})},
    choices={"role": ROLE_LABELS}, values={"user_id": user_name, "organization_id": organization_name}, accounts=True,
))
