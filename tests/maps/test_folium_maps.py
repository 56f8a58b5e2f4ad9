"""Maps that load every script and style from our own server, embedded in our own layout."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import folium
import pytest
from folium.plugins import Fullscreen, MarkerCluster

from maps.folium_maps import OSM_TILES, MapConfig, build_map, map_parts, script_json
from maps.vendor import use_local_assets, vendor_assets

VENDOR = "/static/vendor"
CDN_HOSTS = ("cdn", "jsdelivr", "unpkg", "cdnjs", "bootstrapcdn", "googleapis", "code.jquery")


def rendered(m: folium.Map) -> str:
    return "\n".join(map_parts(m))


def test_a_map_links_only_our_own_leaflet_files():
    page = rendered(build_map(VENDOR))

    assets = re.findall(r'<script src="([^"]+)"', page) + re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert sorted(assets) == [
        "/static/vendor/leaflet.markercluster/MarkerCluster.Default.css",
        "/static/vendor/leaflet.markercluster/MarkerCluster.css",
        "/static/vendor/leaflet.markercluster/leaflet.markercluster.js",
        "/static/vendor/leaflet/leaflet.css",
        "/static/vendor/leaflet/leaflet.js",
    ]


def test_no_internet_address_appears_but_the_tiles_and_their_credit():
    page = rendered(build_map(VENDOR))

    addresses = set(re.findall(r"https?://[^\"'\s\\]+", page))
    assert addresses == {OSM_TILES, "https://www.openstreetmap.org/copyright"}
    for host in CDN_HOSTS:
        assert host not in page.lower()
    for library in ("jquery", "bootstrap", "font-awesome", "fontawesome", "awesome-markers", "glyphicons"):
        assert library not in page.lower()


def test_a_full_page_render_has_no_cdn_either():
    page = build_map(VENDOR).get_root().render()

    assert not any(host in page.lower() for host in CDN_HOSTS)


def test_the_tile_server_and_its_attribution_are_configurable():
    page = rendered(build_map(VENDOR, tiles="/tiles/{z}/{x}/{y}.png", attribution="Cục Đo đạc, Bản đồ"))

    assert '"/tiles/{z}/{x}/{y}.png"' in page
    assert json.dumps("Cục Đo đạc, Bản đồ") in page  # folium writes options as ASCII-escaped JSON
    assert "http" not in page


def test_a_map_without_clustering_loads_only_leaflet():
    page = rendered(build_map(VENDOR, cluster=False))

    assert "markercluster" not in page


def test_building_a_map_leaves_folium_defaults_alone():
    before = (list(folium.Map.default_js), list(folium.Map.default_css))

    build_map(VENDOR)

    assert (folium.Map.default_js, folium.Map.default_css) == before
    assert any("jsdelivr" in url for _name, url in folium.Map().default_js)


def test_the_parts_fit_our_own_page_layout():
    m = build_map(VENDOR, height="30rem")

    header, body, script = map_parts(m, label="Bản đồ khu công nghiệp")

    assert "html, body" not in header and "user-scalable=no" not in header and "<meta" not in header
    assert f"#{m.get_name()} {{ position: relative; width: 100%; height: 30rem;" in header
    assert f'id="{m.get_name()}"' in body and 'aria-label="Bản đồ khu công nghiệp"' in body
    assert "<script" not in script and f"var {m.get_name()} = L.map(" in script


def test_a_map_label_cannot_break_out_of_its_attribute():
    _header, body, _script = map_parts(build_map(VENDOR), label='"><script>alert(1)</script>')

    assert "<script>" not in body


def test_the_page_configuration_is_declared_after_the_map():
    m = build_map(VENDOR, config={"zonesUrl": "/api/v1/zones", "province": "51"}, config_variable="zoneMap")

    _header, _body, script = map_parts(m)

    assert 'var zoneMap = {"zonesUrl":"/api/v1/zones","province":"51"};' in script
    assert script.index("zoneMap") > script.index(f"var {m.get_name()} = L.map(")


def test_configuration_text_cannot_end_the_script_element():
    hostile = {"q": "</script><script>alert(1)</script><!-- & \u2028\u2029"}

    payload = script_json(hostile)

    assert "<" not in payload and ">" not in payload and "&" not in payload
    assert "\u2028" not in payload and "\u2029" not in payload
    assert json.loads(payload) == hostile


def test_configuration_keeps_vietnamese_readable():
    assert script_json({"tinh": "Quảng Ngãi"}) == '{"tinh":"Quảng Ngãi"}'


@pytest.mark.parametrize("variable", ["", "1map", "map-config", "a;alert(1)"])
def test_the_configuration_variable_must_be_an_identifier(variable):
    with pytest.raises(ValueError):
        MapConfig({}, variable)


def test_a_marker_cluster_plugin_can_use_our_files():
    m = build_map(VENDOR)
    cluster = MarkerCluster()
    use_local_assets(cluster, VENDOR)
    cluster.add_to(m)

    page = rendered(m)

    assert "cdnjs" not in page
    assert MarkerCluster.default_js[0][1].startswith("https://")


def test_a_plugin_we_cannot_serve_is_refused():
    with pytest.raises(ValueError, match="Fullscreen"):
        use_local_assets(Fullscreen(), VENDOR)


def test_every_vendor_asset_is_an_installed_file():
    assets = vendor_assets()

    assert {"leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet.markercluster/leaflet.markercluster.js",
            "leaflet.markercluster/MarkerCluster.css", "leaflet.markercluster/MarkerCluster.Default.css",
            "leaflet/images/marker-icon.png", "leaflet/images/marker-shadow.png"} <= set(assets)
    assert all(path.is_file() for path in assets.values())
    assert 'version="1.9.3"' in assets["leaflet/leaflet.js"].read_text(encoding="utf-8")


def test_images_named_in_leaflet_css_are_served_beside_it():
    css = vendor_assets()["leaflet/leaflet.css"].read_text(encoding="utf-8")

    for image in re.findall(r"url\((images/[^)]+)\)", css):
        assert f"leaflet/{image}" in vendor_assets()


def test_the_library_imports_no_flask_registry_or_database():
    code = ("import sys, maps.reading, maps.crs, maps.validation, maps.layers, maps.storage, maps.popups, "
            "maps.folium_maps, maps.vendor; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'registry', 'sqlalchemy')))")

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "[]"
