"""The site search box: enterprises, catalog items and places, insensitive to case and diacritics."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from flask_login import current_user

from registry.catalog import service as catalog
from registry.enterprises import queries
from registry.places import service as places

bp = Blueprint("search", __name__, url_prefix="/search")


@bp.route("/")
def results():
    query = (request.args.get("q") or "").strip()[:200]
    provinces, communes = places.search_places(query) if query else ([], [])
    items = catalog.search_nodes(query) if query else []
    matches = queries.page_of(queries.Filters(q=query), current_user, 1, 10) if query else None
    return render_template("search/results.html", q=query, provinces=provinces, communes=communes, items=items, enterprises=matches)
