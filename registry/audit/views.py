"""History pages for officials: the latest changes they may read, and one record's changes, in words, a page at a time."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from registry.accounts import history as _accounts_history  # noqa: F401  the kinds each feature describes
from registry.accounts.models import Role, User
from registry.accounts.permissions import VIEW_AUDIT, PermissionDenied, is_admin, require
from registry.catalog import history as _catalog_history  # noqa: F401
from registry.enterprises import history as _enterprises_history  # noqa: F401
from registry.ecolabels import history as _ecolabels_history  # noqa: F401
from registry.events import history as _events_history  # noqa: F401
from registry.events.attendance import history as _attendance_history  # noqa: F401
from registry.incentives import history as _incentives_history  # noqa: F401
from registry.incubators import history as _incubators_history  # noqa: F401
from registry.places import history as _places_history  # noqa: F401
from registry.extensions import db
from registry.zones import history as _zones_history  # noqa: F401

from . import history
from .history import HistoryFilters
from .models import AuditEntry
from .records import KINDS, Change, RecordKind, changes, name_of

bp = Blueprint("audit", __name__, url_prefix="/history")
# Changes made by no account: by the registry's own set-up, or by a command run on the server.
PROCESSES = {"system": _l("the registry"), "init": _l("the registry's set-up"), "cli": _l("a command on the server")}


@dataclass(frozen=True)
class ShownEntry:
    """One change as the page tells it: who, when, to which record, and what changed."""

    entry: AuditEntry
    kind: RecordKind | None
    record: str
    who: str
    lines: list[Change]


@bp.route("/")
@login_required
def recent():
    """List the latest changes the viewer may read, filtered by record, person and dates, a page at a time."""
    require(current_user, VIEW_AUDIT)
    return _page(None, None)


@bp.route("/<entity_type>/<entity_id>")
@login_required
def record(entity_type: str, entity_id: str):
    """List every change to one record (and the records inside it), newest first, each with what it changed."""
    require(current_user, VIEW_AUDIT)
    if entity_type not in KINDS and not is_admin(current_user):
        abort(404)
    if not history.may_read(current_user, entity_type, entity_id, admin=is_admin(current_user)):
        raise PermissionDenied()
    return _page(entity_type, entity_id[:60])


def _page(entity_type: str | None, entity_id: str | None):
    admin = is_admin(current_user)
    filters, errors = HistoryFilters.from_args(request.args)
    scope = history.of_record(entity_type, entity_id) if entity_type else None
    if entity_type:
        filters = HistoryFilters(person=filters.person, since=filters.since, until=filters.until)
    entries = history.entries_page(current_user, admin=admin, filters=filters, args=request.args, record=scope)
    people = _people({e.actor_id for e in entries.items} | set(history.actors(current_user, admin=admin, record=scope)), admin)
    kind = KINDS.get(entity_type) if entity_type else None
    title = name_of(kind, history.latest_values(entity_type, entity_id), entity_id) if entity_type else None
    here = {"entity_type": entity_type, "entity_id": entity_id} if entity_type else {}

    def page_url(number: int) -> str:
        return url_for(request.endpoint, **here, **filters.args(page=number, per_page=entries.per_page))

    return render_template(
        "audit/history.html", entries=entries, page_url=page_url, shown=[_shown(e, people, admin) for e in entries.items], filters=filters, errors=errors,
        entity_type=entity_type, entity_id=entity_id, kind=kind, title=title, people=people,
        kinds=sorted(((k.table, str(k.label)) for k in KINDS.values() if admin or not k.accounts), key=lambda pair: pair[1]),
    )


def _shown(entry: AuditEntry, people: dict[int, str], admin: bool) -> ShownEntry:
    kind = KINDS.get(entry.entity_type)
    values = entry.after or entry.before
    if kind is None:
        lines = [Change(name, str(before), str(after)) for name, before, after in entry.changes]
    else:
        lines = changes(kind, entry.before, entry.after)
    return ShownEntry(entry, kind, name_of(kind, values, entry.entity_id), _actor(entry, people, admin), lines)


def _actor(entry: AuditEntry, people: dict[int, str], admin: bool) -> str:
    if entry.actor_id is not None:
        return people.get(entry.actor_id) or (entry.actor_label if admin else _("a former user"))
    process = PROCESSES.get(entry.actor_label)
    if process is None:
        return _("a process on the server (%(name)s)", name=entry.actor_label) if admin else _("a process on the server")
    return str(process)


def _people(ids: set[int | None], admin: bool) -> dict[int, str]:
    """Name each account as the viewer may see it: administrators see e-mails; others see colleagues by name, anyone else by organization."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    users = db.session.scalars(db.select(User).where(User.id.in_(sorted(ids)))).all()
    own = {m.organization_id for m in current_user.memberships}
    named = {}
    for user in users:
        if admin:
            named[user.id] = f"{user.full_name} ({user.email})" if user.full_name else user.email
        elif user.id == current_user.id or (user.full_name and own & {m.organization_id for m in user.memberships}):
            named[user.id] = user.full_name or _("you")
        else:
            named[user.id] = _someone(user)
    return named


def _someone(user: User) -> str:
    """Describe a person outside the viewer's organizations by what they are, not who."""
    if Role.ADMIN in user.roles:
        return _("an administrator")
    memberships = sorted(user.memberships, key=lambda m: m.id)
    if memberships:
        return _("an officer of %(organization)s", organization=memberships[0].organization.name)
    return _("a registry user")
