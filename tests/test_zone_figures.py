"""Sourced, dated zone figures: the shown-value rule, the shipped figures on a fresh start, the zone page's dates and missing
line, published occupancy beside the computed one, cross-field warnings, and zone lists imported again as updates."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from registry.audit.models import AuditEntry
from registry.database import init_database
from registry.extensions import db
from registry.zones import figures, service
from registry.zones.figures import SourceKind, ZoneFigure
from registry.zones.models import Zone

from .conftest import csrf_token
from .factories import BOARD_A, make_figure, make_zone, zone_edit_form

SOURCED_CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "zones-figures-sourced.csv"
needs_csv = pytest.mark.skipif(not SOURCED_CSV.exists(), reason=f"the sourced zone figures are not at {SOURCED_CSV}")


def shipped() -> dict:
    return json.loads(resources.files("registry.zones").joinpath("data/reference-figures.json").read_text(encoding="utf-8"))


@pytest.fixture
def editor_a(client, accounts, zones_ab):
    """A signed-in editor of board A, which manages the zones `zones_ab` and `make_zone` record in Đồng Tháp."""
    accounts.user("editor.a@example.vn", role="zone_editor", name=BOARD_A, kind="zone_board", province="82")
    accounts.sign_in(client, "editor.a@example.vn")
    return client


@pytest.fixture
def fresh_start(app):
    """The database as a first start leaves it: reference zones and their sourced figures."""
    with app.app_context():
        init_database(app, demo=False)
        return dict(db.session.execute(db.select(Zone.code, Zone.id)).all())


def test_the_shown_figure_is_the_official_one_first_then_the_newest_and_undated_last(ctx):
    zone = make_zone(figures={})
    make_figure(zone, "total", 150, "broker", as_of=date(2026, 1, 1))
    make_figure(zone, "total", 140, "press", as_of=date(2024, 5, 1))
    make_figure(zone, "total", 141, "press", as_of=date(2025, 5, 1))
    make_figure(zone, "total", 145, "press")  # undated
    assert zone.total_ha == 141  # the press beats the broker; among the press the newest dated one
    make_figure(zone, "total", 130, "board")
    assert zone.total_ha == 130  # the board beats the press, even undated
    make_figure(zone, "total", 120, "government", as_of=date(2015, 6, 16))
    ordered = [f.value for f in figures.figures_of([zone.id])[zone.id]["total"]]
    assert ordered == [120, 130, 141, 140, 145, 150] and zone.total_ha == 120


def test_on_a_fresh_start_free_land_in_quang_ngai_and_gia_lai_lists_zones_with_dated_sourced_figures(client, fresh_start, english):
    quang_ngai = client.get("/zones/?province=51&min_available_ha=1").get_data(as_text=True)
    assert "Pho Phong Industrial Park" in quang_ngai and "Dung Quat Economic Zone" in quang_ngai
    assert "free land: figures dated 2008, 1 figure undated" in quang_ngai  # the only dated figure the sources hold is old
    dung_quat = next(item for item in client.get("/api/v1/zones?province=51&min_available_ha=1").get_json()["items"]
                     if item["code"] == "51-kkt-dung-quat")
    available = dung_quat["figures"]["available"]
    assert dung_quat["available_ha"] == 566 and available["as_of"] == "2008-06-01" and available["confidence"] == "L"
    page = client.get(f"/zones/{fresh_start['51-kkt-dung-quat']}?lang=vi").get_data(as_text=True)
    in_vietnamese = client.get("/zones/?province=51&min_available_ha=1&lang=vi").get_data(as_text=True)
    assert "tính đến 06/2008" in page and "số liệu năm 2008, 1 số liệu không ghi ngày" in in_vietnamese
    gia_lai = client.get("/zones/?province=52&min_available=1").get_data(as_text=True)
    assert "Becamex VSIP Binh Dinh" in gia_lai and "free land: figures dated 2025" in gia_lai
    answer = client.get("/api/v1/zones?province=52&min_available_ha=1").get_json()
    becamex = next(item for item in answer["items"] if item["code"] == "52-becamex-binh-dinh")
    available = becamex["figures"]["available"]
    assert becamex["available_ha"] == 400 and available["as_of"] == "2025-06-24" and available["source_kind"] == "press"
    assert available["source_url"].startswith("https://vietnamnews.vn/")
    assert answer["available_as_of"] == {"first_year": 2025, "last_year": 2025, "undated": 0, "description": "figures dated 2025"}
    page = client.get(f"/zones/{fresh_start['52-becamex-binh-dinh']}?lang=vi").get_data(as_text=True)
    assert "tính đến 24/06/2025" in page and 'href="https://vietnamnews.vn/' in page


def test_a_fresh_start_keeps_both_figures_where_sources_disagree_and_repeating_it_adds_none(app, client, fresh_start, english):
    page = client.get(f"/zones/{fresh_start['52-becamex-binh-dinh']}").get_data(as_text=True)
    assert "1,425" in page and "1,425.4" in page and "another source" in page  # the 2025 article first, the older figure kept
    with app.app_context():
        count = db.session.scalar(db.select(db.func.count()).select_from(ZoneFigure))
        db.session.commit()
        init_database(app, demo=False)
        assert db.session.scalar(db.select(db.func.count()).select_from(ZoneFigure)) == count
        vsip_ii = service.find_by_code("51-vsip-ii-quang-ngai")
        assert vsip_ii.parent.code == "51-kkt-dung-quat" and vsip_ii.commune_codes == ["21109"]


def test_the_zone_page_shows_what_it_has_first_and_names_the_missing_figures_and_who_can_add_them(client, fresh_start, english):
    with_board = client.get(f"/zones/{fresh_start['51-kcn-pho-phong']}").get_data(as_text=True)
    assert "Not given yet: Leased land (ha), Occupancy (%)" in with_board
    assert "The managing board can add them" in with_board and "Ban Quản lý Khu kinh tế Dung Quất" in with_board
    assert with_board.index("Land available (ha)") < with_board.index("Not given yet")
    assert "undated" in with_board and "government" in with_board
    without = client.get(f"/zones/{fresh_start['52-kcn-phu-tai']}").get_data(as_text=True)
    assert "The province’s Department of Industry and Trade can add them." in without
    assert "Chưa cung cấp" not in client.get(f"/zones/{fresh_start['52-kcn-phu-tai']}?lang=vi").get_data(as_text=True)


def test_a_published_occupancy_is_shown_with_the_computed_one_beside_it_and_flagged_for_the_board(app, editor_a):
    with app.app_context():
        zone = make_zone("Cụm công nghiệp Âu Lâu", figures={"total_ha": 50, "leased_ha": 27.09})
        make_figure(zone, "occupancy", 86.8, "government", source_url="https://congthuong.laocai.gov.vn/ccn")
        zone_id = zone.id
    visitor = app.test_client()
    page = visitor.get(f"/zones/{zone_id}?lang=en").get_data(as_text=True)
    assert "86.8" in page and "computed from leased over industrial land: 54.2" in page
    assert "For the board" not in page
    assert "For the board: the published occupancy (86.8 %) differs" in editor_a.get(f"/zones/{zone_id}?lang=en").get_data(as_text=True)
    item = visitor.get(f"/api/v1/zones/{zone_id}").get_json()
    assert item["occupancy"] == 86.8 and item["occupancy_computed"] == 54.2 and item["figures"]["occupancy"]["source_kind"] == "government"


def test_figures_that_do_not_add_up_are_saved_with_a_warning_never_changed(app, editor_a, zones_ab):
    zone_a, _zone_b = zones_ab
    form = zone_edit_form(editor_a, zone_a, available_ha="140")  # total 132, industrial 100, leased 90
    response = editor_a.post(f"/zones/{zone_a}/edit?lang=en", data=form, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "add up to more than the industrial land (100 ha)" in page and "is more than the total area (132 ha)" in page
    with app.app_context():
        zone = db.session.get(Zone, zone_a)
        assert zone.available_ha == 140 and zone.leased_ha == 90
        edited = figures.figures_of([zone_a])[zone_a]["available"][0]
        assert edited.source_kind == SourceKind.BOARD and edited.as_of is not None


LIST = "Tên,Diện tích (ha),Diện tích đã cho thuê,Còn trống,Tỷ lệ lấp đầy\nCCN Âu Lâu,50,27.09,30,86.8\nCCN Đầm Hồng,16,11.99,,100\n"


def write(tmp_path, text: str, name: str = "ccn.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_zone_list_imported_again_updates_the_recorded_zones_and_says_what_changes(app, runner, tmp_path, english):
    first = runner.invoke(args=["import", "zones", write(tmp_path, LIST), "--province", "15"])
    assert first.exit_code == 0, first.output
    assert "available land (30 ha) add up to more than the industrial land" not in first.output  # no industrial land is given
    changed = LIST.replace("CCN Đầm Hồng,16,11.99", "CCN Đầm Hồng,18,12.5")
    preview = runner.invoke(args=["import", "zones", write(tmp_path, changed), "--province", "15", "--dry-run"])
    assert preview.exit_code == 0, preview.output
    assert "Updates CCN Đầm Hồng: Total area (ha) 16 → 18." in preview.output
    assert "Updates CCN Đầm Hồng: Leased land (ha) 11.99 → 12.5." in preview.output
    assert "Matches the recorded zone CCN Âu Lâu; nothing changes." in preview.output
    done = runner.invoke(args=["import", "zones", write(tmp_path, changed), "--province", "15"])
    assert "Imported 0 new zones and updated 2 recorded ones." in done.output
    with app.app_context():
        zone = db.session.scalar(db.select(Zone).where(Zone.name_vi == "CCN Đầm Hồng"))
        assert (zone.total_ha, zone.leased_ha, zone.published_occupancy) == (18, 12.5, 100)
        change = db.session.scalars(db.select(AuditEntry).where(AuditEntry.entity_type == "zone", AuditEntry.entity_id == str(zone.id),
                                                                AuditEntry.action == "update")).all()
        assert any(entry.before.get("total_ha") == 16 and entry.after.get("total_ha") == 18 for entry in change)
        au_lau = db.session.scalar(db.select(Zone).where(Zone.name_vi == "CCN Âu Lâu"))
        assert au_lau.published_occupancy == 86.8 and au_lau.computed_occupancy == 54.2


def test_a_re_import_that_would_lower_a_newer_figure_names_the_row_and_changes_nothing(app, runner, tmp_path, english):
    assert runner.invoke(args=["import", "zones", write(tmp_path, LIST), "--province", "15", "--as-of", "2026-04-01"]).exit_code == 0
    with app.app_context():
        zone = db.session.scalar(db.select(Zone).where(Zone.name_vi == "CCN Đầm Hồng"))
        make_figure(zone, "total", 20, "government", as_of=date(2026, 9, 1), source_url="https://congthuong.laocai.gov.vn/ccn-2026-09")
        zone_id, version = zone.id, zone.version
    again = runner.invoke(args=["import", "zones", write(tmp_path, LIST), "--province", "15", "--as-of", "2026-04-01"])
    assert again.exit_code == 1
    assert "Row 2" in again.output and "would lower Total area (ha) of CCN Đầm Hồng from 20 to 16" in again.output
    with app.app_context():
        zone = db.session.get(Zone, zone_id)
        assert zone.total_ha == 20 and zone.version == version
    higher = LIST.replace("CCN Đầm Hồng,16,", "CCN Đầm Hồng,25,")
    kept = runner.invoke(args=["import", "zones", write(tmp_path, higher), "--province", "15", "--as-of", "2026-04-01"])
    assert kept.exit_code == 0 and "CCN Đầm Hồng keeps Total area (ha) 20" in kept.output
    with app.app_context():
        assert db.session.get(Zone, zone_id).total_ha == 20


def test_the_preview_of_an_upload_lists_each_change_per_zone_and_field(app, client, accounts, english):
    accounts.user("officer.lc@example.vn", name="Sở Công Thương Lào Cai", province="15")
    with app.app_context():
        make_zone("CCN Âu Lâu", board=None, province="15", figures={"total_ha": 45})
    accounts.sign_in(client, "officer.lc@example.vn")
    form = {"csrf_token": csrf_token(client, "/zones/import"), "file": (io.BytesIO(LIST.encode()), "ccn.csv"), "province_code": "15",
            "kind": "industrial_cluster", "crs": "EPSG:4326", "as_of": "2026-04-01"}
    token = re.search(r"/zones/import/([^/]+)/columns", client.post("/zones/import", data=form, content_type="multipart/form-data")
                      .headers["Location"]).group(1)
    page = client.get(f"/zones/import/{token}/columns").get_data(as_text=True)
    chosen = dict(re.findall(r'<select id="(column_\d+)" name="column_\d+">.*?<option selected value="([^"]*)"', page, re.S))
    client.post(f"/zones/import/{token}/columns", data={"csrf_token": csrf_token(client, f"/zones/import/{token}/columns"),
                                                        "status": "operating", **chosen})
    preview = client.get(f"/zones/import/{token}/preview").get_data(as_text=True)
    assert "Updates CCN Âu Lâu: Total area (ha) 45 → 50." in preview
    assert "add up to more than" not in preview
    client.post(f"/zones/import/{token}/commit", data={"csrf_token": csrf_token(client, f"/zones/import/{token}/preview")})
    with app.app_context():
        au_lau = db.session.scalar(db.select(Zone).where(Zone.name_vi == "CCN Âu Lâu"))
        shown = figures.figures_of([au_lau.id])[au_lau.id]["total"][0]
        assert au_lau.total_ha == 50 and shown.as_of == date(2026, 4, 1) and shown.source_kind == SourceKind.GOVERNMENT


def test_the_cli_names_the_province_option_when_a_list_gives_no_province(runner, tmp_path, english):
    result = runner.invoke(args=["import", "zones", write(tmp_path, LIST)])
    assert result.exit_code == 1 and "--province" in result.output


def test_an_import_warns_when_leased_and_available_land_exceed_the_industrial_land(runner, tmp_path, english):
    text = "Tên,Diện tích (ha),Diện tích đất công nghiệp,Diện tích đã cho thuê,Còn trống\nCCN Một,60,40,30,20\n"
    result = runner.invoke(args=["import", "zones", write(tmp_path, text), "--province", "15", "--dry-run"])
    assert result.exit_code == 0 and "Row 2" in result.output and "add up to more than the industrial land (40 ha)" in result.output


def test_every_shipped_figure_has_a_web_source_a_kind_and_a_zone_that_a_fresh_start_creates(app, fresh_start):
    document = shipped()
    assert len(document["figures"]) >= 40
    for figure in document["figures"]:
        assert figure["source_url"].startswith(("http://", "https://")) and figure["zone"] in fresh_start
        assert figure["source_kind"] in set(SourceKind) and figure["metric"] in figures.METRICS and figure["as_of_text"]
        assert figure["as_of"] is None or date.fromisoformat(figure["as_of"])


@needs_csv
def test_the_shipped_figures_say_what_the_sourced_csv_says():
    with SOURCED_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for figure in shipped()["figures"]:
        taken = figure["csv"]
        row = next(r for r in rows if (r["zone_name"], r["metric"], r["value"]) == (taken["zone_name"], taken["metric"], taken["value"]))
        assert (row["source_url"], row["as_of"], row["source_kind"]) == (figure["source_url"], figure["as_of_text"], figure["source_name"])
        number = row["value"].lstrip(">")
        if re.fullmatch(r"[\d.]+", number) and row["unit"] in ("ha", "%", "count", "enterprises") or row["unit"].startswith("USD"):
            assert float(number) == figure["value"], figure
