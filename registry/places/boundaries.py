"""Province boundaries an operator loads from a file, and the exact "in its province" checks they allow.

The platform ships no boundaries (the national merger map's terms are not stated); until an
operator loads them, the checks are approximate: a point or a shape is only known to lie in
Vietnam. Loaded boundaries are kept per process under the places' data version, like the zone
index, so a load on one host is seen by the next check everywhere.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import maps
import shapely
from flask import current_app
from flask_babel import lazy_gettext as _l
from maps.provinces import ProvinceIndex, display_outlines, read_province_file

from registry.audit.models import utcnow
from registry.audit.service import data_versions
from registry.extensions import db

from .models import Province, ProvinceBoundary

KIND = "places"
_EXTENSION = "province_index"
# A zone boundary with more than this share of its area outside its province is flagged.
OUTSIDE_SHARE = 0.01


@dataclass(frozen=True)
class LoadedBoundaries:
    """What a load of province boundaries wrote."""

    provinces: int
    vertices: int
    display_vertices: int
    replaced: int


@dataclass(frozen=True)
class PlaceCheck:
    """The result of an "in its province" check: exact when boundaries are loaded, else approximate.

    `inside` is None when nothing could be decided (approximate); `found_in` is the province
    that holds the point, or most of the shape, when it lies elsewhere.
    """

    exact: bool
    inside: bool | None = None
    share_outside: float = 0.0
    found_in: Province | None = None

    @property
    def description(self) -> str:
        """Say which check applied, for the pages that show it."""
        if self.exact:
            return str(_l("In its province: checked against the province's boundary."))
        return str(_l("In its province: approximate, province boundaries not loaded (only checked to lie in Vietnam)."))


def _named(codes: list[str]) -> list[str]:
    """Name provinces by code and name, "51 Quảng Ngãi", for a message."""
    names = dict(db.session.execute(db.select(Province.code, Province.name_vi).where(Province.code.in_(codes))).all())
    return [f"{code} {names[code]}" if code in names else code for code in codes]


def import_boundaries(data: bytes, filename: str, *, code_field: str | None = None,
                      progress: Callable[[str], None] = lambda _step: None) -> LoadedBoundaries:
    """Replace every province's boundary with the file's, all or none; raise maps.GeodataError when the file is refused.

    The caller (a command) commits; each province's row is an audited change. A file without
    exactly the 34 provinces is refused with the provinces it lacks or repeats named.
    """
    expected = list(db.session.scalars(db.select(Province.code).order_by(Province.code)))
    progress("read")
    try:
        shapes = read_province_file(data, filename, expected, code_field=code_field)
    except maps.GeodataError as error:
        if error.code == "bad_codes":
            error.params.update(missing=_named(error.params["missing"]), duplicated=_named(error.params["duplicated"]))
        raise
    progress("simplify")
    outlines = display_outlines([shape.geometry for shape in shapes])
    progress("write")
    existing = {row.province_code: row for row in db.session.scalars(db.select(ProvinceBoundary))}
    now = utcnow()
    for shape, outline in zip(shapes, outlines):
        row = existing.get(shape.code) or ProvinceBoundary(province_code=shape.code)
        row.boundary_wkb = shape.geometry.wkb
        row.display_geojson = maps.to_geojson_text(outline)
        row.min_lon, row.min_lat, row.max_lon, row.max_lat = maps.bounds(shape.geometry)
        row.area_km2 = round(shape.area_km2, 2)
        row.vertices = shape.vertices
        row.source = filename[-300:]
        row.loaded_at = now
        db.session.add(row)
    db.session.flush()
    return LoadedBoundaries(
        provinces=len(shapes),
        vertices=sum(shape.vertices for shape in shapes),
        display_vertices=int(sum(shapely.get_num_coordinates(outline) for outline in outlines)),
        replaced=len(existing),
    )


def display_outline(code: str) -> str | None:
    """Return the province's simplified outline as GeoJSON text, or None when none is loaded."""
    return db.session.scalar(db.select(ProvinceBoundary.display_geojson).where(ProvinceBoundary.province_code == code))


def display_outlines_all() -> list[tuple[str, str, str]]:
    """List (code, Vietnamese name, outline GeoJSON text) of every loaded province, by code."""
    return [tuple(row) for row in db.session.execute(
        db.select(ProvinceBoundary.province_code, Province.name_vi, ProvinceBoundary.display_geojson)
        .join(Province, Province.code == ProvinceBoundary.province_code).order_by(ProvinceBoundary.province_code)
    )]


def places_version() -> int:
    """Return the places' data version, which a load of boundaries moves."""
    return data_versions((KIND,))[KIND]


class KeptByVersion:
    """One value built for one data version, replaced when the version moves; safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: int | None = None
        self._value = None

    def get(self, version: int):
        with self._lock:
            return self._value if self._version == version else None

    def put(self, version: int, value):
        with self._lock:
            self._version, self._value = version, value
        return value


def province_index() -> ProvinceIndex:
    """Return the loaded provinces' full boundaries, prepared for checks (empty when none are loaded)."""
    version = places_version()
    if KIND in db.session.info.get("data_changed", ()):
        return _build()
    kept: KeptByVersion = current_app.extensions.setdefault(_EXTENSION, KeptByVersion())
    index = kept.get(version)
    return index if index is not None else kept.put(version, _build())


def _build() -> ProvinceIndex:
    rows = db.session.execute(db.select(ProvinceBoundary.province_code, ProvinceBoundary.boundary_wkb)).all()
    return ProvinceIndex({code: maps.from_wkb(wkb) for code, wkb in rows})


def check_point(province_code: str, longitude: float, latitude: float) -> PlaceCheck:
    """Check that a point lies in its province (within PROVINCE_BORDER_TOLERANCE_M of it)."""
    index = province_index()
    if province_code not in index:
        return PlaceCheck(exact=False)
    tolerance = current_app.config["PROVINCE_BORDER_TOLERANCE_M"]
    if index.holds_point(province_code, longitude, latitude, tolerance):
        return PlaceCheck(exact=True, inside=True)
    return PlaceCheck(exact=True, inside=False, found_in=_province(index.province_at(longitude, latitude)))


def check_shape(province_code: str, geometry) -> PlaceCheck:
    """Check that a zone's shape lies in its province, all but OUTSIDE_SHARE of its area."""
    index = province_index()
    if province_code not in index:
        return PlaceCheck(exact=False)
    share = index.share_outside(province_code, geometry)
    found = None
    if share > OUTSIDE_SHARE:
        meeting = [code for code in index.provinces_meeting(geometry) if code != province_code]
        found = meeting[0] if meeting else None
    return PlaceCheck(exact=True, inside=share <= OUTSIDE_SHARE, share_outside=share, found_in=_province(found))


def _province(code: str | None) -> Province | None:
    return db.session.get(Province, code) if code else None
