"""The provinces' outlines, a light base layer under every map, so a map without tiles still shows where things are.

One answer (the simplified outlines stored at load time, about 60 KB gzipped for the 34
provinces) is built per process and data version of the places and gzipped once. Every map
names the same address, so building a page costs no query; browsers keep the answer a few
minutes and then ask again with its entity tag (an empty collection while none are loaded).
"""
from __future__ import annotations

import gzip
import hashlib
import json
from typing import NamedTuple

from flask import current_app, url_for

from registry.places.boundaries import KeptByVersion, display_outlines_all, places_version

_EXTENSION = "province_outlines"


class Outlines(NamedTuple):
    """The outline layer's GeoJSON, plain and gzipped, with its entity tag."""

    version: int
    body: bytes
    gzipped: bytes
    etag: str


def outline_layer() -> Outlines:
    """Return the outlines of the loaded province boundaries (no features while none are loaded)."""
    version = places_version()
    kept: KeptByVersion = current_app.extensions.setdefault(_EXTENSION, KeptByVersion())
    return kept.get(version) or kept.put(version, _build(version))


def outline_url() -> str:
    """Return where a map's script fetches the outlines."""
    return url_for("mapping.province_outlines")


def _build(version: int) -> Outlines:
    rows = display_outlines_all()
    features = ",".join(
        '{"type":"Feature","id":%s,"properties":%s,"geometry":%s}'
        % (json.dumps(code), json.dumps({"code": code, "name": name}, ensure_ascii=False), geometry)
        for code, name, geometry in rows
    )
    body = ('{"type":"FeatureCollection","features":[' + features + "]}").encode("utf-8")
    return Outlines(version, body, gzip.compress(body, 9, mtime=0), hashlib.sha256(body).hexdigest()[:32])
