"""Look up provinces and communes, and place pre-2025 province names on today's map."""
from __future__ import annotations

import json
import re
from importlib import resources

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func
from sqlalchemy.orm import selectinload

from registry.extensions import db
from registry.text import fold, matches, terms

from .models import Commune, LegacyProvince, Province

REGION_NAMES = {
    "northern_midlands_mountains": _l("Northern Midlands and Mountains"),
    "red_river_delta": _l("Red River Delta"),
    "north_central_coast": _l("North Central and Central Coast"),
    "central_highlands": _l("Central Highlands"),
    "southeast": _l("Southeast"),
    "mekong_delta": _l("Mekong Delta"),
}
COMMUNE_TYPES_EN = {"xã": "Commune", "phường": "Ward", "đặc khu": "Special Zone"}
PROVINCE_PREFIX = re.compile(r"^(tinh|thanh pho|tp)\s+")


class UnknownPlace(ValueError):
    """A province or commune code that is not in the reference data."""


def normalize_code(code: str | int | None, width: int) -> str | None:
    """Return a GSO code zero-padded to `width` digits, or None when it is not a number."""
    text = str(code).strip() if code is not None else ""
    if not text.isdigit() or len(text) > width:
        return None
    return text.zfill(width)


def get_province(code: str | int | None) -> Province:
    """Return the province with this GSO code, or raise UnknownPlace."""
    normalized = normalize_code(code, 2)
    province = db.session.get(Province, normalized) if normalized else None
    if province is None:
        raise UnknownPlace(_l("There is no province with code “%(code)s”.", code=code))
    return province


def get_commune(code: str | int | None, province: Province | None = None) -> Commune:
    """Return the commune with this GSO code (inside `province` when given), or raise UnknownPlace."""
    normalized = normalize_code(code, 5)
    commune = db.session.get(Commune, normalized) if normalized else None
    if commune is None:
        raise UnknownPlace(_l("There is no commune with code “%(code)s”.", code=code))
    if province is not None and commune.province_code != province.code:
        raise UnknownPlace(
            _l("Commune “%(commune)s” is not in %(province)s.", commune=commune.name_vi, province=province.name_vi)
        )
    return commune


def commune_code_for(province_code: str | None, text: str | None) -> str | None:
    """Resolve a commune typed as its code or its name (with or without “Xã”/“Phường”, accents optional).

    Returns the code, or the text unchanged when nothing matches so the validator can name it.
    """
    text = (text or "").strip()
    if not text or normalize_code(text, 5):
        return text or None
    folded = fold(text)
    candidates = db.session.scalars(db.select(Commune).where(Commune.province_code == normalize_code(province_code, 2))).all()
    for commune in candidates:
        bare = fold(re.sub(r"^(Xã|Phường|Đặc khu)\s+", "", commune.name_vi))
        if folded in {commune.name_folded, bare} or fold(commune.name_en) == folded:
            return commune.code
    return text


def communes_of_code(province_code: str | None) -> list[Commune]:
    """List the communes of the province with this code, or none when the code is not a province."""
    code = normalize_code(province_code, 2)
    province = db.session.get(Province, code) if code else None
    return communes_of(province) if province else []


def all_provinces() -> list[Province]:
    """List the 34 provinces in GSO code order."""
    return list(db.session.scalars(db.select(Province).options(selectinload(Province.parts)).order_by(Province.code)))


def communes_of(province: Province) -> list[Commune]:
    """List a province's communes by name."""
    return list(
        db.session.scalars(
            db.select(Commune).where(Commune.province_code == province.code).order_by(Commune.name_folded)
        )
    )


def commune_counts() -> dict[str, dict[str, int]]:
    """Count communes by province and division type in one query."""
    rows = db.session.execute(
        db.select(Commune.province_code, Commune.division_type, func.count()).group_by(
            Commune.province_code, Commune.division_type
        )
    )
    counts: dict[str, dict[str, int]] = {}
    for code, kind, n in rows:
        counts.setdefault(code, {})[kind] = n
    return counts


def province_for(text: str | None) -> Province | None:
    """Return the province a cell names: its GSO code, today's name (with or without “Tỉnh”), or a pre-2025 name."""
    text = (text or "").strip()
    code = normalize_code(text, 2)
    if code:
        return db.session.get(Province, code)
    folded = PROVINCE_PREFIX.sub("", fold(text))
    if not folded:
        return None
    for province in all_provinces():
        if PROVINCE_PREFIX.sub("", province.name_folded) == folded:
            return province
    return place_legacy(text)


