"""The pieces the API's OpenAPI document is written with; each endpoint module describes its routes with them.

A leaf of `registry.api`: endpoint modules import it, and `openapi` assembles their parts into
the served document, so no endpoint module imports the document nor the document them in a circle.
"""
from __future__ import annotations

from registry.inputs import MAX_ID

# A decimal number, as parse_bbox reads it; the ranges and min-below-max are checked by the route (400).
_NUMBER = r"\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*"
BBOX_SCHEMA = {"type": "string", "pattern": f"^{_NUMBER}(,{_NUMBER}){{3}}$", "example": "108.5,13.5,109.5,14.5"}
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
BEARER = [{"bearer": []}]


def ref(name: str) -> dict:
    """Point at a schema of the document's components."""
    return {"$ref": f"#/components/schemas/{name}"}


def param(name: str, description: str, schema: dict | None = None, where: str = "query") -> dict:
    """Describe one parameter; path parameters are required."""
    return {"name": name, "in": where, "required": where == "path", "schema": schema or {"type": "string"}, "description": description}


def json_response(schema: dict, description: str) -> dict:
    """Describe an answer whose JSON body follows `schema`."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = json_response(ref("Error"), "An error, in the API's one error shape")
TOO_MANY = {
    **json_response(ref("Error"), "Too many requests from this client; try again later"),
    "headers": {"Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "integer"}}},
}
VERSION_PARAM = {
    "name": "version",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "example": "provisional-2025"},
    "description": "Catalog version label; the current version when omitted",
}
