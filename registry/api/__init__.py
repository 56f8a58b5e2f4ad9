"""The JSON API under /api/v1."""
from flask import Blueprint

from registry.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # API writes authenticate with bearer tokens, never with the session cookie.

from . import attendance, ecolabels, enterprises, events, geo, incubators, policies, proposals, views, zones  # noqa: E402,F401  (routes register on bp)
