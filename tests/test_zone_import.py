"""Importing provincial zone lists: the Lào Cai cluster list, column mapping, dry run, all or nothing, and the CLI."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import openpyxl
import pytest

from registry.extensions import db
from registry.zones.models import BoundaryVersion, Zone, ZoneKind, ZoneStatus

from .conftest import csrf_token

LAOCAI = Path(__file__).resolve().parents[2] / "shared" / "data" / "laocai-industrial-clusters.json"
needs_laocai = pytest.mark.skipif(not LAOCAI.exists(), reason=f"the Lào Cai cluster list is not at {LAOCAI}")
GOOD_CSV = (
    "Tên,Xã,Trạng thái,Diện tích (ha),Diện tích đã cho thuê,Năm thành lập,Vĩ độ,Kinh độ\n"
    "CCN Sa Đéc 2,,đang hoạt động,40,30,2015,10.31,105.76\n"
    "KCN Tân Kiều,,xây dựng,148,,2020,10.55,105.95\n"
)
BAD_CSV = (
    "Tên,Trạng thái,Diện tích (ha),Diện tích đã cho thuê,Vĩ độ,Kinh độ\n"
    "CCN Một,hoạt động,40,50,10.31,105.76\n"
    "CCN Hai,đóng cửa,20,,10.31,105.76\n"
    "CCN Ba,hoạt động,nhiều,,105.76,10.31\n"
    ",hoạt động,10,,,\n"
)


@pytest.fixture(autouse=True)
def no_zones(app):
    """Start without the reference zones a fresh database holds, so counts are the import's own."""
    with app.app_context():
        db.session.execute(db.update(Zone).values(parent_id=None))
        db.session.execute(db.delete(BoundaryVersion))
        db.session.execute(db.delete(Zone))
        db.session.commit()


def count_zones(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Zone))


@pytest.fixture
def officer(client, accounts):
    accounts.user("officer.lc@example.vn", name="Sở Công Thương Lào Cai", province="15")
    accounts.user("officer.dt@example.vn", name="Sở Công Thương Tiền Giang", province="82")
    return client


def upload(client, data: bytes, filename: str, province: str = "15"):
    form = {"csrf_token": csrf_token(client, "/zones/import"), "file": (io.BytesIO(data), filename), "province_code": province,
            "kind": "industrial_cluster", "crs": "EPSG:4326"}
    return client.post("/zones/import?lang=en", data=form, content_type="multipart/form-data")


def token_of(response) -> str:
    return re.search(r"/zones/import/([^/]+)/columns", response.headers["Location"]).group(1)


def confirm_columns(client, token: str, **extra) -> None:
    page = client.get(f"/zones/import/{token}/columns").get_data(as_text=True)
    chosen = dict(re.findall(r'<select id="(column_\d+)" name="column_\d+">.*?<option selected value="([^"]*)"', page, re.S))
    form = {"csrf_token": csrf_token(client, f"/zones/import/{token}/columns"), "status": "operating", **chosen, **extra}
    assert client.post(f"/zones/import/{token}/columns", data=form).status_code == 302


