"""Keep incubators, their cohorts and incubatees: check the fields, who may change them, and load the sourced reference incubators.

Every write cleans all its input first and raises `IncubatorError` with every problem at once, before
anything is stored; the request's one transaction (registry.transactions) then commits or rolls back.
"""
from __future__ import annotations

import json
import re
import secrets
from datetime import date
from importlib import resources
from types import SimpleNamespace

from email_validator import EmailNotValidError
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from registry import inputs
from registry.accounts.permissions import can, require
from registry.catalog import service as catalog
from registry.domain_errors import Invalid, NotFound
from registry.enterprises import service as enterprises
from registry.enterprises.addresses import normalized_email
from registry.enterprises.duplicates import flag_similar
from registry.enterprises.models import Enterprise, Status
from registry.enterprises.taxcode import TaxCodeError, normalize_tax_code
from registry.extensions import db
from registry.incentives.service import read_date
from registry.places.service import UnknownPlace, get_province
from registry.text import fold
from registry.zones.models import Zone

from .models import Cohort, HostKind, Incubatee, Incubator, Outcome
from .permissions import EDIT_INCUBATOR

TEXT_FIELDS = {"name_vi": 300, "name_en": 300, "host_name": 300, "services": 5000, "address": 500, "description": 5000,
               "source_note": 500, "as_of": 100}
FIELDS = (*TEXT_FIELDS, "host_kind", "host_zone_id", "province_code", "focus_groups", "capacity", "email", "phone", "website",
          "latitude", "longitude", "opened_on", "closed_on", "source_url")
COHORT_FIELDS = ("name", "starts_on", "ends_on")
INCUBATEE_FIELDS = ("cohort_id", "tax_code", "started_on", "ended_on", "outcome", "note", "create_pending", "name_vi")
MAX_CAPACITY = 100_000
ZONE_HOSTS = {HostKind.ZONE.value, HostKind.INDUSTRIAL_CLUSTER.value, HostKind.HIGH_TECH_PARK.value}
_PHONE = re.compile(r"^[0-9+().\s-]{6,40}$")
HOST_MESSAGE = _l("Choose the host: a zone, an industrial cluster, a high-tech park, a university or another organization.")
OUTCOME_MESSAGE = _l("Choose active, graduated or left.")


class IncubatorError(Invalid):
    """Bad input for an incubator, a cohort or an incubatee, as `{field: [messages]}`; `unknown_tax_code`, a well-formed tax code
    the registry lacks that the start-up was not asked to be recorded under."""

    def __init__(self, errors: dict[str, list], unknown_tax_code: str | None = None):
        super().__init__(None, errors)
        self.unknown_tax_code = unknown_tax_code


# --- reading ------------------------------------------------------------------------------------

def get_incubator(incubator_id: int) -> Incubator | None:
    return db.session.get(Incubator, incubator_id)


def find_by_code(code: str) -> Incubator | None:
    return db.session.scalar(db.select(Incubator).where(Incubator.code == code))


def found_incubator(incubator_id: int) -> Incubator:
    incubator = get_incubator(incubator_id)
    if incubator is None:
        raise NotFound(_l("There is no incubator with id %(id)s.", id=incubator_id))
    return incubator


def found_cohort(incubator: Incubator, cohort_id) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id) if isinstance(cohort_id, int) else None
    if cohort is None or cohort.incubator_id != incubator.id:
        raise NotFound(_l("This incubator has no cohort with id %(id)s.", id=cohort_id))
    return cohort


def found_incubatee(incubator: Incubator, incubatee_id: int) -> Incubatee:
    incubatee = db.session.get(Incubatee, incubatee_id)
    if incubatee is None or incubatee.incubator_id != incubator.id:
        raise NotFound(_l("This incubator has no incubatee with id %(id)s.", id=incubatee_id))
    return incubatee


def may_edit(user, incubator) -> bool:
    return can(user, EDIT_INCUBATOR, incubator)


# --- shared field readers -----------------------------------------------------------------------

def _coordinate(raw, field: str, errors: dict, limit: float) -> float | None:
    return inputs.number(raw, field, errors, -limit, limit)


def _focus_groups(raw, errors: dict) -> list[str]:
    codes = inputs.code_list(raw, "focus_groups", errors)
    version = catalog.current_version()
    kept = []
    for code in codes:
        if version is None or catalog.get_node(version, code) is None:
            errors.setdefault("focus_groups", []).append(_l("There is no catalog group “%(code)s”.", code=code))
        elif code not in kept:
            kept.append(code)
    return kept


