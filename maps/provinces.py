"""Province boundaries: read and check a file of them, simplify them as one coverage, test points and shapes against them.

A province file must name each province once by its GSO code and hold a valid polygon for it;
nothing is repaired. Display copies are simplified together (`simplify_coverage`) so neighbours
keep one shared border, then put on a coarse grid. Points near a border pass within a tolerance
in metres, because an address geocoded on a border road may sit a few metres across it.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from .archives import ZipLimits
from .crs import Reprojection
from .errors import GeodataError, Notice
from .reading import FORMATS, ShapeLimits, _read_layers, _Tally
from .validation import area_hectares, is_inside_vietnam

# The 34 provinces' file from the national merger map is 2.1 MB with 93,000 vertices.
MAX_FILE_BYTES = 64 * 1024 * 1024
LIMITS = ShapeLimits(max_features=200, max_vertices=5_000_000)
# About 500 m: invisible at the zoom of a whole province, and 34 outlines of Vietnam stay near 60 KB gzipped.
DISPLAY_TOLERANCE_DEGREES = 0.005
DISPLAY_DECIMALS = 3
CODE_FIELDS = ("code", "ma_tinh", "matinh", "province_code", "gso_code")
NAME_FIELDS = ("name", "ten_tinh", "name_vi")
METRES_PER_DEGREE = 111_320  # of latitude; a degree of longitude is shorter, so a tolerance is at least this generous


@dataclass(frozen=True)
class ProvinceShape:
    """One province's boundary as read from a file, in WGS84."""

    code: str
    name: str
    geometry: MultiPolygon

    @property
    def vertices(self) -> int:
        return int(shapely.get_num_coordinates(self.geometry))

    @property
    def area_km2(self) -> float:
        return area_hectares(self.geometry) / 100


def read_province_file(data: bytes, filename: str, expected_codes: Iterable[str], *, code_field: str | None = None) -> list[ProvinceShape]:
    """Read one province per feature, keyed by its GSO code, and check the set is exactly `expected_codes`.

    Raises GeodataError: "too_large", "unsupported_format", "unreadable_file", "missing_crs",
    "outside_vietnam" as any upload does, or this file's own "no_code_field", "bad_codes" (with
    `unknown`, `missing`, `duplicated`), "province_not_polygon" and "province_invalid" (with the
    province and the reason), which registry.places.boundaries words.
    """
    if len(data) > MAX_FILE_BYTES:
        raise GeodataError("too_large", size_mb=round(len(data) / 2**20, 1), limit_mb=round(MAX_FILE_BYTES / 2**20, 1))
    extension = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    if extension not in FORMATS:
        raise GeodataError("unsupported_format", extension=extension or filename)
    notices: list[Notice] = []
    layers = _read_layers(data, FORMATS[extension], ZipLimits(), None, notices, _Tally(LIMITS))
    rows = [(geometry, attributes, layer.declared_crs) for layer in layers
            for geometry, attributes in zip(layer.geometries, layer.attributes)]
    field = code_field or _field_named(rows, CODE_FIELDS)
    if field is None:
        raise GeodataError("no_code_field", fields=", ".join(CODE_FIELDS))
    name_field = _field_named(rows, NAME_FIELDS)
    codes = [_code(attributes.get(field)) for _geometry, attributes, _crs in rows]
    _check_codes(codes, set(expected_codes))
    shapes = []
    for (geometry, attributes, crs), code in zip(rows, codes):
        name = str(attributes.get(name_field) or code) if name_field else code
        shapes.append(ProvinceShape(code, name, _checked_polygons(geometry, crs, code, name)))
    return sorted(shapes, key=lambda shape: shape.code)


def _field_named(rows: list, candidates: tuple[str, ...]) -> str | None:
    present = {key.lower(): key for _geometry, attributes, _crs in rows[:1] for key in attributes}
    return next((present[name] for name in candidates if name in present), None)


