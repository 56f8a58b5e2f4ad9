"""The site search box: one list, best match first, across every feature's search source."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from .sources import ranked

bp = Blueprint("search", __name__, url_prefix="/search")


@bp.route("/")
def results():
    query = (request.args.get("q") or "").strip()[:200]
    hits, found = ranked(query, current_user) if query else ([], [])
    see_all = [result.see_all for result in found if result.see_all]
    return render_template("search/results.html", q=query, hits=hits, see_all=see_all)
