"""Assemble a Folium map for our pages: local Leaflet assets, configured tiles and the page script's settings."""
from __future__ import annotations

from collections.abc import Mapping
from functools import cache, lru_cache

import maps
from flask import current_app, url_for
from flask_babel import gettext as _
from xstatic.pkg import leaflet, leaflet_markercluster

from registry.i18n import locale_code

from .outlines import outline_url
from .styles import legend

VIETNAM_CENTER = (16.0, 106.5)
VIETNAM_ZOOM = 5
CONFIG_PREFIX = "registryMapConfig_"  # the page script finds each map's settings under this name + map id


@cache
def vendor_release() -> str:
    """Name the installed asset versions, so their URLs can be cached for a year and still change on upgrade."""
    return f"{leaflet.VERSION}-{leaflet_markercluster.VERSION}"


def vendor_url() -> str:
    """Return the URL prefix under which the app serves maps.vendor_assets()."""
    probe = "leaflet/leaflet.js"
    return url_for("mapping.vendor", release=vendor_release(), name=probe).removesuffix(probe)


def client_labels() -> dict[str, str]:
    """Return the words the page script shows, in the page's language."""
    return {
        "kind": _("Kind"),
        "status": _("Status"),
        "available": _("Available land"),
        "occupancy": _("Occupancy"),
        "approximate": _("Approximate location or boundary"),
        "open": _("Open the page"),
        "hectares": _("ha"),
        "zoom_in": _("Zoom in"),
        "zoom_out": _("Zoom out"),
        "fullscreen": _("Full screen"),
        "exit_fullscreen": _("Leave full screen"),
        "load_failed": _("Some map data could not be loaded. Try again later."),
        "loading": _("Loading map data…"),
        "no_results": _("Nothing found."),
        "results": _("%(count)s found", count="{count}"),
        "truncated": _("Only the first %(count)s are shown; zoom in or narrow the filters.", count="{count}"),
        "zone": _("Zone"),
        "zone_layer": _("Zones"),
        "enterprise_layer": _("Enterprises"),
        "incubator_layer": _("Incubators"),
        "host": _("Host"),
        "incubatees_active": _("Active incubatees"),
        "graduates": _("Graduates"),
        "demo": _("Demo"),
        "enterprise": _("Enterprise"),
        "draw_hint": _("Drag on the map to draw a rectangle."),
        "click_hint": _("Click the map to choose the centre."),
        "distance": _("Distance"),
        "legend": _("Legend"),
        "cell": _("%(count)s enterprises here: zoom in", count="{count}"),
        "clustered": _("%(count)s enterprises in view, counted by area: zoom in to see each one.", count="{count}"),
        "km": _("km"),
    }


def assemble(
    config: Mapping[str, object],
    *,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    height: str = "26rem",
    label: str = "",
    bounds: tuple[float, float, float, float] | None = None,
) -> maps.MapParts:
    """Give a page a map whose view and layers the page script sets from `config`.

    `bounds` (min_lon, min_lat, max_lon, max_lat) opens the map on that box, before any layer loads.

    Building and rendering a Folium map costs far more than the rest of a page, so the map itself
    is rendered once per size, label and tile source; what differs per page (view, layers, labels
    in the page's language) travels in the settings variable the page script reads.
    """
    shell, name = _shell(vendor_url(), current_app.config["MAP_TILE_URL"], current_app.config["MAP_TILE_ATTRIBUTION"],
                         height, label or _("Map"))
    settings = {
        **_page_words(locale_code()),
        "center": list(center) if center else None,
        "zoom": zoom,
        "fitInitial": center is None,
        "outlines": outline_url(),
        "bounds": [[bounds[1], bounds[0]], [bounds[3], bounds[2]]] if bounds else None,
        **config,
    }
    script = f"{shell.script}\nvar {CONFIG_PREFIX}{name} = {maps.script_json(settings)};"
    return maps.MapParts(shell.header, shell.body, script)


@lru_cache(maxsize=8)
def _page_words(locale: str) -> dict:
    """Return the map script's words and legend in `locale`, translated once per process."""
    return {"locale": locale, "labels": client_labels(), "legend": legend()}


@lru_cache(maxsize=64)
def _shell(vendor: str, tiles: str, attribution: str, height: str, label: str) -> tuple[maps.MapParts, str]:
    """Render a map over all of Vietnam once; pages reuse it (one such map per page: its element id is fixed)."""
    m = maps.build_map(vendor, location=VIETNAM_CENTER, zoom=VIETNAM_ZOOM, tiles=tiles, attribution=attribution, height=height)
    return maps.map_parts(m, label=label), m.get_name()
