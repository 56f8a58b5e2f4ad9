"""Create and change zones, validate their figures, and find them by place, box or point."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from blinker import Namespace
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from registry import inputs
from registry.accounts.models import Organization, OrgKind, User
from registry.accounts.permissions import require
from registry.audit.models import utcnow
from registry.catalog import service as catalog
from registry.domain_errors import Conflict, Invalid
from registry.extensions import db
from registry.places import successors
from registry.places.service import UnknownPlace, get_commune, get_province
from registry.text import fold
from registry.transactions import conflict_if_stale

from . import figures
from .figures import COLUMN_METRICS, SourceKind
from .models import Zone, ZoneKind, ZoneStatus
from .permissions import EDIT_ZONE
from .zone_index import zone_id_at

signals = Namespace()
# Sent with the changed zone after its boundary changes, so records placed by point-in-polygon
# (enterprises) can be placed again without this package importing them.
boundary_changed = signals.signal("zone-boundary-changed")

AREA_FIELDS = ("total_ha", "industrial_ha", "leased_ha", "available_ha")
NUMBER_FIELDS = {
    **{f: (0, 1_000_000) for f in AREA_FIELDS},
    "land_price_usd_m2": (0, 10_000),
    "published_occupancy": (0, 100),
    "port_km": (0, 2_000),
    "airport_km": (0, 2_000),
    "expressway_km": (0, 2_000),
    "latitude": (6.0, 23.6),
    "longitude": (102.0, 117.9),
}
INTEGER_FIELDS = {"wastewater_capacity_m3_day": (0, 10_000_000), "tenants": (0, 100_000), "founded_year": (1900, 2100)}
TEXT_FIELDS = {
    "name_vi": 300, "name_en": 300, "location_text": 500, "developer": 300, "decision_number": 120,
    "land_price_note": 300, "power_note": 300, "water_note": 300, "sectors": 5000, "description": 5000,
    "contact": 500, "website": 300,
}
BOOLEAN_FIELDS = ("wastewater_plant", "solid_waste_service")


class ZoneError(Invalid):
    """Bad input for a zone, as `{field: [messages]}`."""

    def __init__(self, errors: dict[str, list]):
        super().__init__(None, errors)


class ZoneConflict(Conflict):
    """Someone else saved the zone after this edit began (from `version`, when given); `zone` holds what is saved now."""

    def __init__(self, zone: Zone, version: int | None = None):
        super().__init__(_l("The zone changed since version %(version)s; read it again.", version=version) if version is not None
                         else _l("Someone else saved this zone while you were editing it; nothing was changed. Look at it again."))
        self.zone = zone


def get_zone(zone_id: int) -> Zone | None:
    return db.session.get(Zone, zone_id)


def find_by_code(code: str) -> Zone | None:
    return db.session.scalar(db.select(Zone).where(Zone.code == code))


def clean_zone(values: dict, *, current: Zone | None = None, partial: bool = False) -> dict:
    """Validate a zone's fields and return the values to store, or raise ZoneError with every problem."""
    errors: dict[str, list] = {}
    present = set(values) if partial else set(values) | {"name_vi", "kind", "province_code"}
    cleaned = {
        **_clean_texts(values, present, errors),
        **_clean_figures(values, present, errors),
        **_clean_choices(values, present, current, errors),
        **_clean_place(values, present, current, errors),
    }
    if "priority_groups" in present:
        cleaned["priority_groups"] = _priority_groups(values.get("priority_groups"), errors)
    _check_areas(cleaned, current, errors)
    _check_position(cleaned, current, errors)
    if errors:
        raise ZoneError(errors)
    return cleaned


def _clean_texts(values: dict, present: set, errors: dict) -> dict:
    cleaned = {}
    for field, limit in TEXT_FIELDS.items():
        if field in present:
            read = inputs.web_address if field == "website" else inputs.text
            cleaned[field] = read(values.get(field), field, errors, limit)
    if "name_vi" in present and not cleaned.get("name_vi") and "name_vi" not in errors:
        errors["name_vi"] = [_l("This field is required.")]
    return cleaned


