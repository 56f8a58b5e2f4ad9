"""Read incubators: the network list's filters and statement (pages, API, map), counts of incubatees, an incubator's cohorts,
an enterprise's incubator history, what became of the graduates and the statistics per province.

What became of a graduate is read from the registry as it stands today: still registered (not rejected
or merged away), published, eco-labelled (`eco_labelled`, from the eco-label register) and met at an
event (`met_at_event`, from the events: an approved participant of an event held).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from registry.accounts.permissions import reviewed_provinces
from registry.domain_errors import Invalid
from registry.query_args import Page as ListPage
from registry.ecolabels import queries as ecolabel_queries
from registry.ecolabels.status import IN_FORCE
from registry.enterprises import queries as enterprise_queries
from registry.events import queries as event_queries
from registry.enterprises.models import Enterprise, Status
from registry.extensions import db
from registry.text import matches

from .models import Cohort, HostKind, Incubatee, Incubator, Outcome

MAX_PER_PAGE = 100
STILL_ACTIVE_AFTER = (1, 3, 5)
GONE = {Status.REJECTED.value, Status.MERGED.value}


@dataclass(frozen=True)
class IncubatorFilters:
    """The network list narrowed to words, a province, a host kind and a focus group of the catalog."""

    q: str = ""
    province: str = ""
    host_kind: str = ""
    group: str = ""

    @classmethod
    def from_args(cls, args: Mapping, *, strict: bool = False) -> IncubatorFilters:
        errors: dict[str, list] = {}
        province = (args.get("province") or "").strip()
        if province and not (province.isdigit() and len(province) == 2):
            errors["province"] = [_l("Give the two-digit code of a province.")]
            province = ""
        host_kind = (args.get("host_kind") or args.get("host") or "").strip()
        if host_kind and host_kind not in {k.value for k in HostKind}:
            errors["host_kind"] = [_l("Choose zone, industrial_cluster, high_tech_park, university or organization.")]
            host_kind = ""
        group = (args.get("group") or "").strip()[:40]
        if errors and strict:
            raise Invalid(None, errors)
        return cls(q=(args.get("q") or "").strip()[:200], province=province, host_kind=host_kind, group=group)

    @property
    def active(self) -> bool:
        return bool(self.q or self.province or self.host_kind or self.group)


def statement(filters: IncubatorFilters):
    query = select(Incubator)
    if filters.province:
        query = query.where(Incubator.province_code == filters.province)
    if filters.host_kind:
        query = query.where(Incubator.host_kind == filters.host_kind)
    if filters.group:
        # JSON lists are stored as text on both databases; a code is matched with its quotes, so "A" is not "A.1".
        query = query.where(func.cast(Incubator.focus_groups, db.String).like(f'%"{filters.group}"%'))
    if filters.q and (words := matches(Incubator.search_folded, filters.q, padded=True)) is not None:
        query = query.where(words)
    return query


@dataclass(frozen=True)
class Counts:
    active: int = 0
    graduated: int = 0
    left: int = 0

    @property
    def total(self) -> int:
        return self.active + self.graduated + self.left


def counts(incubator_ids: Iterable[int]) -> dict[int, Counts]:
    """How many incubatees each incubator has, by outcome, in one statement."""
    ids = sorted(set(incubator_ids))
    found: dict[int, dict[str, int]] = defaultdict(dict)
    if ids:
        rows = db.session.execute(select(Incubatee.incubator_id, Incubatee.outcome, func.count())
                                  .where(Incubatee.incubator_id.in_(ids)).group_by(Incubatee.incubator_id, Incubatee.outcome))
        for incubator_id, outcome, number in rows:
            found[incubator_id][outcome] = number
    return {i: Counts(**{o.value: found[i].get(o.value, 0) for o in Outcome}) for i in ids}


@dataclass
class Page(ListPage):
    """A page of incubators, with each one's incubatee counts."""

    counts: dict[int, Counts] = field(default_factory=dict)


def page_of(filters: IncubatorFilters, page: int, per_page: int) -> Page:
    """One page of the network, by province then name, with each incubator's counts."""
    query = statement(filters)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.order_by(Incubator.province_code, Incubator.name_vi, Incubator.id)
                                    .limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items=items, counts=counts(i.id for i in items), total=total, page=page, per_page=per_page)


# --- incubatees with their enterprises ----------------------------------------------------------

@dataclass(frozen=True)
class Placement:
    """One incubatee with its enterprise's registry record as plain data."""

    id: int
    incubator_id: int
    incubator_name_vi: str
    incubator_name_en: str
    incubator_province: str
    cohort_id: int
    cohort_name: str
    enterprise_id: int
    enterprise_name: str
    tax_code: str
    status: str
    province_code: str
    started_on: date
    ended_on: date | None
    outcome: str
    note: str
    is_demo: bool

    def incubator_name(self, locale: str) -> str:
        return (self.incubator_name_en if locale == "en" else self.incubator_name_vi) or self.incubator_name_vi

    @property
    def registered(self) -> bool:
        return self.status not in GONE

    @property
    def published(self) -> bool:
        return self.status == Status.PUBLISHED.value


_PLACEMENT = (Incubatee.id, Incubatee.incubator_id, Incubator.name_vi, Incubator.name_en, Incubator.province_code, Incubatee.cohort_id, Cohort.name,
              Incubatee.enterprise_id, Enterprise.name_vi, Enterprise.tax_code, Enterprise.status, Enterprise.province_code,
              Incubatee.started_on, Incubatee.ended_on, Incubatee.outcome, Incubatee.note, Incubatee.is_demo)


