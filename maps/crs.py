"""Coordinate reference systems used for Vietnamese geodata, and parsing a user's choice."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from pyproj import CRS, Transformer
from pyproj.database import query_crs_info
from pyproj.enums import PJType
from pyproj.exceptions import CRSError

from .errors import GeodataError
from .meridians import Meridian, meridians, meridians_of

WGS84 = "EPSG:4326"
_FIXED_CHOICES = ("EPSG:4326", "EPSG:4756", "EPSG:3405", "EPSG:3406")
_TM3_PREFIX = "VN-2000 / TM-3"
# A CRS typed into a form field; anything longer is not a code we offer.
_MAX_INPUT = 4000


@dataclass(frozen=True)
class CrsChoice:
    """One CRS a user may pick for a file that does not declare its own; a TM-3 zone names its meridian and provinces."""

    code: str
    name: str
    bounds: tuple[float, float, float, float] | None
    meridian: str = ""
    provinces: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Return "VN-2000 / TM-3 zone 491 (EPSG:5898) · 108°00′: Quảng Ngãi" for a select's option."""
        shown = self.name if self.code.startswith("+") else f"{self.name} ({self.code})"
        if self.meridian and self.meridian not in self.name:
            shown = f"{shown} · {self.meridian}"
        return f"{shown}: {', '.join(self.provinces)}" if self.provinces else shown


def crs_choices(province_code: str | None = None) -> tuple[CrsChoice, ...]:
    """Return the CRS a user may choose: the province's own TM-3 meridians first when it is given, then every other.

    The rest are WGS84, VN-2000 and its UTM zones, then every VN-2000 TM-3 zone, west to east:
    those of the EPSG registry, and a defined one for a provincial meridian the registry lacks.
    """
    every = _all_choices()
    own = [meridian.crs for meridian in meridians_of(province_code)]
    first = [choice for code in own for choice in every if choice.code == code]
    return tuple(first) + tuple(choice for choice in every if choice.code not in own)


@cache
def _all_choices() -> tuple[CrsChoice, ...]:
    fixed = []
    for code in _FIXED_CHOICES:
        crs = CRS.from_user_input(code)
        area = crs.area_of_use
        fixed.append(CrsChoice(code, crs.name, area.bounds if area else None))
    tm3: dict[str, CrsChoice] = {}
    for info in query_crs_info(auth_name="EPSG", pj_types=PJType.PROJECTED_CRS):
        if not info.name.startswith(_TM3_PREFIX) or info.deprecated:
            continue
        choice = CrsChoice(f"EPSG:{info.code}", info.name, info.area_of_use.bounds if info.area_of_use else None)
        # The registry lists some zones once per area of use; offer each zone once, with its widest area.
        if info.code not in tm3 or _bbox_area(choice.bounds) > _bbox_area(tm3[info.code].bounds):
            tm3[info.code] = choice
    by_code = {meridian.crs: meridian for meridian in meridians()}
    zones = [_with_meridian(choice, by_code.pop(choice.code, None)) for choice in tm3.values()]
    zones += [CrsChoice(meridian.crs, meridian.name, None, meridian.label, meridian.provinces) for meridian in by_code.values()]
    return tuple(fixed) + tuple(sorted(zones, key=_central_meridian))


def _with_meridian(choice: CrsChoice, meridian: Meridian | None) -> CrsChoice:
    if meridian is None:
        return choice
    return CrsChoice(choice.code, choice.name, choice.bounds, meridian.label, meridian.provinces)


def _central_meridian(choice: CrsChoice) -> float:
    operation = CRS.from_user_input(choice.code).coordinate_operation
    return next((param.value for param in operation.params if param.name == "Longitude of natural origin"), 0.0)


def _bbox_area(bounds: tuple[float, float, float, float] | None) -> float:
    return 0.0 if bounds is None else (bounds[2] - bounds[0]) * (bounds[3] - bounds[1])


def parse_crs(text: str) -> CRS:
    """Parse "EPSG:3405", "3405" or any definition pyproj accepts, or raise GeodataError("unknown_crs")."""
    value = text.strip()
    if not value or len(value) > _MAX_INPUT:
        raise GeodataError("unknown_crs", value=value[:80])
    if value.isdigit():
        value = f"EPSG:{value}"
    try:
        crs = CRS.from_user_input(value)
    except CRSError:
        raise GeodataError("unknown_crs", value=value[:80]) from None
    if not (crs.is_geographic or crs.is_projected):
        raise GeodataError("unknown_crs", value=value[:80])
    return crs


def crs_label(crs: CRS) -> str:
    """Return "EPSG:3405" when the CRS has an EPSG code, else its name."""
    authority = crs.to_authority(min_confidence=90)
    return f"{authority[0]}:{authority[1]}" if authority else crs.name


class Reprojection:
    """Turn coordinates of one CRS (easting/longitude first) into WGS84 longitude and latitude."""

    def __init__(self, source: CRS | str) -> None:
        self.source = source if isinstance(source, CRS) else parse_crs(source)
        self._transformer = Transformer.from_crs(self.source, WGS84, always_xy=True)

    def transform(self, x: float, y: float) -> tuple[float, float]:
        """Return one point's (longitude, latitude)."""
        longitude, latitude = self._transformer.transform(x, y)
        return float(longitude), float(latitude)

    def transform_many(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the longitudes and latitudes of many points at once."""
        longitudes, latitudes = self._transformer.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        return np.asarray(longitudes), np.asarray(latitudes)


def reprojection_to_wgs84(crs: str) -> Reprojection | None:
    """Parse a user's CRS choice ("" is WGS84) and return its reprojection, or None when it is WGS84 already.

    Raises GeodataError("unknown_crs") for a CRS pyproj does not know.
    """
    chosen = parse_crs(crs or WGS84)
    return None if chosen.to_epsg() == 4326 else Reprojection(chosen)
