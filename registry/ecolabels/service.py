"""Keep the eco-label register: record a certificate, suspend, reinstate or revoke it, each checked and audited.

Services never commit; a refusal raises a domain error with every problem at once, so nothing is half-written.
"""
from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, true

from registry import inputs
from registry.accounts.models import Role
from registry.accounts.permissions import require, reviewed_provinces
from registry.domain_errors import Conflict, Invalid, NotFound
from registry.enterprises import service as enterprises
from registry.enterprises.models import Enterprise, Status as EnterpriseStatus
from registry.enterprises.taxcode import TaxCodeError, format_tax_code, normalize_tax_code
from registry.extensions import db
from registry.incentives.service import read_date
from registry.text import fold

from .models import EcolabelCertificate, EcolabelEvent, Scheme
from .permissions import RECORD_LABEL, WITHDRAW_LABEL
from .status import EventKind, Status, default_valid_until

TEXT_FIELDS = {"number": 100, "criteria_code": 40, "product_group": 300, "product_name": 300, "product_model": 200,
               "issuer": 200, "legal_basis": 300}
FIELDS = (*TEXT_FIELDS, "scheme", "holder_tax_code", "issued_on", "valid_until")
DEFAULT_ISSUER = "Bộ Nông nghiệp và Môi trường"  # MONRE until 2025, merged into MAE (FACTS §0, §2)
LEGAL_BASIS = {
    Scheme.VN_ECOLABEL: "Luật Bảo vệ môi trường 2020, Điều 145; Nghị định 08/2022/NĐ-CP; Thông tư 02/2022/TT-BTNMT",
    Scheme.VN_GREEN_LABEL: "Thông tư 41/2013/TT-BTNMT",
    Scheme.OTHER: "",
}
SCHEME_MESSAGE = _l("Choose the scheme: Vietnam Ecolabel, Vietnam Green Label or another scheme.")
REASON_LIMIT = 2000
EARLIEST_ISSUE = date(2009, 1, 1)  # the Vietnam Green Label programme began in 2009; nothing was certified before
_SPACES = re.compile(r"\s+")


class CertificateError(Invalid):
    """Bad input for a certificate, as `{field: [messages]}`; `unknown_holder` is a well-formed tax code the registry lacks."""

    def __init__(self, errors: dict[str, list], unknown_holder: str | None = None):
        super().__init__(None, errors)
        self.unknown_holder = unknown_holder


def number_key(number: str) -> str:
    """A certificate number as compared for duplicates: case and spacing set aside ("12/QĐ-BTNMT" is "12 / qđ-btnmt")."""
    return _SPACES.sub("", number).upper()


def get_certificate(certificate_id: int) -> EcolabelCertificate | None:
    return db.session.get(EcolabelCertificate, certificate_id)


def visible_condition(viewer):
    """Which certificates `viewer` sees, as a condition on the holder (`Enterprise`): the one rule of the register, its pages,
    the certificate page, the API and the site search.

    Certificates of published holders are public; one of a holder awaiting review is seen by whoever sees that holder's
    record: the officers who review its province (its Department and the province's zone boards), its own representatives,
    and administrators.
    """
    published = Enterprise.status == EnterpriseStatus.PUBLISHED
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return published
    provinces = reviewed_provinces(viewer)
    if provinces is None:
        return true()
    represented = sorted({m.organization_id for m in viewer.memberships if m.role == Role.ENTERPRISE_REP})
    return or_(published, Enterprise.province_code.in_(sorted(provinces)), Enterprise.organization_id.in_(represented))


def visible_to(user, certificate: EcolabelCertificate) -> bool:
    """Tell whether `user` sees the certificate (see `visible_condition`)."""
    return visible_certificate_or_none(user, certificate.id) is not None


def visible_certificate_or_none(user, certificate_id: int) -> EcolabelCertificate | None:
    query = (select(EcolabelCertificate).join(EcolabelCertificate.enterprise)
             .where(EcolabelCertificate.id == certificate_id, visible_condition(user)))
    return db.session.scalar(query)


def visible_certificate(user, certificate_id: int) -> EcolabelCertificate:
    certificate = visible_certificate_or_none(user, certificate_id)
    if certificate is None:
        raise NotFound(_l("There is no eco-label certificate with id %(id)s.", id=certificate_id))
    return certificate


def find_holder(tax_code: str) -> Enterprise | None:
    """The registry's record for a tax code, followed to the record it was merged into."""
    enterprise = enterprises.find_by_tax_code(tax_code)
    while enterprise is not None and enterprise.status == EnterpriseStatus.MERGED and enterprise.merged_into_id:
        enterprise = db.session.get(Enterprise, enterprise.merged_into_id)
    return enterprise


