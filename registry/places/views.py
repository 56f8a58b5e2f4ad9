"""Province pages: the list of 34 units and each one's communes and origins."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from registry.enterprises import queries
from registry.mapping.embed import province_map
from registry.page_cache import shared_page
from registry.zones import queries as zone_queries

from . import boundaries, service

bp = Blueprint("places", __name__, url_prefix="/provinces")


@bp.route("/")
@shared_page("places")
def provinces():
    """List the 34 provinces by region, with their communes counted."""
    provinces = service.all_provinces()
    by_region = {key: [p for p in provinces if p.region == key] for key in service.REGION_NAMES}
    return render_template(
        "places/list.html", by_region=by_region, counts=service.commune_counts(), region_names=service.REGION_NAMES
    )


# A province page lists this many of its zones, largest free land first, and links to the rest.
ZONES_SHOWN = 30


@bp.route("/<code>")
@shared_page("places", "enterprises", "zones", "ecolabels")
def province(code: str):
    """Show one province: where it came from, its map, zones, enterprises and communes."""
    try:
        province = service.get_province(code)
    except service.UnknownPlace:
        abort(404)
    communes = service.communes_of(province)
    by_type = {kind: [c for c in communes if c.division_type == kind] for kind in ("phường", "xã", "đặc khu")}
    return render_template(
        "places/detail.html",
        province=province,
        by_type=by_type,
        total=len(communes),
        region_names=service.REGION_NAMES,
        part_regions=[str(service.REGION_NAMES[r]) for r in province.regions_of_parts],
        enterprises=queries.page_of(queries.Filters(province=province.code), current_user, 1, 10),
        zones=zone_queries.page_of(zone_queries.ZoneFilters(province=province.code, sort="available"), 1, ZONES_SHOWN),
        map_parts=province_map(province.code, boundaries.display_outline(province.code)),
    )
