"""One error shape for the whole API: {"status", "error", "message", "errors"}."""
from __future__ import annotations

from flask import jsonify
from werkzeug.http import HTTP_STATUS_CODES


def error_response(status: int, message=None, errors: dict | None = None):
    """Answer with the API's error document; `errors` maps field names to lists of messages."""
    name = HTTP_STATUS_CODES.get(status, "error").lower().replace(" ", "_").replace("'", "")
    body = {
        "status": status,
        "error": name,
        "message": str(message) if message else HTTP_STATUS_CODES.get(status, "Error"),
        "errors": {field: [str(m) for m in messages] for field, messages in (errors or {}).items()},
    }
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="cnmt-registry"'
    return response
