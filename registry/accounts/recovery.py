"""Confirm an account's address and reset a forgotten password, through the links mailed to the owner."""
from __future__ import annotations

from registry.audit.models import utcnow
from registry.extensions import db

from . import links, mail
from .models import User
from .service import find_user, may_sign_in, normalize_email, set_password


def confirm_email(token: str) -> User:
    """Mark the address of the account a confirmation link was sent for as confirmed; the link then dies."""
    user = links.user_for_link(token, links.CONFIRM_EMAIL)
    user.email_verified_at = utcnow()
    db.session.flush()
    return user


def resend_confirmation(user: User) -> bool:
    """Mail `user` a fresh confirmation link; False when the address is confirmed already."""
    if user.email_confirmed:
        return False
    mail.send_confirmation(user)
    return True


def request_password_reset(email: str) -> None:
    """Mail a reset link to the account using `email`, if there is one that may sign in; say nothing either way.

    A malformed address raises AccountError (that says nothing about any account).
    """
    user = find_user(normalize_email(email))
    if user is not None and may_sign_in(user):
        mail.send_password_reset(user)


def check_reset_link(token: str) -> User:
    """Return the account a live reset link was sent for, or raise LinkExpired or LinkUsed."""
    return links.user_for_link(token, links.RESET_PASSWORD)


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset link, ending every session and token; the link then dies.

    The link reached the owner's mailbox, so it confirms the address too.
    """
    user = check_reset_link(token)
    set_password(user, user, password)
    if not user.email_confirmed:
        user.email_verified_at = utcnow()
    db.session.flush()
    return user