def _host_zone(raw, province_code: str | None, errors: dict) -> Zone | None:
    if raw in (None, ""):
        return None
    zone_id = inputs.parse_id(raw)
    zone = db.session.get(Zone, zone_id) if zone_id is not None else None
    if zone is None:
        errors["host_zone_id"] = [_l("There is no zone with id %(id)s.", id=raw)]
        return None
    if province_code and zone.province_code != province_code:
        errors["host_zone_id"] = [_l("The host zone must be in the incubator's province.")]
        return None
    return zone


# --- incubators ---------------------------------------------------------------------------------

def clean_incubator(values: dict, *, current: Incubator | None = None, partial: bool = False) -> dict:
    """Check an incubator's fields and return the values to store, or raise IncubatorError with every problem."""
    errors: dict[str, list] = {}
    present = set(values) if partial else set(values) | set(FIELDS)
    cleaned: dict = {}
    for field, limit in TEXT_FIELDS.items():
        if field in present:
            cleaned[field] = inputs.text(values.get(field), field, errors, limit)
    if "name_vi" in cleaned and not cleaned["name_vi"] and "name_vi" not in errors:
        errors["name_vi"] = [_l("Give the incubator's name in Vietnamese.")]
    if "host_kind" in present:
        kind = inputs.choice(values.get("host_kind"), "host_kind", errors, HostKind, HOST_MESSAGE)
        if kind is None and "host_kind" not in errors:
            errors["host_kind"] = [HOST_MESSAGE]
        cleaned["host_kind"] = kind.value if kind is not None else None
    if "province_code" in present:
        try:
            cleaned["province_code"] = get_province(values.get("province_code")).code
        except UnknownPlace as error:
            errors["province_code"] = [str(error) if values.get("province_code") else _l("Choose the province.")]
    province = cleaned.get("province_code", current.province_code if current else None)
    if "host_zone_id" in present:
        zone = _host_zone(values.get("host_zone_id"), province, errors)
        cleaned["host_zone_id"] = zone.id if zone is not None else None
    if "focus_groups" in present:
        cleaned["focus_groups"] = _focus_groups(values.get("focus_groups"), errors)
    if "capacity" in present:
        cleaned["capacity"] = inputs.number(values.get("capacity"), "capacity", errors, 0, MAX_CAPACITY, whole=True, grouping=" .")
    cleaned.update(_contacts(values, present, errors))
    for field, limit in (("latitude", 90), ("longitude", 180)):
        if field in present:
            cleaned[field] = _coordinate(values.get(field), field, errors, limit)
    if "latitude" in cleaned and "longitude" in cleaned and (cleaned["latitude"] is None) != (cleaned["longitude"] is None):
        errors.setdefault("longitude", []).append(_l("Give both latitude and longitude, or neither."))
    for field in ("opened_on", "closed_on"):
        if field in present:
            cleaned[field] = read_date(values.get(field), field, errors)
    opened = cleaned.get("opened_on", current.opened_on if current else None)
    closed = cleaned.get("closed_on", current.closed_on if current else None)
    if opened and closed and closed < opened and "closed_on" not in errors:
        errors["closed_on"] = [_l("An incubator cannot close before it opened (%(day)s).", day=opened.isoformat())]
    if current is not None and ("opened_on" in cleaned or "closed_on" in cleaned) and not errors:
        _cohorts_still_inside(current, opened, closed, errors)
    if errors:
        raise IncubatorError(errors)
    return cleaned


def _contacts(values: dict, present: set, errors: dict) -> dict:
    """The e-mail address, phone and website (http or https only)."""
    cleaned = {}
    if "email" in present:
        email = inputs.text(values.get("email"), "email", errors, 254)
        if email:
            try:
                email = normalized_email(email)
            except EmailNotValidError:
                errors.setdefault("email", []).append(_l("Enter an e-mail address such as name@example.vn."))
        cleaned["email"] = email
    if "phone" in present:
        cleaned["phone"] = inputs.text(values.get("phone"), "phone", errors, 40)
        if cleaned["phone"] and not _PHONE.match(cleaned["phone"]):
            errors.setdefault("phone", []).append(_l("Write the phone number with digits, spaces, + ( ) . or -."))
    for field, limit in (("website", 300), ("source_url", 500)):
        if field in present:
            cleaned[field] = inputs.web_address(values.get(field), field, errors, limit)
    return cleaned


