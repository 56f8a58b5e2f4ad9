"""The engine's reasons in words: every code with its parameters, in the reader's language and formats.

The engine answers codes (`("land_short", {"free": 12, "as_of": date, "need": 40})`); the pages and
the API call `describe` to say them ("Dung Quất: 12 ha free as of 06/2025, 40 ha needed"), with
areas, distances, amounts and dates written as the reader's locale writes them. A code the table
does not know is a programming error the tests catch (`tests/test_matching_reasons.py`).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask_babel import format_date, format_decimal
from flask_babel import lazy_gettext as _l

from registry.i18n import decimal, hectares, kilometres
from registry.places import service as places
from registry.zones.forms import KIND_LABELS, STATUS_LABELS

from .cleaning import ACTIVITY_LABELS

MESSAGES = {
    # Hard filters: why a zone was left out.
    "zone_status": _l("the zone is %(status)s; only zones in operation or under construction lease land"),
    "kind_not_allowed": _l("a %(activity)s may not go to a %(kind)s (allowed: %(allowed)s)"),
    "kind_not_wanted": _l("it is a %(kind)s, not a %(required)s as required"),
    "province_not_preferred": _l("it lies in %(province)s, outside the provinces chosen (%(preferred)s)"),
    "land_unknown": _l("no figure says how much land is free; %(need)s needed"),
    "land_short": _l("%(free)s free as of %(as_of)s, %(need)s needed"),
    "wastewater_unknown": _l("its central wastewater capacity is not known; %(need)s m³/day needed"),
    "wastewater_short": _l("central wastewater capacity %(capacity)s m³/day, %(need)s m³/day needed"),
    "port_unknown": _l("its distance to a port is not known; a port within %(within_km)s needed"),
    "port_far": _l("the nearest port is %(km)s away, a port within %(within_km)s needed"),
    "power_unknown": _l("no figure says the zone supplies power"),
    "no_power": _l("the zone supplies no power"),
    # Explained empty answers.
    "no_sites": _l("the registry holds no zones yet"),
    "no_match": _l("no zone has %(need)s free and meets every other requirement; the largest free area is %(largest_free)s "
                   "in %(largest_site_id)s, as of %(largest_as_of)s"),
    "no_match_no_land": _l("no zone meets every requirement, and no zone has a figure for its free land"),
    # The criteria of the score: what each one found.
    "land_fit": _l("%(free)s free as of %(as_of)s for %(min)s to %(max)s needed"),
    "incentive_value": _l("incentives worth %(value_vnd)s over ten years, %(share)s of the capital"),
    "incentive_value_no_capital": _l("incentives worth %(value_vnd)s over ten years"),
    "infrastructure": _l("infrastructure needs met: %(items)s"),
    "priority_fit": _l("%(matched)s among the zone's priority groups (%(groups)s)"),
    "priority_fit_none": _l("none of the project's catalog items is among the zone's priority groups"),
    "nearby": _l("%(count)s registry enterprises of the project's catalog groups nearby"),
    "land_cost": _l("land rent about %(rent_vnd_m2_year)s per m² a year"),
    "land_cost_unknown": _l("the land rent is not known"),
    "freshness": _l("free-land figure as of %(as_of)s"),
    "freshness_undated": _l("the free-land figure has no date"),
    "province": _l("in %(province)s, a preferred province"),
    "province_other": _l("in %(province)s, outside the preferred provinces"),
}
# Each exclusion's headline reason in a few words, for the zones counted rather than named.
REASON_HEADINGS = {
    "zone_status": _l("not leasing land yet"), "kind_not_allowed": _l("a zone kind the activity may not go to"),
    "kind_not_wanted": _l("not of the zone kind required"), "province_not_preferred": _l("outside the provinces chosen"),
    "land_unknown": _l("no free-land figure"), "land_short": _l("not enough free land"),
    "wastewater_unknown": _l("wastewater capacity not known"), "wastewater_short": _l("too little wastewater capacity"),
    "port_unknown": _l("distance to a port not known"), "port_far": _l("too far from a port"),
    "power_unknown": _l("power supply not known"), "no_power": _l("no power supply"),
}
INFRASTRUCTURE_ITEMS = {"wastewater": _l("wastewater"), "port": _l("port"), "power": _l("power")}
# How the date of a figure is written: the month and the year, as sources give free land.
MONTH_FORMAT = "MM/yyyy"


def describe(code: str, params: Mapping | None = None, *, zone: str | None = None) -> str:
    """Say one reason in the reader's language, prefixed by the zone's name when given."""
    return _describe(code, params, zone, _speaker())


def describer():
    """`describe` for many reasons in a row (an answer's hundreds): the reader's language looked up once."""
    speaker = _speaker()
    return lambda code, params=None, zone=None: _describe(code, params, zone, speaker)


def _describe(code: str, params: Mapping | None, zone: str | None, speaker: _Speaker) -> str:
    params = dict(params or {})
    code = _variant(code, params)
    message = MESSAGES.get(code)
    if message is None:
        raise KeyError(f"no words for the matching reason {code!r}")
    if code == "infrastructure":
        params = {"items": ", ".join(f"{speaker.said(INFRASTRUCTURE_ITEMS.get(name, name))} {_percent(value, speaker)}"
                                     for name, value in params.items())}
    text = speaker.said(message) % _formatted(params, speaker)
    return f"{zone}: {text}" if zone else text[:1].upper() + text[1:]


class _Speaker:
    """Saying reasons in one language within one request: its Babel locale, the messages translated and the
    words written so far (a results page or answer says hundreds of reasons with the same needs, dates and
    provinces; each is translated or written once)."""

    def __init__(self, locale):
        self.locale = locale
        self.code = str(locale)
        self.messages: dict[int, tuple] = {}
        self.words: dict = {}
        self._provinces: dict[str, str] | None = None

    def province(self, code) -> str:
        """A province's name in this language (all of them read in one statement, when first asked)."""
        if self._provinces is None:
            from registry.extensions import db
            from registry.places.models import Province

            english = self.code == "en"
            self._provinces = {row.code: row.name_en if english else row.name_vi
                               for row in db.session.execute(db.select(Province.code, Province.name_vi, Province.name_en))}
        found = self._provinces.get(places.normalize_code(code, 2) if code is not None else None)
        return str(code) if found is None else found

    def said(self, message) -> str:
        """A message (a lazy string) in this language; kept with the message, so its id stays its own."""
        found = self.messages.get(id(message))
        if found is None or found[0] is not message:
            found = self.messages[id(message)] = (message, str(message))
        return found[1]


def _speaker() -> _Speaker:
    from flask import g
    from flask_babel import get_locale

    locale = get_locale()
    speakers = g.setdefault("matching_speakers", {})
    found = speakers.get(id(locale))
    if found is None or found.locale is not locale:
        found = speakers[id(locale)] = _Speaker(locale)
    return found


def _variant(code: str, params: dict) -> str:
    """The wording a reason takes with these parameters (a rent that is unknown, a figure without a date …)."""
    if code == "no_match" and params.get("largest_free") is None:
        return "no_match_no_land"
    if code == "incentive_value" and params.get("share") is None:
        return "incentive_value_no_capital"
    if code == "priority_fit" and not params.get("matched"):
        return "priority_fit_none"
    if code == "land_cost" and params.get("rent_vnd_m2_year") is None:
        return "land_cost_unknown"
    if code == "freshness" and params.get("as_of") is None:
        return "freshness_undated"
    if code == "province" and params.get("preferred") and params.get("province") not in params["preferred"]:
        return "province_other"
    return code


def _percent(value, speaker: _Speaker) -> str:
    return decimal(value or 0, "#,##0.#%", speaker.locale)


def _formatted(params: Mapping, speaker: _Speaker) -> dict:
    """Write every parameter the messages use, in the locale's formats (each name and value once); missing ones are a dash."""
    words = _Words()
    written = speaker.words
    for name, value in params.items():
        try:
            key = (name, type(value), tuple(value) if type(value) is list else value)
            word = written.get(key)
        except TypeError:  # a list of lists: written each time
            key, word = None, None
        if word is None:
            word = _word(name, value, speaker)
            if key is not None:
                written[key] = word
        words[name] = word
    return words


class _Words(dict):
    def __missing__(self, key):
        return "—"


AREAS = frozenset({"free", "need", "min", "max", "largest_free", "land_min_ha", "land_max_ha", "area_ha"})
DISTANCES = frozenset({"km", "within_km", "port_km"})
DATES = frozenset({"as_of", "largest_as_of", "on", "start"})


def _word(name: str, value, speaker: _Speaker | None = None) -> str:
    speaker = speaker or _speaker()
    if value is None:
        return "—" if name not in DATES else speaker.said(_l("an unknown date"))
    if name in DATES:
        return format_date(_date(value), MONTH_FORMAT) if _date(value) else str(value)
    if name in AREAS:
        return hectares(value, speaker.locale)
    if name in DISTANCES:
        return kilometres(value, speaker.locale)
    if name == "province":
        return _province(value, speaker)
    if name == "share":
        return _percent(value, speaker)
    if name == "largest_site_id":
        return _zone_name(value)
    if name == "rent_vnd_m2_year":
        return money(value, speaker)
    if name in {"preferred", "provinces"}:
        return ", ".join(_province(code, speaker) for code in value) or "—"
    if name in {"kind", "required", "allowed"}:
        kinds = [value] if isinstance(value, str) else list(value)
        return ", ".join(speaker.said(KIND_LABELS.get(kind, kind)).lower() for kind in kinds)
    if name == "status":
        return str(STATUS_LABELS.get(value, value)).lower()
    if name == "activity":
        return str(ACTIVITY_LABELS.get(value, value)).lower()
    if name.endswith("_vnd"):
        return money(value, speaker)
    if isinstance(value, bool):
        return speaker.said(_l("yes") if value else _l("no"))
    if isinstance(value, (int, float)):
        return decimal(value, "#,##0.##", speaker.locale)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(part) for part in value)
    return str(value)


