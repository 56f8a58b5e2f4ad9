"""Checks on WGS84 geometry: where it lies and how large it is."""
from __future__ import annotations

from pyproj import Geod
from shapely import box
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry, BaseMultipartGeometry
from shapely.geometry.polygon import orient

from .errors import GeodataError, Notice

Bbox = tuple[float, float, float, float]

# Mainland Vietnam spans about lon 102.14 (A Pa Chải, Điện Biên) to 109.46 (Mũi Đôi) and lat 8.55
# (Mũi Cà Mau) to 23.39 (Lũng Cú). The box reaches east and south for Hoàng Sa (about 111-113 E,
# 15.7-17.1 N) and Trường Sa (to about 117.8 E and 6.5 N), and leaves 10-15 km of margin at the
# land borders so a boundary drawn slightly loose there still passes.
VIETNAM_BBOX: Bbox = (102.0, 6.0, 117.9, 23.5)
AREA_TOLERANCE = 0.20
_GEOD = Geod(ellps="WGS84")
_M2_PER_HA = 10_000


def is_inside_vietnam(geometry: BaseGeometry) -> bool:
    """Tell whether the geometry's bounds lie in Vietnam's box (mainland and islands)."""
    return _bounds_within(geometry.bounds, VIETNAM_BBOX)


def is_point_in_vietnam(longitude: float, latitude: float) -> bool:
    """Tell whether a (longitude, latitude) point lies in Vietnam's box."""
    return _bounds_within((longitude, latitude, longitude, latitude), VIETNAM_BBOX)


def check_inside_vietnam(geometry: BaseGeometry) -> None:
    """Raise GeodataError("outside_vietnam") unless the geometry lies in Vietnam's box."""
    if not is_inside_vietnam(geometry):
        raise GeodataError("outside_vietnam", bounds=_rounded(geometry.bounds))


def check_within_region(geometry: BaseGeometry, region: Bbox | BaseGeometry, tolerance: float = 0.01) -> None:
    """Raise GeodataError("outside_region") when more than `tolerance` of the area lies outside region.

    Some tolerance is needed because a zone's boundary and a province's are drawn by different
    surveys and rarely agree along a shared border.
    """
    area = area_hectares(geometry)
    if area == 0:
        return
    outside_share = area_hectares(geometry.difference(_as_geometry(region))) / area
    if outside_share > tolerance:
        raise GeodataError("outside_region", percent=round(outside_share * 100, 1))


def area_hectares(geometry: BaseGeometry) -> float:
    """Return the geodesic area on the WGS84 ellipsoid in hectares, whichever way rings run."""
    # pyproj signs each ring by its direction; orienting every polygon the same way stops
    # holes from adding area and clockwise parts from cancelling counter-clockwise ones.
    area_m2 = sum(_GEOD.geometry_area_perimeter(orient(polygon, 1.0))[0] for polygon in polygons_of(geometry))
    return abs(area_m2) / _M2_PER_HA


def polygons_of(geometry: BaseGeometry) -> list[Polygon]:
    """Return the non-empty polygons inside any geometry, collections included."""
    if isinstance(geometry, Polygon):
        return [] if geometry.is_empty else [geometry]
    if isinstance(geometry, BaseMultipartGeometry):
        return [polygon for part in geometry.geoms for polygon in polygons_of(part)]
    return []


def area_mismatch(declared_ha: float, computed_ha: float, tolerance: float = AREA_TOLERANCE) -> Notice | None:
    """Return an "area_mismatch" notice when the declared area differs from the mapped one by over 20 %.

    The difference is taken relative to the mapped area, the one measured from the boundary.
    """
    if computed_ha <= 0:
        return None
    difference = abs(declared_ha - computed_ha) / computed_ha
    if difference <= tolerance:
        return None
    params = {"declared_ha": round(declared_ha, 2), "computed_ha": round(computed_ha, 2)}
    return Notice("area_mismatch", params | {"percent": round(difference * 100)})


def far_from_recorded(centre: tuple[float, float], recorded: tuple[float, float], limit_km: float) -> Notice | None:
    """Return a "far_from_recorded" notice when a boundary's centre lies over `limit_km` from the recorded point.

    Both points are (longitude, latitude); the distance is measured on the WGS84 ellipsoid.
    """
    _azimuth, _back, metres = _GEOD.inv(recorded[0], recorded[1], centre[0], centre[1])
    if metres / 1000 <= limit_km:
        return None
    return Notice("far_from_recorded", {"km": round(metres / 1000), "limit_km": limit_km})


def _as_geometry(region: Bbox | BaseGeometry) -> BaseGeometry:
    return region if isinstance(region, BaseGeometry) else box(*region)


def _bounds_within(bounds: Bbox, outer: Bbox) -> bool:
    return outer[0] <= bounds[0] and outer[1] <= bounds[1] and bounds[2] <= outer[2] and bounds[3] <= outer[3]


def _rounded(bounds: Bbox) -> list[float]:
    return [round(value, 4) for value in bounds]
