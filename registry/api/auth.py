"""Bearer-token authentication for the API: read tokens read, write tokens also write."""
from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_babel import lazy_gettext as _l

from registry.accounts.models import TokenScope
from registry.accounts.service import TokenScopeTooNarrow, user_for_token
from registry.audit.service import set_actor
from registry.transactions import request_writes

from .errors import error_response


def token_user(scope: TokenScope = TokenScope.READ):
    """Return the user of the request's bearer token, or None when there is no valid one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return user_for_token(token.strip(), scope) if scheme.lower() == "bearer" and token.strip() else None


def token_required(view):
    """Require `Authorization: Bearer <token>`, with write scope when the request writes (`registry.transactions`); the user is `g.api_user`."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        scope = TokenScope.WRITE if request_writes() else TokenScope.READ
        try:
            user = token_user(scope)
        except TokenScopeTooNarrow:
            return error_response(403, _l("This token may only read; create a token with the “write” scope to change records."))
        if user is None:
            return error_response(401, _l("Send a valid API token as “Authorization: Bearer <token>”."))
        g.api_user = user
        set_actor(user)
        return view(*args, **kwargs)

    return wrapper