def clean_certificate(values: dict, *, today: date | None = None) -> dict:
    """Check a certificate's fields and return the values to store, or raise CertificateError with every problem."""
    today = today or date.today()
    errors: dict[str, list] = {}
    cleaned: dict = {name: inputs.text(values.get(name), name, errors, limit) for name, limit in TEXT_FIELDS.items()}
    scheme = inputs.choice(values.get("scheme"), "scheme", errors, Scheme, SCHEME_MESSAGE)
    if scheme is None and "scheme" not in errors:
        errors["scheme"] = [SCHEME_MESSAGE]
    cleaned["scheme"] = scheme.value if scheme else None
    for name, message in (("number", _l("Give the certificate number, as the certification decision writes it.")),
                          ("product_name", _l("Name the certified product."))):
        if not cleaned[name] and name not in errors:
            errors[name] = [message]
    cleaned["issuer"] = cleaned["issuer"] or DEFAULT_ISSUER
    cleaned["legal_basis"] = cleaned["legal_basis"] or (LEGAL_BASIS[scheme] if scheme else "")
    unknown = None
    raw_tax_code = inputs.text(values.get("holder_tax_code"), "holder_tax_code", errors, 20)
    if not raw_tax_code and "holder_tax_code" not in errors:
        errors["holder_tax_code"] = [_l("Give the holder's tax code (mã số thuế).")]
    elif raw_tax_code:
        try:
            tax_code = normalize_tax_code(raw_tax_code)
        except TaxCodeError as error:
            errors["holder_tax_code"] = [error.message]
        else:
            holder = find_holder(tax_code)
            if holder is None:
                unknown = tax_code
                errors["holder_tax_code"] = [_l("No enterprise with the tax code %(code)s is in the registry; register it first "
                                                "(it waits, pending, for review).", code=format_tax_code(tax_code))]
            else:
                cleaned["enterprise"] = holder
    issued_on = read_date(values.get("issued_on"), "issued_on", errors)
    if issued_on is None and "issued_on" not in errors:
        errors["issued_on"] = [_l("Give the date of issue.")]
    elif issued_on is not None and not EARLIEST_ISSUE <= issued_on <= today:
        errors["issued_on"] = [_l("The date of issue must lie between %(first)s and today.", first=EARLIEST_ISSUE.isoformat())]
    valid_until = read_date(values.get("valid_until"), "valid_until", errors)
    if issued_on is not None and "issued_on" not in errors:
        if valid_until is None and "valid_until" not in errors:
            valid_until = default_valid_until(issued_on)
        elif valid_until is not None and valid_until < issued_on:
            errors["valid_until"] = [_l("The validity end cannot come before the date of issue (%(day)s).", day=issued_on.isoformat())]
    cleaned["issued_on"], cleaned["valid_until"] = issued_on, valid_until
    if cleaned["number"] and scheme and "number" not in errors:
        held = db.session.scalar(select(EcolabelCertificate.id).where(EcolabelCertificate.scheme == scheme.value,
                                                                       EcolabelCertificate.number_key == number_key(cleaned["number"])))
        if held is not None:
            errors["number"] = [_l("A certificate numbered “%(number)s” is already recorded in this scheme.", number=cleaned["number"])]
    if errors:
        raise CertificateError(errors, unknown)
    return cleaned


def _folded(certificate: EcolabelCertificate) -> str:
    holder = certificate.enterprise
    return " " + fold(" ".join([certificate.number, certificate.criteria_code, certificate.product_group, certificate.product_name,
                                 certificate.product_model, holder.name_vi, holder.short_name or "", holder.tax_code])) + " "


def record_certificate(actor, values: dict, *, is_demo: bool = False, today: date | None = None) -> EcolabelCertificate:
    """Record a certificate of a holder in the registry; `actor` None is the command line or the demo data."""
    today = today or date.today()
    cleaned = clean_certificate(values, today=today)
    holder = cleaned.pop("enterprise")
    if actor is not None:
        require(actor, RECORD_LABEL, holder)
    certificate = EcolabelCertificate(**cleaned, number_key=number_key(cleaned["number"]), enterprise=holder, is_demo=is_demo)
    certificate.status = certificate.status_on(today).value
    certificate.search_folded = _folded(certificate)
    db.session.add(certificate)
    db.session.flush()
    return certificate


HOLDER_FIELDS = ("holder_name", "holder_province")  # with the tax code, what registers a holder the registry lacks
_HOLDER_ERRORS = {"tax_code": "holder_tax_code", "name_vi": "holder_name", "province_code": "holder_province"}


def register_unknown_holder(actor, values: dict) -> Enterprise | None:
    """Register the holder named by `values` (`holder_tax_code`, `holder_name`, `holder_province`) as a pending enterprise when the
    registry lacks its tax code (the form's and the API's answer to an unknown holder); None when it is known already.

    Errors are named by the certificate's own fields; nothing is kept of a refusal (the request writes nothing).
    """
    errors: dict[str, list] = {}
    name = inputs.text(values.get("holder_name"), "holder_name", errors, 300)
    province = inputs.text(values.get("holder_province"), "holder_province", errors, 10)
    if not name and "holder_name" not in errors:
        errors["holder_name"] = [_l("Give the holder's name to register it.")]
    tax_code = None
    try:
        tax_code = normalize_tax_code(str(values.get("holder_tax_code") or ""))
    except TaxCodeError as error:
        errors["holder_tax_code"] = [error.message]
    if tax_code is not None and find_holder(tax_code) is not None:
        return None
    if errors:
        raise CertificateError(errors, tax_code)
    try:
        return register_holder(actor, tax_code, name, province)
    except Invalid as error:
        raise CertificateError({_HOLDER_ERRORS.get(field, "holder_name"): messages for field, messages in error.errors.items()},
                               tax_code) from None