def _cohorts_still_inside(incubator: Incubator, opened: date | None, closed: date | None, errors: dict) -> None:
    for cohort in incubator.cohorts:
        if opened and cohort.starts_on < opened:
            errors["opened_on"] = [_l("The cohort “%(name)s” starts on %(day)s, before this date.", name=cohort.name,
                                      day=cohort.starts_on.isoformat())]
        if closed and (cohort.ends_on or cohort.starts_on) > closed:
            errors["closed_on"] = [_l("The cohort “%(name)s” runs past this date.", name=cohort.name)]


def _apply(incubator: Incubator, cleaned: dict) -> None:
    for field, value in cleaned.items():
        setattr(incubator, field, value)
    if "host_zone_id" in cleaned:
        incubator.host_zone = db.session.get(Zone, cleaned["host_zone_id"]) if cleaned["host_zone_id"] else None
    incubator.search_folded = " " + fold(" ".join([incubator.name_vi or "", incubator.name_en or "", incubator.host_name or "",
                                                   incubator.code or ""])) + " "


def _new_code(cleaned: dict) -> str:
    base = f"{cleaned['province_code']}-" + "-".join(fold(cleaned["name_vi"]).split())[:50]
    code = base
    while find_by_code(code) is not None:
        code = f"{base}-{secrets.token_hex(2)}"
    return code


def create_incubator(actor, values: dict, *, code: str | None = None, is_demo: bool = False) -> Incubator:
    """Record an incubator; `actor` None is the first start or the command line loading the reference incubators."""
    cleaned = clean_incubator(values)
    incubator = Incubator(code=code or _new_code(cleaned), is_demo=is_demo)
    _apply(incubator, cleaned)
    if actor is not None:
        require(actor, EDIT_INCUBATOR, incubator)
    db.session.add(incubator)
    db.session.flush()
    return incubator


def update_incubator(actor, incubator: Incubator, values: dict, *, partial: bool = False) -> Incubator:
    """Change an incubator; moved to another province or zone, it needs the right to keep it there too."""
    if actor is not None:
        require(actor, EDIT_INCUBATOR, incubator)
    cleaned = clean_incubator(values, current=incubator, partial=partial)
    if actor is not None and ("province_code" in cleaned or "host_zone_id" in cleaned):
        zone_id = cleaned.get("host_zone_id", incubator.host_zone_id)
        moved = SimpleNamespace(province_code=cleaned.get("province_code", incubator.province_code),
                                host_zone=db.session.get(Zone, zone_id) if zone_id else None)
        require(actor, EDIT_INCUBATOR, moved)
    _apply(incubator, cleaned)
    db.session.flush()
    return incubator


# --- cohorts ------------------------------------------------------------------------------------

def clean_cohort(incubator: Incubator, values: dict, *, current: Cohort | None = None) -> dict:
    """A cohort's name and dates, which lie inside the incubator's life."""
    errors: dict[str, list] = {}
    cleaned = {"name": inputs.text(values.get("name"), "name", errors, 200)}
    if not cleaned["name"] and "name" not in errors:
        errors["name"] = [_l("Give the cohort a name, such as “Khóa 2025”.")]
    cleaned["starts_on"] = read_date(values.get("starts_on"), "starts_on", errors)
    if cleaned["starts_on"] is None and "starts_on" not in errors:
        errors["starts_on"] = [_l("Give the day the cohort starts.")]
    cleaned["ends_on"] = read_date(values.get("ends_on"), "ends_on", errors)
    start, end = cleaned["starts_on"], cleaned["ends_on"]
    if start and end and end < start:
        errors["ends_on"] = [_l("A cohort cannot end before it starts (%(day)s).", day=start.isoformat())]
    if incubator.opened_on and start and start < incubator.opened_on:
        errors["starts_on"] = [_l("The incubator opened on %(day)s: a cohort cannot start before.", day=incubator.opened_on.isoformat())]
    if incubator.closed_on:
        if start and start > incubator.closed_on:
            errors["starts_on"] = [_l("The incubator closed on %(day)s: a cohort cannot start after.", day=incubator.closed_on.isoformat())]
        elif end is not None and end > incubator.closed_on:
            errors.setdefault("ends_on", [_l("The incubator closed on %(day)s: the cohort must end by then.",
                                              day=incubator.closed_on.isoformat())])
    if current is not None and start and not errors:
        for incubatee in db.session.scalars(db.select(Incubatee).where(Incubatee.cohort_id == current.id)):
            if incubatee.started_on < start:
                errors["starts_on"] = [_l("An incubatee of this cohort started on %(day)s, before this date.",
                                          day=incubatee.started_on.isoformat())]
    if errors:
        raise IncubatorError(errors)
    return cleaned


