"""Read a proposal the same way from the form's steps and from the API: each field's rule and its message.

`clean(raw, fields)` checks the named fields (every field when none are named) and returns the
values to store, or raises `Invalid` with a message per field in the reader's language. The form
checks each step's fields as the investor answers it, and the whole proposal once more at the end.
"""
from __future__ import annotations

import enum
from datetime import date

from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from registry.accounts.service import AccountError, normalize_email
from registry.catalog import service as catalog
from registry.domain_errors import Invalid
from registry.inputs import add_error, code_list, number, text, yes_no
from registry.places.service import REGION_NAMES
from registry.zones.models import ZoneKind

from .models import Currency

MAX_LAND_HA = 100_000
MAX_CAPITAL = 10**16  # in the currency given; beyond any project (VND 10 million billion)
MAX_JOBS = 1_000_000
MAX_PORT_KM = 1_000
MAX_WASTEWATER = 10_000_000
MAX_CODES = 50
START_YEARS_AHEAD = 15


class Activity(enum.StrEnum):
    EQUIPMENT_MANUFACTURING = "equipment_manufacturing"
    RECYCLING_PLANT = "recycling_plant"
    WASTE_TO_ENERGY = "waste_to_energy"
    HAZARDOUS_WASTE = "hazardous_waste_treatment"
    MONITORING_SERVICES = "monitoring_services"
    OTHER = "other"


ACTIVITY_LABELS = {
    Activity.EQUIPMENT_MANUFACTURING: _l("Environmental equipment manufacturing"),
    Activity.RECYCLING_PLANT: _l("Recycling plant"),
    Activity.WASTE_TO_ENERGY: _l("Waste-to-energy plant"),
    Activity.HAZARDOUS_WASTE: _l("Hazardous-waste treatment"),
    Activity.MONITORING_SERVICES: _l("Environmental monitoring services"),
    Activity.OTHER: _l("Other environmental industry"),
}

# Every field a proposal has, in the order the form asks them.
FIELDS = (
    "email", "consent", "name", "activity", "catalog_codes", "land_min_ha", "land_max_ha", "capital_amount",
    "capital_currency", "exchange_rate", "jobs", "start_year", "new_project", "provinces", "regions", "strict_provinces",
    "wastewater_m3_day", "port_within_km", "needs_power", "required_kinds", "revenue_vnd_year", "margin_percent",
)


def usd_rate() -> float | None:
    """The registry's VND-per-USD rate (setting `USD_VND_RATE`), offered when the investor gives none; None when unset."""
    return current_app.config.get("USD_VND_RATE") or None


def clean(raw: dict, fields=FIELDS, *, anonymous: bool = True) -> dict:
    """Return the stored values of `fields` from `raw` (form or JSON), or raise Invalid naming each wrong field."""
    errors: dict[str, list] = {}
    wanted = set(fields)
    values: dict = {}
    if anonymous and "email" in wanted:
        values["email"] = _email(raw.get("email"), errors)
    if anonymous and "consent" in wanted and yes_no(raw.get("consent"), "consent", errors) is not True and "consent" not in errors:
        add_error(errors, "consent", _l("Agree that the zone boards you choose may contact you at this address."))
    if "name" in wanted:
        values["name"] = text(raw.get("name"), "name", errors, 200)
        if not values["name"] and "name" not in errors:
            add_error(errors, "name", _l("Give the project a name."))
    if "activity" in wanted:
        values["activity"] = _choice(raw.get("activity"), "activity", errors, Activity, _l("Choose one of the activities."))
    if "catalog_codes" in wanted:
        values["catalog_codes"] = _catalog_codes(raw.get("catalog_codes"), errors)
    if {"land_min_ha", "land_max_ha"} & wanted:
        _land(raw, values, errors)
    if {"capital_amount", "capital_currency", "exchange_rate"} & wanted:
        _capital(raw, values, errors)
    if "jobs" in wanted:
        values["jobs"] = _required_number(raw.get("jobs"), "jobs", errors, 0, MAX_JOBS, whole=True)
    if "start_year" in wanted:
        this_year = date.today().year
        values["start_year"] = _required_number(raw.get("start_year"), "start_year", errors, this_year - 1,
                                                this_year + START_YEARS_AHEAD, whole=True)
    if "new_project" in wanted:
        found = yes_no(raw.get("new_project"), "new_project", errors)
        values["new_project"] = True if found is None else found
    if {"provinces", "regions", "strict_provinces"} & wanted:
        _places(raw, values, errors)
    if "wastewater_m3_day" in wanted:
        values["wastewater_m3_day"] = number(raw.get("wastewater_m3_day"), "wastewater_m3_day", errors, 0, MAX_WASTEWATER, whole=True)
    if "port_within_km" in wanted:
        values["port_within_km"] = number(raw.get("port_within_km"), "port_within_km", errors, 0, MAX_PORT_KM)
    if "needs_power" in wanted:
        values["needs_power"] = bool(yes_no(raw.get("needs_power"), "needs_power", errors))
    if "required_kinds" in wanted:
        kinds = code_list(raw.get("required_kinds"), "required_kinds", errors)
        unknown = [kind for kind in kinds if kind not in set(ZoneKind)]
        if unknown:
            add_error(errors, "required_kinds", _l("There is no zone kind %(kind)s.", kind=", ".join(unknown)))
        values["required_kinds"] = [] if unknown else list(dict.fromkeys(kinds))
    if "revenue_vnd_year" in wanted:
        values["revenue_vnd_year"] = number(raw.get("revenue_vnd_year"), "revenue_vnd_year", errors, 0, MAX_CAPITAL, whole=True,
                                            grouping=" .,", not_whole=_l("Enter the revenue in whole VND."))
    if "margin_percent" in wanted:
        percent = number(raw.get("margin_percent"), "margin_percent", errors, 0, 100)
        values["margin"] = None if percent is None else percent / 100
    if errors:
        raise Invalid(errors=errors)
    return values