def record_with_new_holder(actor, values: dict, **options) -> EcolabelCertificate:
    """Record a certificate whose holder the registry may lack: it is first registered pending (`register_unknown_holder`);
    a refusal names every problem of the holder and the certificate at once."""
    try:
        register_unknown_holder(actor, values)
    except CertificateError as refused:
        try:
            clean_certificate(values)
        except CertificateError as other:
            if other.unknown_holder:
                other.errors.pop("holder_tax_code", None)  # unknown, and being registered
            raise CertificateError({**other.errors, **refused.errors}, refused.unknown_holder) from None
        raise
    return record_certificate(actor, values, **options)


def register_holder(actor, tax_code: str, name_vi: str, province_code: str) -> Enterprise:
    """Create (`actor` None: from the command line) a holder the registry lacks as a PENDING enterprise, through the enterprises' own checks, for its province to review."""
    cleaned = enterprises.clean_profile({"tax_code": tax_code, "name_vi": name_vi, "province_code": province_code})
    if actor is not None:  # after the profile is read, so that a missing or unknown province is named, not refused
        require(actor, RECORD_LABEL, Enterprise(province_code=cleaned["province_code"]))
    enterprise = Enterprise(status=EnterpriseStatus.PENDING, source="ecolabel register")
    enterprises.apply_values(enterprise, cleaned)
    enterprises.save_enterprise(enterprise)
    return enterprise


# --- withdrawals ---------------------------------------------------------------------------------

def _locked(certificate: EcolabelCertificate) -> EcolabelCertificate:
    """Read the certificate again under a row lock, so two officers deciding at once act one after the other."""
    db.session.execute(select(EcolabelCertificate.id).where(EcolabelCertificate.id == certificate.id).with_for_update())
    db.session.refresh(certificate)  # its decisions as the lock holder before us left them
    return certificate


def _decision(values: dict, certificate: EcolabelCertificate, today: date) -> tuple[date, str, str]:
    errors: dict[str, list] = {}
    reason = inputs.text(values.get("reason"), "reason", errors, REASON_LIMIT)
    document = inputs.text(values.get("document"), "document", errors, 200)
    if not reason and "reason" not in errors:
        errors["reason"] = [_l("Give the reason, as the deciding document states it.")]
    day = read_date(values.get("effective_on"), "effective_on", errors) or (None if "effective_on" in errors else today)
    if day is not None:
        latest = max([certificate.issued_on, *(e.effective_on for e in certificate.events)])
        if day > today:
            errors["effective_on"] = [_l("Record a decision once it is taken: the date cannot be after today.")]
        elif day < latest:
            errors["effective_on"] = [_l("The date cannot come before %(day)s (the issue or the last decision recorded).", day=latest.isoformat())]
    if errors:
        raise Invalid(None, errors)
    return day, reason, document


def _decide(actor, certificate: EcolabelCertificate, kind: EventKind, values: dict, today: date | None) -> EcolabelCertificate:
    today = today or date.today()
    if actor is not None:
        require(actor, WITHDRAW_LABEL, certificate.enterprise)
    certificate = _locked(certificate)
    current = certificate.status_on(today)
    if current == Status.REVOKED:
        message = (_l("A revoked certificate cannot be reinstated: the holder needs a new certificate.") if kind == EventKind.REINSTATED
                   else _l("This certificate is revoked already."))
        raise Conflict(message)
    if kind == EventKind.SUSPENDED and current == Status.SUSPENDED:
        raise Conflict(_l("This certificate is suspended already."))
    if kind == EventKind.REINSTATED and current != Status.SUSPENDED:
        raise Conflict(_l("Only a suspended certificate can be reinstated."))
    day, reason, document = _decision(values, certificate, today)
    certificate.events.append(EcolabelEvent(kind=kind.value, effective_on=day, reason=reason, document=document))
    certificate.status = certificate.status_on(today).value
    db.session.flush()
    return certificate


def suspend(actor, certificate: EcolabelCertificate, values: dict, *, today: date | None = None) -> EcolabelCertificate:
    """Suspend a certificate from a day, with the reason and the deciding document."""
    return _decide(actor, certificate, EventKind.SUSPENDED, values, today)


def reinstate(actor, certificate: EcolabelCertificate, values: dict, *, today: date | None = None) -> EcolabelCertificate:
    """Lift a suspension; a revoked certificate is never reinstated (a new certificate is needed)."""
    return _decide(actor, certificate, EventKind.REINSTATED, values, today)


def revoke(actor, certificate: EcolabelCertificate, values: dict, *, today: date | None = None) -> EcolabelCertificate:
    """Revoke a certificate for good, with the reason and the deciding document."""
    return _decide(actor, certificate, EventKind.REVOKED, values, today)


DECISIONS = {"suspend": suspend, "reinstate": reinstate, "revoke": revoke}
