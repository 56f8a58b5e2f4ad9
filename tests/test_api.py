"""The API skeleton: one error shape and an OpenAPI document that matches the routes."""
import re

from registry.api.openapi import document


def test_errors_share_one_shape(client):
    for path, status in (("/api/v1/nothing-here", 404), ("/api/v1/me", 401), ("/api/v1/provinces/99", 404)):
        response = client.get(path)
        body = response.get_json()
        assert response.status_code == status
        assert set(body) == {"status", "error", "message", "errors"} and body["status"] == status


def test_wrong_method_is_a_json_405(client):
    response = client.post("/api/v1/provinces")
    assert response.status_code == 405 and response.get_json()["error"] == "method_not_allowed"


def test_the_openapi_document_describes_every_api_route(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    described = {re.sub(r"\{(\w+)\}", r"<\1>", p) for p in doc["paths"]}
    routes = {
        re.sub(r"<(?:[^:>]+:)?(\w+)>", r"<\1>", rule.rule.removeprefix("/api/v1"))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
    }
    assert routes == described


def test_every_reference_in_the_openapi_document_resolves(app):
    with app.test_request_context():
        doc = document()
    text = str(doc)
    for name in set(re.findall(r"#/components/schemas/(\w+)", text)):
        assert name in doc["components"]["schemas"]


def test_api_answers_keep_vietnamese_readable(client):
    raw = client.get("/api/v1/provinces/51").get_data(as_text=True)
    assert "Quảng Ngãi" in raw
