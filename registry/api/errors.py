"""One error shape for the whole API: {"status", "error", "message", "errors"}."""
from __future__ import annotations

from flask import jsonify
from flask_babel import lazy_gettext as _l
from werkzeug.http import HTTP_STATUS_CODES

# Said when a handler gives no message of its own (werkzeug's names are English only).
DEFAULT_MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Send a valid API token as “Authorization: Bearer <token>”."),
    403: _l("This token may not do this."),
    404: _l("There is nothing at this address."),
    405: _l("This method is not allowed at this address."),
    409: _l("The record changed meanwhile; read it again."),
    413: _l("The request is too large."),
    415: _l("Send the body as JSON."),
    422: _l("Some fields are not valid; see “errors”."),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
}


def error_response(status: int, message=None, errors: dict | None = None):
    """Answer with the API's error document; `errors` maps field names to lists of messages."""
    name = HTTP_STATUS_CODES.get(status, "error").lower().replace(" ", "_").replace("'", "")
    body = {
        "status": status,
        "error": name,
        "message": str(message or DEFAULT_MESSAGES.get(status) or HTTP_STATUS_CODES.get(status, "Error")),
        "errors": {field: [str(m) for m in messages] for field, messages in (errors or {}).items()},
    }
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="cnmt-registry"'
    return response