def _zone_name(zone_id) -> str:
    from flask_babel import get_locale

    from registry.extensions import db
    from registry.zones.models import Zone

    zone = db.session.get(Zone, zone_id) if zone_id is not None else None
    return zone.name(str(get_locale())) if zone is not None else "—"


def _date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _province(code, speaker: _Speaker | None = None) -> str:
    return (speaker or _speaker()).province(code)


def money(value_vnd, speaker: _Speaker | None = None) -> str:
    """An amount in VND for the reader: “1.234.567.890 ₫” in Vietnamese, “VND 1,234,567,890” in English."""
    if value_vnd is None:
        return "—"
    speaker = speaker or _speaker()
    amount = decimal(round(value_vnd), "#,##0", speaker.locale)
    return f"{amount} ₫" if speaker.code == "vi" else f"VND {amount}"


CRITERIA_LABELS = {
    "land_fit": _l("Land fit"), "incentive_value": _l("Incentive value"), "infrastructure": _l("Infrastructure"),
    "priority_fit": _l("Priority catalog groups"), "nearby": _l("Suppliers and buyers nearby"), "land_cost": _l("Land cost"),
    "freshness": _l("How recent the figures are"), "province": _l("Preferred province"),
}
INSTRUMENT_LABELS = {
    "cit": _l("Corporate income tax"), "land_rent": _l("Land rent"), "import_duty": _l("Import duty"),
    "budget_support": _l("Budget support for infrastructure"), "relocation": _l("Relocation support"),
    "technology_transfer": _l("Technology-transfer support"), "credit": _l("Credit"),
}
REQUIREMENT_LABELS = {
    "land_min_ha": _l("Smallest land area"), "required_kinds": _l("Required zone kind"), "provinces": _l("Provinces"),
    "wastewater_m3_day": _l("Wastewater capacity"), "port_within_km": _l("Port within"), "needs_power": _l("Power supply"),
}