def _placements(condition) -> list[Placement]:
    query = (select(*_PLACEMENT).join(Cohort, Cohort.id == Incubatee.cohort_id).join(Incubator, Incubator.id == Incubatee.incubator_id)
             .join(Enterprise, Enterprise.id == Incubatee.enterprise_id).where(condition)
             .order_by(Cohort.starts_on, Incubatee.started_on, Enterprise.name_vi, Incubatee.id))
    return [Placement(*row[:10], str(row[10]), *row[11:]) for row in db.session.execute(query)]


def placements_of(incubator_id: int) -> list[Placement]:
    return _placements(Incubatee.incubator_id == incubator_id)


def history_of(enterprise_id: int) -> list[Placement]:
    """An enterprise's incubations, oldest first."""
    return _placements(Incubatee.enterprise_id == enterprise_id)


# A profile says whether its enterprise was ever incubated, in its own statement: the page reads the history only then.
enterprise_queries.PROFILE_MARKS["incubated"] = lambda enterprise_id: exists().where(Incubatee.enterprise_id == enterprise_id)


def profile_history(profile) -> list[Placement]:
    """The incubations an enterprise's profile shows; none asked for when its profile says it was never incubated."""
    marks = getattr(profile, "marks", None)
    return [] if marks is not None and "incubated" not in marks else history_of(profile.id)


def named_for(viewer, placement: Placement) -> bool:
    """Whether the viewer may see the enterprise's name and page: published ones, or those of a province they review."""
    if placement.published:
        return True
    provinces = reviewed_provinces(viewer)
    return provinces is None or placement.province_code in provinces


def eco_labelled(enterprise_ids: Iterable[int]) -> set[int]:
    """The enterprises among `enterprise_ids` holding an eco-label in force today (valid or expiring): the one place the
    incubators read the eco-label register."""
    return {enterprise_id for enterprise_id, labels in ecolabel_queries.labels_of(enterprise_ids).items()
            if any(listed.status in IN_FORCE for listed in labels)}


@dataclass(frozen=True)
class Fates:
    """What became of an incubator's (or a province's) graduates, read from the registry today."""

    graduates: int = 0
    registered: int = 0
    published: int = 0
    eco_labelled: int = 0
    met_at_event: int = 0


def met_at_event(enterprise_ids: Iterable[int]) -> set[int]:
    """The enterprises among `enterprise_ids` that took part in an event held: the one place the incubators read the events."""
    return event_queries.met_at_events(enterprise_ids)


def fates(placements: Iterable[Placement]) -> Fates:
    graduates = [p for p in placements if p.outcome == Outcome.GRADUATED.value]
    ids = {p.enterprise_id for p in graduates}
    labelled, met = eco_labelled(ids), met_at_event(ids)
    return Fates(graduates=len(graduates), registered=sum(p.registered for p in graduates),
                 published=sum(p.published for p in graduates),
                 eco_labelled=sum(p.enterprise_id in labelled for p in graduates),
                 met_at_event=sum(p.enterprise_id in met for p in graduates))


# --- statistics ---------------------------------------------------------------------------------

@dataclass
class ProvinceFigures:
    province_code: str
    incubators: int = 0
    active: int = 0
    graduates_per_year: dict[int, int] = field(default_factory=dict)
    # years -> (graduates at least that long ago, of them still published today)
    still_active: dict[int, tuple[int, int]] = field(default_factory=dict)
    fates: Fates = field(default_factory=Fates)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def statistics(today: date, province: str = "") -> list[ProvinceFigures]:
    """Per province: incubators, active incubatees, graduates per year, and graduates still active 1, 3 and 5 years after graduating."""
    query = select(Incubator.province_code, func.count()).group_by(Incubator.province_code)
    if province:
        query = query.where(Incubator.province_code == province)
    figures = {code: ProvinceFigures(code, incubators=number) for code, number in db.session.execute(query)}
    condition = Incubator.province_code == province if province else Incubator.id.is_not(None)
    by_province: dict[str, list[Placement]] = defaultdict(list)
    for placement in _placements(condition):
        by_province[placement.incubator_province].append(placement)
    for code, placements in by_province.items():
        row = figures.setdefault(code, ProvinceFigures(code))
        row.active = sum(p.outcome == Outcome.ACTIVE.value for p in placements)
        graduates = [p for p in placements if p.outcome == Outcome.GRADUATED.value and p.ended_on]
        per_year: dict[int, int] = defaultdict(int)
        for p in graduates:
            per_year[p.ended_on.year] += 1
        row.graduates_per_year = dict(sorted(per_year.items()))
        for years in STILL_ACTIVE_AFTER:
            old_enough = [p for p in graduates if p.ended_on <= _years_before(today, years)]
            row.still_active[years] = (len(old_enough), sum(p.published for p in old_enough))
        row.fates = fates(placements)
    for row in figures.values():
        for years in STILL_ACTIVE_AFTER:
            row.still_active.setdefault(years, (0, 0))
    return sorted(figures.values(), key=lambda r: r.province_code)


def mapped(filters: IncubatorFilters) -> list[Incubator]:
    """The incubators with a point, for the map's layer."""
    query = statement(filters).where(Incubator.latitude.is_not(None), Incubator.longitude.is_not(None))
    return list(db.session.scalars(query.order_by(Incubator.id)).unique())
