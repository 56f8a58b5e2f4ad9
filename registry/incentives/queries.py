"""Read incentive policies: the list's filters and statement (pages and API), the rules in force for the matcher, and communes' area classes.

`policies_in_force` and `area_classes` return plain data (no ORM objects, nothing from matching):
the matcher's caller turns them into the engine's own types.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select, true

from registry.accounts.permissions import department_provinces, is_admin
from registry.domain_errors import Invalid
from registry.query_args import Page
from registry.extensions import db
from registry.text import matches

from .models import CommuneDifficulty, Difficulty, IncentivePolicy, Instrument, PolicyStatus
from .service import read_date
from .wording import INSTRUMENT_MESSAGE

NATIONAL = "national"
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class PolicyFilters:
    """What the policy list is narrowed to: words, an instrument, a scope (national or a province code) and a day it is in force on."""

    q: str = ""
    instrument: str = ""
    scope: str = ""
    on: date | None = None

    @classmethod
    def from_args(cls, args: Mapping, *, strict: bool = False) -> PolicyFilters:
        """Read the filters from a query string; with `strict` (the API) an unreadable one is refused, on pages it is dropped."""
        errors: dict[str, list] = {}
        instrument = (args.get("instrument") or "").strip()
        if instrument and instrument not in {i.value for i in Instrument}:
            errors["instrument"] = [INSTRUMENT_MESSAGE]
            instrument = ""
        scope = (args.get("scope") or args.get("province") or "").strip()
        if scope and scope != NATIONAL and not (scope.isdigit() and len(scope) == 2):
            errors["scope"] = [_l("Give “national” or the two-digit code of a province.")]
            scope = ""
        on = read_date((args.get("on") or "").strip() or None, "on", errors)
        if errors and strict:
            raise Invalid(None, errors)
        return cls(q=(args.get("q") or "").strip()[:200], instrument=instrument, scope=scope, on=on)

    @property
    def active(self) -> bool:
        return bool(self.q or self.instrument or self.scope or self.on)


def in_force_condition(on: date):
    return and_(or_(IncentivePolicy.effective_from.is_(None), IncentivePolicy.effective_from <= on),
                or_(IncentivePolicy.effective_to.is_(None), IncentivePolicy.effective_to >= on))


def _visible_condition(viewer):
    """Published policies, and the drafts the viewer may change (all for administrators, their provinces' for Department officers)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return IncentivePolicy.status == PolicyStatus.PUBLISHED.value
    if is_admin(viewer):
        return true()
    provinces = department_provinces(viewer)
    return or_(IncentivePolicy.status == PolicyStatus.PUBLISHED.value, IncentivePolicy.province_code.in_(sorted(provinces)))


def statement(filters: PolicyFilters, viewer):
    query = select(IncentivePolicy).where(_visible_condition(viewer))
    if filters.instrument:
        query = query.where(IncentivePolicy.instrument == filters.instrument)
    if filters.scope == NATIONAL:
        query = query.where(IncentivePolicy.province_code.is_(None))
    elif filters.scope:
        query = query.where(IncentivePolicy.province_code == filters.scope)
    if filters.on is not None:
        query = query.where(in_force_condition(filters.on))
    if filters.q and (words := matches(IncentivePolicy.search_folded, filters.q, padded=True)) is not None:
        query = query.where(words)
    return query


def page_of(filters: PolicyFilters, viewer, page: int, per_page: int) -> Page:
    """One page of the policies the viewer may see, national ones first, then by province, instrument and level (highest first)."""
    query = statement(filters, viewer)
    total = db.session.scalar(select(db.func.count()).select_from(query.order_by(None).subquery()))
    ordered = query.order_by(IncentivePolicy.province_code.is_not(None), IncentivePolicy.province_code, IncentivePolicy.instrument,
                             IncentivePolicy.level.desc(), IncentivePolicy.code)
    items = list(db.session.scalars(ordered.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, total=total, page=page, per_page=per_page)


@dataclass(frozen=True)
class PolicyRow:
    """One published policy as plain data, for the matcher's caller to turn into its own rule type."""

    id: int
    code: str
    instrument: str
    scope_province: str | None
    level: int
    sector_class: str
    area_classes: frozenset[str]
    min_capital_vnd: int | None
    min_jobs: int | None
    new_project_only: bool
    benefit: Mapping
    legal_basis: str
    article: str
    effective_from: date | None
    effective_to: date | None
    confidence: str
    title_vi: str
    title_en: str


_ROW_COLUMNS = (
    IncentivePolicy.id, IncentivePolicy.code, IncentivePolicy.instrument, IncentivePolicy.province_code, IncentivePolicy.level,
    IncentivePolicy.sector_class, IncentivePolicy.area_classes, IncentivePolicy.min_capital_vnd, IncentivePolicy.min_jobs,
    IncentivePolicy.new_project_only, IncentivePolicy.benefit, IncentivePolicy.legal_basis, IncentivePolicy.article,
    IncentivePolicy.effective_from, IncentivePolicy.effective_to, IncentivePolicy.confidence, IncentivePolicy.title_vi,
    IncentivePolicy.title_en,
)


def policies_in_force(province_codes: Iterable[str] | None, on: date | None) -> list[PolicyRow]:
    """The published policies in force on `on` (every date when None): the national ones and those of `province_codes`.

    `province_codes` None means every province's. One statement; the rows are plain data.
    """
    query = select(*_ROW_COLUMNS).where(IncentivePolicy.status == PolicyStatus.PUBLISHED.value)
    if province_codes is not None:
        query = query.where(or_(IncentivePolicy.province_code.is_(None), IncentivePolicy.province_code.in_(sorted(set(province_codes)))))
    if on is not None:
        query = query.where(in_force_condition(on))
    rows = db.session.execute(query.order_by(IncentivePolicy.instrument, IncentivePolicy.level.desc(), IncentivePolicy.id)).all()
    return [PolicyRow(row[0], row[1], row[2], row[3], row[4], row[5], frozenset(row[6] or ()), row[7], row[8], bool(row[9]),
                      dict(row[10] or {}), *row[11:]) for row in rows]


def _listed_on(on: date):
    return and_(CommuneDifficulty.effective_from <= on, or_(CommuneDifficulty.effective_to.is_(None), CommuneDifficulty.effective_to >= on))


def area_classes(commune_codes: Iterable[str], on: date | None) -> dict[str, str]:
    """Map each commune listed on `on` (any listing when None) to "dbkk" or "kk"; an especially difficult listing wins over a difficult one."""
    codes = sorted({code for code in commune_codes if code})
    if not codes:
        return {}
    query = select(CommuneDifficulty.commune_code, CommuneDifficulty.level).where(CommuneDifficulty.commune_code.in_(codes))
    if on is not None:
        query = query.where(_listed_on(on))
    found: dict[str, str] = {}
    for code, level in db.session.execute(query):
        if found.get(code) != Difficulty.DBKK.value:
            found[code] = level
    return found


def difficulties_of(province_code: str | None, on: date | None = None) -> list[CommuneDifficulty]:
    """The commune listings of a province (every province when None), in force on `on` when given, by commune."""
    query = select(CommuneDifficulty)
    if province_code:
        query = query.where(CommuneDifficulty.province_code == province_code)
    if on is not None:
        query = query.where(_listed_on(on))
    return list(db.session.scalars(query.order_by(CommuneDifficulty.province_code, CommuneDifficulty.commune_code,
                                                  CommuneDifficulty.effective_from)))


def listing_counts() -> dict[str, int]:
    """How many commune listings each province has, by GSO code."""
    rows = db.session.execute(select(CommuneDifficulty.province_code, db.func.count()).group_by(CommuneDifficulty.province_code))
    return {code: count for code, count in rows}
