"""Rate limits per client address (Flask-Limiter) on sign-in, registration, account e-mails and the public API.

Each application gets its own limiter, so apps built side by side (tests, several sites in one
process) never share counters or the on/off switch. Counts live in memory per process unless
`RATELIMIT_STORAGE_URL` names a shared store such as Redis; behind a proxy the client address
is the one `PROXY_COUNT` trusts (see `create_app`). While that store is unreachable the limits
are skipped, with the error logged, rather than every limited request failing.
"""
from __future__ import annotations

import math
import time

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# endpoint -> the setting holding its limits; only the methods that do the work are counted
LIMITED_VIEWS = {
    "accounts.sign_in": ("RATELIMIT_SIGN_IN", ["POST"]),
    "enterprises.register": ("RATELIMIT_REGISTER", ["POST"]),
    "accounts.signup.register": ("RATELIMIT_REGISTER", ["POST"]),
    "accounts.signup.forgot_password": ("RATELIMIT_ACCOUNT_MAIL", ["POST"]),
    "accounts.signup.resend_confirmation": ("RATELIMIT_ACCOUNT_MAIL", ["POST"]),
    "accounts.signup.reset_password": ("RATELIMIT_SIGN_IN", ["POST"]),
    "proposals.submit": ("RATELIMIT_PROPOSALS", ["POST"]),
    "api.create_proposal": ("RATELIMIT_PROPOSALS", ["POST"]),
    "ecolabels.verify": ("RATELIMIT_VERIFY", ["GET"]),
    "api.verify_ecolabel": ("RATELIMIT_VERIFY", ["GET"]),
}
LIMITED_BLUEPRINTS = {"api": "RATELIMIT_API"}


def install(app: Flask) -> None:
    """Limit the views and blueprints named above; call once every blueprint is registered."""
    config = app.config
    limiter = Limiter(
        get_remote_address,
        app=app,
        enabled=config["RATELIMIT_ENABLED"],
        storage_uri=config["RATELIMIT_STORAGE_URL"] or "memory://",
        headers_enabled=True,  # a 429 carries Retry-After
        strategy="moving-window",
        key_prefix="registry",
        swallow_errors=True,  # a store that is down must not take sign-in and the API down with it
    )
    app.extensions["rate_limits"] = limiter  # the limits below hold it only weakly
    for endpoint, (setting, methods) in LIMITED_VIEWS.items():
        app.view_functions[endpoint] = limiter.limit(_setting(app, setting), methods=methods)(app.view_functions[endpoint])
    for name, setting in LIMITED_BLUEPRINTS.items():
        limiter.limit(_setting(app, setting))(app.blueprints[name])
    if not config["PROXY_COUNT"]:
        app.before_request(_warn_of_an_untrusted_proxy)


def retry_after() -> int:
    """Seconds until the limit this request broke lets the client in again (at least 1)."""
    limiter = current_app.extensions.get("rate_limits")
    breached = limiter.current_limit if limiter is not None else None
    return max(1, math.ceil(breached.reset_at - time.time())) if breached else 60


def _warn_of_an_untrusted_proxy() -> None:
    """Say once, in the log, that requests come through a proxy whose address stands for every client."""
    if "X-Forwarded-For" in request.headers and not current_app.extensions.get("proxy_warned"):
        current_app.extensions["proxy_warned"] = True  # one app per worker process: once per process
        current_app.logger.warning(
            "Requests carry X-Forwarded-For but REGISTRY_PROXY_COUNT is 0: the client address used for sign-in "
            "throttling and rate limits is the proxy's (%s), shared by every client. Set REGISTRY_PROXY_COUNT to the "
            "number of proxies in front of the registry.", request.remote_addr)


def _setting(app: Flask, key: str):
    return lambda: app.config[key]
