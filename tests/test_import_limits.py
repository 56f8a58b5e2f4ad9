"""Import files cannot exhaust a worker: columns, rows and cells are bounded, and cells that are no finite number are named."""
from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from registry.enterprises.models import Enterprise
from registry.extensions import db
from registry.tabular import TableError, read_table
from registry.tabular.reading import TableLimits
from registry.zones.models import Zone

from .conftest import csrf_token

ENTERPRISE_HEADER = "Mã số thuế,Tên doanh nghiệp,Tỉnh/thành phố,Mô tả\n"
LONG_DESCRIPTION = ("Xử lý nước thải " * 9_000)[:-1] + "."  # 144,000 characters: past the csv module's own field limit of 131,072


def wide_csv(columns: int = 100_000) -> bytes:
    """A 0.9 MB file of 100,000 columns: the shape that took 55 s and 960 MB on the column page."""
    return (",".join(f"c{i}" for i in range(columns)) + "\n" + ",".join("1" for _ in range(columns)) + "\n").encode()


def blank_header_past_zzz() -> bytes:
    """A header whose last column, number 18,279, is blank above data: past the column letters openpyxl can write."""
    return ("Mã số thuế," + ",".join(f"h{i}" for i in range(18_277)) + ",\n" + ",".join("1" for _ in range(18_279)) + "\n").encode()


@pytest.fixture
def translated(app):
    with app.test_request_context():
        yield


@pytest.fixture
def officer(client, accounts):
    accounts.user("officer.qng@example.vn")
    accounts.sign_in(client, "officer.qng@example.vn")
    return client


def post_file(client, path: str, data: bytes, filename: str, **fields):
    """Post a form with a file, encoded in memory: the test client spools large bodies to a file it never closes."""
    form = {"csrf_token": csrf_token(client, path), "file": FileStorage(io.BytesIO(data), filename), **fields}
    boundary, body = encode_multipart(form)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def upload_enterprises(client, data: bytes, filename: str):
    return post_file(client, "/enterprises/import", data, filename)


def upload_zones(client, data: bytes, filename: str, province: str = "51"):
    return post_file(client, "/zones/import", data, filename, province_code=province, kind="industrial_cluster", crs="EPSG:4326")


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_a_file_of_100000_columns_is_refused_at_the_first_row(translated):
    with pytest.raises(TableError) as refused:
        read_table(wide_csv(), "wide.csv")
    assert "100000" in str(refused.value.message) and "200" in str(refused.value.message)  # in the user's language


def test_a_blank_header_past_column_zzz_is_refused_even_when_the_limit_is_raised(app, translated):
    app.config["IMPORT_MAX_COLUMNS"] = 20_000
    try:
        with pytest.raises(TableError) as refused:
            read_table(blank_header_past_zzz(), "wide.csv")
    finally:
        app.config["IMPORT_MAX_COLUMNS"] = 200
    assert "16384" in str(refused.value.message)  # Excel's own widest sheet


def test_a_cell_past_the_csv_modules_limit_is_named_by_row_and_column(translated):
    table = read_table((ENTERPRISE_HEADER + f"0100109106,Công ty A,51,{LONG_DESCRIPTION}\n").encode(), "list.csv")
    assert [(p.row, p.column) for p in table.problems] == [(2, "Mô tả")]
    assert "144000" in str(table.problems[0].message) and "32767" in str(table.problems[0].message)
    assert len(table.rows[0].cells[3]) == 32_767


def test_rows_past_the_limit_stop_the_reading(translated):
    limits = TableLimits(rows=50)
    body = "".join(f"0100109106,Công ty {n},51,\n" for n in range(51))
    with pytest.raises(TableError) as refused:
        read_table((ENTERPRISE_HEADER + body).encode(), "list.csv", limits)
    assert " 50 " in str(refused.value.message)
    assert len(read_table((ENTERPRISE_HEADER + body[:-len("0100109106,Công ty 50,51,\n")]).encode(), "list.csv", limits).rows) == 50


