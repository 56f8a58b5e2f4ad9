"""Keep incentive policies: check their fields, who may change them, and load the national rules shipped with the registry."""
from __future__ import annotations

import json
import secrets
from datetime import date
from importlib import resources

from flask_babel import lazy_gettext as _l

from registry import inputs
from registry.accounts.permissions import can, require
from registry.audit.models import AuditEntry
from registry.confidence import Confidence
from registry.domain_errors import Invalid, NotFound
from registry.extensions import db
from registry.places.service import UnknownPlace, get_province
from registry.text import fold

from .models import AreaClass, IncentivePolicy, Instrument, PolicyStatus, SectorClass
from .permissions import EDIT_POLICY
from .wording import INSTRUMENT_MESSAGE

TEXT_FIELDS = {"title_vi": 300, "title_en": 300, "legal_basis": 300, "article": 200, "source": 500, "note_vi": 5000, "note_en": 5000}
MAX_CAPITAL_VND = 10**16  # ten million billion đồng: far above any project, within a BIGINT
MAX_JOBS = 1_000_000
MAX_LEVEL = 1000
# The benefit's parameters: numbers in their ranges (percent or years), and yes/no flags.
BENEFIT_NUMBERS = {
    "rate": (0, 100), "rate_years": (0, 99), "exempt_years": (0, 99), "reduce50_years": (0, 99),
    "exempt_rent_years": (0, 99), "construction_exempt_years": (0, 99), "reduction_pct": (0, 100), "support_pct": (0, 100),
}
BENEFIT_FLAGS = ("whole_term", "fixed_assets_exempt", "inputs_not_domestic")
FIELDS = (*TEXT_FIELDS, "code", "instrument", "sector_class", "area_classes", "min_capital_vnd", "min_jobs", "new_project_only",
          "province_code", "benefit", "effective_from", "effective_to", "level", "confidence", "status")
DATE_MESSAGE = _l("Write dates as YYYY-MM-DD, such as 2005-03-11.")
CODE_MESSAGE = _l("Use small letters, digits and hyphens, such as vn-cit-2025-dbkk.")


class PolicyError(Invalid):
    """Bad input for a policy, as `{field: [messages]}`."""

    def __init__(self, errors: dict[str, list]):
        super().__init__(None, errors)


def get_policy(policy_id: int) -> IncentivePolicy | None:
    return db.session.get(IncentivePolicy, policy_id)


def find_by_code(code: str) -> IncentivePolicy | None:
    return db.session.scalar(db.select(IncentivePolicy).where(IncentivePolicy.code == code))


def may_edit(user, policy) -> bool:
    return can(user, EDIT_POLICY, policy)


def visible_to(user, policy: IncentivePolicy) -> bool:
    """Published policies are public; a draft is seen by those who may change it."""
    return policy.status == PolicyStatus.PUBLISHED or may_edit(user, policy)


def visible_policy(user, policy_id: int) -> IncentivePolicy:
    """The policy with this id as `user` may see it, else NotFound (a draft one may not see is not there)."""
    policy = get_policy(policy_id)
    if policy is None or not visible_to(user, policy):
        raise NotFound(_l("There is no incentive policy with id %(id)s.", id=policy_id))
    return policy


def clean_policy(values: dict, *, current: IncentivePolicy | None = None, partial: bool = False) -> dict:
    """Check a policy's fields and return the values to store, or raise PolicyError with every problem at once."""
    errors: dict[str, list] = {}
    present = set(values) if partial else set(values) | set(FIELDS)
    cleaned: dict = {}
    for field, limit in TEXT_FIELDS.items():
        if field in present:
            cleaned[field] = inputs.text(values.get(field), field, errors, limit)
    for field, message in (("title_vi", _l("Give the policy a name in Vietnamese.")),
                           ("legal_basis", _l("Name the legal basis: the number of the law, decree or decision."))):
        if field in cleaned and not cleaned[field] and field not in errors:
            errors[field] = [message]
    if "code" in present and values.get("code") not in (None, ""):
        cleaned["code"] = _code(values.get("code"), current, errors)
    _clean_choices(values, present, not partial, errors, cleaned)
    if "area_classes" in present:
        cleaned["area_classes"] = _area_classes(values.get("area_classes"), errors)
    if "min_capital_vnd" in present:
        cleaned["min_capital_vnd"] = inputs.number(values.get("min_capital_vnd"), "min_capital_vnd", errors, 0, MAX_CAPITAL_VND,
                                                   whole=True, grouping=" .")
    if "min_jobs" in present:
        cleaned["min_jobs"] = inputs.number(values.get("min_jobs"), "min_jobs", errors, 0, MAX_JOBS, whole=True, grouping=" .")
    if "level" in present:
        cleaned["level"] = inputs.number(values.get("level"), "level", errors, 0, MAX_LEVEL, whole=True) or 0
    if "new_project_only" in present:
        cleaned["new_project_only"] = bool(inputs.yes_no(values.get("new_project_only"), "new_project_only", errors))
    if "province_code" in present:
        cleaned["province_code"] = _province(values.get("province_code"), errors)
    if "benefit" in present:
        cleaned["benefit"] = clean_benefit(values.get("benefit"), errors)
    for field in ("effective_from", "effective_to"):
        if field in present:
            cleaned[field] = read_date(values.get(field), field, errors)
    _check_dates(cleaned, current, errors)
    if errors:
        raise PolicyError(errors)
    return cleaned


