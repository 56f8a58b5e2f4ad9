"""History pages for officials: a record's changes, and the latest changes overall."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from registry.accounts.permissions import VIEW_AUDIT, require

from . import service

bp = Blueprint("audit", __name__, url_prefix="/history")


@bp.route("/")
@login_required
def recent():
    """List the latest changes to any record."""
    require(current_user, VIEW_AUDIT)
    return render_template("audit/history.html", entries=service.recent_entries(), entity_type=None, entity_id=None)


@bp.route("/<entity_type>/<entity_id>")
@login_required
def record(entity_type: str, entity_id: str):
    """List every change to one record, newest first, with values before and after."""
    require(current_user, VIEW_AUDIT)
    entries = service.history_of(entity_type, entity_id)
    return render_template("audit/history.html", entries=entries, entity_type=entity_type, entity_id=entity_id)
