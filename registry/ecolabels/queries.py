"""Read the eco-label register: the list's filters (pages and API), the verification, badges and the enterprise filter.

The status of a certificate depends on the day, so it is read with `status.status_on` in Python
rather than stored and filtered in SQL: the register holds hundreds of certificates, not
hundreds of thousands, and one function then says what every page says.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import contains_eager

from registry.accounts.permissions import department_provinces, is_admin
from registry.catalog import service as catalog
from registry.domain_errors import Invalid
from registry.query_args import Page
from registry.enterprises import queries as enterprise_queries
from registry.enterprises.models import Enterprise, EnterpriseItem
from registry.extensions import db
from registry.text import matches

from .models import EcolabelCertificate, Scheme
from . import service
from .service import SCHEME_MESSAGE, number_key
from .status import IN_FORCE, Status

MAX_PER_PAGE = 100
MAX_NUMBER = 100  # the longest certificate number stored
STATUS_MESSAGE = _l("Choose a status: valid, expiring, expired, suspended or revoked.")
ANY_SCHEME = "any"


@dataclass(frozen=True)
class Filters:
    """What the register is narrowed to: words, a scheme, a criteria set, a status, a province and a catalog node."""

    q: str = ""
    scheme: str = ""
    criteria: str = ""
    status: str = ""
    province: str = ""
    catalog: str = ""

    @classmethod
    def from_args(cls, args: Mapping, *, strict: bool = False) -> Filters:
        """Read the filters; with `strict` (the API) an unreadable one is refused, on pages it is dropped."""
        errors: dict[str, list] = {}
        values = {name: (args.get(name) or "").strip()[:200] for name in ("q", "scheme", "criteria", "status", "province", "catalog")}
        if values["scheme"] and values["scheme"] not in {s.value for s in Scheme}:
            errors["scheme"], values["scheme"] = [SCHEME_MESSAGE], ""
        if values["status"] and values["status"] not in {s.value for s in Status}:
            errors["status"], values["status"] = [STATUS_MESSAGE], ""
        if values["province"] and not (values["province"].isdigit() and len(values["province"]) == 2):
            errors["province"], values["province"] = [_l("Give the two-digit code of a province.")], ""
        if errors and strict:
            raise Invalid(None, errors)
        return cls(**values)

    def args(self, **overrides) -> dict:
        values = {**{k: v for k, v in vars(self).items() if v}, **overrides}
        return {k: v for k, v in values.items() if v}

    @property
    def active(self) -> bool:
        return any(vars(self).values())


def statement(filters: Filters, viewer):
    query = (select(EcolabelCertificate).join(EcolabelCertificate.enterprise).options(contains_eager(EcolabelCertificate.enterprise))
             .where(service.visible_condition(viewer)))
    if filters.scheme:
        query = query.where(EcolabelCertificate.scheme == filters.scheme)
    if filters.criteria:
        query = query.where(EcolabelCertificate.criteria_code == filters.criteria)
    if filters.province:
        query = query.where(Enterprise.province_code == filters.province)
    if filters.catalog:
        version = catalog.current_version()
        node = catalog.get_node(version, filters.catalog) if version else None
        node_ids = catalog.linked_node_ids(node) if node else []
        query = query.where(Enterprise.id.in_(select(EnterpriseItem.enterprise_id).where(EnterpriseItem.node_id.in_(node_ids))))
    if filters.q and (words := matches(EcolabelCertificate.search_folded, filters.q, padded=True)) is not None:
        query = query.where(words)
    return query.order_by(EcolabelCertificate.valid_until.desc(), EcolabelCertificate.id.desc())


@dataclass
class Listed:
    certificate: EcolabelCertificate
    status: Status


def matching(filters: Filters, viewer, today: date | None = None) -> list[Listed]:
    """Every certificate the viewer may see matching the filters, with its status on `today`."""
    today = today or date.today()
    found = [Listed(c, c.status_on(today)) for c in db.session.scalars(statement(filters, viewer)).unique()]
    return [entry for entry in found if not filters.status or entry.status == filters.status]


def page_of(filters: Filters, viewer, page: int, per_page: int, today: date | None = None) -> Page:
    found = matching(filters, viewer, today)
    return Page(items=found[(page - 1) * per_page:page * per_page], total=len(found), page=page, per_page=per_page)


def criteria_codes() -> list[str]:
    """The criteria sets certificates are recorded against, for the register's filter."""
    return list(db.session.scalars(select(EcolabelCertificate.criteria_code).where(EcolabelCertificate.criteria_code != "")
                                   .distinct().order_by(EcolabelCertificate.criteria_code)))


@dataclass(frozen=True)
class Verdict:
    """The verification's answer: the number asked about, the status (or "unknown"), the day it is valid until, and the record."""

    number: str
    status: str
    valid_until: date | None
    certificate: EcolabelCertificate | None = None


UNKNOWN = "unknown"