def place_legacy(name: str) -> Province | None:
    """Return today's province for a pre-2025 province name such as “tỉnh Bình Định”."""
    folded = PROVINCE_PREFIX.sub("", fold(name)).replace(" ", "")
    if not folded:
        return None
    for legacy in db.session.scalars(db.select(LegacyProvince)):
        if legacy.name_folded.replace(" ", "") in {folded, "thanhpho" + folded}:
            return legacy.province
    return None


def search_places(query: str, limit: int = 20) -> tuple[list[Province], list[Commune]]:
    """Find provinces (by current, English or pre-2025 name) and communes whose folded names match `query`."""
    if not terms(query):
        return [], []
    provinces = list(
        db.session.scalars(
            db.select(Province)
            .options(selectinload(Province.parts))
            .outerjoin(LegacyProvince)
            .where(matches(Province.name_folded, query) | matches(func.lower(Province.name_en), query)
                   | matches(LegacyProvince.name_folded, query))
            .distinct()
            .order_by(Province.code)
            .limit(limit)
        )
    )
    communes = list(
        db.session.scalars(
            db.select(Commune).where(matches(Commune.name_folded, query)).order_by(Commune.name_folded).limit(limit)
        )
    )
    return provinces, communes


def english_name(name_vi: str, division_type: str) -> str:
    """Render a commune name in English: “Phường Hoàn Kiếm” becomes “Hoan Kiem Ward”."""
    for prefix, word in (("Đặc khu ", "Special Zone"), ("Phường ", "Ward"), ("Xã ", "Commune")):
        if name_vi.startswith(prefix):
            return f"{_title(name_vi[len(prefix):])} {word}"
    return f"{_title(name_vi)} {COMMUNE_TYPES_EN.get(division_type, '')}".strip()


def _title(name_vi: str) -> str:
    return " ".join(part if part.isdigit() else part.capitalize() for part in fold(name_vi).split())


def load_reference_places() -> int:
    """Write the 34 provinces and 3,321 communes of `vietnam-provinces` into the database; safe to repeat.

    Returns how many communes were written. Existing rows are refreshed, so a newer package
    version updates names without breaking foreign keys.
    """
    import vietnam_provinces

    units = json.loads(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    facts = json.loads(resources.files("registry.places").joinpath("data/provinces.json").read_text(encoding="utf-8"))
    existing_provinces = {p.code: p for p in db.session.scalars(db.select(Province))}
    existing_communes = {c.code: c for c in db.session.scalars(db.select(Commune))}
    written = 0
    for unit in units:
        code = f"{unit['code']:02d}"
        info = facts["provinces"][code]
        name_vi = unit["name"]
        short = name_vi.removeprefix("Thành phố ").removeprefix("Tỉnh ")
        first_part = info["formed_from"][0]
        values = dict(
            name_vi=name_vi,
            name_en=info["name_en"] or _title(short),
            division_type=unit["division_type"],
            codename=unit["codename"],
            phone_code=unit.get("phone_code"),
            region=facts["legacy_provinces"][first_part],
            centre=info["centre"],
            name_folded=fold(name_vi),
        )
        province = existing_provinces.get(code) or Province(code=code)
        for key, value in values.items():
            setattr(province, key, value)
        db.session.add(province)
        for ward in unit["wards"]:
            ward_code = f"{ward['code']:05d}"
            commune = existing_communes.get(ward_code) or Commune(code=ward_code)
            commune.province_code = code
            commune.name_vi = ward["name"]
            commune.name_en = english_name(ward["name"], ward["division_type"])
            commune.division_type = ward["division_type"]
            commune.codename = ward["codename"]
            commune.name_folded = fold(ward["name"])
            db.session.add(commune)
            written += 1
    db.session.flush()
    db.session.execute(delete(LegacyProvince))
    for code, info in facts["provinces"].items():
        for position, name in enumerate(info["formed_from"]):
            db.session.add(
                LegacyProvince(
                    name_vi=name,
                    name_folded=fold(name),
                    province_code=code,
                    region=facts["legacy_provinces"][name],
                    position=position,
                )
            )
    db.session.flush()
    return written