def create_cohort(actor, incubator: Incubator, values: dict, *, is_demo: bool = False) -> Cohort:
    if actor is not None:
        require(actor, EDIT_INCUBATOR, incubator)
    cohort = Cohort(incubator=incubator, is_demo=is_demo, **clean_cohort(incubator, values))
    db.session.add(cohort)
    db.session.flush()
    return cohort


def update_cohort(actor, incubator: Incubator, cohort: Cohort, values: dict) -> Cohort:
    if actor is not None:
        require(actor, EDIT_INCUBATOR, incubator)
    for field, value in clean_cohort(incubator, values, current=cohort).items():
        setattr(cohort, field, value)
    db.session.flush()
    return cohort


# --- incubatees ---------------------------------------------------------------------------------

def _tax_code(raw, errors: dict) -> str | None:
    text = inputs.text(raw, "tax_code", errors, 40)
    if "tax_code" in errors:
        return None
    if not text:
        errors["tax_code"] = [_l("Give the enterprise's tax code.")]
        return None
    try:
        return normalize_tax_code(text)
    except TaxCodeError as error:
        errors["tax_code"] = [str(error)]
        return None


def _outcome_and_dates(values: dict, cohort: Cohort | None, incubator: Incubator, errors: dict) -> dict:
    cleaned: dict = {}
    outcome = inputs.choice(values.get("outcome"), "outcome", errors, Outcome, OUTCOME_MESSAGE, Outcome.ACTIVE)
    cleaned["outcome"] = outcome.value if outcome is not None else None
    cleaned["started_on"] = read_date(values.get("started_on"), "started_on", errors)
    if cleaned["started_on"] is None and "started_on" not in errors:
        cleaned["started_on"] = cohort.starts_on if cohort is not None else None
        if cleaned["started_on"] is None:
            errors["started_on"] = [_l("Give the day the incubation started.")]
    cleaned["ended_on"] = read_date(values.get("ended_on"), "ended_on", errors)
    start, end = cleaned["started_on"], cleaned["ended_on"]
    if start and end and end < start:
        errors["ended_on"] = [_l("The incubation cannot end before it started (%(day)s).", day=start.isoformat())]
    if outcome in (Outcome.GRADUATED, Outcome.LEFT) and end is None and "ended_on" not in errors:
        errors["ended_on"] = [_l("Give the day the enterprise graduated or left.")]
    if outcome == Outcome.ACTIVE and end is not None and "ended_on" not in errors:
        errors["ended_on"] = [_l("An active incubatee has no end date yet: choose graduated or left, or leave the end date empty.")]
    if cohort is not None and start and start < cohort.starts_on and "started_on" not in errors:
        errors["started_on"] = [_l("The cohort starts on %(day)s: the incubation cannot start before.", day=cohort.starts_on.isoformat())]
    if incubator.closed_on and start and start > incubator.closed_on and "started_on" not in errors:
        errors["started_on"] = [_l("The incubator closed on %(day)s.", day=incubator.closed_on.isoformat())]
    cleaned["note"] = inputs.text(values.get("note"), "note", errors, 500)
    return cleaned


def _refuse_second_active(incubator: Incubator, enterprise_id: int | None, outcome: str | None, errors: dict,
                          current: Incubatee | None = None) -> None:
    """An enterprise is in at most one active cohort of an incubator at a time."""
    if enterprise_id is None or outcome != Outcome.ACTIVE.value:
        return
    query = db.select(Cohort.name).join(Incubatee, Incubatee.cohort_id == Cohort.id).where(
        Incubatee.incubator_id == incubator.id, Incubatee.enterprise_id == enterprise_id, Incubatee.outcome == Outcome.ACTIVE.value)
    if current is not None:
        query = query.where(Incubatee.id != current.id)
    held = db.session.scalar(query.limit(1))
    if held is not None:
        errors["cohort_id"] = [_l("This enterprise is already active in the cohort “%(name)s” of this incubator: "
                                  "end that incubation before placing it in another cohort.", name=held)]


def _pending_values(values: dict, tax_code: str, incubator: Incubator) -> dict:
    return {"tax_code": tax_code, "name_vi": values.get("name_vi"), "province_code": values.get("province_code") or incubator.province_code}