def _clean_figures(values: dict, present: set, errors: dict) -> dict:
    """Read areas, distances, prices, counts and yes/no answers, each within its range."""
    cleaned = {}
    for field, (low, high) in NUMBER_FIELDS.items():
        if field in present:
            cleaned[field] = inputs.number(values.get(field), field, errors, low, high, grouping=" ")
    for field, (low, high) in INTEGER_FIELDS.items():
        if field in present:
            cleaned[field] = inputs.number(values.get(field), field, errors, low, high, whole=True, grouping=" ")
    for field in BOOLEAN_FIELDS:
        if field in present:
            cleaned[field] = inputs.yes_no(values.get(field), field, errors)
    if "decision_date" in present:
        raw = values.get("decision_date")
        try:
            cleaned["decision_date"] = None if not raw else raw if isinstance(raw, date) else date.fromisoformat(str(raw))
        except ValueError:
            errors["decision_date"] = [_l("Write dates as YYYY-MM-DD, such as 2005-03-11.")]
    return cleaned


def _clean_choices(values: dict, present: set, current: Zone | None, errors: dict) -> dict:
    """Read the kind (always required) and the status, which is "operating" only when a new zone does not say."""
    cleaned = {}
    if "kind" in present:
        cleaned["kind"] = inputs.choice(values.get("kind"), "kind", errors, ZoneKind, _l("Choose the kind of zone."))
        if cleaned["kind"] is None and "kind" not in errors:
            errors["kind"] = [_l("Choose the kind of zone.")]
    if "status" in present:
        message = _l("Choose planned, under construction or operating.")
        default = ZoneStatus.OPERATING if current is None else None
        cleaned["status"] = inputs.choice(values.get("status"), "status", errors, ZoneStatus, message, default)
        if cleaned["status"] is None and "status" not in errors:
            errors["status"] = [message]
    return cleaned


def _clean_place(values: dict, present: set, current: Zone | None, errors: dict) -> dict:
    """Read the province, the communes in it and the enclosing zone (which must lie in the same province)."""
    cleaned: dict = {}
    province = None
    if "province_code" in present or "commune_codes" in present or "parent_id" in present:
        try:
            province = get_province(values.get("province_code", current.province_code if current else None))
            cleaned["province_code"] = province.code
        except UnknownPlace as error:
            errors["province_code"] = [str(error)]
    if "commune_codes" in present:
        codes = inputs.code_list(values.get("commune_codes"), "commune_codes", errors)
        cleaned["commune_codes"] = []
        chosen = values.get("commune_successors") or {}
        for code in codes if province is not None else ():
            try:
                cleaned["commune_codes"].append(get_commune(code, province).code)
            except UnknownPlace as error:
                became = successors.successors_of(province.code, code) if not code.isdigit() else []
                try:
                    successor = successors.chosen_successor(became, chosen.get(code), code) if became else None
                except Invalid as refusal:
                    errors.setdefault("commune_codes", []).append(refusal.message)
                    continue
                if successor:
                    cleaned["commune_codes"].append(successor)
                else:
                    errors.setdefault("commune_codes", []).append(successors.describe_successors(code, became) if became else str(error))
    if "parent_id" in present:
        cleaned["parent_id"] = _parent(values.get("parent_id"), province, current, errors)
    return cleaned


def _check_areas(cleaned: dict, current: Zone | None, errors: dict) -> None:
    """Refuse changed industrial or leased land beyond the total, and leased land beyond the industrial land.

    Available land is only warned about (`area_warnings`): published lists often count it differently.
    """
    merged = {f: cleaned.get(f, getattr(current, f, None) if current else None) for f in AREA_FIELDS}
    if merged["total_ha"] is not None:
        for field in ("industrial_ha", "leased_ha"):
            if merged[field] is not None and merged[field] > merged["total_ha"] + 1e-6 and field in cleaned:
                errors.setdefault(field, []).append(_l("This cannot exceed the total area (%(total)s ha).", total=merged["total_ha"]))
    if merged["industrial_ha"] is not None and merged["leased_ha"] is not None and "leased_ha" in cleaned:
        if merged["leased_ha"] > merged["industrial_ha"] + 1e-6:
            errors.setdefault("leased_ha", []).append(_l("Leased land cannot exceed the industrial land (%(total)s ha).", total=merged["industrial_ha"]))