WHAT_IF = {
    "land_min_ha": _l("With %(value)s instead of %(current)s, %(admits)s more zones qualify."),
    "wastewater_m3_day": _l("With %(value)s m³/day of wastewater instead of %(current)s m³/day, %(admits)s more zones qualify."),
    "port_within_km": _l("With a port within %(value)s instead of %(current)s, %(admits)s more zones qualify."),
    "needs_power": _l("Without needing the zone's power supply, %(admits)s more zones qualify."),
    "provinces": _l("Adding %(added)s to the provinces, %(admits)s more zones qualify."),
    "required_kinds": _l("Accepting a %(added)s as well, %(admits)s more zones qualify."),
    "dropped": _l("Without this requirement (%(requirement)s), %(admits)s more zones qualify."),
}


def describe_what_if(change: Mapping) -> str:
    """Say one smallest change and what it admits: “With 30 ha instead of 40 ha, 3 more zones qualify.”"""
    requirement, value, current = change["requirement"], change.get("value"), change.get("current")
    words = _Words(admits=format_decimal(change.get("admits", 0)), requirement=str(REQUIREMENT_LABELS.get(requirement, requirement)))
    if value is None and requirement not in {"needs_power"}:
        return str(WHAT_IF["dropped"]) % words
    if requirement == "land_min_ha":
        words.update(value=hectares(value), current=hectares(current))
    elif requirement == "port_within_km":
        words.update(value=kilometres(value), current=kilometres(current))
    elif requirement == "wastewater_m3_day":
        words.update(value=format_decimal(value), current=format_decimal(current))
    elif requirement == "provinces":
        words["added"] = ", ".join(_province(code) for code in value if code not in (current or ()))
    elif requirement == "required_kinds":
        words["added"] = _word("kind", [kind for kind in value if kind not in (current or ())])
    return str(WHAT_IF.get(requirement, WHAT_IF["dropped"])) % words


