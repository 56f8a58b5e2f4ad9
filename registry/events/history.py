"""How the history pages read events."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, or_, true

from registry.accounts.history import province_name
from registry.accounts.models import Role
from registry.accounts.permissions import is_admin, reviewed_provinces
from registry.audit.records import RecordKind, describe
from registry.text import matches

from .models import Event
from .wording import FIELD_LABELS, KIND_LABELS, STATUS_LABELS


def _organizes(user):
    """The SQL form of `permissions.organizes`: administrators all; organizers their organizations' events; officers their provinces'."""
    if is_admin(user):
        return true()
    organizations = sorted({m.organization_id for m in user.memberships if m.role == Role.EVENT_ORGANIZER})
    provinces = sorted(reviewed_provinces(user) or ())
    if not organizations and not provinces:
        return false()
    return or_(Event.organization_id.in_(organizations), Event.province_code.in_(provinces))


describe(RecordKind(
    table="event", model=Event, label=_l("Event"),
    name=lambda values: str(values.get("name_vi") or ""),
    labels=FIELD_LABELS,
    choices={"kind": KIND_LABELS, "status": STATUS_LABELS},
    values={"province_code": province_name},
    editable=_organizes,
    find=lambda words: matches(Event.search_folded, words, padded=True),
    page=lambda event_id: url_for("events.detail", event_id=int(event_id)),
))