def area_warnings(areas) -> list[tuple[str, str]]:
    """Name the areas that do not add up, as (field, message), without changing any: `areas` is a zone or a dict of its areas."""
    read = areas.get if isinstance(areas, dict) else lambda name: getattr(areas, name, None)
    total, industrial, leased, available = (read(name) for name in AREA_FIELDS)
    found = []
    if None not in (industrial, leased, available) and leased + available > industrial + 1e-6:
        found.append(("available_ha", _l("Leased land (%(leased)s ha) and available land (%(available)s ha) add up to more than the "
                                         "industrial land (%(industrial)s ha); check the figures.", leased=format_decimal(leased),
                                         available=format_decimal(available), industrial=format_decimal(industrial))))
    if None not in (total, available) and available > total + 1e-6:
        found.append(("available_ha", _l("Available land (%(available)s ha) is more than the total area (%(total)s ha); check the figures.",
                                         available=format_decimal(available), total=format_decimal(total))))
    return found


def _check_position(cleaned: dict, current: Zone | None, errors: dict) -> None:
    """Refuse a change that leaves one coordinate without the other."""
    sent = [field for field in ("latitude", "longitude") if field in cleaned]
    merged = {f: cleaned.get(f, getattr(current, f, None) if current else None) for f in ("latitude", "longitude")}
    if sent and (merged["latitude"] is None) != (merged["longitude"] is None) and not any(f in errors for f in sent):
        errors[sent[-1]] = [_l("Give both latitude and longitude, or neither.")]


def _parent(raw, province, current: Zone | None, errors: dict) -> int | None:
    if raw in (None, ""):
        return None
    parent_id = inputs.parse_id(raw)
    parent = db.session.get(Zone, parent_id) if parent_id else None
    if parent is None and isinstance(raw, str):
        parent = find_by_code(raw.strip())
    if parent is None:
        errors["parent_id"] = [_l("There is no zone “%(code)s”.", code=raw)]
        return None
    if current is not None and parent.id == current.id:
        errors["parent_id"] = [_l("A zone cannot lie inside itself.")]
        return None
    if province is not None and parent.province_code != province.code:
        errors["parent_id"] = [_l("The enclosing zone must be in the same province.")]
        return None
    return parent.id


def _priority_groups(raw, errors: dict) -> list[str]:
    codes = inputs.code_list(raw, "priority_groups", errors)
    version = catalog.current_version()
    kept = []
    for code in codes:
        if version is None or catalog.get_node(version, code) is None:
            errors.setdefault("priority_groups", []).append(_l("There is no catalog item “%(code)s”.", code=code))
        else:
            kept.append(code)
    return kept


def _unique_code(name: str, province_code: str) -> str:
    base = f"{province_code}-" + "-".join(fold(name).split())[:50]
    code, n = base, 2
    while find_by_code(code) is not None:
        code, n = f"{base}-{n}", n + 1
    return code


def create_zone(actor: User | None, values: dict, *, code: str | None = None, organization: Organization | None = None,
                sources: dict | None = None, is_demo: bool = False) -> Zone:
    """Record a zone; `actor` None means the command line, imports of reference data or the first start.

    Its managing board must belong to the zone's province or be national, whoever records it.
    """
    cleaned = clean_zone(values)
    _check_board(organization, cleaned["province_code"])
    zone = Zone(code=code or _unique_code(cleaned["name_vi"], cleaned["province_code"]), sources=sources or {}, is_demo=is_demo,
                organization=organization)
    _apply(zone, cleaned)
    if actor is not None:
        require(actor, EDIT_ZONE, zone)
    db.session.add(zone)
    db.session.flush()
    return zone


def _check_board(organization: Organization | None, province_code: str) -> None:
    """Refuse a managing board of another province; a ministry or an organization without a province is national."""
    if organization is None or organization.kind == OrgKind.MINISTRY or organization.province_code in (None, province_code):
        return
    raise ZoneError({"organization_id": [_l("%(board)s belongs to another province; choose a board of the zone's province or a national one.",
                                            board=organization.name)]})


def _refuse_cycle(zone: Zone, parent_id: int | None) -> None:
    """Refuse an enclosing zone that lies inside `zone` at any depth (4 inside 5 while 5 is inside 4)."""
    seen: set[int] = set()
    ancestor = parent_id
    while ancestor is not None and ancestor not in seen:
        if ancestor == zone.id:
            raise ZoneError({"parent_id": [_l("The zone chosen lies inside this one, directly or through other zones, so it cannot enclose it.")]})
        seen.add(ancestor)
        ancestor = db.session.scalar(db.select(Zone.parent_id).where(Zone.id == ancestor))


def _apply(zone: Zone, cleaned: dict) -> None:
    for field, value in cleaned.items():
        setattr(zone, field, value)
    zone.name_folded = fold(zone.name_vi)
    zone.search_folded = search_text(zone.name_vi, zone.name_en)
    if zone.available_ha is None and zone.industrial_ha is not None and zone.leased_ha is not None:
        zone.available_ha = round(max(zone.industrial_ha - zone.leased_ha, 0), 2)


