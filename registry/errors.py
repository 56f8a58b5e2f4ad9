"""Error pages in the user's language, and JSON errors under /api."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import Forbidden, HTTPException, InternalServerError

from .accounts.permissions import PermissionDenied
from .extensions import db

TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Sign in to continue"),
    403: _l("You do not have permission to see this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    413: _l("The file is too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
}
EXPLANATIONS = {
    400: _l("Check what you entered and try again."),
    401: _l("Sign in with an account that may do this."),
    403: _l("If you think you should have access, ask the administrator of your organization."),
    404: _l("The address may be mistyped, or the page may have moved."),
    405: _l("Go back and use the page's own buttons."),
    413: "",
    429: _l("Wait a little and try again."),
    500: _l("The error has been recorded. Try again in a few minutes."),
}
CSRF_EXPLANATION = _l(
    "The form had expired or did not come from this site, so nothing was changed. Go back, reload the page and send it again."
)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def install(app: Flask) -> None:
    @app.errorhandler(PermissionDenied)
    def _denied(error):
        return _render(Forbidden(), str(error.message))

    @app.errorhandler(CSRFError)
    def _csrf(error):
        db.session.rollback()
        return _render(error, str(CSRF_EXPLANATION))

    @app.errorhandler(HTTPException)
    def _http(error):
        return _render(error)

    @app.errorhandler(Exception)
    def _unexpected(error):
        app.logger.exception("Unhandled error on %s", request.path)
        db.session.rollback()
        return _render(InternalServerError())


def _render(error: HTTPException, explanation: str | None = None):
    code = error.code or 500
    if wants_json():
        from .api.errors import error_response

        response = error_response(code, explanation)
        if code == 405:
            response.headers["Allow"] = ", ".join(getattr(error, "valid_methods", None) or ())
        return response
    if explanation is None:
        explanation = EXPLANATIONS.get(code, "")
        if code == 413:
            from flask import current_app

            explanation = _l("Files up to %(mb)d MB are accepted.", mb=current_app.config["MAX_CONTENT_LENGTH"] // 2**20)
    title = TITLES.get(code, error.name)
    response = render_template("error.html", code=code, title=title, explanation=explanation)
    return response, code, getattr(error, "get_headers", lambda: [])() if code == 405 else {}
