"""Read events: the list's filters and statement (page and API), coming and past, as the viewer may see them."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, true

from registry.accounts.models import Role
from registry.accounts.permissions import is_admin, reviewed_provinces
from registry.domain_errors import Invalid
from registry.query_args import Page
from registry.extensions import db
from registry.text import matches

from .models import Event, EventKind, EventStatus
from .service import KIND_MESSAGE, STATUS_MESSAGE

MAX_PER_PAGE = 100
WHEN = ("coming", "past")


@dataclass(frozen=True)
class EventFilters:
    """What the event list is narrowed to: words, a kind, a province, a status, and coming or past events."""

    q: str = ""
    kind: str = ""
    province: str = ""
    status: str = ""
    when: str = ""

    @classmethod
    def from_args(cls, args: Mapping, *, strict: bool = False) -> EventFilters:
        """Read the filters from a query string; with `strict` (the API) an unreadable one is refused, on pages it is dropped."""
        errors: dict[str, list] = {}
        kind = (args.get("kind") or "").strip()
        if kind and kind not in {k.value for k in EventKind}:
            errors["kind"], kind = [KIND_MESSAGE], ""
        status = (args.get("status") or "").strip()
        if status and status not in {s.value for s in EventStatus}:
            errors["status"], status = [STATUS_MESSAGE], ""
        province = (args.get("province") or "").strip()
        if province and not (province.isdigit() and len(province) == 2):
            errors["province"], province = [_l("Give the two-digit code of a province.")], ""
        when = (args.get("when") or "").strip()
        if when and when not in WHEN:
            errors["when"], when = [_l("Give “coming” or “past”.")], ""
        if errors and strict:
            raise Invalid(None, errors)
        return cls(q=(args.get("q") or "").strip()[:200], kind=kind, province=province, status=status, when=when)

    @property
    def active(self) -> bool:
        return bool(self.q or self.kind or self.province or self.status or self.when)


def visible_condition(viewer):
    """Events out of draft, and the drafts the viewer organizes (their organizations', their provinces'; all for administrators)."""
    public = Event.status != EventStatus.DRAFT.value
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return public
    if is_admin(viewer):
        return true()
    organizations = sorted({m.organization_id for m in viewer.memberships if m.role == Role.EVENT_ORGANIZER})
    provinces = sorted(reviewed_provinces(viewer) or ())
    return or_(public, Event.organization_id.in_(organizations), Event.province_code.in_(provinces))


def statement(filters: EventFilters, viewer, today: date):
    query = select(Event).where(visible_condition(viewer))
    if filters.kind:
        query = query.where(Event.kind == filters.kind)
    if filters.province:
        query = query.where(Event.province_code == filters.province)
    if filters.status:
        query = query.where(Event.status == filters.status)
    if filters.when == "coming":
        query = query.where(Event.ends_on >= today)
    elif filters.when == "past":
        query = query.where(Event.ends_on < today)
    if filters.q and (words := matches(Event.search_folded, filters.q, padded=True)) is not None:
        query = query.where(words)
    return query


def page_of(filters: EventFilters, viewer, today: date, page: int, per_page: int) -> Page:
    """One page of events: those to come first, soonest first, then past ones, latest first."""
    query = statement(filters, viewer, today)
    total = db.session.scalar(select(db.func.count()).select_from(query.order_by(None).subquery()))
    ordered = query.order_by((Event.ends_on < today), db.case((Event.ends_on >= today, Event.starts_on), else_=None),
                             Event.starts_on.desc(), Event.id)
    items = list(db.session.scalars(ordered.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, total=total, page=page, per_page=per_page)


def met_at_events(enterprise_ids) -> set[int]:
    """The enterprises among `enterprise_ids` that took part (approved) in an event held: what the incubators call "met at an event"."""
    from .models import Participant, ParticipantStatus

    ids = sorted(set(enterprise_ids))
    if not ids:
        return set()
    query = (select(Participant.enterprise_id).join(Event, Event.id == Participant.event_id)
             .where(Participant.enterprise_id.in_(ids), Participant.status == ParticipantStatus.APPROVED.value,
                    Event.status == EventStatus.HELD.value).distinct())
    return set(db.session.scalars(query))