def test_rows_are_not_padded_to_the_width_the_workbook_declares(translated):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Mã số thuế", "Tên doanh nghiệp", "Tỉnh"])
    workbook.active.append(["0100109106", "Công ty A", "51"])
    output = io.BytesIO()
    workbook.save(output)
    data = _with_sheet_xml(output.getvalue(), lambda xml: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', xml))
    table = read_table(data, "list.xlsx")
    assert table.header == ["Mã số thuế", "Tên doanh nghiệp", "Tỉnh"] and table.rows[0].cells == ("0100109106", "Công ty A", "51")


def test_a_workbook_that_unpacks_past_the_limit_is_refused(translated):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Mã số thuế"])
    output = io.BytesIO()
    workbook.save(output)
    with pytest.raises(TableError) as refused:
        read_table(output.getvalue(), "list.xlsx", TableLimits(unpacked_bytes=1_000))
    assert "MB" in str(refused.value.message)


def _with_sheet_xml(data: bytes, change) -> bytes:
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            content = source.read(member)
            archive.writestr(member, change(content) if member.filename == "xl/worksheets/sheet1.xml" else content)
    return target.getvalue()


@pytest.mark.parametrize("data", [wide_csv(), blank_header_past_zzz()], ids=["100000-columns", "blank-header-past-ZZZ"])
def test_the_upload_pages_refuse_a_file_too_wide_in_words(app, officer, english, data):
    for response in (upload_enterprises(officer, data, "wide.csv"), upload_zones(officer, data, "wide.csv")):
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "error-summary" in page and "at most 200 are read" in page


def test_a_long_cell_is_an_error_of_its_row_and_column_on_the_preview_and_nothing_is_imported(app, officer, english):
    response = upload_enterprises(officer, (ENTERPRISE_HEADER + f"0100109106,Công ty A,51,{LONG_DESCRIPTION}\n").encode(), "list.csv")
    token = re.search(r"/enterprises/import/([^/]+)/columns", response.headers["Location"]).group(1)
    columns = officer.get(f"/enterprises/import/{token}/columns")
    assert columns.status_code == 200 and len(columns.get_data()) < 200_000  # the samples beside the headers are shortened
    preview = officer.get(f"/enterprises/import/{token}/preview").get_data(as_text=True)
    assert re.search(r'<td class="num">2</td>\s*<td>Mô tả</td>\s*<td>\s*The cell holds 144000 characters', preview)
    officer.post(f"/enterprises/import/{token}/commit", data={"csrf_token": csrf_token(officer, f"/enterprises/import/{token}/preview")})
    assert count(app, Enterprise) == 0


def test_the_cli_names_the_long_cell_and_the_too_wide_file(app, runner, tmp_path, english):
    long = tmp_path / "long.csv"
    long.write_text(ENTERPRISE_HEADER + f"0100109106,Công ty A,51,{LONG_DESCRIPTION}\n", encoding="utf-8")
    result = runner.invoke(args=["import", "enterprises", str(long)])
    assert result.exit_code == 1 and "Row 2, column “Mô tả”: The cell holds 144000 characters" in result.output
    wide = tmp_path / "wide.csv"
    wide.write_bytes(wide_csv())
    for command in (["import", "enterprises", str(wide)], ["import", "zones", str(wide), "--province", "51"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 1 and "at most 200 are read" in result.output
    assert count(app, Enterprise) == 0


def test_a_json_zone_list_with_too_many_keys_or_nested_too_deep_is_refused(app, officer, english):
    records = "[" + ",".join(f'{{"ten": "CCN {n}", "k{n}": 1}}' for n in range(300)) + "]"
    assert "at most 200 are read" in upload_zones(officer, records.encode(), "ccn.json").get_data(as_text=True)
    assert "not valid JSON" in upload_zones(officer, b"[" * 100_000 + b"]" * 100_000, "ccn.json").get_data(as_text=True)


INFINITE_ZONES = (
    "Tên,Diện tích (ha),Diện tích đã cho thuê,Tỷ lệ lấp đầy,Số doanh nghiệp,Năm thành lập,Vĩ độ,Kinh độ\n"
    "CCN Tịnh Phong Thử,inf,1e400,inf,1e400,1e400,1e400,-inf\n"
)


def test_infinite_figures_in_a_zone_list_are_named_by_row_and_column(app, runner, tmp_path, officer, english):
    zones_before = count(app, Zone)
    listing = tmp_path / "ccn.csv"
    listing.write_text(INFINITE_ZONES, encoding="utf-8")
    result = runner.invoke(args=["import", "zones", str(listing), "--province", "51"])
    assert result.exit_code == 1, result.output
    for column, value in (("Diện tích (ha)", "inf"), ("Số doanh nghiệp", "1e400"), ("Năm thành lập", "1e400"), ("Kinh độ", "-inf")):
        assert f"Row 2, column “{column}”: “{value}” is not a number that can be recorded" in result.output
    token = re.search(r"/zones/import/([^/]+)/columns", upload_zones(officer, INFINITE_ZONES.encode(), "ccn.csv").headers["Location"]).group(1)
    page = officer.get(f"/zones/import/{token}/columns").get_data(as_text=True)
    chosen = dict(re.findall(r'<select id="(column_\d+)" name="column_\d+">.*?<option selected value="([^"]*)"', page, re.S))
    officer.post(f"/zones/import/{token}/columns", data={"csrf_token": csrf_token(officer, f"/zones/import/{token}/columns"), "status": "operating", **chosen})
    preview = officer.get(f"/zones/import/{token}/preview")
    assert preview.status_code == 200
    assert re.search(r'<td class="num">2</td>\s*<td>Vĩ độ</td>\s*<td>\s*“1e400” is not a number that can be recorded', preview.get_data(as_text=True))
    assert count(app, Zone) == zones_before


def test_infinite_figures_in_an_enterprise_list_are_named_by_row_and_column(app, runner, tmp_path, english):
    listing = tmp_path / "dn.csv"
    listing.write_text("Mã số thuế,Tên doanh nghiệp,Tỉnh/thành phố,Số lao động,Năm thành lập,Vĩ độ,Kinh độ\n"
                       "0100109106,Công ty A,51,inf,1e400,1e400,-inf\n", encoding="utf-8")
    result = runner.invoke(args=["import", "enterprises", str(listing)])
    assert result.exit_code == 1
    for column in ("Số lao động", "Năm thành lập", "Vĩ độ", "Kinh độ"):
        assert f"Row 2, column “{column}”" in result.output
    assert count(app, Enterprise) == 0
