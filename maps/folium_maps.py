"""Folium maps that load nothing from the internet but map tiles, split into parts for our templates."""
from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from typing import NamedTuple

import folium
from branca.element import Element, MacroElement
from folium.template import Template

from .vendor import LEAFLET_CSS, LEAFLET_JS, MARKERCLUSTER_CSS, MARKERCLUSTER_DEFAULT_CSS, MARKERCLUSTER_JS, asset_url

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
VIETNAM_CENTER = (16.0, 106.5)
VIETNAM_ZOOM = 5
_JS_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


class MapParts(NamedTuple):
    """A rendered map: `header` goes in <head>, `body` where the map should appear, `script` in a
    <script> element after it."""

    header: str
    body: str
    script: str


def script_json(value: object) -> str:
    """Serialise a value as JSON that cannot end or confuse a <script> element.

    `<`, `>` and `&` become \\u escapes so "</script>" or "<!--" in user text stay inside the
    string; U+2028 and U+2029 are escaped for older JavaScript parsers.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


class MapConfig(MacroElement):
    """Declare a global JavaScript variable with the page's settings (API URLs, filters) for its fetch() code."""

    _template = Template("{% macro script(this, kwargs) %}var {{ this.variable }} = {{ this.payload }};{% endmacro %}")

    def __init__(self, config: Mapping[str, object], variable: str = "mapConfig") -> None:
        super().__init__()
        if not _JS_IDENTIFIER.fullmatch(variable):
            raise ValueError(f"{variable!r} is not a JavaScript identifier")
        self._name = "MapConfig"
        self.variable = variable
        self.payload = script_json(dict(config))


def build_map(
    vendor_url: str,
    *,
    location: tuple[float, float] = VIETNAM_CENTER,
    zoom: int = VIETNAM_ZOOM,
    tiles: str = OSM_TILES,
    attribution: str = OSM_ATTRIBUTION,
    max_zoom: int = 19,
    height: str = "32rem",
    cluster: bool = True,
    config: Mapping[str, object] | None = None,
    config_variable: str = "mapConfig",
) -> folium.Map:
    """Build a Leaflet map whose scripts and styles come from `vendor_url`, where vendor_assets() are served.

    Only Leaflet (and Leaflet.markercluster when `cluster`) is linked: no jQuery, Bootstrap or
    Font Awesome. Layers are left to the page, which fetches GeoJSON from the API; when tiles
    cannot be reached the map still draws those layers on a blank background. `config`, if
    given, becomes a global variable for that page script; the map itself is `m.get_name()`.
    """
    m = folium.Map(location=location, zoom_start=zoom, tiles=None, height=height, control_scale=True)
    m.default_js = [("leaflet", asset_url(vendor_url, LEAFLET_JS))]
    m.default_css = [("leaflet_css", asset_url(vendor_url, LEAFLET_CSS))]
    if cluster:
        m.default_js.append(("markerclusterjs", asset_url(vendor_url, MARKERCLUSTER_JS)))
        m.default_css += [
            ("markerclustercss", asset_url(vendor_url, MARKERCLUSTER_CSS)),
            ("markerclusterdefaultcss", asset_url(vendor_url, MARKERCLUSTER_DEFAULT_CSS)),
        ]
    folium.TileLayer(tiles=tiles, attr=attribution, max_zoom=max_zoom, name="base").add_to(m)
    if config is not None:
        m.add_child(MapConfig(config, config_variable))
    return m


def map_parts(m: folium.Map, label: str | None = None) -> MapParts:
    """Render a map into header, body and script for embedding in our own base template.

    folium's own header is replaced: it sets `html, body` to full-window size with no margin and
    adds a viewport tag forbidding pinch zoom, both wrong for a page that merely holds a map.
    `label` names the map for screen readers. Render a map once: folium adds some layers'
    script again on every render.
    """
    figure = m.get_root()
    figure.render()
    name = m.get_name()
    figure.header.add_child(Element(_map_style(m)), name=name)
    # The host page declares its own charset; folium's duplicate would sit in our <head>.
    figure.header.add_child(Element(""), name="meta_http")
    if label is not None:
        div = f'<div class="folium-map" id="{name}" role="region" aria-label="{html.escape(label, quote=True)}"></div>'
        figure.html.add_child(Element(div), name=name)
    return MapParts(figure.header.render(), figure.html.render(), figure.script.render())


def _map_style(m: folium.Map) -> str:
    def size(value: tuple[float, str]) -> str:
        return f"{value[0]:g}{value[1]}"

    return (
        f"<style>#{m.get_name()} {{ position: {m.position}; width: {size(m.width)}; height: {size(m.height)};"
        f" left: {size(m.left)}; top: {size(m.top)}; }}"
        f" .leaflet-container {{ font-size: {m.font_size}; }}</style>"
    )