def search_text(name_vi: str, name_en: str | None) -> str:
    """Return the folded words a text filter matches, between spaces so that whole words match as “% word %”."""
    return " " + fold(" ".join([name_vi, name_en or ""])) + " "


@dataclass(frozen=True)
class FigureSource:
    """Where the figures of a change come from, when not from the editor today: an imported list, with its date."""

    kind: SourceKind
    source_name: str
    as_of: date | None = None


def update_zone(actor: User | None, zone: Zone, values: dict, *, expected_version: int | None = None, partial: bool = False,
                sources: dict | None = None, figure_source: FigureSource | None = None) -> Zone:
    """Change a zone's figures; a stale `expected_version` raises ZoneConflict instead of overwriting.

    Each changed area, price, count or occupancy becomes a figure (from the editor's organization dated today,
    or from `figure_source`), and the zone shows the figure the shown-value rule picks (`figures.shown_order`).
    `actor` None is the command line.
    """
    if actor is not None:
        require(actor, EDIT_ZONE, zone)
    if expected_version is not None and expected_version != zone.version:
        raise ZoneConflict(zone, expected_version)
    cleaned = clean_zone(values, current=zone, partial=partial)
    if cleaned.get("parent_id") is not None:
        _refuse_cycle(zone, cleaned["parent_id"])
    before = {name: (getattr(zone, name), (zone.sources or {}).get(name)) for name, value in cleaned.items()
              if name in COLUMN_METRICS and getattr(zone, name) != value}
    _apply(zone, cleaned)
    if sources:
        zone.sources = {**(zone.sources or {}), **sources}
    with conflict_if_stale(lambda: ZoneConflict(db.session.get(Zone, zone.id), expected_version)):
        db.session.flush()
    record_figures(zone, before, figure_source or _editor_source(actor, sources or {}))
    return zone


def _editor_source(actor: User, sources: dict) -> FigureSource:
    kinds = {m.organization.kind for m in actor.memberships if m.organization}
    kind = SourceKind.GOVERNMENT if kinds & {OrgKind.MINISTRY, OrgKind.DEPARTMENT} else SourceKind.BOARD
    named = next((entry.get("source") for entry in sources.values() if entry.get("source")), None)
    return FigureSource(kind, str(named or actor.email)[:300], utcnow().date())


def record_figures(zone: Zone, before: dict, source: FigureSource) -> None:
    """Keep each changed figure as a figure of `source`, then show the values the rule picks.

    `before` maps each changed column to its old value and `sources` entry: a value without a figure
    becomes an undated figure first, so both stay on record.
    """
    changed = False
    for column, (old_value, old_source) in before.items():
        value = getattr(zone, column)
        if value is None:
            continue
        metric = COLUMN_METRICS[column]
        figures.keep_recorded_value(zone, metric, old_value, old_source)
        figures.add_figure(zone, metric, value, source.kind, as_of=source.as_of, source_name=source.source_name,
                           as_of_precision=figures.DatePrecision.DAY if source.as_of else None)
        changed = True
    if changed:
        figures.show_figures(zone)
        db.session.flush()


def boards() -> list[Organization]:
    """List the zone management boards, for choosing who manages a zone."""
    return list(db.session.scalars(db.select(Organization).where(Organization.kind == OrgKind.ZONE_BOARD).order_by(Organization.name)))


def in_bbox(bbox: tuple[float, float, float, float], statement=None):
    """Narrow a zone SELECT to zones whose bounding box (or point) meets `bbox`."""
    min_lon, min_lat, max_lon, max_lat = bbox
    statement = statement if statement is not None else db.select(Zone)
    boxed = (Zone.min_lon <= max_lon) & (Zone.max_lon >= min_lon) & (Zone.min_lat <= max_lat) & (Zone.max_lat >= min_lat)
    pointed = Zone.min_lon.is_(None) & Zone.longitude.between(min_lon, max_lon) & Zone.latitude.between(min_lat, max_lat)
    return statement.where(boxed | pointed)


def zone_at(latitude: float, longitude: float) -> Zone | None:
    """Return the smallest zone whose boundary holds the point (a park inside an economic zone wins)."""
    zone_id = zone_id_at(latitude, longitude)
    return db.session.get(Zone, zone_id) if zone_id is not None else None