def _code(raw, current: IncentivePolicy | None, errors: dict) -> str | None:
    code = inputs.text(raw, "code", errors, 80).lower()
    if "code" in errors:
        return None
    if not code or any(not (ch.isascii() and (ch.isalnum() or ch == "-")) for ch in code):
        errors["code"] = [CODE_MESSAGE]
        return None
    held = find_by_code(code)
    if held is not None and (current is None or held.id != current.id):
        errors["code"] = [_l("Another policy has the code “%(code)s”.", code=code)]
        return None
    return code


def _clean_choices(values: dict, present: set, whole: bool, errors: dict, cleaned: dict) -> None:
    """Read the instrument (required), the sector class, the confidence and the status, each from its list (a whole policy: with defaults)."""
    new = whole
    for field, kind, message, default in (
        ("instrument", Instrument, INSTRUMENT_MESSAGE, None),
        ("sector_class", SectorClass, _l("Choose one of the sector classes."), SectorClass.ANY if new else None),
        ("confidence", Confidence, _l("Choose a confidence: H, M-H, M, L-M or L."), Confidence.M if new else None),
        ("status", PolicyStatus, _l("Choose published or draft."), PolicyStatus.PUBLISHED if new else None),
    ):
        if field in present:
            chosen = inputs.choice(values.get(field), field, errors, kind, message, default)
            if chosen is None and field not in errors:
                errors[field] = [message]
            cleaned[field] = chosen.value if chosen is not None else None


def _area_classes(raw, errors: dict) -> list[str]:
    codes = inputs.code_list(raw, "area_classes", errors)
    allowed = {a.value for a in AreaClass}
    unknown = [code for code in codes if code not in allowed]
    if unknown:
        errors.setdefault("area_classes", []).append(_l("“%(codes)s” is not an area class; use %(allowed)s.", codes=", ".join(unknown),
                                                        allowed=", ".join(allowed)))
    return [a.value for a in AreaClass if a.value in codes]


def _province(raw, errors: dict) -> str | None:
    if raw in (None, "", "national"):
        return None
    try:
        return get_province(raw).code
    except UnknownPlace as error:
        errors["province_code"] = [str(error)]
        return None


def clean_benefit(raw, errors: dict) -> dict:
    """Read the benefit's parameters: each a number in its range or a yes/no flag; unknown ones are refused."""
    if raw in (None, ""):
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raw = None
    if not isinstance(raw, dict):
        errors["benefit"] = [_l("Give the benefit as an object of parameters, such as {\"rate\": 10, \"rate_years\": 15}.")]
        return {}
    unknown = sorted(str(key) for key in raw if key not in BENEFIT_NUMBERS and key not in BENEFIT_FLAGS)
    if unknown:
        errors.setdefault("benefit", []).append(_l("Unknown benefit parameter(s) %(keys)s; use %(allowed)s.", keys=", ".join(unknown),
                                                   allowed=", ".join([*BENEFIT_NUMBERS, *BENEFIT_FLAGS])))
    benefit = {}
    for key, (low, high) in BENEFIT_NUMBERS.items():
        if raw.get(key) is not None:
            found: dict = {}
            value = inputs.number(raw[key], key, found, low, high)
            if found:
                errors.setdefault("benefit", []).extend(_l("%(parameter)s: %(message)s", parameter=key, message=m) for m in found[key])
            elif value is not None:
                benefit[key] = int(value) if float(value).is_integer() else value
    for key in BENEFIT_FLAGS:
        if key in raw:
            found = {}
            flag = inputs.yes_no(raw[key], key, found)
            if found:
                errors.setdefault("benefit", []).append(_l("%(parameter)s: %(message)s", parameter=key, message=found[key][0]))
            elif flag:
                benefit[key] = True
    return benefit


