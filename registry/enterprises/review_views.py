"""The officer's review pages: the queue, decisions on registrations, edits and claims, and merges."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectChoice

from registry.accounts.permissions import require
from registry.extensions import db

from . import review, service
from .forms import MergeForm, ReasonForm
from .models import ClaimRequest, DuplicateFlag, PendingChange
from .permissions import REVIEW_ENTERPRISE

bp = Blueprint("enterprise_review", __name__, url_prefix="/enterprises/review")

ACTIONS = {
    "approve": (lambda user, e, reason: review.approve(user, e), _l("The profile is published.")),
    "reject": (review.reject, _l("The registration was rejected; the representative sees your reason.")),
    "request_changes": (review.request_changes, _l("The profile was sent back to its representative with your note.")),
    "suspend": (review.suspend, _l("The profile is suspended and no longer public.")),
}


@bp.route("/")
@login_required
def queue():
    """Show what waits for this officer: registrations, edits, claims and possible duplicates."""
    return render_template("enterprises/queue.html", queue=review.queue_for(current_user))


@bp.post("/<int:enterprise_id>/<action>")
@login_required
def decide(enterprise_id: int, action: str):
    """Approve, reject, send back or suspend a profile."""
    enterprise = service.get_enterprise(enterprise_id)
    if enterprise is None or action not in ACTIONS:
        abort(404)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    act, done = ACTIONS[action]
    act(current_user, enterprise, form.reason.data)
    flash(str(done), "success")
    return redirect(url_for(".queue"))


@bp.route("/changes/<int:change_id>", methods=["GET", "POST"])
@login_required
def change(change_id: int):
    """Show a representative's proposed edit as a difference, and approve or refuse it."""
    pending = db.get_or_404(PendingChange, change_id)
    form = ReasonForm()
    if request.method == "POST" and form.validate_on_submit():
        review.decide_change(current_user, pending, request.form.get("decision") == "approve", form.reason.data)
        flash(_("The change has been decided."), "success")
        return redirect(url_for(".queue"))
    require(current_user, REVIEW_ENTERPRISE, pending.enterprise)
    return render_template("enterprises/change.html", change=pending, rows=review.diff_rows(pending), form=form)


@bp.post("/claims/<int:claim_id>")
@login_required
def claim(claim_id: int):
    """Grant or refuse a claim to represent an enterprise."""
    request_ = db.get_or_404(ClaimRequest, claim_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    review.decide_claim(current_user, request_, request.form.get("decision") == "approve", form.reason.data)
    flash(_("The claim has been decided."), "success")
    return redirect(url_for(".queue"))


@bp.route("/duplicates/<int:flag_id>", methods=["GET", "POST"])
@login_required
def duplicate(flag_id: int):
    """Compare two alike records side by side; merge them or record that they differ."""
    flag = db.get_or_404(DuplicateFlag, flag_id)
    require(current_user, REVIEW_ENTERPRISE, flag.enterprise)
    form = MergeForm()
    form.keep.choices = [SelectChoice(str(e.id), f"{e.name_vi} ({e.tax_code_display})") for e in (flag.enterprise, flag.other)]
    if request.method == "POST" and form.validate_on_submit():
        if request.form.get("decision") == "dismiss":
            review.dismiss_flag(current_user, flag)
            done = _("The two records are kept apart.")
            target = url_for(".queue")
        else:
            keep, drop = (flag.enterprise, flag.other) if form.keep.data == str(flag.enterprise_id) else (flag.other, flag.enterprise)
            review.merge(current_user, keep, drop)
            done = _("The records have been merged; the other one now points here.")
            target = url_for("enterprises.detail", enterprise_id=keep.id)
        flash(done, "success")
        return redirect(target)
    return render_template("enterprises/duplicate.html", flag=flag, form=form)
