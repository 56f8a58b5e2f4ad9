"""Translated messages for the geodata codes of `maps` (GeodataError, Notice) and of zone boundary review.

`maps` keeps English defaults for the command line; pages and the API show these, in the user's language.
"""
from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

MESSAGES = {
    "too_large": _l("The file is %(size_mb)s MB; the limit is %(limit_mb)s MB."),
    "unsupported_format": _l("Files ending in “%(extension)s” are not accepted; use GeoJSON, a zipped Shapefile, GeoPackage, KML or KMZ."),
    "corrupt_zip": _l("The zip archive cannot be read (%(detail)s)."),
    "zip_bomb": _l("The zip archive was not opened: %(rule)s is %(found)s, over the limit of %(limit)s."),
    "incomplete_shapefile": _l("The Shapefile “%(name)s” lacks %(missing)s."),
    "no_shapefile": _l("The zip archive holds no Shapefile (.shp with its .shx and .dbf)."),
    "no_kml": _l("The KMZ archive holds no .kml document."),
    "unreadable_file": _l("The file cannot be read as %(format)s."),
    "too_many_features": _l("The file holds %(count)s features; at most %(limit)s are read from one upload. Upload only this zone's boundary."),
    "too_many_vertices": _l("The file's shapes have %(count)s vertices; at most %(limit)s are read from one upload. Simplify the boundary (to about 1 m) and upload it again."),
    "missing_prj": _l("The Shapefile has no .prj file, so we do not know its coordinate reference system; choose the one it uses."),
    "missing_crs": _l("The file does not say which coordinate reference system it uses; choose one."),
    "several_crs": _l("The file's layers are in different coordinate reference systems (features %(systems)s); put every feature in one system."),
    "far_outside_province": _l("The boundary lies %(km)s km outside its province (by the VN-2000 zones of the province); check the province and the coordinate system."),
    "unknown_crs": _l("“%(value)s” is not a coordinate reference system we know."),
    "coordinates_not_degrees": _l("The coordinates are not in degrees although the file says %(crs)s; choose the coordinate reference system they are in."),
    "empty_geometry": _l("The file has no geometry, or only empty geometries."),
    "points_not_polygons": _l("The file holds points; a boundary must be a polygon."),
    "no_polygons": _l("The file holds no polygons."),
    "self_intersection_unrepairable": _l("The boundary crosses itself and cannot be repaired."),
    "lat_lon_swapped": _l("Latitude and longitude appear to be swapped: the shape lies in Vietnam only with x and y exchanged. Swap the coordinates in the file and upload it again."),
    "outside_vietnam": _l("The shape lies outside Vietnam (bounds %(bounds)s)."),
    "outside_region": _l("%(percent)s%% of the shape lies outside the expected area."),
    "no_code_field": _l("No attribute gives the provinces' GSO codes; name it with --code-field (looked for: %(fields)s)."),
    "bad_codes": _l("The file must hold each of the 34 provinces once, by GSO code. %(details)s"),
    "province_not_polygon": _l("The feature of %(name)s (code %(province_code)s) is not a polygon."),
    "province_invalid": _l("The boundary of %(name)s (code %(province_code)s) is not a valid polygon (%(reason)s); repair it in a GIS and load the file again."),
    "bad_bbox": _l("“%(value)s” is not a bounding box min_lon,min_lat,max_lon,max_lat (%(reason)s)."),
    "repaired_invalid_geometry": _l("%(count)s invalid polygon(s), such as a boundary crossing itself, were repaired; check the shape on the map."),
    "z_dropped": _l("Heights (Z values) were dropped."),
    "non_polygons_ignored": _l("%(count)s point or line feature(s) were ignored."),
    "missing_cpg": _l("The Shapefile “%(name)s” has no .cpg file; Vietnamese text in its attributes may be garbled."),
    "crs_overridden": _l("The file says %(declared)s; it was read as %(used)s as requested."),
    "area_mismatch": _l("The declared area of %(declared_ha)s ha differs from the mapped area of %(computed_ha)s ha by %(percent)s%%."),
    "outside_province": _l("%(percent)s%% of the new boundary lies outside the boundary of %(province)s%(found_in)s: check the file and the zone's province."),
    "far_from_recorded": _l("The new boundary's centre lies %(km)s km from the zone's recorded position (the warning starts at %(limit_km)s km): check that it is the right file and coordinate system."),
}
# Words filled into other messages: which zip-bomb rule tripped, and why a bounding box was refused.
ZIP_RULES = {
    "members": _l("the number of files"),
    "uncompressed_bytes": _l("the uncompressed size"),
    "ratio": _l("the compression ratio"),
}
BBOX_REASONS = {
    "count": _l("it needs four numbers"),
    "not_a_number": _l("not every part is a number"),
    "out_of_range": _l("a coordinate is out of range"),
    "min_not_below_max": _l("each minimum must be below its maximum"),
}
# The codes after which the upload form asks for a coordinate reference system and keeps the file.
ASK_FOR_CRS = frozenset({"missing_prj", "missing_crs", "coordinates_not_degrees", "unknown_crs"})
_MB = 2**20
# Parameters that are measures, written in the reader's number format ("13,7 km", "484,62 ha" in Vietnamese).
_NUMBERS = {"far_from_recorded": ("km", "limit_km"), "area_mismatch": ("declared_ha", "computed_ha")}


