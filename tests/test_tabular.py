"""Reading CSV and XLSX tables as users write them, and writing exports that spreadsheets cannot run."""
from __future__ import annotations

import io
import json
import zlib

import openpyxl
import pytest

from registry.tabular import TableError, neutralise, read_table, suggest_mapping, xlsx_bytes
from registry.tabular.stored import pack, table_from_json, table_to_json, unpack
from registry.tabular.writing import csv_chunks

from .factories import to_cp1258

HEADER = "Mã số thuế,Tên doanh nghiệp,Tỉnh/thành phố\n"
ROWS = "0100109106,Công ty TNHH Môi trường Xanh,Quảng Ngãi\n0300588569,Công ty Cổ phần Nước sạch,Hà Nội\n"


@pytest.fixture
def translated(app):
    with app.test_request_context():
        yield


def workbook_bytes(build) -> bytes:
    workbook = openpyxl.Workbook()
    build(workbook.active)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ((HEADER + ROWS).encode("utf-8"), "utf-8"),
        ((HEADER + ROWS).encode("utf-8-sig"), "utf-8"),
        ((HEADER + ROWS).encode("utf-16"), "utf-16-le"),
        (b"\xfe\xff" + (HEADER + ROWS).encode("utf-16-be"), "utf-16-be"),
        (to_cp1258(HEADER + ROWS * 3), "cp1258"),
    ],
)
def test_csv_in_each_encoding_reads_the_same(translated, data, encoding):
    table = read_table(data, "list.csv")
    assert table.encoding == encoding
    assert table.header == ["Mã số thuế", "Tên doanh nghiệp", "Tỉnh/thành phố"]
    assert table.rows[0].cells == ("0100109106", "Công ty TNHH Môi trường Xanh", "Quảng Ngãi")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_sniffed_and_titles_and_empty_rows_are_skipped(translated, delimiter):
    text = "DANH SÁCH DOANH NGHIỆP\n\n" + (HEADER + ROWS).replace(",", delimiter)
    text = text.replace("\n0300", "\n" + delimiter * 2 + "\n\n0300")
    table = read_table(text.encode(), "list.csv")
    assert table.delimiter == delimiter
    assert table.header_row == 3
    assert [row.number for row in table.rows] == [4, 7]


def test_xlsx_with_a_title_and_merged_header_cells(translated):
    def build(sheet):
        sheet.append(["DANH SÁCH DOANH NGHIỆP NGÀNH CÔNG NGHIỆP MÔI TRƯỜNG"])
        sheet.merge_cells("A1:E1")
        sheet.append([])
        sheet.append(["Mã số thuế", "Tên doanh nghiệp", "Địa chỉ", None, "Tỉnh"])
        sheet.merge_cells("C3:D3")
        sheet.append([100109106, "Công ty A", "Số 1", "Lê Lợi", "Quảng Ngãi"])
        sheet.append([None, None, None, None, None])
        sheet.append(["0300588569", "Công ty B", "Số 2", "Trần Phú", "Hà Nội"])

    table = read_table(workbook_bytes(build), "list.xlsx")
    assert table.header_row == 3
    assert table.header == ["Mã số thuế", "Tên doanh nghiệp", "Địa chỉ", "Địa chỉ (2)", "Tỉnh"]
    assert [(row.number, row.cells[0]) for row in table.rows] == [(4, "100109106"), (6, "0300588569")]
    assert table.encoding is None


def test_a_column_with_data_and_no_header_is_reported(translated):
    table = read_table("Mã số thuế,,Tỉnh\n0100109106,x,Huế\n".encode(), "list.csv")
    assert table.header == ["Mã số thuế", "Cột B", "Tỉnh"]  # named in the user's language, Vietnamese by default
    assert [(p.row, p.column) for p in table.problems] == [(1, "Cột B")]


@pytest.mark.parametrize(("data", "name"), [(b"", "a.csv"), (b"not a zip", "a.xlsx"), (b"x", "a.pdf")])
def test_unreadable_files_raise_a_table_error(translated, data, name):
    with pytest.raises(TableError):
        read_table(data, name)


def test_headers_match_fields_by_folded_synonyms_each_field_once():
    synonyms = {"tax_code": ["mã số thuế", "mst"], "name_vi": ["tên", "tên doanh nghiệp"], "contact_name": ["người liên hệ"]}
    header = ["MA SO THUE (MST)", "Tên doanh nghiệp", "Tên người liên hệ", "Tên"]
    assert suggest_mapping(header, synonyms) == {"MA SO THUE (MST)": "tax_code", "Tên doanh nghiệp": "name_vi", "Tên người liên hệ": "contact_name"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\t=1", "'\t=1"), ("Công ty", "Công ty"), (-2, -2), (1.5, 1.5), (None, None)],
)
def test_formula_like_text_is_neutralised_but_numbers_are_not(value, expected):
    assert neutralise(value) == expected


def test_csv_export_has_a_bom_and_neutralised_cells():
    text = "".join(csv_chunks(["name", "n"], [["=1+1", -2], ["<script>alert(1)</script>", 3]], rows_per_chunk=1))
    assert text.startswith("\ufeffname,n\r\n")
    assert "'=1+1,-2\r\n" in text
    assert "<script>alert(1)</script>,3" in text


def test_xlsx_export_keeps_numbers_and_stores_formula_like_text_as_text():
    data = xlsx_bytes(["name", "n"], [["=HYPERLINK(\"http://x\",\"y\")", -2], ["bad\x01char", 3]])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].value == "'=HYPERLINK(\"http://x\",\"y\")"
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -2
    assert sheet["A3"].value == "badchar"


def test_a_table_staged_before_orjson_still_reads_back(translated):
    """A list uploaded and staged by the standard library's JSON (before orjson) is read back the same after the upgrade."""
    table = read_table((HEADER + ROWS).encode("utf-8"), "list.csv")
    before = zlib.compress(json.dumps(table_to_json(table), ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 1)
    assert table_from_json(unpack(before)) == table_from_json(unpack(pack(table_to_json(table)))) == table
