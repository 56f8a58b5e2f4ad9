"""Assemble a Folium map for our pages: local Leaflet assets, configured tiles and the page script's settings."""
from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import maps
from flask import current_app, url_for
from flask_babel import gettext as _
from xstatic.pkg import leaflet, leaflet_markercluster

from registry.i18n import locale_code

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
        "enterprise": _("Enterprise"),
        "draw_hint": _("Drag on the map to draw a rectangle."),
        "click_hint": _("Click the map to choose the centre."),
        "distance": _("Distance"),
        "km": _("km"),
    }


def assemble(
    config: Mapping[str, object],
    *,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    height: str = "26rem",
    label: str = "",
) -> maps.MapParts:
    """Build and render a map whose layers the page script loads according to `config`."""
    m = maps.build_map(
        vendor_url(),
        location=center or VIETNAM_CENTER,
        zoom=zoom if zoom is not None else VIETNAM_ZOOM,
        tiles=current_app.config["MAP_TILE_URL"],
        attribution=current_app.config["MAP_TILE_ATTRIBUTION"],
        height=height,
    )
    settings = {
        "locale": locale_code(),
        "labels": client_labels(),
        "legend": legend(),
        "fitInitial": center is None,
        **config,
    }
    m.add_child(maps.MapConfig(settings, CONFIG_PREFIX + m.get_name()))
    return maps.map_parts(m, label=label or _("Map"))