def _email(raw, errors: dict) -> str:
    if not isinstance(raw, str) or not raw.strip():
        add_error(errors, "email", _l("Give the e-mail address where the zone boards can answer you."))
        return ""
    try:
        return normalize_email(raw)
    except AccountError as error:
        add_error(errors, "email", error.message)
        return ""


def _choice(raw, field: str, errors: dict, choices: type[enum.Enum], message):
    if not isinstance(raw, str) or raw.strip() not in {member.value for member in choices}:
        add_error(errors, field, message)
        return None
    return raw.strip()


def _required_number(raw, field: str, errors: dict, low, high, **options):
    found = number(raw, field, errors, low, high, **options)
    if found is None and field not in errors:
        add_error(errors, field, _l("Enter a number from %(low)s to %(high)s.", low=low, high=high))
    return found


def _catalog_codes(raw, errors: dict) -> list[str]:
    codes = list(dict.fromkeys(code_list(raw, "catalog_codes", errors)))
    if len(codes) > MAX_CODES:
        add_error(errors, "catalog_codes", _l("Choose at most %(n)d catalog items.", n=MAX_CODES))
        return []
    version = catalog.current_version()
    unknown = [code for code in codes if version is None or catalog.get_node(version, code) is None]
    if unknown:
        add_error(errors, "catalog_codes", _l("Decision 980 has no item %(codes)s.", codes=", ".join(unknown)))
    return codes


def _land(raw: dict, values: dict, errors: dict) -> None:
    def area(field):
        found = number(raw.get(field), field, errors, 0, MAX_LAND_HA,
                       out_of_range=lambda low, high: _l("Enter an area above 0 and at most %(high)s ha.", high=format_decimal(high)))
        if found is None and field not in errors:
            add_error(errors, field, _l("Enter the land the project needs, in hectares."))
        elif found == 0:
            add_error(errors, field, _l("Enter an area above 0 and at most %(high)s ha.", high=format_decimal(MAX_LAND_HA)))
            return None
        return found

    low = area("land_min_ha")
    high = area("land_max_ha") if raw.get("land_max_ha") not in (None, "") else low
    if low is not None and high is not None and high < low:
        add_error(errors, "land_max_ha", _l("The largest area cannot be below the smallest (%(low)s ha).", low=format_decimal(low)))
    values["land_min_ha"], values["land_max_ha"] = low, high


def _capital(raw: dict, values: dict, errors: dict) -> None:
    amount = number(raw.get("capital_amount"), "capital_amount", errors, 0, MAX_CAPITAL, whole=True, grouping=" .,",
                    not_whole=_l("Enter the capital in whole units of its currency."), out_of_range=lambda low, high: _l("Enter the capital as an amount of zero or more."))
    if amount is None and "capital_amount" not in errors:
        add_error(errors, "capital_amount", _l("Enter the capital as an amount of zero or more."))
    currency = _choice(raw.get("capital_currency") or "VND", "capital_currency", errors, Currency, _l("Choose VND or USD."))
    rate = 1.0
    if currency == Currency.USD:
        rate = number(raw.get("exchange_rate"), "exchange_rate", errors, 1, 10**6) or usd_rate()
        if rate is None and "exchange_rate" not in errors:
            add_error(errors, "exchange_rate", _l("Give the exchange rate used, in VND per USD."))
    values.update(capital_amount=amount, capital_currency=currency, exchange_rate=rate,
                  capital_vnd=round(amount * rate) if amount is not None and rate else None)


def _places(raw: dict, values: dict, errors: dict) -> None:
    from registry.extensions import db
    from registry.places.models import Province

    provinces = list(dict.fromkeys(code.zfill(2) for code in code_list(raw.get("provinces"), "provinces", errors)))
    known = set(db.session.scalars(db.select(Province.code).where(Province.code.in_(provinces)))) if provinces else set()
    unknown = [code for code in provinces if code not in known]
    if unknown:
        add_error(errors, "provinces", _l("There is no province with code %(code)s.", code=", ".join(unknown)))
    regions = list(dict.fromkeys(code_list(raw.get("regions"), "regions", errors)))
    if any(region not in REGION_NAMES for region in regions):
        add_error(errors, "regions", _l("Choose regions from the list."))
    strict = bool(yes_no(raw.get("strict_provinces"), "strict_provinces", errors))
    if strict and not provinces and not regions and "provinces" not in errors:
        add_error(errors, "provinces", _l("Choose at least one province or region, or let other provinces be considered too."))
    values.update(provinces=provinces, regions=regions, strict_provinces=strict)
