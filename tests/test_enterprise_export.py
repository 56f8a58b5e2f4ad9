"""Exporting filtered enterprise lists to CSV and XLSX: every column as text, nothing a spreadsheet would run."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from registry.enterprises.service import create_enterprise
from registry.extensions import db

DANGEROUS = {
    "0100109106": "<script>alert('x')</script> Công ty Nước",
    "0300588569": '=HYPERLINK("http://evil.example","Bấm")',
    "0101248141": "+1 Công ty Quan trắc",
    "0102100740": "-2+3 Công ty Khí thải",
    "0100233583": "@SUM(A1:A9) Công ty Rác",
}


@pytest.fixture
def records(app):
    with app.app_context():
        for index, (tax_code, name) in enumerate(DANGEROUS.items()):
            values = {"tax_code": tax_code, "name_vi": name, "province_code": "51" if index % 2 == 0 else "01",
                      "staff": 10 + index, "items": [{"code": "A.01", "relation": "manufactures"}],
                      "certificates": [{"name": "ISO 14001:2015"}]}
            create_enterprise(None, values, source="tests")
        db.session.commit()


def read_csv(response) -> list[dict]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_export_neutralises_formulas_and_keeps_html_as_text(client, records, english):
    response = client.get("/enterprises/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = {row["Tax code"]: row for row in read_csv(response)}
    assert rows["0100109106"]["Name in Vietnamese"] == "<script>alert('x')</script> Công ty Nước"
    assert rows["0300588569"]["Name in Vietnamese"].startswith("'=HYPERLINK(")
    assert rows["0101248141"]["Name in Vietnamese"] == "'+1 Công ty Quan trắc"
    assert rows["0102100740"]["Name in Vietnamese"] == "'-2+3 Công ty Khí thải"
    assert rows["0100233583"]["Name in Vietnamese"] == "'@SUM(A1:A9) Công ty Rác"
    assert rows["0100109106"]["Decision 980 catalog items"] == "A.01 (manufactures)"
    assert rows["0100109106"]["Certificates"] == "ISO 14001:2015"
    assert rows["0100109106"]["Province code"] == "51" and rows["0100109106"]["Staff"] == "10"


def test_xlsx_export_stores_formula_like_names_as_text(client, records, english):
    response = client.get("/enterprises/export.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], {row[0]: row for row in rows[1:]}
    name = header.index("Name in Vietnamese")
    assert body["0300588569"][name] == '\'=HYPERLINK("http://evil.example","Bấm")'
    assert body["0102100740"][name] == "'-2+3 Công ty Khí thải"
    assert body["0100109106"][name].startswith("<script>")
    assert body["0100109106"][header.index("Staff")] == 10
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_exports_take_the_list_filters(client, records, english):
    rows = read_csv(client.get("/enterprises/export.csv?province=51"))
    assert sorted(row["Tax code"] for row in rows) == ["0100109106", "0100233583", "0101248141"]
    rows = read_csv(client.get("/enterprises/export.csv?q=quan+trac"))
    assert [row["Tax code"] for row in rows] == ["0101248141"]
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/enterprises/export.xlsx?province=01").data)).active
    assert sheet.max_row == 3


def test_an_empty_export_still_has_its_header(client, english):
    rows = client.get("/enterprises/export.csv").get_data(as_text=True)
    assert rows.startswith("\ufeffTax code,")
    assert rows.count("\r\n") == 1