@needs_laocai
def test_the_laocai_cluster_list_imports_after_mapping(app, client, officer, accounts, english):
    accounts.sign_in(client, "officer.lc@example.vn")
    token = token_of(upload(client, LAOCAI.read_bytes(), LAOCAI.name))
    columns = client.get(f"/zones/import/{token}/columns?lang=en").get_data(as_text=True)
    assert "CUM_CONG_NGHIEP" in columns and "CCN_CHUA_DAU_TU" in columns
    confirm_columns(client, token, list_key="CUM_CONG_NGHIEP")
    preview = client.get(f"/zones/import/{token}/preview?lang=en").get_data(as_text=True)
    expected = len(json.loads(LAOCAI.read_text(encoding="utf-8"))["CUM_CONG_NGHIEP"])
    assert f"Import {expected} zones" in preview
    assert "but leased land over area is" in preview  # the list's occupancy is cross-checked
    assert count_zones(app) == 0
    done = client.post(f"/zones/import/{token}/commit", data={"csrf_token": csrf_token(client, f"/zones/import/{token}/preview")})
    assert done.status_code == 302
    with app.app_context():
        zone = db.session.scalar(db.select(Zone).where(Zone.name_vi == "CCN Thịnh Hưng"))
        assert zone.kind == ZoneKind.INDUSTRIAL_CLUSTER and zone.status == ZoneStatus.OPERATING and zone.province_code == "15"
        assert (zone.total_ha, zone.leased_ha, zone.tenants, zone.founded_year) == (53.05, 32.59, 3, 2009)
        assert zone.decision_date.isoformat() == "2009-09-05" and zone.latitude == 21.758
        assert zone.commune_codes and zone.sources["total_ha"]["source"] == f"import: {LAOCAI.name}"
        under_construction = db.session.scalar(db.select(db.func.count()).select_from(Zone).where(Zone.status == ZoneStatus.UNDER_CONSTRUCTION))
    assert under_construction > 0 and count_zones(app) == expected
    assert "CCN Thịnh Hưng" in client.get("/zones/?province=15").get_data(as_text=True)


@needs_laocai
def test_the_cli_imports_the_laocai_list_twice_the_second_time_as_an_update(app, runner, english):
    first = runner.invoke(args=["import", "zones", str(LAOCAI), "--province", "15"])
    assert first.exit_code == 0, first.output
    assert "CCN_CHUA_DAU_TU" in first.output
    created = count_zones(app)
    again = runner.invoke(args=["import", "zones", str(LAOCAI), "--province", "15"])
    assert again.exit_code == 0, again.output
    assert f"Imported 0 new zones and updated {created} recorded ones." in again.output
    assert "nothing changes" in again.output
    assert count_zones(app) == created
    planned = runner.invoke(args=["import", "zones", str(LAOCAI), "--province", "15", "--list", "CCN_CHUA_DAU_TU", "--status", "planned"])
    assert planned.exit_code == 0, planned.output


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_imported(app, client, officer, accounts, english):
    accounts.sign_in(client, "officer.dt@example.vn")
    token = token_of(upload(client, BAD_CSV.encode(), "ccn.csv", province="82"))
    confirm_columns(client, token)
    preview = client.get(f"/zones/import/{token}/preview?lang=en").get_data(as_text=True)
    assert "Nothing can be imported yet" in preview
    for fragment in ("cannot exceed the total area", "Choose planned, under construction or operating.", "Enter a number.",
                     "Latitude and longitude appear to be swapped", "This field is required."):
        assert fragment in preview, fragment
    assert re.search(r'<td class="num">3</td>\s*<td>Trạng thái</td>', preview)
    response = client.post(f"/zones/import/{token}/commit?lang=en", data={"csrf_token": csrf_token(client, f"/zones/import/{token}/preview")})
    assert response.status_code == 302 and count_zones(app) == 0


def test_an_xlsx_list_imports_with_kinds_read_from_names(app, client, officer, accounts, english):
    accounts.sign_in(client, "officer.dt@example.vn")
    workbook = openpyxl.Workbook()
    for line in GOOD_CSV.splitlines():
        workbook.active.append(line.split(","))
    data = io.BytesIO()
    workbook.save(data)
    token = token_of(upload(client, data.getvalue(), "danh-sach.xlsx", province="82"))
    confirm_columns(client, token)
    client.post(f"/zones/import/{token}/commit", data={"csrf_token": csrf_token(client, f"/zones/import/{token}/preview")})
    with app.app_context():
        kinds = dict(db.session.execute(db.select(Zone.name_vi, Zone.kind)).all())
    assert kinds == {"CCN Sa Đéc 2": ZoneKind.INDUSTRIAL_CLUSTER, "KCN Tân Kiều": ZoneKind.INDUSTRIAL_PARK}


