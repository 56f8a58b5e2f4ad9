"""Create, validate and change enterprise records; the same functions serve pages, API, CLI and imports."""
from __future__ import annotations

import re
from datetime import date

from email_validator import EmailNotValidError
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from registry import inputs
from registry.accounts import service as accounts
from registry.accounts.models import Membership, Organization, OrgKind, Role, User
from registry.accounts.permissions import PermissionDenied, can, require
from registry.audit.models import utcnow
from registry.catalog import service as catalog
from registry.catalog.models import CatalogNode
from registry.domain_errors import Conflict, Invalid
from registry.extensions import db
from registry.places import successors
from registry.places.service import UnknownPlace, get_commune, get_province
from registry.enterprises import index as search
from registry.transactions import conflict_if_stale

from .addresses import normalized_email
from .changes import changed_fields
from .duplicates import flag_similar
from .permissions import CREATE_ENTERPRISE, EDIT_ENTERPRISE, REGISTER_ENTERPRISE, REVIEW_ENTERPRISE
from .placement import place
from .models import Certificate, Enterprise, EnterpriseItem, PendingChange, Relation, SizeClass, Status
from .taxcode import TaxCodeError, normalize_tax_code

# Latitude and longitude bounds that hold the mainland and the islands, with a margin.
VIETNAM_BOUNDS = {"latitude": (6.0, 23.6), "longitude": (102.0, 117.9)}
TEXT_LIMITS = {
    "name_vi": 300, "name_en": 300, "short_name": 120, "address": 500, "website": 300,
    "phone": 40, "contact_name": 200, "description": 5000, "source": 200,
}
CERTIFICATE_TEXTS = {"name": 200, "number": 100, "issuer": 200}
PROFILE_FIELDS = (
    "tax_code", "name_vi", "name_en", "short_name", "province_code", "commune_code", "address", "latitude",
    "longitude", "size_class", "founded_year", "staff", "website", "email", "phone", "contact_name",
    "description", "national_brand", "items", "certificates",
)
_PHONE = re.compile(r"^[0-9+().\s-]{6,40}$")


class EnterpriseError(Invalid):
    """Bad input for an enterprise, as `{field: [messages]}`; `existing` is the record a duplicate tax code belongs to."""

    def __init__(self, errors: dict[str, list], existing: Enterprise | None = None):
        super().__init__(None, errors)
        self.existing = existing


class EditConflict(Conflict):
    """Someone else saved the record after this edit began (from `version`, when the editor said which they read)."""

    def __init__(self, version: int | None = None):
        super().__init__(_l("The record changed since version %(version)s; read it again.", version=version) if version is not None
                         else _l("Someone else saved this record while you were editing it; nothing was changed. Read it again."))


def find_by_tax_code(tax_code: str) -> Enterprise | None:
    return db.session.scalar(db.select(Enterprise).where(Enterprise.tax_code == tax_code))


def get_enterprise(enterprise_id: int) -> Enterprise | None:
    """Load a record with its items, certificates and zone in one query (every caller shows or checks them)."""
    return db.session.get(Enterprise, enterprise_id, options=[
        joinedload(Enterprise.items), joinedload(Enterprise.certificates), joinedload(Enterprise.zone),
    ])


def visible_to(user: User | None, enterprise: Enterprise) -> bool:
    """Tell whether `user` may see the record: anyone a published one, only its editors any other (pages and API alike)."""
    return enterprise.status == Status.PUBLISHED or can(user, EDIT_ENTERPRISE, enterprise)


