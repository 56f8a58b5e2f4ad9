"""Security headers on every answer (flask-talisman): a Content-Security-Policy with nonces, and the rest.

Scripts run only from our own origin or with the request's nonce (`csp_nonce()` in templates;
the inline script Folium renders for a map gets it in templates/_macros/maps.html), so an
injected `<script>` or `onerror=` cannot run. Styles follow the same rule: our pages have no
style attributes, Folium's one `<style>` element is nonced, and Leaflet positions its layers
through the CSS object model, which a CSP does not restrict; so 'unsafe-inline' is needed for
neither. Images may also come from the tile server named by MAP_TILE_URL.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from flask_talisman import Talisman


def tile_source(tile_url: str) -> str | None:
    """Return the CSP source of a tile URL template ("https://{s}.tile.example" -> "https://*.tile.example")."""
    parts = urlsplit(tile_url)
    if not parts.scheme or not parts.netloc:
        return None  # tiles served by this site: 'self' covers them
    host = parts.netloc.replace("{s}", "*")
    if "{" in host:
        return f"{parts.scheme}:"
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str) -> dict[str, str]:
    images = ["'self'", "data:"] + [source for source in [tile_source(tile_url)] if source]
    return {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": " ".join(images),
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'self'",
    }


def install(app: Flask) -> None:
    config = app.config
    Talisman(
        app,
        force_https=config["FORCE_HTTPS"],
        strict_transport_security=True,  # sent only on answers served over HTTPS
        content_security_policy=content_security_policy(config["MAP_TILE_URL"]),
        content_security_policy_nonce_in=["script-src", "style-src"],
        frame_options="SAMEORIGIN",
        referrer_policy="strict-origin-when-cross-origin",
        session_cookie_secure=config["SESSION_COOKIE_SECURE"],
        session_cookie_samesite=config["SESSION_COOKIE_SAMESITE"],
        x_xss_protection=False,  # the old XSS auditor header is retired; the CSP does that job
    )