def read_date(raw, field: str, errors: dict) -> date | None:
    """Read a date given as a date, YYYY-MM-DD or DD/MM/YYYY (as Vietnamese decisions write them); nothing given is None."""
    if raw is None or isinstance(raw, str) and not raw.strip():
        return None
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        try:
            if "/" in text:
                day, month, year = (int(part) for part in text.split("/"))
                return date(year, month, day)
            return date.fromisoformat(text)
        except (ValueError, OverflowError):
            pass
    errors[field] = [DATE_MESSAGE]
    return None


def end_before_start(start: date | None, end: date | None) -> bool:
    return start is not None and end is not None and end < start


def _check_dates(cleaned: dict, current: IncentivePolicy | None, errors: dict) -> None:
    start = cleaned.get("effective_from", current.effective_from if current else None)
    end = cleaned.get("effective_to", current.effective_to if current else None)
    if end_before_start(start, end) and "effective_to" not in errors:
        errors["effective_to"] = [_l("The end of validity cannot come before its start (%(start)s).", start=start.isoformat())]


def _apply(policy: IncentivePolicy, cleaned: dict) -> None:
    for field, value in cleaned.items():
        setattr(policy, field, value)
    policy.search_folded = " " + fold(" ".join([policy.code or "", policy.title_vi or "", policy.title_en or "", policy.legal_basis or "",
                                                policy.article or ""])) + " "


def _new_code(cleaned: dict) -> str:
    """A code from the scope and instrument and a random part, so two policies recorded at once never take the same one."""
    base = f"{cleaned.get('province_code') or 'vn'}-{cleaned['instrument']}".replace("_", "-")
    code = f"{base}-{secrets.token_hex(3)}"
    while find_by_code(code) is not None:
        code = f"{base}-{secrets.token_hex(3)}"
    return code


def create_policy(actor, values: dict) -> IncentivePolicy:
    """Record a policy; `actor` None is the first start or the command line loading the shipped rules."""
    cleaned = clean_policy(values)
    policy = IncentivePolicy(code=cleaned.pop("code", None) or _new_code(cleaned))
    _apply(policy, cleaned)
    if actor is not None:
        require(actor, EDIT_POLICY, policy)
    db.session.add(policy)
    db.session.flush()
    return policy


def update_policy(actor, policy: IncentivePolicy, values: dict, *, partial: bool = False) -> IncentivePolicy:
    """Change a policy; one moved to another province (or made national) needs the right to keep it there too."""
    if actor is not None:
        require(actor, EDIT_POLICY, policy)
    cleaned = clean_policy(values, current=policy, partial=partial)
    if actor is not None and "province_code" in cleaned and cleaned["province_code"] != policy.province_code:
        require(actor, EDIT_POLICY, IncentivePolicy(province_code=cleaned["province_code"]))
    _apply(policy, cleaned)
    db.session.flush()
    return policy


def end_policy(actor, policy: IncentivePolicy, last_day) -> IncentivePolicy:
    """End a policy's validity on `last_day` (its last day in force): it is then never applied to a project starting later."""
    if actor is not None:
        require(actor, EDIT_POLICY, policy)
    errors: dict[str, list] = {}
    day = read_date(last_day, "effective_to", errors)
    if day is None and not errors:
        errors["effective_to"] = [_l("Give the last day the policy is in force.")]
    if errors:
        raise PolicyError(errors)
    return update_policy(actor, policy, {"effective_to": day}, partial=True)


def shipped_policies() -> list[dict]:
    data = resources.files("registry.incentives").joinpath("data/national-policies.json").read_text(encoding="utf-8")
    return json.loads(data)["policies"]


def load_national_policies() -> int:
    """Store the shipped national rules not stored yet, and bring up to date the stored ones no person has changed;
    returns how many were added or brought up to date. Safe to repeat.

    A rule an administrator has changed is theirs to keep current from then on: the shipped file leaves it as it is.
    An untouched one follows the file, so that a corrected rule reaches databases loaded before the correction.
    """
    changed = 0
    for entry in shipped_policies():
        values = {key: value for key, value in entry.items() if key in FIELDS}
        policy = find_by_code(entry["code"])
        if policy is None:
            create_policy(None, values)
            changed += 1
        elif not _changed_by_a_person(policy) and _differs(policy, clean_policy(values, current=policy)):
            update_policy(None, policy, values)
            changed += 1
    return changed


def _changed_by_a_person(policy: IncentivePolicy) -> bool:
    return db.session.scalar(
        db.select(AuditEntry.id).where(AuditEntry.entity_type == IncentivePolicy.__tablename__,
                                       AuditEntry.entity_id == str(policy.id), AuditEntry.actor_id.is_not(None)).limit(1)
    ) is not None


def _differs(policy: IncentivePolicy, cleaned: dict) -> bool:
    return any(getattr(policy, name) != value for name, value in cleaned.items())
