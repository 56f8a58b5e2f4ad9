"""A newcomer's pages: open an account, confirm its address, and reset a forgotten password by e-mail.

Nested under the accounts blueprint (endpoints `accounts.signup.*`). No answer here tells whether
an address has an account: registering a taken address and asking to reset an unknown one read
exactly as the other case does, and the owner of a taken address is told by e-mail instead.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry.transactions import writes

from . import links, recovery, service
from .forms import ForgotPasswordForm, RegisterForm, ResetPasswordForm

bp = Blueprint("signup", __name__)


def _refused(template: str, form, error: service.AccountError):
    """Show the form again with the service's refusal beside the field it concerns."""
    target = error.field if error.field in form else "email"
    form[target].errors = list(form[target].errors or []) + [str(error.message)]
    return render_template(template, form=form), 422


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Open an account with an e-mail address and a password; it can act once the address is confirmed."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            service.open_account(form.email.data, form.password.data, full_name=form.full_name.data or "")
        except service.AccountError as error:
            return _refused("accounts/register.html", form, error)
        return render_template("accounts/check_email.html", purpose="register", email=service.normalize_email(form.email.data))
    return render_template("accounts/register.html", form=form), 422 if form.errors else 200


@bp.route("/account/confirm/<token>")
@writes
def confirm_email(token: str):
    """Confirm the address a link was mailed to."""
    try:
        user = recovery.confirm_email(token)
    except (links.LinkExpired, links.LinkUsed) as refused:
        return render_template("accounts/link_refused.html", purpose="confirm", message=str(refused.message),
                               expired=isinstance(refused, links.LinkExpired)), 400
    flash(_("Thank you: the address %(email)s is confirmed.", email=user.email), "success")
    signed_in_as_owner = current_user.is_authenticated and current_user.id == user.id
    return redirect(url_for("accounts.account") if signed_in_as_owner else url_for("accounts.sign_in"))


@bp.post("/account/confirm")
@login_required
def resend_confirmation():
    """Mail a new confirmation link to the signed-in user's address."""
    if recovery.resend_confirmation(current_user):
        flash(_("We sent a new link to %(email)s. Open it to confirm your address.", email=current_user.email), "success")
    else:
        flash(_("Your e-mail address is confirmed already."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/account/reset", methods=["GET", "POST"])
def forgot_password():
    """Ask for a link to choose a new password; the answer is the same whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            recovery.request_password_reset(form.email.data)
        except service.AccountError as error:
            return _refused("accounts/forgot_password.html", form, error)
        return render_template("accounts/check_email.html", purpose="reset", email=service.normalize_email(form.email.data))
    return render_template("accounts/forgot_password.html", form=form), 422 if form.errors else 200


@bp.route("/account/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password through a mailed link; using it ends every session and API token of the account."""
    form = ResetPasswordForm()
    try:
        recovery.check_reset_link(token)
        if form.validate_on_submit():
            recovery.reset_password(token, form.password.data)
            flash(_("Your password is changed. Sign in with the new one."), "success")
            return redirect(url_for("accounts.sign_in"))
    except (links.LinkExpired, links.LinkUsed) as refused:
        return render_template("accounts/link_refused.html", purpose="reset", message=str(refused.message),
                               expired=isinstance(refused, links.LinkExpired)), 400
    except service.AccountError as error:
        return _refused("accounts/reset_password.html", form, error)
    return render_template("accounts/reset_password.html", form=form), 422 if form.errors else 200
