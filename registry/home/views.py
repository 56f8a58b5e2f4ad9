"""The home page, the language switch and the health check."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session
from flask_login import current_user

from registry.accounts.views import safe_next
from registry.page_cache import shared_page
from registry.transactions import writes

from . import queries

bp = Blueprint("home", __name__)


@bp.route("/")
@shared_page("enterprises", "catalog", "places")
def index():
    """Show what the registry holds and where to start."""
    return render_template("home/index.html", **vars(queries.overview()))


@bp.route("/language/<code>")
@writes
def set_language(code: str):
    """Switch the interface language and remember it, for the account too when signed in."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated and current_user.locale != code:
            current_user.locale = code
    return redirect(safe_next(request.args.get("next")))


@bp.route("/healthz")
def healthz():
    return {"status": "ok"}
