"""Province pages: the list of 34 units and each one's communes and origins."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from registry.enterprises import queries
from registry.mapping.embed import province_map
from registry.page_cache import shared_page

from . import service

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


@bp.route("/<code>")
@shared_page("places", "enterprises")
def province(code: str):
    """Show one province: where it came from, its enterprises and its communes."""
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
        map_parts=province_map(province.code),
    )
