"""The VN-2000 TM-3 central meridian of every province, and the coordinate system each one defines.

Sources:

- Decision 83/2000/QĐ-TTg (12 July 2000): VN-2000 replaces HN-72, on the WGS84 ellipsoid
  (a = 6 378 137 m, f = 1/298.257223563).
- Circular 973/2001/TT-TCĐC (20 June 2001) of the General Department of Land Administration,
  guiding the use of VN-2000: its appendix of the central meridian of the TM-3 projection (3°
  zones, scale factor k = 0.9999) for each province. The list below is that appendix for the 63
  provinces of 2008–2025 (Hà Tây, merged into Hà Nội in 2008, shared Hà Nội's 105°00′).
- The EPSG registry (as shipped with PROJ, read through pyproj): the VN-2000 / TM-3 projected
  systems EPSG:5896–5899 and EPSG:9205–9218, whose areas of use name the provinces of each
  meridian. `tests/maps/test_meridians.py` checks every province below against those names.
- Resolution 202/2025/QH15: the 34 provinces and cities formed on 1 July 2025 from the 63, keyed
  here by their GSO codes. A merged province keeps each of its parts' meridians, the part whose
  name it kept first (the order of `registry/places/data/provinces.json`).
- Decision 05/2007/QĐ-BTNMT: the seven parameters from VN-2000 to WGS84, which the EPSG registry
  holds as transformation EPSG:6960 ("VN-2000 to WGS 84 (2)") and `proj_definition` writes as
  `+towgs84` for a meridian the installed registry lacks.

The false easting is 500 000 m and the false northing 0 on every meridian; the ellipsoid is
WGS84's, on the VN-2000 datum.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from pyproj import CRS
from pyproj.database import query_crs_info
from pyproj.enums import PJType
from pyproj.exceptions import CRSError

from .validation import Bbox

SCALE_FACTOR = 0.9999
FALSE_EASTING = 500_000
# Decision 05/2007/QĐ-BTNMT (EPSG:6960) in PROJ's position-vector convention: the rotations of the
# coordinate-frame parameters with their signs turned.
TOWGS84 = "-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278"

# Central meridian in minutes east of Greenwich → the EPSG code of its VN-2000 / TM-3 system.
EPSG_CODES: dict[int, int] = {
    102 * 60: 5896, 103 * 60: 9205, 104 * 60: 9206, 104 * 60 + 30: 9207, 104 * 60 + 45: 9208,
    105 * 60: 5897, 105 * 60 + 30: 9209, 105 * 60 + 45: 9210, 106 * 60: 9211, 106 * 60 + 15: 9212,
    106 * 60 + 30: 9213, 107 * 60: 9214, 107 * 60 + 15: 9215, 107 * 60 + 30: 9216, 107 * 60 + 45: 5899,
    108 * 60: 5898, 108 * 60 + 15: 9217, 108 * 60 + 30: 9218,
}


def _m(degrees: int, minutes: int = 0) -> int:
    return degrees * 60 + minutes


# Each province of 2025 (GSO code) → its parts before 2025, with the central meridian (in minutes) of each.
PROVINCE_MERIDIANS: dict[str, tuple[tuple[str, int], ...]] = {
    "01": (("Hà Nội", _m(105)),),
    "04": (("Cao Bằng", _m(105, 45)),),
    "08": (("Tuyên Quang", _m(106)), ("Hà Giang", _m(105, 30))),
    "11": (("Điện Biên", _m(103)),),
    "12": (("Lai Châu", _m(103)),),
    "14": (("Sơn La", _m(104)),),
    "15": (("Lào Cai", _m(104, 45)), ("Yên Bái", _m(104, 45))),
    "19": (("Thái Nguyên", _m(106, 30)), ("Bắc Kạn", _m(106, 30))),
    "20": (("Lạng Sơn", _m(107, 15)),),
    "22": (("Quảng Ninh", _m(107, 45)),),
    "24": (("Bắc Ninh", _m(105, 30)), ("Bắc Giang", _m(107))),
    "25": (("Phú Thọ", _m(104, 45)), ("Vĩnh Phúc", _m(105)), ("Hòa Bình", _m(106))),
    "31": (("Hải Phòng", _m(105, 45)), ("Hải Dương", _m(105, 30))),
    "33": (("Hưng Yên", _m(105, 30)), ("Thái Bình", _m(105, 30))),
    "37": (("Ninh Bình", _m(105)), ("Hà Nam", _m(105)), ("Nam Định", _m(105, 30))),
    "38": (("Thanh Hóa", _m(105)),),
    "40": (("Nghệ An", _m(104, 45)),),
    "42": (("Hà Tĩnh", _m(105, 30)),),
    "44": (("Quảng Trị", _m(106, 15)), ("Quảng Bình", _m(106))),
    "46": (("Thừa Thiên Huế", _m(107)),),
    "48": (("Đà Nẵng", _m(107, 45)), ("Quảng Nam", _m(107, 45))),
    "51": (("Quảng Ngãi", _m(108)), ("Kon Tum", _m(107, 30))),
    "52": (("Gia Lai", _m(108, 30)), ("Bình Định", _m(108, 15))),
    "56": (("Khánh Hòa", _m(108, 15)), ("Ninh Thuận", _m(108, 15))),
    "66": (("Đắk Lắk", _m(108, 30)), ("Phú Yên", _m(108, 30))),
    "68": (("Lâm Đồng", _m(107, 45)), ("Đắk Nông", _m(108, 30)), ("Bình Thuận", _m(108, 30))),
    "75": (("Đồng Nai", _m(107, 45)), ("Bình Phước", _m(106, 15))),
    "79": (("Thành phố Hồ Chí Minh", _m(105, 45)), ("Bình Dương", _m(105, 45)), ("Bà Rịa - Vũng Tàu", _m(107, 45))),
    "80": (("Tây Ninh", _m(105, 30)), ("Long An", _m(105, 45))),
    "82": (("Đồng Tháp", _m(105)), ("Tiền Giang", _m(105, 45))),
    "86": (("Vĩnh Long", _m(105, 30)), ("Bến Tre", _m(105, 45)), ("Trà Vinh", _m(105, 30))),
    "91": (("An Giang", _m(104, 45)), ("Kiên Giang", _m(104, 30))),
    "92": (("Cần Thơ", _m(105)), ("Sóc Trăng", _m(105, 30)), ("Hậu Giang", _m(105))),
    "96": (("Cà Mau", _m(104, 30)), ("Bạc Liêu", _m(105))),
}
# Margin around a zone's EPSG area of use within which a boundary still counts as in its province.
EXTENT_MARGIN_DEGREES = 0.1


@dataclass(frozen=True)
class Meridian:
    """One provincial TM-3 central meridian: its minutes east, its CRS and the pre-2025 provinces that use it."""

    minutes: int
    provinces: tuple[str, ...]

    @property
    def degrees(self) -> float:
        return self.minutes / 60

    @property
    def label(self) -> str:
        """Return "108°00′", as Vietnamese maps write it."""
        return f"{self.minutes // 60}°{self.minutes % 60:02d}′"

    @property
    def name(self) -> str:
        return f"VN-2000 / TM-3 {self.label}"

    @property
    def crs(self) -> str:
        """Return "EPSG:5898" where the installed registry has the system, else its PROJ definition."""
        code = EPSG_CODES.get(self.minutes)
        return f"EPSG:{code}" if code is not None and _known(code) else proj_definition(self.minutes)


def proj_definition(minutes: int) -> str:
    """Return the PROJ definition of the VN-2000 TM-3 system on a central meridian given in minutes."""
    return (f"+proj=tmerc +lat_0=0 +lon_0={minutes / 60:.10g} +k={SCALE_FACTOR} +x_0={FALSE_EASTING} +y_0=0 "
            f"+ellps=WGS84 +towgs84={TOWGS84} +units=m +no_defs +type=crs")


@cache
def _known(code: int) -> bool:
    try:
        CRS.from_epsg(code)
    except CRSError:
        return False
    return True


@cache
def meridians() -> tuple[Meridian, ...]:
    """Every provincial meridian, west to east, with the pre-2025 provinces on it."""
    by_minutes: dict[int, list[str]] = {}
    for parts in PROVINCE_MERIDIANS.values():
        for name, minutes in parts:
            by_minutes.setdefault(minutes, []).append(name)
    return tuple(Meridian(minutes, tuple(names)) for minutes, names in sorted(by_minutes.items()))


def meridians_of(province_code: str | None) -> list[Meridian]:
    """The meridians of a 2025 province, its own (the part whose name it kept) first; [] for an unknown code."""
    by_minutes = {meridian.minutes: meridian for meridian in meridians()}
    minutes = dict.fromkeys(minutes for _name, minutes in PROVINCE_MERIDIANS.get(province_code or "", ()))
    return [by_minutes[value] for value in minutes]


def meridian_of_crs(crs: str) -> Meridian | None:
    """Return the meridian whose system `crs` ("EPSG:5898") is, or None."""
    for meridian in meridians():
        if meridian.crs == crs or f"EPSG:{EPSG_CODES.get(meridian.minutes)}" == crs:
            return meridian
    return None


@cache
def province_extent(province_code: str) -> Bbox | None:
    """An approximate box around a 2025 province, from the EPSG areas of use of its meridians' systems.

    For each part, the narrowest area of use of its meridian's system that names it (EPSG lists
    several areas for some systems), else that system's narrowest; the parts' boxes are joined and
    widened by EXTENT_MARGIN_DEGREES. Coarse where one system covers many provinces; an exact
    check needs the province's boundary.
    """
    boxes = []
    for name, minutes in PROVINCE_MERIDIANS.get(province_code, ()):
        areas = _areas_of_use(EPSG_CODES.get(minutes, 0))
        if not areas:
            continue
        naming = [bounds for area_name, bounds in areas if _folded(name) in _folded(area_name)]
        boxes.append(min(naming or [bounds for _n, bounds in areas], key=_box_area))
    if not boxes:
        return None
    margin = EXTENT_MARGIN_DEGREES
    return (min(b[0] for b in boxes) - margin, min(b[1] for b in boxes) - margin,
            max(b[2] for b in boxes) + margin, max(b[3] for b in boxes) + margin)


@cache
def _areas_of_use(code: int) -> tuple[tuple[str, Bbox], ...]:
    return tuple(
        (info.area_of_use.name, info.area_of_use.bounds)
        for info in query_crs_info(auth_name="EPSG", pj_types=PJType.PROJECTED_CRS)
        if info.code == str(code) and info.area_of_use is not None
    )


def _box_area(bounds: Bbox) -> float:
    return (bounds[2] - bounds[0]) * (bounds[3] - bounds[1])


def _folded(text: str) -> str:
    """Fold a Vietnamese or EPSG place name to plain lowercase words ("Thừa Thiên Huế" and "Thua Thien-Hue" agree)."""
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower().replace("thanh pho ", "")
    return " " + " ".join(re.findall(r"[a-z0-9]+", plain)) + " "
