"""The signed-in user's notices: the list, and marking one or all read."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from registry.accounts.views import safe_next

from . import service

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_template_global()
def unread_notices() -> int:
    """How many unread notices the signed-in user has, for the bell in the header."""
    return service.unread_count(current_user)


@bp.route("/")
@login_required
def index():
    return render_template("notifications/list.html", notices=service.notices_of(current_user), form=FlaskForm())


@bp.post("/read")
@login_required
def mark_read():
    """Mark one notice (`id`) or every notice read; one with a link then opens it (on this site: its path)."""
    form = FlaskForm()
    if form.validate_on_submit():
        notice_id = request.form.get("id", type=int)
        service.mark_read(current_user, notice_id)
        notice = service.notice_of(current_user, notice_id) if notice_id else None
        if notice is not None and notice.link:
            parts = urlsplit(notice.link)
            return redirect(safe_next(parts.path + (f"?{parts.query}" if parts.query else "")))
    return redirect(url_for(".index"))
