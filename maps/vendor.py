"""Leaflet and Leaflet.markercluster files from the installed XStatic packages, served by our app."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from folium.elements import JSCSSMixin
from xstatic.pkg import leaflet, leaflet_markercluster

LEAFLET_JS = "leaflet/leaflet.js"
LEAFLET_CSS = "leaflet/leaflet.css"
MARKERCLUSTER_JS = "leaflet.markercluster/leaflet.markercluster.js"
MARKERCLUSTER_CSS = "leaflet.markercluster/MarkerCluster.css"
MARKERCLUSTER_DEFAULT_CSS = "leaflet.markercluster/MarkerCluster.Default.css"

# folium's names for the assets it links, mapped to the files we serve in their place.
_FOLIUM_NAMES = {
    "leaflet": LEAFLET_JS,
    "leaflet_css": LEAFLET_CSS,
    "markerclusterjs": MARKERCLUSTER_JS,
    "markerclustercss": MARKERCLUSTER_CSS,
    "markerclusterdefaultcss": MARKERCLUSTER_DEFAULT_CSS,
}


@cache
def vendor_assets() -> dict[str, Path]:
    """Map each URL-relative name ("leaflet/leaflet.js") to the installed file the app should serve.

    leaflet.css loads its icons from "images/" beside it, so the layout keeps that relation.
    """
    leaflet_dir = Path(leaflet.BASE_DIR)
    cluster_dir = Path(leaflet_markercluster.BASE_DIR)
    assets = {
        LEAFLET_JS: leaflet_dir / "leaflet.js",
        # leaflet.js names its source map; serving it keeps browser consoles free of 404s.
        "leaflet/leaflet.js.map": leaflet_dir / "leaflet.js.map",
        LEAFLET_CSS: leaflet_dir / "leaflet.css",
        MARKERCLUSTER_JS: cluster_dir / "leaflet.markercluster.js",
        MARKERCLUSTER_CSS: cluster_dir / "MarkerCluster.css",
        MARKERCLUSTER_DEFAULT_CSS: cluster_dir / "MarkerCluster.Default.css",
    }
    for image in sorted((leaflet_dir / "images").glob("*.png")):
        assets[f"leaflet/images/{image.name}"] = image
    return assets


def asset_url(vendor_url: str, name: str) -> str:
    """Join the URL prefix the app serves vendor_assets() under with a relative name."""
    return f"{vendor_url.rstrip('/')}/{name}"


def use_local_assets(element: JSCSSMixin, vendor_url: str) -> None:
    """Point a folium element's JS and CSS links at our server, for this instance only.

    Raises ValueError for an asset we do not serve, so no CDN link slips into a page unnoticed.
    """
    unknown = [name for name, _url in [*element.default_js, *element.default_css] if name not in _FOLIUM_NAMES]
    if unknown:
        raise ValueError(f"no local copy of {', '.join(unknown)} for {type(element).__name__}")
    # Assigning new lists on the instance shadows the class lists, which other maps share.
    element.default_js = [(name, asset_url(vendor_url, _FOLIUM_NAMES[name])) for name, _url in element.default_js]
    element.default_css = [(name, asset_url(vendor_url, _FOLIUM_NAMES[name])) for name, _url in element.default_css]