def _code(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "" if value is None else str(value).strip()
    return text.zfill(2) if text.isdigit() and len(text) <= 2 else text


def _check_codes(codes: list[str], expected: set[str]) -> None:
    seen: set[str] = set()
    duplicated = sorted({code for code in codes if code in seen or seen.add(code)})
    unknown = sorted(set(codes) - expected)
    missing = sorted(expected - set(codes))
    if unknown or missing or duplicated:
        raise GeodataError("bad_codes", unknown=unknown, missing=missing, duplicated=duplicated)


def _checked_polygons(geometry: BaseGeometry | None, crs: CRS | None, code: str, name: str) -> MultiPolygon:
    """Return the feature as a 2D WGS84 MultiPolygon, or refuse it naming the province; never repair it."""
    if geometry is None or geometry.is_empty or shapely.get_type_id(geometry) not in (3, 6):  # Polygon, MultiPolygon
        raise GeodataError("province_not_polygon", province_code=code, name=name)
    if crs is None:
        raise GeodataError("missing_crs")
    geometry = shapely.force_2d(geometry)
    if not crs.equals(CRS.from_epsg(4326)):
        reprojection = Reprojection(crs)
        geometry = shapely.transform(geometry, lambda xy: np.column_stack(reprojection.transform_many(xy[:, 0], xy[:, 1])))
    if not geometry.is_valid:
        raise GeodataError("province_invalid", province_code=code, name=name, reason=shapely.is_valid_reason(geometry))
    if not is_inside_vietnam(geometry):
        raise GeodataError("outside_vietnam", bounds=[round(float(value), 4) for value in geometry.bounds])
    polygons = [geometry] if isinstance(geometry, Polygon) else list(geometry.geoms)
    return MultiPolygon([orient(polygon, 1.0) for polygon in polygons])


def display_outlines(geometries: list[BaseGeometry]) -> list[BaseGeometry]:
    """Simplify the provinces together so shared borders stay shared, then round them to DISPLAY_DECIMALS.

    A part smaller than the grid (an islet) may vanish; a province never loses all of itself.
    """
    simplified = gpd.GeoSeries(geometries).simplify_coverage(DISPLAY_TOLERANCE_DEGREES).array
    grid = 10 ** -DISPLAY_DECIMALS
    outlines = []
    for original, thin in zip(geometries, simplified):
        snapped = shapely.set_precision(thin, grid)
        outlines.append(snapped if not snapped.is_empty else thin)
    return outlines


def tolerance_degrees(metres: float) -> float:
    """Turn a tolerance in metres into degrees (by latitude, so never less than the metres asked)."""
    return metres / METRES_PER_DEGREE


class ProvinceIndex:
    """The provinces' full boundaries, prepared once, for exact checks of points and shapes."""

    def __init__(self, shapes: Mapping[str, BaseGeometry]) -> None:
        self.codes = list(shapes)
        self.geometries = [shapes[code] for code in self.codes]
        for geometry in self.geometries:
            shapely.prepare(geometry)
        self.tree = shapely.STRtree(self.geometries)

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code: str) -> bool:
        return code in self.codes

    def geometry(self, code: str) -> BaseGeometry | None:
        return self.geometries[self.codes.index(code)] if code in self.codes else None

    def holds_point(self, code: str, longitude: float, latitude: float, tolerance_m: float) -> bool:
        """Tell whether the point lies in the province or within `tolerance_m` of it."""
        geometry = self.geometry(code)
        if geometry is None:
            raise KeyError(code)
        if shapely.contains_xy(geometry, longitude, latitude):
            return True
        return bool(shapely.dwithin(geometry, shapely.Point(longitude, latitude), tolerance_degrees(tolerance_m)))

    def province_at(self, longitude: float, latitude: float) -> str | None:
        """Return the code of the province holding the point, or None (at sea, abroad)."""
        point = shapely.Point(longitude, latitude)
        for position in self.tree.query(point, predicate="intersects"):
            return self.codes[int(position)]
        return None

    def share_outside(self, code: str, geometry: BaseGeometry) -> float:
        """Return the share (0 to 1) of the shape's area that lies outside the province."""
        province = self.geometry(code)
        if province is None:
            raise KeyError(code)
        area = area_hectares(geometry)
        if area == 0 or province.contains(geometry):
            return 0.0
        outside = area_hectares(geometry.difference(province)) / area
        return outside if math.isfinite(outside) else 0.0

    def provinces_meeting(self, geometry: BaseGeometry) -> list[str]:
        """Return the codes of the provinces the shape overlaps, most overlapped first."""
        found = [self.codes[int(position)] for position in self.tree.query(geometry, predicate="intersects")]
        return sorted(found, key=lambda code: -area_hectares(geometry.intersection(self.geometry(code))))