def clean_query(number, scheme) -> tuple[str, str, dict]:
    """Read a verification's number and scheme; what cannot be a certificate number is named in the errors."""
    errors: dict[str, list] = {}
    text = number if isinstance(number, str) else ""
    text = text.strip()
    if not text:
        errors["number"] = [_l("Give the certificate number printed on the label or the certificate.")]
    elif len(text) > MAX_NUMBER:
        errors["number"] = [_l("A certificate number has at most %(n)d characters; this has %(length)d.", n=MAX_NUMBER, length=len(text))]
    elif any(not (ch.isalnum() or ch in " -/.:_()") for ch in text):
        errors["number"] = [_l("A certificate number holds letters, digits, spaces and - / . : _ ( ) only.")]
    scheme_text = (scheme if isinstance(scheme, str) else "").strip()
    if scheme_text and scheme_text != ANY_SCHEME and scheme_text not in {s.value for s in Scheme}:
        errors["scheme"] = [SCHEME_MESSAGE]
    return text, "" if scheme_text == ANY_SCHEME else scheme_text, errors


def verify(number, scheme, today: date | None = None) -> Verdict:
    """Say whether certificate `number` of `scheme` (any scheme when empty) is valid today; Invalid for junk input.

    Every recorded certificate answers, whatever its holder's review: the certificate is the
    ministry's public act. A number found in several schemes without one named answers the one valid longest.
    """
    text, scheme_text, errors = clean_query(number, scheme)
    if errors:
        raise Invalid(None, errors)
    today = today or date.today()
    query = select(EcolabelCertificate).where(EcolabelCertificate.number_key == number_key(text))
    if scheme_text:
        query = query.where(EcolabelCertificate.scheme == scheme_text)
    found = list(db.session.scalars(query.order_by(EcolabelCertificate.valid_until.desc())))
    if not found:
        return Verdict(text, UNKNOWN, None)
    certificate = found[0]
    return Verdict(certificate.number, certificate.status_on(today).value, certificate.valid_until, certificate)


def in_force_holders(scheme: str = "", today: date | None = None) -> list[int]:
    """The enterprises holding a certificate in force today (valid or expiring), of `scheme` when given."""
    today = today or date.today()
    query = select(EcolabelCertificate).where(EcolabelCertificate.valid_until >= today)
    if scheme:
        query = query.where(EcolabelCertificate.scheme == scheme)
    return sorted({c.enterprise_id for c in db.session.scalars(query) if c.status_on(today) in IN_FORCE})


# A profile says whether its enterprise holds any certificate, in its own statement: the profile asks for them only then.
enterprise_queries.PROFILE_MARKS["ecolabelled"] = lambda enterprise_id: exists().where(EcolabelCertificate.enterprise_id == enterprise_id)


def profile_labels(record, today: date | None = None) -> list[Listed]:
    """Every certificate of an enterprise with its status today, newest first; none asked for when its profile says it holds none
    (a record just written, which carries no marks, is asked)."""
    marks = getattr(record, "marks", None)
    if marks is not None and "ecolabelled" not in marks:
        return []
    return labels_of([record.id], today).get(record.id, [])


def labels_of(enterprise_ids, today: date | None = None) -> dict[int, list[Listed]]:
    """Each enterprise's certificates with their status today, newest first, in one statement."""
    ids = sorted(set(enterprise_ids))
    found: dict[int, list[Listed]] = defaultdict(list)
    if not ids:
        return found
    today = today or date.today()
    query = (select(EcolabelCertificate).where(EcolabelCertificate.enterprise_id.in_(ids))
             .order_by(EcolabelCertificate.issued_on.desc(), EcolabelCertificate.id.desc()))
    for certificate in db.session.scalars(query):
        found[certificate.enterprise_id].append(Listed(certificate, certificate.status_on(today)))
    return found


def expiring_within(viewer, days: int, today: date | None = None) -> list[Listed]:
    """The certificates the viewer keeps that are in force and end within `days` days, soonest first."""
    today = today or date.today()
    query = (select(EcolabelCertificate).join(EcolabelCertificate.enterprise).options(contains_eager(EcolabelCertificate.enterprise))
             .where(EcolabelCertificate.valid_until >= today, EcolabelCertificate.valid_until <= today + timedelta(days=days)))
    if not is_admin(viewer):
        query = query.where(Enterprise.province_code.in_(sorted(department_provinces(viewer))))
    found = [Listed(c, c.status_on(today)) for c in db.session.scalars(query.order_by(EcolabelCertificate.valid_until)).unique()]
    return [entry for entry in found if entry.status in IN_FORCE]


ANY_LABEL = ("any", "yes", "1", "true")


def _labelled(value: str) -> list[int]:
    """The `ecolabel=` restriction: "any" (or yes) for holders of a certificate in force, a scheme for that scheme's; else nobody."""
    if value.lower() in ANY_LABEL:
        return in_force_holders()
    return in_force_holders(value) if value in {s.value for s in Scheme} else []


def _labelled_counts(ids) -> dict[str, int]:
    """How many of the enterprises `ids` (a subquery) hold a certificate in force: of any scheme ("any"), and per scheme."""
    today = date.today()
    holders: dict[str, set[int]] = defaultdict(set)
    query = select(EcolabelCertificate).where(EcolabelCertificate.enterprise_id.in_(ids), EcolabelCertificate.valid_until >= today)
    for certificate in db.session.scalars(query):
        if certificate.status_on(today) in IN_FORCE:
            holders["any"].add(certificate.enterprise_id)
            holders[certificate.scheme].add(certificate.enterprise_id)
    return {key: len(found) for key, found in holders.items()}


enterprise_queries.add_restriction("ecolabel", enterprise_queries.Restriction(ids=_labelled, kinds=("ecolabels",), counts=_labelled_counts))