class ProfileLookups:
    """Where `clean_profile` finds records, places and catalog items: the database, one query each.

    An import passes a subclass that answers from lookups loaded once for the whole file.
    """

    def __init__(self) -> None:
        self._version = None

    def enterprise_by_tax_code(self, tax_code: str) -> Enterprise | None:
        return find_by_tax_code(tax_code)

    def province(self, code):
        return get_province(code)

    def commune(self, code, province):
        return get_commune(code, province)

    def successors(self, province_code: str, name: str) -> list[successors.Successor]:
        """The 2025 communes a pre-2025 commune's name became, [] when it is not one."""
        return successors.successors_of(province_code, name)

    def successor_answer(self, province_code: str, name: str, values: dict, offered: list[successors.Successor]) -> str | None:
        """The successor the person chose (the form's `commune_successor`), None when none; Invalid when not offered."""
        return successors.chosen_successor(offered, values.get("commune_successor"), name)

    def read_once(self, part: str, value, read, errors: dict):
        """What `read(errors)` makes of `value`: here read each time; an import's lookups read each value of a file once."""
        return read(errors)

    def catalog_node(self, code: str):
        if self._version is None:
            self._version = catalog.current_version()
        return catalog.get_node(self._version, code) if self._version and code else None


_WHOLE_NUMBER = _l("Enter a whole number.")
_DEGREES = _l("Enter a decimal number of degrees, such as 15.40.")


def _integer(values: dict, field: str, errors: dict, low: int, high: int) -> int | None:
    """Read a whole number; dots and commas are thousands separators (“1.200” staff)."""
    return inputs.number(values.get(field), field, errors, low, high, whole=True, grouping=".,", kinds=(int, float, str),
                         not_a_number=_WHOLE_NUMBER,
                         out_of_range=lambda low, high: _l("Enter a number from %(low)d to %(high)d.", low=low, high=high))


def _coordinate(values: dict, field: str, errors: dict) -> float | None:
    """Read degrees with a decimal point or comma, inside Vietnam's bounds."""
    low, high = VIETNAM_BOUNDS[field]
    return inputs.number(values.get(field), field, errors, low, high, kinds=(int, float, str),
                         not_a_number=_DEGREES,
                         out_of_range=lambda low, high: _l("This point is outside Vietnam (%(low)s to %(high)s).", low=low, high=high))


def _entries(values: dict, field: str, errors: dict, message) -> list[dict]:
    """Return `values[field]` as a list of JSON objects, or note `message` when it is something else."""
    entries = values.get(field) or []
    if not isinstance(entries, (list, tuple)) or not all(isinstance(entry, dict) for entry in entries):
        errors.setdefault(field, []).append(message)
        return []
    return list(entries)


_ITEMS_SHAPE = _l("Give the items as a list of objects such as {“code”: “A.01”, “relation”: “manufactures”}.")
_CERTIFICATES_SHAPE = _l("Give the certificates as a list of objects such as {“name”: “ISO 14001:2015”, “number”: “…”}.")
_RELATIONS = frozenset(relation.value for relation in Relation)


def _items(values: dict, errors: dict, lookups: ProfileLookups) -> list[tuple[int, Relation]]:
    """Resolve `items` given as [{"code": "A.01", "relation": "manufactures"}] against the current catalog."""
    links, seen = [], set()
    for entry in _entries(values, "items", errors, _ITEMS_SHAPE):
        code = inputs.text(entry.get("code"), "items", errors, 50)
        node = lookups.catalog_node(code) if code else None
        if node is None:
            errors.setdefault("items", []).append(_l("There is no catalog item “%(code)s”.", code=code))
            continue
        raw = entry.get("relation")
        if isinstance(raw, str) and raw in _RELATIONS:  # the usual case, answered without making the refusal's message
            relation = Relation(raw)
        else:
            message = _l("“%(relation)s” is not a relation; use manufactures, supplies, services or uses.", relation=raw)
            relation = inputs.choice(raw, "items", errors, Relation, message, Relation.SUPPLIES)
        if relation is None:
            continue
        if (node.id, relation) not in seen:
            seen.add((node.id, relation))
            links.append((node.id, relation))
    return links


