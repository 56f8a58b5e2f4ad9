"""The signed links sent by e-mail: confirming an account's address and resetting its password.

A link carries the account's id and a fingerprint of the account state it may change, signed
and dated with the site's secret (itsdangerous). Once the state moves on, the link is dead: a
confirmation link once the address is confirmed (or changed), a reset link once the password or
the session version changes, which using it does. So each link works once, for a limited time,
and only for the account it was sent to.
"""
from __future__ import annotations

import hashlib

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from registry.domain_errors import Invalid
from registry.extensions import db

from .models import User

CONFIRM_EMAIL = "confirm-email"
RESET_PASSWORD = "reset-password"


class LinkExpired(Invalid):
    """A genuine link, older than it may be."""

    def __init__(self):
        super().__init__(_l("This link has expired."))


class LinkUsed(Invalid):
    """A link that is malformed, was used already or belongs to an account that changed since it was sent."""

    def __init__(self):
        super().__init__(_l("This link has been used already or is not valid."))


def _lifetime(purpose: str) -> int:
    config = current_app.config
    return config["EMAIL_CONFIRM_HOURS"] * 3600 if purpose == CONFIRM_EMAIL else config["PASSWORD_RESET_MINUTES"] * 60


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"registry.accounts.{purpose}")


def _fingerprint(user: User, purpose: str) -> str:
    if purpose == CONFIRM_EMAIL:
        state = f"{user.email}|{user.email_verified_at is not None}"
    else:
        state = f"{user.email}|{user.password_hash}|{user.session_version}"
    return hashlib.sha256(f"{purpose}|{state}".encode()).hexdigest()[:32]


def link_token(user: User, purpose: str) -> str:
    """Return the signed token of a link that lets the holder do `purpose` to `user`'s account, as it is now."""
    return _serializer(purpose).dumps([user.id, _fingerprint(user, purpose)])


def user_for_link(token: str, purpose: str) -> User:
    """Return the account a live link was sent for, or raise LinkExpired or LinkUsed."""
    try:
        user_id, fingerprint = _serializer(purpose).loads(token or "", max_age=_lifetime(purpose))
    except SignatureExpired:
        raise LinkExpired() from None
    except (BadSignature, ValueError, TypeError):
        raise LinkUsed() from None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or fingerprint != _fingerprint(user, purpose):
        raise LinkUsed()
    return user
