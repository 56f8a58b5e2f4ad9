"""Sign in and out, the account page with API tokens, and account administration."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash
from wtforms import SelectChoice

from registry.audit.service import set_actor
from registry.extensions import db, login_manager
from registry.places.service import all_provinces

from . import service
from .forms import ORG_KIND_LABELS, ROLE_LABELS, OrganizationForm, PasswordForm, SignInForm, TokenForm, UserForm
from .models import Organization
from .permissions import can, require

bp = Blueprint("accounts", __name__)


def install(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.user_loader(service.load_user)
    app.before_request(lambda: set_actor(current_user if current_user.is_authenticated else None))
    app.teardown_request(lambda _error: set_actor(None))
    app.jinja_env.globals.update(can=lambda action, obj=None: can(current_user, action, obj))
    app.jinja_env.globals.update(ROLE_LABELS=ROLE_LABELS, ORG_KIND_LABELS=ORG_KIND_LABELS)


def safe_next(target: str | None) -> str:
    """Follow `next` only to a path on this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("home.index")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Sign in with e-mail and password; repeated failures are throttled."""
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.email.data, form.password.data, request.remote_addr or "unknown")
        except service.SignInThrottled as throttled:
            flash(_("Too many failed sign-ins. Wait %(n)d minutes and try again.", n=throttled.minutes), "error")
            return render_template("accounts/sign_in.html", form=form), 429
        if user is None:
            flash(_("The e-mail address or password is not right."), "error")
            return render_template("accounts/sign_in.html", form=form), 200
        lang = session.get("lang") or user.locale
        session.clear()
        if lang:
            session["lang"] = lang
        login_user(user)
        flash(_("You are signed in."), "success")
        return redirect(safe_next(request.args.get("next")))
    return render_template("accounts/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out():
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are signed out."), "success")
    return redirect(url_for("home.index"))


@bp.route("/account")
@login_required
def account():
    """Show the user's organizations, roles and API tokens."""
    return render_template(
        "accounts/account.html", password_form=PasswordForm(), token_form=TokenForm(), new_token=session.pop("new_token", None)
    )


@bp.post("/account/password")
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit() and check_password_hash(current_user.password_hash, form.current.data):
        service.set_password(current_user, current_user, form.password.data)
        login_user(current_user)
        flash(_("Your password is changed. Other sessions have been signed out."), "success")
        return redirect(url_for(".account"))
    if form.current.data and not form.errors:
        form.current.errors = [_("The current password is not right.")]
    return render_template("accounts/account.html", password_form=form, token_form=TokenForm(), new_token=None), 400


@bp.post("/account/tokens")
@login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return render_template("accounts/account.html", password_form=PasswordForm(), token_form=form, new_token=None), 400
    session["new_token"] = service.issue_token(current_user, form.name.data)
    return redirect(url_for(".account"))


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    try:
        service.revoke_token(current_user, token_id)
    except service.AccountError:
        abort(404)
    flash(_("The token is revoked."), "success")
    return redirect(url_for(".account"))


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    service.end_other_sessions(current_user)
    logout_user()
    flash(_("Every session of your account is signed out."), "success")
    return redirect(url_for(".sign_in"))


def _province_choices():
    return [SelectChoice("", _("— none —"))] + [SelectChoice(p.code, p.name_vi) for p in all_provinces()]


@bp.route("/admin/accounts", methods=["GET"])
@login_required
def admin():
    """List users and organizations, with forms to add them."""
    require(current_user, "accounts.manage")
    return _admin_page(OrganizationForm(prefix="org"), UserForm(prefix="user"))


def _admin_page(org_form, user_form, status=200):
    org_form.province.choices = _province_choices()
    user_form.organization.choices = [SelectChoice(str(o.id), o.name) for o in service.list_organizations()]
    return (
        render_template(
            "accounts/admin.html",
            users=service.list_users(),
            organizations=service.list_organizations(),
            org_form=org_form,
            user_form=user_form,
        ),
        status,
    )


@bp.post("/admin/organizations")
@login_required
def create_organization():
    require(current_user, "accounts.manage")
    form = OrganizationForm(prefix="org")
    if form.validate_on_submit():
        try:
            organization = service.create_organization(current_user, form.name.data, form.kind.data, form.province.data or None)
        except service.AccountError as error:
            getattr(form, error.field).errors = [str(error.message)]
        else:
            flash(_("Organization “%(name)s” is added.", name=organization.name), "success")
            return redirect(url_for(".admin"))
    return _admin_page(form, UserForm(prefix="user"), 400)


@bp.post("/admin/users")
@login_required
def create_user():
    require(current_user, "accounts.manage")
    form = UserForm(prefix="user")
    if form.validate_on_submit():
        organization = db.session.get(Organization, int(form.organization.data)) if (form.organization.data or "").isdigit() else None
        try:
            user = service.create_user(
                current_user, form.email.data, form.password.data, full_name=form.full_name.data,
                role=form.role.data, organization=organization,
            )
        except service.AccountError as error:
            getattr(form, error.field).errors = [str(error.message)]
        else:
            flash(_("Account %(email)s is created.", email=user.email), "success")
            return redirect(url_for(".admin"))
    return _admin_page(OrganizationForm(prefix="org"), form, 400)
