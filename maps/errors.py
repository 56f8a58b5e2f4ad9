"""Machine codes for what can go wrong with geodata, with English defaults for the CLI.

The application translates codes itself; nothing here is shown to users verbatim.
"""
from __future__ import annotations

from dataclasses import dataclass, field

MESSAGES: dict[str, str] = {
    # reading an upload
    "too_large": "The file is {size_mb} MB; the limit is {limit_mb} MB.",
    "unsupported_format": "Files ending in {extension!r} are not accepted; use GeoJSON, a zipped Shapefile, "
    "GeoPackage, KML or KMZ.",
    "corrupt_zip": "The zip archive cannot be read ({detail}).",
    "zip_bomb": "The zip archive was not opened: {rule} is {found}, over the limit of {limit}.",
    "incomplete_shapefile": "The Shapefile {name!r} lacks {missing}.",
    "no_shapefile": "The zip archive holds no Shapefile (.shp with its .shx and .dbf).",
    "no_kml": "The KMZ archive holds no .kml document.",
    "unreadable_file": "The file cannot be read as {format}.",
    "too_many_features": "The file holds {count} features; at most {limit} are read from one upload.",
    "too_many_vertices": "The file's shapes have {count} vertices; at most {limit} are read from one upload.",
    "missing_prj": "The Shapefile has no .prj file; choose the coordinate reference system it uses.",
    "missing_crs": "The file does not say which coordinate reference system it uses; choose one.",
    "several_crs": "The file's layers are in different coordinate reference systems (features {systems}); "
    "put every feature in one system.",
    "unknown_crs": "{value!r} is not a coordinate reference system we know.",
    "coordinates_not_degrees": "The coordinates are not in degrees although the file says {crs}; "
    "choose the coordinate reference system they are in.",
    "empty_geometry": "The file has no geometry, or only empty geometries.",
    "points_not_polygons": "The file holds points; a boundary must be a polygon.",
    "no_polygons": "The file holds no polygons.",
    "self_intersection_unrepairable": "The boundary crosses itself and cannot be repaired.",
    "lat_lon_swapped": "Latitude and longitude appear to be swapped: the shape lies in Vietnam only with "
    "x and y exchanged.",
    "outside_vietnam": "The shape lies outside Vietnam (bounds {bounds}).",
    "outside_region": "{percent}% of the shape lies outside the expected area.",
    # reading a file of province boundaries
    "no_code_field": "No attribute gives the provinces' GSO codes (looked for: {fields}).",
    "bad_codes": "The file must hold each province once: unknown {unknown}, missing {missing}, duplicated {duplicated}.",
    "province_not_polygon": "The feature of {name} (code {province_code}) is not a polygon.",
    "province_invalid": "The boundary of {name} (code {province_code}) is not a valid polygon ({reason}).",
    # parsing request parameters
    "bad_bbox": "{value!r} is not a bounding box min_lon,min_lat,max_lon,max_lat ({reason}).",
    # reasons for bad_bbox: count, not_a_number, out_of_range, min_not_below_max
    # notices (warnings) attached to a successful read
    "repaired_invalid_geometry": "{count} invalid polygon(s) were repaired; check the shape.",
    "z_dropped": "Heights (Z values) were dropped.",
    "non_polygons_ignored": "{count} point or line feature(s) were ignored.",
    "missing_cpg": "The Shapefile {name!r} has no .cpg file; Vietnamese text in its attributes may be garbled.",
    "crs_overridden": "The file says {declared}; it was read as {used} as requested.",
    "area_mismatch": "The declared area {declared_ha} ha differs from the mapped area {computed_ha} ha "
    "by {percent}%.",
    "far_outside_province": "The boundary lies {km} km outside its province.",
    "outside_province": "{percent}% of the boundary lies outside the boundary of {province}.",
    "far_from_recorded": "The boundary's centre lies {km} km from the recorded position, more than {limit_km} km.",
}


def default_message(code: str, params: dict) -> str:
    """Return the English message for a code, falling back to the code when a parameter is missing."""
    template = MESSAGES.get(code, code)
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return code


class GeodataError(Exception):
    """A geodata problem the user can fix; `code` is stable, `params` fill its message."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(default_message(code, params))


@dataclass(frozen=True)
class Notice:
    """Something a user should know about geodata that was nevertheless accepted."""

    code: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        """Return the English default message."""
        return default_message(self.code, self.params)
