"""The home page, the language switch and the health check."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session
from flask_login import current_user
from sqlalchemy import func

from registry.accounts.views import safe_next
from registry.catalog import service as catalog
from registry.catalog.models import CatalogNode
from registry.enterprises.models import Enterprise, Status
from registry.extensions import db
from registry.page_cache import shared_page
from registry.places.models import Commune
from registry.places.service import all_provinces
from registry.transactions import writes

bp = Blueprint("home", __name__)


@bp.route("/")
@shared_page("enterprises", "catalog", "places")
def index():
    """Show what the registry holds and where to start."""
    version = catalog.current_version()
    item_count = (
        db.session.scalar(
            db.select(func.count()).select_from(CatalogNode).where(CatalogNode.version_id == version.id, CatalogNode.kind.is_not(None))
        )
        if version
        else 0
    )
    return render_template(
        "home/index.html",
        provinces=all_provinces(),
        commune_count=db.session.scalar(db.select(func.count()).select_from(Commune)),
        version=version,
        item_count=item_count,
        groups=[n for n in catalog.nodes_of(version) if n.parent_id is None] if version else [],
        enterprise_count=db.session.scalar(db.select(func.count()).select_from(Enterprise).where(Enterprise.status == Status.PUBLISHED)),
    )


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