def _certificates(values: dict, errors: dict) -> list[dict]:
    cleaned = []
    for index, entry in enumerate(_entries(values, "certificates", errors, _CERTIFICATES_SHAPE)):
        texts = {key: inputs.text(entry.get(key), f"certificates[{index}].{key}", errors, limit) for key, limit in CERTIFICATE_TEXTS.items()}
        if not texts["name"]:
            if f"certificates[{index}].name" not in errors:
                errors.setdefault("certificates", []).append(_l("Every certificate needs a name, such as ISO 14001:2015."))
            continue
        dates = {}
        for key in ("issued_on", "expires_on"):
            raw = entry.get(key)
            try:
                dates[key] = raw if isinstance(raw, date) or not raw else date.fromisoformat(str(raw))
            except ValueError:
                errors.setdefault("certificates", []).append(_l("Write dates as YYYY-MM-DD, such as 2025-07-01."))
                dates[key] = None
        cleaned.append(
            {**texts, **dates}
        )
    return cleaned


def clean_profile(
    values: dict, *, current: Enterprise | None = None, partial: bool = False, lookups: ProfileLookups | None = None
) -> dict:
    """Validate an enterprise profile and return its stored values, or raise EnterpriseError with every problem.

    With `partial`, only the fields present in `values` are checked and returned (PATCH).
    """
    lookups = lookups or ProfileLookups()
    errors: dict[str, list] = {}
    present = set(values) if partial else set(PROFILE_FIELDS)
    cleaned, existing = _clean_tax_code(values, present, current, lookups, errors)
    cleaned.update(_clean_contact(values, present, lookups, errors))
    cleaned.update(_clean_place(values, present, current, lookups, errors))
    cleaned.update(_clean_figures(values, present, errors))
    if "items" in present:
        cleaned["items"] = lookups.read_once("items", values.get("items"), lambda own: _items(values, own, lookups), errors)
    if "certificates" in present:
        cleaned["certificates"] = lookups.read_once("certificates", values.get("certificates"), lambda own: _certificates(values, own),
                                                    errors)
    if errors:
        raise EnterpriseError(errors, existing)
    return cleaned


def _clean_tax_code(values: dict, present: set, current: Enterprise | None, lookups: ProfileLookups, errors: dict):
    """Read the tax code and return it with the other record that already holds it, if any."""
    if "tax_code" not in present:
        return {}, None
    try:
        tax_code = normalize_tax_code(values.get("tax_code"))
    except TaxCodeError as error:
        errors["tax_code"] = [error.message]
        return {}, None
    existing = lookups.enterprise_by_tax_code(tax_code)
    if existing is None or existing is current:
        return {"tax_code": tax_code}, None
    errors["tax_code"] = [_l("An enterprise with this tax code is already registered: %(name)s.", name=existing.name_vi)]
    return {"tax_code": tax_code}, existing


def _clean_contact(values: dict, present: set, lookups: ProfileLookups, errors: dict) -> dict:
    """Read names, address, description and the ways to reach the enterprise."""
    cleaned = {}
    for field in ("name_vi", "name_en", "short_name", "address", "website", "phone", "contact_name", "description"):
        if field == "website" and field in present:
            website = values.get(field)
            cleaned[field] = lookups.read_once(field, website, lambda own: inputs.web_address(website, "website", own, TEXT_LIMITS["website"]),
                                               errors)
        elif field in present:
            cleaned[field] = inputs.text(values.get(field), field, errors, TEXT_LIMITS[field])
    if "name_vi" in present and not cleaned["name_vi"] and "name_vi" not in errors:
        errors["name_vi"] = [_l("This field is required.")]
    if cleaned.get("phone") and not _PHONE.match(cleaned["phone"]):
        errors.setdefault("phone", []).append(_l("Write the phone number with digits, spaces, + ( ) . or -."))
    if "email" in present:
        cleaned["email"] = lookups.read_once("email", values.get("email"), lambda own: _email(values.get("email"), own), errors)
    return cleaned


