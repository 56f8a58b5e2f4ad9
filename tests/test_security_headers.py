"""Security headers: a nonce-based CSP the map's inline script satisfies, framing, sniffing, referrer, HSTS."""
from __future__ import annotations

import re

from shapely.geometry import box

from registry.audit.service import acting_as
from registry.extensions import db
from registry.security_headers import content_security_policy, tile_source
from registry.zones import service as zones
from registry.zones.boundaries import set_geometry


def policy_of(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in header.split("; ")}


def inline_script_nonces(page: str) -> list[str]:
    return re.findall(r'<script nonce="([^"]+)">', page)


def test_every_page_gets_a_strict_policy_and_the_other_headers(client):
    answer = client.get("/")
    policy = policy_of(answer)
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert re.search(r"'nonce-[\w-]+'", policy["script-src"])
    assert policy["frame-ancestors"] == "'self'" and policy["object-src"] == "'none'"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert answer.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in answer.headers  # plain HTTP: no HSTS, and no forced redirect
    assert answer.status_code == 200


def test_hsts_is_sent_over_https(client):
    answer = client.get("/", base_url="https://registry.example.vn")
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_api_answers_carry_the_headers_too(client):
    answer = client.get("/api/v1/provinces")
    assert answer.headers["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" in answer.headers


def test_the_maps_inline_script_and_style_carry_the_answers_nonce_even_from_the_page_cache(app, client):
    with app.app_context(), acting_as("tests"):
        zone = zones.create_zone(None, {"name_vi": "KCN Tịnh Phong", "kind": "industrial_park", "province_code": "51"})
        set_geometry(zone, box(108.70, 15.20, 108.74, 15.23), approximate=False)
        db.session.commit()
        path = f"/zones/{zone.id}"
    nonces = []
    for _ in range(2):  # the second answer comes from the shared page cache
        answer = client.get(path)
        page = answer.get_data(as_text=True)
        header_nonce = re.search(r"'nonce-([\w-]+)'", policy_of(answer)["script-src"]).group(1)
        assert inline_script_nonces(page) == [header_nonce]
        assert f'<style nonce="{header_nonce}">' in page
        assert "<script>" not in page and "<style>" not in page
        nonces.append(header_nonce)
    assert nonces[0] != nonces[1]


def test_images_may_come_from_the_configured_tile_server():
    assert tile_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://tile.openstreetmap.org"
    assert tile_source("https://{s}.tiles.example.vn/{z}/{x}/{y}.png") == "https://*.tiles.example.vn"
    assert tile_source("/tiles/{z}/{x}/{y}.png") is None
    assert "https://tile.openstreetmap.org" in content_security_policy("https://tile.openstreetmap.org/{z}/{x}/{y}.png")["img-src"]