def test_officers_import_only_into_their_province_and_editors_not_at_all(app, client, officer, accounts, english):
    accounts.sign_in(client, "officer.dt@example.vn")
    token = token_of(upload(client, GOOD_CSV.encode(), "ccn.csv", province="15"))
    confirm_columns(client, token)
    assert "Only officers of Lào Cai" in client.get(f"/zones/import/{token}/preview?lang=en").get_data(as_text=True)
    editor = client.application.test_client()
    accounts.user("editor@example.vn", role="zone_editor", name="Ban Quản lý các khu công nghiệp tỉnh Tiền Giang", kind="zone_board", province="82")
    accounts.sign_in(editor, "editor@example.vn")
    assert editor.get("/zones/import").status_code == 403
    assert count_zones(app) == 0


def test_unreadable_files_are_refused_on_the_upload_form(client, officer, accounts, english):
    accounts.sign_in(client, "officer.dt@example.vn")
    for data, name, message in ((b"{broken", "a.json", "not valid JSON"), (b'{"a": 1}', "a.json", "holds no list of records"),
                                (b"\x00\x01", "a.pdf", "cannot be read")):
        page = upload(client, data, name, province="82").get_data(as_text=True)
        assert message in page, name


def test_the_cli_reports_bad_rows_and_exits_1(app, runner, tmp_path, english):
    bad = tmp_path / "ccn.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    result = runner.invoke(args=["import", "zones", str(bad), "--province", "82"])
    assert result.exit_code == 1 and "Row 2, column “Diện tích đã cho thuê”" in result.output
    good = tmp_path / "good.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    dry = runner.invoke(args=["import", "zones", str(good), "--province", "82", "--dry-run"])
    assert dry.exit_code == 0 and count_zones(app) == 0
    assert runner.invoke(args=["import", "zones", str(good), "--province", "99"]).exit_code == 1
    assert runner.invoke(args=["import", "zones", str(good), "--province", "82", "--crs", "EPSG:99999999"]).exit_code == 1
    assert runner.invoke(args=["import", "zones", str(good), "--province", "82", "--map", "Tên=nonsense"]).exit_code == 2
    assert count_zones(app) == 0
    assert runner.invoke(args=["import", "zones", str(good), "--province", "82"]).exit_code == 0
    assert count_zones(app) == 2


def test_vn2000_coordinates_are_reprojected(app, runner, tmp_path, english):
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3405", always_xy=True).transform(105.76, 10.31)
    listing = tmp_path / "vn2000.csv"
    listing.write_text(f"Tên,Vĩ độ,Kinh độ\nCCN Sa Đéc 3,{y:.2f},{x:.2f}\n", encoding="utf-8")
    result = runner.invoke(args=["import", "zones", str(listing), "--province", "82", "--crs", "EPSG:3405"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        zone = db.session.scalar(db.select(Zone))
        assert abs(zone.latitude - 10.31) < 1e-4 and abs(zone.longitude - 105.76) < 1e-4


def test_a_province_column_places_each_row_and_the_cli_needs_no_province(app, runner, tmp_path, english):
    listed = tmp_path / "kcn.csv"
    listed.write_text("Tên,Tỉnh,Diện tích (ha)\nKCN Sa Đéc Thử,Đồng Tháp,132\nKCN Nội Bài Thử,01,114\n", encoding="utf-8")
    assert runner.invoke(args=["import", "zones", str(listed), "--kind", "industrial_park"]).exit_code == 0
    with app.app_context():
        placed = dict(db.session.execute(db.select(Zone.name_vi, Zone.province_code)).all())
    assert placed == {"KCN Sa Đéc Thử": "82", "KCN Nội Bài Thử": "01"}
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("Tên,Tỉnh\nKCN Đâu Đó,Xứ Đoài\n", encoding="utf-8")
    result = runner.invoke(args=["import", "zones", str(unknown)])
    assert result.exit_code == 1 and "“Xứ Đoài” is not a province" in result.output
    bare = tmp_path / "bare.csv"
    bare.write_text("Tên\nKCN Không Tỉnh\n", encoding="utf-8")
    result = runner.invoke(args=["import", "zones", str(bare)])
    assert result.exit_code == 1 and "match a column to the province" in result.output