ASSUMPTION_LABELS = {
    "horizon_years": _l("Years valued"), "standard_cit_pct": _l("Standard income-tax rate (%)"), "margin": _l("Profit margin"),
    "revenue_vnd_year": _l("Yearly revenue"), "profit_vnd_year": _l("Yearly profit"), "profitable_from_year": _l("Profitable from year"),
    "discounted": _l("Discounted"), "vnd_per_usd": _l("Exchange rate (VND per USD)"), "lease_term_years": _l("Lease term of a land price (years)"),
    "area_ha": _l("Land valued"), "start": _l("Project start"), "rent_vnd_m2_year": _l("Land rent per m² a year"),
    "rent_source": _l("Where the rent comes from"), "area_classes": _l("Incentive areas of the zone"),
}
RENT_SOURCES = {"site": _l("the zone's rent"), "price": _l("the zone's land price spread over the lease term"), "unknown": _l("not known")}
AREA_CLASS_LABELS = {
    "dbkk": _l("especially difficult commune"), "kk": _l("difficult commune"), "economic_zone": _l("economic zone"),
    "industrial_park": _l("industrial park"), "high_tech_park": _l("high-tech park"), "industrial_cluster": _l("industrial cluster"),
}


def assumption(name: str, value) -> str:
    """One assumption of the ten-year value in words."""
    if name == "vnd_per_usd" and not value:
        return str(_l("none: no exchange rate is configured, so land prices in USD are not turned into rent"))
    if value is None:
        return "—"
    if name in {"revenue_vnd_year", "profit_vnd_year", "rent_vnd_m2_year"}:
        return money(value)
    if name == "margin":
        return _percent(value, _speaker())
    if name == "rent_source":
        return str(RENT_SOURCES.get(value, value))
    if name == "area_classes":
        return ", ".join(str(AREA_CLASS_LABELS.get(item, item)) for item in value) or "—"
    if name == "start":
        return format_date(_date(value), "dd/MM/yyyy") if _date(value) else str(value)
    return _word(name, value)
