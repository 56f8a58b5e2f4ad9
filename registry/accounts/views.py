"""Sign in and out, the account page with API tokens, and account administration."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash
from wtforms import SelectChoice

from registry.audit.service import set_actor
from registry.enterprises import service as enterprises
from registry.enterprises.permissions import EDIT_ENTERPRISE
from registry.extensions import db, login_manager
from registry.inputs import parse_id
from registry.places.service import all_provinces
from registry.transactions import request_writes
from registry.zones import queries as zone_queries
from registry.zones.permissions import EDIT_ZONE

from . import mail, service, signup_views
from .forms import ORG_KIND_LABELS, ROLE_LABELS, OrganizationForm, PasswordForm, SignInForm, TokenForm, UserForm
from .models import Organization
from .permissions import MANAGE_ACCOUNTS, can, require

bp = Blueprint("accounts", __name__)
bp.register_blueprint(signup_views.bp)


def install(app: Flask) -> None:
    mail.install(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.user_loader(_signed_in_user)
    app.before_request(lambda: set_actor(current_user if current_user.is_authenticated else None))
    app.teardown_request(lambda _error: set_actor(None))
    app.jinja_env.globals.update(can=lambda action, obj=None: can(current_user, action, obj))
    app.jinja_env.globals.update(ROLE_LABELS=ROLE_LABELS, ORG_KIND_LABELS=ORG_KIND_LABELS)


def _signed_in_user(login_id: str):
    """Load the session's user unless the session ended, idled past SESSION_IDLE_MINUTES or grew too old.

    The idle clock rides in the signed cookie, moved on at most once per SESSION_TOUCH_SECONDS,
    so reading pages never writes to the database; requests that write anyway also note the
    time on the server-side record.
    """
    config = current_app.config
    now = int(time.time())
    seen = session.get("seen", 0)
    if now - seen > config["SESSION_IDLE_MINUTES"] * 60:
        return None
    user = service.load_user(login_id, session.get("sid"))
    if user is not None and now - seen >= config["SESSION_TOUCH_SECONDS"]:
        session["seen"] = now
        if request_writes():
            service.note_session_seen(session["sid"])
    return user


def _start_session(user, session_id: str) -> None:
    """Sign `user` in with a fresh cookie, keeping only the chosen language."""
    lang = session.get("lang") or user.locale
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)
    session["sid"] = session_id
    session["seen"] = int(time.time())


def safe_next(target: str | None) -> str:
    """Follow `next` only to a path on this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith(("//", "/\\")):
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
            if throttled.seconds > 90:
                flash(_("Too many failed sign-ins. Wait %(n)d minutes and try again.", n=math.ceil(throttled.seconds / 60)), "error")
            else:
                flash(_("Too many failed sign-ins. Wait %(n)d seconds and try again.", n=throttled.seconds), "error")
            return render_template("accounts/sign_in.html", form=form), 429, {"Retry-After": str(throttled.seconds)}
        except service.DemoAccountRefused:
            flash(_("Demo accounts cannot sign in on this site. Ask the administrator for an account of your own."), "error")
            return render_template("accounts/sign_in.html", form=form), 403
        if user is None:
            flash(_("The e-mail address or password is not right."), "error")
            return render_template("accounts/sign_in.html", form=form), 200
        session_id = service.open_session(user)
        _start_session(user, session_id)
        flash(_("You are signed in."), "success")
        return redirect(safe_next(request.args.get("next")))
    return render_template("accounts/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out():
    """Sign out here, ending the session on the server too."""
    service.end_session(session.get("sid"))
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are signed out."), "success")
    return redirect(url_for("home.index"))


@dataclass
class Editable:
    """What an account may edit: whole provinces' zones and enterprises, and single records beyond them."""

    zone_provinces: list
    enterprise_provinces: list
    zones: list
    enterprises: list
    every_province: bool

    @property
    def anything(self) -> bool:
        return bool(self.zone_provinces or self.enterprise_provinces or self.zones or self.enterprises)


def editable_by(user) -> Editable:
    """Ask the zones' and enterprises' own rules what `user` may edit.

    A province's records are tried through a stand-in record of that province with no managing
    organization, so what the rules grant by province shows as the province; the records the
    user's organizations manage or represent are then tried one by one.
    """
    def province_probe(province):
        return SimpleNamespace(province_code=province.code, organization_id=None)

    provinces = all_provinces()
    zone_provinces = [p for p in provinces if can(user, EDIT_ZONE, province_probe(p))]
    enterprise_provinces = [p for p in provinces if can(user, EDIT_ENTERPRISE, province_probe(p))]
    covered_zones = {p.code for p in zone_provinces}
    covered_enterprises = {p.code for p in enterprise_provinces}
    organizations = {m.organization_id for m in user.memberships}
    return Editable(
        zone_provinces=zone_provinces,
        enterprise_provinces=enterprise_provinces,
        zones=[z for z in zone_queries.managed_by(organizations) if z.province_code not in covered_zones and can(user, EDIT_ZONE, z)],
        enterprises=[e for e in enterprises.represented_enterprises(user)
                     if e.province_code not in covered_enterprises and can(user, EDIT_ENTERPRISE, e)],
        every_province=len(zone_provinces) == len(enterprise_provinces) == len(provinces),
    )


def _account_page(password_form=None, token_form=None, new_token=None, status=200):
    return render_template(
        "accounts/account.html", password_form=password_form or PasswordForm(), token_form=token_form or TokenForm(),
        new_token=new_token, editable=editable_by(current_user),
    ), status


@bp.route("/account")
@login_required
def account():
    """Show the user's address, organizations and roles, what they may edit, and their API tokens."""
    return _account_page(new_token=session.pop("new_token", None))


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
    return _account_page(password_form=form, status=400)


@bp.post("/account/tokens")
@login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _account_page(token_form=form, status=400)
    session["new_token"] = service.issue_token(current_user, form.name.data, scope=form.scope.data)
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
    require(current_user, MANAGE_ACCOUNTS)
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
    require(current_user, MANAGE_ACCOUNTS)
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
    require(current_user, MANAGE_ACCOUNTS)
    form = UserForm(prefix="user")
    if form.validate_on_submit():
        organization = db.session.get(Organization, parse_id(form.organization.data)) if parse_id(form.organization.data) else None
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
