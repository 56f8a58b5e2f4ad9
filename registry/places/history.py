"""How the history pages read a loaded province boundary: the province's name, its area, size and source."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from registry.audit.records import RecordKind, describe
from registry.extensions import db
from registry.i18n import locale_code

from .models import Province, ProvinceBoundary


def _province(values) -> str:
    province = db.session.get(Province, str(values.get("province_code") or ""))
    return province.name(locale_code()) if province else str(values.get("province_code") or "")


PROVINCE_BOUNDARY = describe(RecordKind(
    table="province_boundary", model=ProvinceBoundary, label=_l("Province boundary"),
    name=_province,
    labels={"area_km2": _l("Area (km²)"), "vertices": _l("Vertices"), "source": _l("Source"), "loaded_at": _l("Loaded at")},
    groups={_l("The boundary changed."): ("min_lon", "min_lat", "max_lon", "max_lat")},
    editable=lambda _viewer: False,  # administrators load boundaries, and only they read their history
    page=lambda code: url_for("places.province", code=str(code)),
))