def _email(raw, errors: dict) -> str:
    email = inputs.text(raw, "email", errors, 254)
    if email:
        try:
            email = normalized_email(email)
        except EmailNotValidError:
            errors.setdefault("email", []).append(_l("Enter an e-mail address such as name@example.vn."))
    return email


def _clean_place(values: dict, present: set, current: Enterprise | None, lookups: ProfileLookups, errors: dict) -> dict:
    """Read the province, the commune in it, and the point (both coordinates or neither)."""
    cleaned: dict = {}
    province = None
    if "province_code" in present or "commune_code" in present:
        province_code = values.get("province_code", current.province_code if current else None)
        try:
            province = lookups.province(province_code)
            cleaned["province_code"] = province.code
        except UnknownPlace as error:
            errors["province_code"] = [str(error) if province_code else _l("Choose the province.")]
    if "commune_code" in present:
        commune_code = values.get("commune_code")
        cleaned["commune_code"] = None
        if commune_code not in (None, "") and province is not None:
            try:
                cleaned["commune_code"] = lookups.commune(commune_code, province).code
            except UnknownPlace as error:
                named = not str(commune_code).strip().isdigit()
                became = lookups.successors(province.code, str(commune_code)) if named else []
                if became:
                    try:
                        cleaned["commune_code"] = lookups.successor_answer(province.code, str(commune_code), values, became)
                    except Invalid as refusal:
                        errors["commune_code"] = [refusal.message]
                    else:
                        if cleaned["commune_code"] is None:
                            errors["commune_code"] = [successors.describe_successors(str(commune_code), became)]
                else:
                    errors["commune_code"] = [
                        _l("No commune, ward or special zone called “%(name)s” is in %(province)s.", name=commune_code, province=province.name_vi)
                        if named else str(error)
                    ]
    for field in ("latitude", "longitude"):
        if field in present:
            cleaned[field] = _coordinate(values, field, errors)
    if "latitude" in cleaned and "longitude" in cleaned and (cleaned["latitude"] is None) != (cleaned["longitude"] is None):
        errors.setdefault("longitude", []).append(_l("Give both latitude and longitude, or neither."))
    return cleaned


_SIZE_CHOICES = _l("Choose micro, small, medium or large.")


def _clean_figures(values: dict, present: set, errors: dict) -> dict:
    """Read the size class, year founded, staff and the National Brand mark."""
    cleaned = {}
    if "size_class" in present:
        cleaned["size_class"] = inputs.choice(values.get("size_class"), "size_class", errors, SizeClass, _SIZE_CHOICES)
    if "founded_year" in present:
        cleaned["founded_year"] = _integer(values, "founded_year", errors, 1900, date.today().year)
    if "staff" in present:
        cleaned["staff"] = _integer(values, "staff", errors, 0, 1_000_000)
    if "national_brand" in present:
        cleaned["national_brand"] = bool(inputs.yes_no(values.get("national_brand"), "national_brand", errors))
    return cleaned


def apply_values(enterprise: Enterprise, cleaned: dict) -> None:
    for field, value in cleaned.items():
        if field == "items":
            wanted = set(value)
            enterprise.items = [link for link in enterprise.items if (link.node_id, link.relation) in wanted]
            have = {(link.node_id, link.relation) for link in enterprise.items}
            enterprise.items.extend(
                EnterpriseItem(node=db.session.get(CatalogNode, n), relation=r) for n, r in value if (n, r) not in have
            )
        elif field == "certificates":
            enterprise.certificates = [Certificate(**c) for c in value]
        else:
            setattr(enterprise, field, value)


def save_enterprise(enterprise: Enterprise) -> None:
    """Refresh the folded text and zone, flush once (one audit entry), then index the record under its id."""
    search.refresh(enterprise)
    place(enterprise)
    db.session.add(enterprise)
    db.session.flush()
    search.write_to_index(enterprise)