def geodata_message(code: str, params: dict | None = None) -> str:
    """Return the message for a geodata code in the current language; an unknown code is shown as it is."""
    template = MESSAGES.get(code)
    if template is None:
        return code
    try:
        return str(template) % _display_params(code, dict(params or {}))
    except (KeyError, TypeError, ValueError):
        return str(template).split("%(")[0].strip() or code


def _display_params(code: str, params: dict) -> dict:
    """Put the parameters into words a reader understands: rule names, megabytes, joined bounds."""
    if code == "zip_bomb":
        rule = params.get("rule")
        if rule == "uncompressed_bytes":
            params["found"] = _("%(mb)s MB", mb=round(int(params["found"]) / _MB, 1))
            params["limit"] = _("%(mb)s MB", mb=round(int(params["limit"]) / _MB))
        elif rule == "ratio":
            params["found"], params["limit"] = f"{params['found']}:1", f"{params['limit']:g}:1"
        params["rule"] = str(ZIP_RULES.get(rule, rule))
    if code == "bad_bbox":
        params["reason"] = str(BBOX_REASONS.get(params.get("reason"), params.get("reason")))
    if code == "bad_codes":
        params["details"] = " ".join(str(part) for part in _code_details(params))
    if code == "outside_province":
        params["found_in"] = _(", mostly in %(province)s", province=params["found_in"]) if params.get("found_in") else ""
    for name in _NUMBERS.get(code, ()):
        if isinstance(params.get(name), (int, float)):
            params[name] = format_decimal(params[name], "#,##0.##")
    if code == "outside_vietnam" and isinstance(params.get("bounds"), (list, tuple)):
        params["bounds"] = ", ".join(str(value) for value in params["bounds"])
    return params


def _code_details(params: dict) -> list:
    """Say which codes of a province file are not provinces, and which provinces it lacks or repeats."""
    lists = {key: ", ".join(params.get(key) or ()) for key in ("unknown", "missing", "duplicated")}
    parts = []
    if lists["unknown"]:
        parts.append(_("Codes that are not a province of 2025: %(codes)s.", codes=lists["unknown"]))
    if lists["missing"]:
        parts.append(_("Provinces missing: %(codes)s.", codes=lists["missing"]))
    if lists["duplicated"]:
        parts.append(_("Provinces given more than once: %(codes)s.", codes=lists["duplicated"]))
    return parts


# Sources the registry writes itself are stored in one language-neutral form and worded when shown.
_IMPORTED = "import: "
_SENT_BY_API = "API, "
_ENTERED = "site: "


def imported_source(filename: str) -> str:
    return f"{_IMPORTED}{filename}"


def api_source(email: str) -> str:
    return f"{_SENT_BY_API}{email}"


def entered_source(organizations: str, email: str, day: str) -> str:
    return f"{_ENTERED}{organizations}; {email}; {day}"


def describe_source(text: str, *, with_email: bool = True) -> str:
    """Word a figure's source in the reader's language when the registry wrote it; show any other as written.

    Without `with_email` the account that entered it is left out (the history pages name people their own way).
    """
    if text.startswith(_IMPORTED):
        return _("imported from the file %(file)s", file=text.removeprefix(_IMPORTED))
    if text.startswith(_SENT_BY_API):
        return _("sent through the API by %(email)s", email=text.removeprefix(_SENT_BY_API)) if with_email else _("sent through the API")
    parts = text.removeprefix(_ENTERED).rsplit("; ", 2)
    if text.startswith(_ENTERED) and len(parts) == 3:
        if not with_email:
            return _("%(org)s, entered on %(date)s", org=parts[0], date=parts[2])
        return _("%(org)s, entered by %(email)s on %(date)s", org=parts[0], email=parts[1], date=parts[2])
    return text
