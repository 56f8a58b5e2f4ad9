"""Bearer-token authentication for API writes."""
from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_babel import lazy_gettext as _l

from registry.accounts.service import user_for_token
from registry.audit.service import set_actor

from .errors import error_response


def token_user():
    """Return the user of the request's bearer token, or None when there is no valid one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return user_for_token(token.strip()) if scheme.lower() == "bearer" and token.strip() else None


def token_required(view):
    """Require `Authorization: Bearer <token>`; the token's user is `g.api_user`."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        user = token_user()
        if user is None:
            return error_response(401, _l("Send a valid API token as “Authorization: Bearer <token>”."))
        g.api_user = user
        set_actor(user)
        return view(*args, **kwargs)

    return wrapper
