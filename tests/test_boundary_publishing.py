"""Publishing a boundary says what moves: areas and the distance in the reader's number format, the position only when confirmed."""
from __future__ import annotations

import io
import json
import re

import maps
import pytest

from registry.extensions import db
from registry.zones.models import BoundaryVersion, Zone

from .conftest import csrf_token
from .factories import BOARD_A, make_zone

# A square of about 486 ha in Đồng Tháp, its centre at 105.76 E, 10.31 N.
SQUARE = [[105.75, 10.30], [105.77, 10.30], [105.77, 10.32], [105.75, 10.32], [105.75, 10.30]]
CENTRE = (105.76, 10.31)
# 0.1251° of longitude at 10.31° N is 13.7 km: Dung Quất's move, under the old 15 km threshold.
DUNG_QUAT_MOVE = {"latitude": 10.31, "longitude": 105.8851}


def boundary_file() -> bytes:
    feature = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


@pytest.fixture
def editor(client, accounts):
    accounts.user("editor.a@example.vn", role="zone_editor", name=BOARD_A, kind="zone_board", province="82")
    accounts.sign_in(client, "editor.a@example.vn")
    return client


def preview(client, zone_id: int, lang: str = "vi") -> tuple[str, str]:
    """Upload the square as the zone's boundary; return the preview's address and its page in `lang`."""
    form = {"csrf_token": csrf_token(client, f"/zones/{zone_id}/boundary"), "crs": "", "token": "",
            "file": (io.BytesIO(boundary_file()), "ranh-gioi.geojson")}
    location = client.post(f"/zones/{zone_id}/boundary", data=form, content_type="multipart/form-data").headers["Location"]
    return location, client.get(f"{location}?lang={lang}").get_data(as_text=True)


def publish(client, location: str, page: str, **extra):
    action = re.search(r'<form method="post" action="([^"]+/publish)"', page).group(1)
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', page).group(1)
    return client.post(action + "?lang=en", data={"csrf_token": csrf_token(client, location), "version": version, "crs": "", **extra},
                       follow_redirects=True)


def position(app, zone_id: int) -> tuple[float, float]:
    with app.app_context():
        zone = db.session.get(Zone, zone_id)
        return zone.longitude, zone.latitude


def versions(app, zone_id: int) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(BoundaryVersion).where(BoundaryVersion.zone_id == zone_id))


def move_box(page: str) -> str:
    return re.search(r'<input[^>]*id="move_position"[^>]*>', page).group(0)


def test_a_move_of_13_7_km_is_warned_in_the_readers_number_format_and_waits_for_the_editor(app, editor):
    with app.app_context():
        zone_id = make_zone("Khu kinh tế Dung Quất", **DUNG_QUAT_MOVE).id
    location, page = preview(editor, zone_id, "vi")
    assert "13,7 km" in page and "13.7 km" not in page and "484,62 ha" in page
    assert "checked" not in move_box(page), "a far move starts unticked"
    english = editor.get(f"{location}?lang=en").get_data(as_text=True)
    assert "The new boundary&#39;s centre lies 13.7 km from the zone&#39;s recorded position" in english
    assert "the warning starts at 1 km" in english and "484.62 ha" in english and "10.31000, 105.88510" in english

    assert versions(app, zone_id) == 0
    done = publish(editor, location, english)
    assert "the recorded position was kept, 13.7 km from its centre" in done.get_data(as_text=True)
    assert versions(app, zone_id) == 1 and position(app, zone_id) == (DUNG_QUAT_MOVE["longitude"], DUNG_QUAT_MOVE["latitude"])


def test_a_confirmed_move_takes_the_position_to_the_new_centre(app, editor):
    with app.app_context():
        zone_id = make_zone("Khu kinh tế Dung Quất", **DUNG_QUAT_MOVE).id
    location, page = preview(editor, zone_id, "en")
    done = publish(editor, location, page, move_position="y")
    assert "the recorded position moved 13.7 km to its centre" in done.get_data(as_text=True)
    longitude, latitude = position(app, zone_id)
    assert maps.distance_km(latitude, longitude, CENTRE[1], CENTRE[0]) < 0.01


def test_a_short_move_is_not_warned_and_starts_ticked(app, editor):
    with app.app_context():
        zone_id = make_zone(latitude=10.31, longitude=105.763).id  # about 328 m east of the centre
    location, page = preview(editor, zone_id, "en")
    assert "recorded position (the warning" not in page and "328 m" in page
    assert "checked" in move_box(page)
    done = publish(editor, location, page, move_position="y")
    assert "the recorded position moved 328 m to its centre" in done.get_data(as_text=True)


def test_the_warning_distance_is_a_setting(app, editor, monkeypatch):
    monkeypatch.setitem(app.config, "BOUNDARY_MOVE_WARN_KM", 20)
    with app.app_context():
        zone_id = make_zone("Khu kinh tế Dung Quất", **DUNG_QUAT_MOVE).id
    _location, page = preview(editor, zone_id, "en")
    assert "recorded position (the warning" not in page and "13.7 km" in page and "20 km or more" in page
    assert "checked" in move_box(page)


def test_a_zone_without_a_position_takes_the_boundarys_centre(app, editor):
    with app.app_context():
        zone_id = make_zone().id
    location, page = preview(editor, zone_id, "en")
    assert "none recorded" in page and 'id="move_position"' not in page
    done = publish(editor, location, page)
    assert "its centre is now the zone&#39;s recorded position" in done.get_data(as_text=True)
    assert position(app, zone_id) == pytest.approx(CENTRE)


def test_publishing_without_the_forms_token_changes_nothing(app, editor):
    with app.app_context():
        zone_id = make_zone("Khu kinh tế Dung Quất", **DUNG_QUAT_MOVE).id
    _location, page = preview(editor, zone_id, "en")
    action = re.search(r'<form method="post" action="([^"]+/publish)"', page).group(1)
    refused = editor.post(action, data={"version": "1", "crs": "", "move_position": "y"})
    assert refused.status_code == 400
    assert versions(app, zone_id) == 0 and position(app, zone_id) == (DUNG_QUAT_MOVE["longitude"], DUNG_QUAT_MOVE["latitude"])
