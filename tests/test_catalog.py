"""The Decision 980 catalog in the app: pages, the import command, versions and mapping."""
import re

from registry.catalog import service
from registry.catalog.models import CatalogNode, CatalogVersion
from registry.extensions import db

from .conftest import csrf_token

OFFICIAL = (
    "code,parent,kind,name_vi,name_en,hs_codes\n"
    "A,,,Xử lý nước thải,Wastewater treatment,\n"
    "A.01,A,equipment,Hệ thống xử lý nước thải hợp khối,Packaged treatment plants,842121\n"
    "A.99,A,product,Hóa chất xử lý nước mới,New water chemicals,\n"
    "B,,,Xử lý khí thải,Exhaust gas treatment,842139\n"
)


def write(tmp_path, text, name="official.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_the_tree_page_shows_every_group_and_says_it_is_provisional(client):
    page = client.get("/catalog/").get_data(as_text=True)
    assert "Phân nhóm tạm thời" in page or "tạm thời" in page
    for code in "ABCDEFG":
        assert f'<span class="code">{code}</span>' in page
    assert page.count("<details") >= 7  # opens without JavaScript


def test_the_tree_in_english_says_provisional_too(client):
    client.get("/language/en")
    page = client.get("/catalog/").get_data(as_text=True)
    assert "Provisional grouping." in page and "Wastewater treatment" in page


def test_an_item_page_shows_its_place_hs_codes_and_children(client):
    page = client.get("/catalog/items/A.01").get_data(as_text=True)
    assert "Hệ thống xử lý nước thải hợp khối" in page
    assert "8421.21" in page and "Machinery for filtering or purifying water" in page
    group = client.get("/catalog/items/C").get_data(as_text=True)
    assert "/catalog/items/C1" in group
    assert client.get("/catalog/items/NOPE").status_code == 404


def test_the_api_serves_the_tree_with_its_version_and_source(client):
    body = client.get("/api/v1/catalog").get_json()
    assert body["version"]["provisional"] is True and body["version"]["source"] == "provisional"
    assert [n["code"] for n in body["items"]] == list("ABCDEFG")
    wastewater = body["items"][0]
    assert any(child["code"] == "A.01" and child["hs_codes"] == ["842121"] for child in wastewater["children"])
    assert client.get("/api/v1/catalog?version=nope").status_code == 404


def test_import_loads_a_new_version_and_maps_old_items_by_code(runner, app, tmp_path):
    result = runner.invoke(args=["catalog", "import", write(tmp_path, OFFICIAL), "--version", "980-2023",
                                 "--legal-basis", "Quyết định 980/QĐ-TTg ngày 22/8/2023"])
    assert result.exit_code == 0, result.output
    assert "980-2023" in result.output
    with app.app_context():
        new = service.current_version()
        assert new.label == "980-2023" and new.previous.label == "provisional-2025"
        mappings = service.mappings_of(new)
        by_code = {m.old_node.code: m for m in mappings}
        assert by_code["A.01"].status == "by_code" and by_code["A.01"].new_node.version_id == new.id
        assert by_code["C"].status == "pending"
        assert service.pending_count(new) == len(mappings) - 3  # A, A.01 and B kept their codes
        old_item = service.get_node(service.get_version("provisional-2025"), "A.01")
        assert service.successor_of(old_item).version_id == new.id


def test_a_bad_file_is_refused_whole_with_every_bad_line(runner, app, tmp_path):
    bad = OFFICIAL + "A,,,Trùng mã,,\nX.1,X,,Thiếu cha,,\nY,,,,,\nZ,,,Mã HS sai,,12AB\n"
    with app.app_context():
        before = count(CatalogNode), count(CatalogVersion)
    result = runner.invoke(args=["catalog", "import", write(tmp_path, bad), "--version", "v2", "--legal-basis", "lb"])
    assert result.exit_code == 1
    for line in ("6", "7", "8", "9"):
        assert re.search(rf"Dòng {line}:", result.output), result.output
    assert "4 lỗi" in result.output
    with app.app_context():
        assert (count(CatalogNode), count(CatalogVersion)) == before


def test_a_version_label_cannot_be_loaded_twice(runner, tmp_path):
    path = write(tmp_path, OFFICIAL)
    args = ["catalog", "import", path, "--version", "980-2023", "--legal-basis", "lb"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code == 1 and "980-2023" in again.output


def test_an_official_resolves_an_unmapped_item_on_the_mapping_page(client, app, runner, accounts, tmp_path):
    runner.invoke(args=["catalog", "import", write(tmp_path, OFFICIAL), "--version", "980-2023", "--legal-basis", "lb"])
    accounts.user("bo@example.vn", role="province_officer", name="Bộ Công Thương", kind="ministry", province=None)
    accounts.sign_in(client, "bo@example.vn")
    page = client.get("/catalog/versions/980-2023/mapping").get_data(as_text=True)
    with app.app_context():
        version = service.get_version("980-2023")
        pending = next(m for m in service.mappings_of(version) if m.old_node.code == "A.02")
        target = service.get_node(version, "A.99")
        mapping_id, target_id = pending.id, target.id
    assert f'name="m{mapping_id}-successor"' in page
    response = client.post(
        f"/catalog/versions/980-2023/mapping/{mapping_id}",
        data={f"m{mapping_id}-successor": str(target_id), "csrf_token": csrf_token(client, "/catalog/versions/980-2023/mapping")},
    )
    assert response.status_code == 302
    with app.app_context():
        old = service.get_node(service.get_version("provisional-2025"), "A.02")
        assert service.successor_of(old).code == "A.99"


def test_the_mapping_page_is_refused_to_a_province_officer(client, runner, accounts, tmp_path):
    runner.invoke(args=["catalog", "import", write(tmp_path, OFFICIAL), "--version", "980-2023", "--legal-basis", "lb"])
    accounts.user("officer@example.vn")
    accounts.sign_in(client, "officer@example.vn")
    assert client.get("/catalog/versions/980-2023/mapping").status_code == 403


def test_older_versions_stay_browsable(client, runner, tmp_path):
    runner.invoke(args=["catalog", "import", write(tmp_path, OFFICIAL), "--version", "980-2023", "--legal-basis", "lb"])
    current = client.get("/catalog/").get_data(as_text=True)
    assert "A.99" in current and "C1" not in current
    old = client.get("/catalog/?version=provisional-2025").get_data(as_text=True)
    assert "C1" in old
    item = client.get("/catalog/items/A.01?version=provisional-2025").get_data(as_text=True)
    assert "/catalog/items/A.01\"" in item  # link to its successor in the current version


def test_search_finds_items_without_diacritics_and_by_hs_code(client):
    page = client.get("/search/?q=loc bui").get_data(as_text=True)
    assert "Thiết bị lọc bụi" in page or "lọc bụi" in page
    assert "B.0" in client.get("/search/?q=842139").get_data(as_text=True)
    assert "Quảng Ngãi" in client.get("/search/?q=quang ngai").get_data(as_text=True)
    assert "Phường Hoàn Kiếm" in client.get("/search/?q=hoan kiem").get_data(as_text=True)


def test_the_api_resolves_a_mapping_with_a_token_under_the_same_permissions(client, app, runner, accounts, tmp_path):
    runner.invoke(args=["catalog", "import", write(tmp_path, OFFICIAL), "--version", "980-2023", "--legal-basis", "lb"])
    accounts.user("bo@example.vn", role="province_officer", name="Bộ Công Thương", kind="ministry", province=None)
    accounts.user("officer@example.vn")
    ministry = runner.invoke(args=["users", "token", "bo@example.vn"]).output.strip()
    officer = runner.invoke(args=["users", "token", "officer@example.vn"]).output.strip()
    pending = [m for m in client.get("/api/v1/catalog/versions/980-2023/mappings").get_json()["items"] if m["status"] == "pending"]
    url = f"/api/v1/catalog/versions/980-2023/mappings/{pending[0]['id']}"

    assert client.post(url, json={"successor": None}).status_code == 401
    refused = client.post(url, json={"successor": None}, headers={"Authorization": f"Bearer {officer}"})
    assert refused.status_code == 403
    unknown = client.post(url, json={"successor": "ZZZ"}, headers={"Authorization": f"Bearer {ministry}"})
    assert unknown.status_code == 422 and "successor" in unknown.get_json()["errors"]
    assert client.post(url, data="not json", headers={"Authorization": f"Bearer {ministry}"}).status_code == 400
    done = client.post(url, json={"successor": "A.99"}, headers={"Authorization": f"Bearer {ministry}"})
    assert done.status_code == 200 and done.get_json()["status"] == "resolved" and done.get_json()["new"] == "A.99"
    with app.app_context():
        assert service.pending_count(service.get_version("980-2023")) == len(pending) - 1