def add_incubatee(actor, incubator: Incubator, values: dict, *, is_demo: bool = False) -> Incubatee:
    """Place an enterprise (by tax code) in a cohort of the incubator.

    A tax code the registry does not hold is refused unless `create_pending` is set with the start-up's
    Vietnamese name: then the start-up is recorded as a pending enterprise, as a registration is,
    waiting for its province's review (never an incubatee without a registry record).
    """
    if actor is not None:
        require(actor, EDIT_INCUBATOR, incubator)
    errors: dict[str, list] = {}
    cohort = None
    cohort_id = inputs.parse_id(values.get("cohort_id"))
    if cohort_id is not None:
        cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or cohort.incubator_id != incubator.id:
        errors["cohort_id"] = [_l("Choose one of this incubator's cohorts.")]
        cohort = None
    tax_code = _tax_code(values.get("tax_code"), errors)
    enterprise = enterprises.find_by_tax_code(tax_code) if tax_code else None
    pending_profile, unknown = None, None
    if tax_code and enterprise is None:
        wanted = inputs.yes_no(values.get("create_pending"), "create_pending", errors)
        if not wanted:
            unknown = tax_code
            errors.setdefault("tax_code", []).append(_l(
                "No enterprise with the tax code %(code)s is in the registry. Tick “record it as a pending enterprise” and give "
                "its name to record the start-up; its province's officers then review it.", code=tax_code))
        else:
            try:
                pending_profile = enterprises.clean_profile(_pending_values(values, tax_code, incubator))
            except enterprises.EnterpriseError as error:
                for field, messages in error.errors.items():
                    errors.setdefault("name_vi" if field == "name_vi" else field, []).extend(messages)
    cleaned = _outcome_and_dates(values, cohort, incubator, errors)
    _refuse_second_active(incubator, enterprise.id if enterprise else None, cleaned["outcome"], errors)
    if errors:
        raise IncubatorError(errors, unknown)
    if enterprise is None:
        enterprise = _record_pending(pending_profile, is_demo)
    incubatee = Incubatee(incubator_id=incubator.id, cohort_id=cohort.id, enterprise_id=enterprise.id, is_demo=is_demo, **cleaned)
    _store_placement(incubator, incubatee)
    return incubatee


def _store_placement(incubator: Incubator, incubatee: Incubatee) -> None:
    """Write the placement; one racing another for the same enterprise's active place is refused as the check above refuses it."""
    try:
        with db.session.begin_nested():
            db.session.add(incubatee)
    except IntegrityError:
        errors: dict[str, list] = {}
        _refuse_second_active(incubator, incubatee.enterprise_id, Outcome.ACTIVE.value, errors)
        raise IncubatorError(errors or {"cohort_id": [_l("This enterprise is already active in a cohort of this incubator.")]}) from None


def _record_pending(profile: dict, is_demo: bool) -> Enterprise:
    """A start-up unknown to the registry, recorded as a registration is: pending, waiting for its province's review."""
    enterprise = Enterprise(status=Status.PENDING, source="incubator", is_demo=is_demo)
    enterprises.apply_values(enterprise, profile)
    enterprises.save_enterprise(enterprise)
    flag_similar(enterprise)
    return enterprise


def update_incubatee(actor, incubator: Incubator, incubatee: Incubatee, values: dict) -> Incubatee:
    """Change an incubatee's cohort, dates, outcome or note (the enterprise stays the same)."""
    if actor is not None:
        require(actor, EDIT_INCUBATOR, incubator)
    errors: dict[str, list] = {}
    cohort = incubatee.cohort
    if values.get("cohort_id") not in (None, ""):
        found = db.session.get(Cohort, inputs.parse_id(values.get("cohort_id")) or 0)
        if found is None or found.incubator_id != incubator.id:
            errors["cohort_id"] = [_l("Choose one of this incubator's cohorts.")]
        else:
            cohort = found
    cleaned = _outcome_and_dates(values, cohort, incubator, errors)
    _refuse_second_active(incubator, incubatee.enterprise_id, cleaned["outcome"], errors, current=incubatee)
    if errors:
        raise IncubatorError(errors)
    incubatee.cohort_id = cohort.id
    incubatee.cohort = cohort
    for field, value in cleaned.items():
        setattr(incubatee, field, value)
    _store_placement(incubator, incubatee)
    return incubatee


# --- reference incubators -----------------------------------------------------------------------

def shipped_incubators() -> list[dict]:
    data = resources.files("registry.incubators").joinpath("data/reference-incubators.json").read_text(encoding="utf-8")
    return json.loads(data)["incubators"]


def load_reference_incubators() -> int:
    """Store the sourced reference incubators not stored yet; returns how many. Safe to repeat; a stored one is left as kept."""
    added = 0
    for entry in shipped_incubators():
        if find_by_code(entry["code"]) is None:
            create_incubator(None, {key: value for key, value in entry.items() if key in FIELDS}, code=entry["code"])
            added += 1
    return added
