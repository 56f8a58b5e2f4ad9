"""Distances on the globe in kilometres: between two points, from a zone to a point, and a box around a circle."""
from __future__ import annotations

import math

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from .validation import Bbox

EARTH_RADIUS_KM = 6371.0088  # the mean radius of the WGS84 ellipsoid
KM_PER_DEGREE = 111.32  # of latitude, and of longitude at the equator


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in kilometres (haversine; metres of error do not matter for ranking)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def distance_to_km(geometry: BaseGeometry, longitude: float, latitude: float) -> float:
    """Return how far the point lies from the geometry in kilometres: 0 inside or on it, else to its nearest edge."""
    point = Point(longitude, latitude)
    if geometry.covers(point):
        return 0.0
    nearest = nearest_points(geometry, point)[0]
    return distance_km(latitude, longitude, nearest.y, nearest.x)


def box_around(latitude: float, longitude: float, radius_km: float) -> Bbox:
    """Return a (min_lon, min_lat, max_lon, max_lat) box holding the circle, clamped to valid degrees."""
    dlat = radius_km / KM_PER_DEGREE
    dlon = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
    return max(longitude - dlon, -180), max(latitude - dlat, -90), min(longitude + dlon, 180), min(latitude + dlat, 90)