def create_enterprise(actor: User | None, values: dict, *, source: str = "", is_demo: bool = False, check_similar: bool = True) -> Enterprise:
    """Record an enterprise as an officer (published at once) or from the command line (`actor` None)."""
    cleaned = clean_profile(values)
    if actor is not None:
        require(actor, CREATE_ENTERPRISE, get_province(cleaned["province_code"]))
    enterprise = Enterprise(status=Status.PUBLISHED, published_at=utcnow(), source=source[:200], is_demo=is_demo)
    apply_values(enterprise, cleaned)
    save_enterprise(enterprise)
    if check_similar:
        flag_similar(enterprise)
    return enterprise


def represented_enterprises(user: User) -> list[Enterprise]:
    ids = [m.organization_id for m in user.memberships if m.role == Role.ENTERPRISE_REP]
    if not ids:
        return []
    return list(db.session.scalars(db.select(Enterprise).where(Enterprise.organization_id.in_(ids), Enterprise.status != Status.MERGED)))


def give_representation(user: User, enterprise: Enterprise) -> None:
    """Make `user` a representative of `enterprise`, creating the enterprise's organization if needed."""
    if enterprise.organization is None:
        name = enterprise.name_vi
        if accounts.find_organization(name) is not None:
            name = f"{name} ({enterprise.tax_code_display})"
        enterprise.organization = Organization(name=name[:200], kind=OrgKind.ENTERPRISE, province_code=enterprise.province_code, is_demo=enterprise.is_demo)
        db.session.add(enterprise.organization)
        db.session.flush()
    if not any(m.organization_id == enterprise.organization.id and m.role == Role.ENTERPRISE_REP for m in user.memberships):
        user.memberships.append(Membership(organization=enterprise.organization, role=Role.ENTERPRISE_REP))
    db.session.flush()


def register_enterprise(user: User, values: dict) -> Enterprise:
    """Register a profile as its representative; it waits, pending, for an officer of its province."""
    require(user, REGISTER_ENTERPRISE)
    cleaned = clean_profile(values)
    enterprise = Enterprise(status=Status.PENDING, source="registration")
    apply_values(enterprise, cleaned)
    save_enterprise(enterprise)
    give_representation(user, enterprise)
    flag_similar(enterprise)
    return enterprise


def update_enterprise(actor: User, enterprise: Enterprise, values: dict, *, expected_version: int | None = None, partial: bool = False):
    """Change a profile: officers directly; a representative's edit to a published or suspended profile waits for review.

    A suspended profile was published once and is published again by an officer's approval, so an
    edit made meanwhile must not ride along unreviewed.

    Returns the enterprise, or the PendingChange created for review. Raises EditConflict when
    `expected_version` shows someone saved in between.
    """
    require(actor, EDIT_ENTERPRISE, enterprise)
    if expected_version is not None and expected_version != enterprise.version:
        raise EditConflict(expected_version)
    cleaned = clean_profile(values, current=enterprise, partial=partial)
    moving = "province_code" in cleaned and cleaned["province_code"] != enterprise.province_code
    if moving and not can(actor, CREATE_ENTERPRISE, get_province(cleaned["province_code"])):
        raise PermissionDenied(_l("Only an officer of the new province can move an enterprise there."))
    if not can(actor, REVIEW_ENTERPRISE, enterprise) and enterprise.status in {Status.PUBLISHED, Status.SUSPENDED}:
        changes = changed_fields(enterprise, cleaned)
        if not changes:
            return enterprise
        change = PendingChange(enterprise=enterprise, submitted_by_id=actor.id, changes=changes)
        db.session.add(change)
        db.session.flush()
        return change
    if not can(actor, REVIEW_ENTERPRISE, enterprise) and enterprise.status in {Status.REJECTED, Status.PENDING}:
        enterprise.status = Status.PENDING
        enterprise.changes_requested = False
    apply_values(enterprise, cleaned)
    with conflict_if_stale(lambda: EditConflict(expected_version)):
        save_enterprise(enterprise)
    return enterprise
