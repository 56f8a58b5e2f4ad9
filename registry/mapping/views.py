"""Map pages and the map assets served from installed packages."""
from __future__ import annotations

import maps
from flask import Blueprint, Response, abort, render_template, request, send_file, url_for
from flask_babel import gettext as _

from registry.catalog import service as catalog
from registry.places.service import all_provinces
from registry.zones.models import ZoneKind
from registry.zones.queries import ZoneFilters

from .builder import assemble, vendor_release
from .outlines import outline_layer
from .styles import kind_label
from .unplaced import unplaced_zones

bp = Blueprint("mapping", __name__)
YEAR_SECONDS = 365 * 24 * 3600
# Browsers keep the outlines this long before asking again (a new load shows within it).
OUTLINES_SECONDS = 600


@bp.route("/vendor/<release>/<path:name>")
def vendor(release: str, name: str):
    """Serve one Leaflet or Leaflet.markercluster file from its installed package, and nothing else."""
    path = maps.vendor_assets().get(name)
    if path is None or release != vendor_release():
        abort(404)
    # The release is part of the URL, so a year-long cache cannot serve a stale copy after an upgrade.
    return send_file(path, max_age=YEAR_SECONDS, conditional=True)


@bp.route("/map")
def full_map():
    """Show the map of zones and enterprises, with filters, search and an area search."""
    filters = ZoneFilters.from_args(request.args)
    config = {
        "mode": "full",
        "filters": filters.args(),
        "api": {
            "zones": url_for("api.zones_geojson"),
            "enterprises": url_for("api.enterprises_geojson"),
            "enterpriseSearch": url_for("api.enterprises"),
            "incubators": url_for("api.incubators_geojson"),
        },
    }
    parts = assemble(config, height="70vh", label=_("Map of zones and enterprises"))
    version = catalog.current_version()
    groups = [node for node in catalog.nodes_of(version) if node.parent_id is None] if version else []
    return render_template(
        "mapping/map.html",
        map=parts,
        unplaced=unplaced_zones(filters),
        filters=filters,
        provinces=all_provinces(),
        kinds=[(kind.value, kind_label(kind)) for kind in ZoneKind],
        groups=groups,
    )


@bp.route("/map/provinces.geojson")
def province_outlines():
    """Serve the provinces' outlines, the light base layer of every map, gzipped when the browser takes it."""
    outlines = outline_layer()
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    answer = Response(outlines.gzipped if gzipped else outlines.body, mimetype="application/geo+json")
    if gzipped:
        answer.headers["Content-Encoding"] = "gzip"
    answer.headers["Vary"] = "Accept-Encoding"
    answer.set_etag(outlines.etag + ("-gz" if gzipped else ""))
    answer.cache_control.public = True
    answer.cache_control.max_age = OUTLINES_SECONDS
    return answer.make_conditional(request)


@bp.route("/map/unplaced")
def unplaced():
    """List the zones matching the map's filters that it cannot draw (the page script swaps it in after a filter change)."""
    return render_template("mapping/_unplaced.html", unplaced=unplaced_zones(ZoneFilters.from_args(request.args)))
