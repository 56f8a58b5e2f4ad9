"""Answer every refusal and failure in one place: error pages in the user's language, JSON under /api.

Each handler first ends the request's transaction, so nothing of a refused or failed request is
kept (the whole path is described in `registry.transactions`).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, flash, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from .domain_errors import Conflict, DomainError
from .extensions import db
from .transactions import request_writes

TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Sign in to continue"),
    403: _l("You do not have permission to see this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    409: _l("Someone else changed this in the meantime"),
    413: _l("The file is too large"),
    422: _l("Some of what was sent needs correcting"),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
}
EXPLANATIONS = {
    400: _l("Check what you entered and try again."),
    401: _l("Sign in with an account that may do this."),
    403: _l("If you think you should have access, ask the administrator of your organization."),
    404: _l("The address may be mistyped, or the page may have moved."),
    405: _l("Go back and use the page's own buttons."),
    409: _l("Nothing was changed. Look at the record again and repeat your change."),
    413: "",
    422: _l("Nothing was changed. Go back, correct it and send it again."),
    429: _l("Wait a little and try again."),
    500: _l("The error has been recorded. Try again in a few minutes."),
}
CSRF_EXPLANATION = _l(
    "The form had expired or did not come from this site, so nothing was changed. Go back, reload the page and send it again."
)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def install(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _refused(error: DomainError):
        return refusal(error)

    @app.errorhandler(StaleDataError)
    def _changed_underneath(_error):
        return refusal(Conflict(EXPLANATIONS[409]))

    @app.errorhandler(CSRFError)
    def _csrf(error):
        db.session.rollback()
        return _render(error, str(CSRF_EXPLANATION))

    @app.errorhandler(HTTPException)
    def _http(error):
        db.session.rollback()
        return _render(error)

    @app.errorhandler(Exception)
    def _unexpected(error):
        app.logger.exception("Unhandled error on %s", request.path)
        db.session.rollback()
        return _render(InternalServerError())


def refusal(error: DomainError):
    """Answer a refusal: the API's error document; on pages the error page, or, for a refused
    form post, its messages on the page the user sent it from."""
    db.session.rollback()
    if wants_json():
        from .api.errors import error_response

        return error_response(error.status, error.message, error.errors)
    back = _page_sent_from()
    if error.status in {409, 422} and request_writes() and back:
        for message in error.messages():
            flash(message, "error")
        return redirect(back)
    return _render_code(error.status, " ".join(error.messages()) or None)


def error_page(code: int, explanation):
    """The error page (or the API's error document) for `code`, explaining what went wrong."""
    return _render_code(code, str(explanation))


def _page_sent_from() -> str | None:
    """The path of the page a form was sent from, when it is a page of this site."""
    referrer = urlsplit(request.referrer or "")
    if referrer.scheme not in {"http", "https"} or referrer.netloc != request.host or not referrer.path.startswith("/"):
        return None
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


def _render(error: HTTPException, explanation: str | None = None):
    code = error.code or 500
    headers = {"Allow": ", ".join(error.valid_methods)} if code == 405 and getattr(error, "valid_methods", None) else {}
    if code == 429:
        from .rate_limits import retry_after

        seconds = retry_after()
        headers = {"Retry-After": str(seconds)}
        explanation = _l("Too many requests from your address. Try again in %(n)d seconds.", n=seconds)
    return _render_code(code, explanation, headers, name=error.name)


def _render_code(code: int, explanation: str | None = None, headers=None, name: str = ""):
    if wants_json():
        from .api.errors import error_response

        response = error_response(code, explanation)
        response.headers.update(headers or {})
        return response
    if explanation is None:
        explanation = EXPLANATIONS.get(code, "")
        if code == 413:
            explanation = _l("Files up to %(mb)d MB are accepted.", mb=current_app.config["MAX_CONTENT_LENGTH"] // 2**20)
    title = TITLES.get(code, name)
    return render_template("error.html", code=code, title=title, explanation=explanation), code, headers or {}
