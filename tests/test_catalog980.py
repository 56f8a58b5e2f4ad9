"""The Flask-free catalog library: reading, validating and mapping catalog files."""
import io
import json

import openpyxl
import pytest

import catalog980
from catalog980 import CatalogInvalid, read_catalog


def problems_of(data: bytes, name="list.csv", **meta):
    meta.setdefault("version", "v2")
    meta.setdefault("legal_basis", "Quyết định 980/QĐ-TTg")
    with pytest.raises(CatalogInvalid) as caught:
        read_catalog(data, name, **meta)
    return caught.value.problems


def test_the_shipped_catalog_is_valid_provisional_and_covers_the_1894_sub_sectors():
    shipped = catalog980.read_shipped()
    assert shipped.provisional and shipped.source == "provisional"
    assert "980/QĐ-TTg" in shipped.legal_basis
    roots = [n.code for n in shipped.nodes if n.parent is None]
    assert roots == ["A", "B", "C", "D", "E", "F", "G"]
    apec = catalog980.apec_2012()
    assert len(apec) == 51
    assert all(hs in apec for n in shipped.nodes for hs in n.hs_codes)


def test_every_bad_line_is_reported_with_its_line_number():
    data = (
        "code,parent,name_vi,hs_codes\n"
        "A,,Xử lý nước thải,\n"
        "A,,Trùng mã,\n"          # line 3: duplicate
        "B,Z,Khí thải,1234\n"     # line 4: missing parent, bad HS
        "C,D,Vòng lặp 1,\n"       # line 5: cycle
        "D,C,Vòng lặp 2,\n"
        "E,,,\n"                  # line 7: empty name
    ).encode()
    found = {(p.line, p.kind) for p in problems_of(data)}
    assert {(3, "duplicate_code"), (4, "missing_parent"), (4, "bad_hs_code"), (5, "cycle"), (7, "empty_name")} <= found


def test_a_version_and_legal_basis_are_required_for_a_csv_list():
    kinds = {p.kind for p in problems_of(b"code,name_vi\nA,X\n", version=None, legal_basis=None)}
    assert kinds == {"missing_metadata"}


def test_missing_columns_are_named_with_the_headers_found():
    problem, = problems_of("mã,ghi chú\nA,x\n".encode())
    assert problem.kind == "missing_column" and "ghi chú" in str(problem)


def test_vietnamese_headers_kinds_dotted_numbering_and_hs_formats_are_understood():
    data = (
        "Mã số;Tên;Tên tiếng Anh;Loại;Mã HS\n"
        "1;Xử lý nước thải;Wastewater;;\n"
        "1.1;Thiết bị lọc nước;Water filters;thiết bị;\"8421.21; 842129\"\n"
        "1.1.1;Màng MBR;MBR membranes;Thiết bị;842121\n"
    ).encode("utf-8-sig")
    catalog = read_catalog(data, "danh-muc.csv", version="980-2023", legal_basis="Quyết định 980/QĐ-TTg")
    nodes = {n.code: n for n in catalog.nodes}
    assert nodes["1.1"].parent == "1" and nodes["1.1.1"].parent == "1.1"
    assert nodes["1.1"].kind == "equipment" and nodes["1"].kind is None
    assert nodes["1.1"].hs_codes == ("842121", "842129")


def test_utf16_csv_and_xlsx_are_read():
    text = "code\tparent\tname_vi\nA\t\tNước thải\nA.1\tA\tBể lắng\n"
    utf16 = read_catalog(text.encode("utf-16"), "list.csv", version="v", legal_basis="lb")
    assert [n.name_vi for n in utf16.nodes] == ["Nước thải", "Bể lắng"]

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["code", "parent", "name_vi", "hs_codes"])
    sheet.append([None, None, None, None])
    sheet.append(["A", None, "Nước thải", None])
    sheet.append(["A.1", "A", "Thiết bị lọc", 842121])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = read_catalog(buffer.getvalue(), "list.xlsx", version="v", legal_basis="lb")
    assert [(n.code, n.line) for n in xlsx.nodes] == [("A", 3), ("A.1", 4)]
    assert xlsx.nodes[1].hs_codes == ("842121",)


def test_a_legacy_encoding_is_refused_with_advice():
    windows_1258 = b"code,name_vi\nA,N\xfd\xecc th\xe1i\n"  # "Nức thải": base letters with combining tone marks
    problem, = problems_of(windows_1258)
    assert problem.kind == "bad_file" and "UTF-8" in str(problem)


def test_json_in_another_format_is_refused():
    problem, = problems_of(json.dumps({"nodes": []}).encode(), name="x.json")
    assert problem.kind == "bad_file"


def test_children_are_ordered_after_their_parents_whatever_the_file_order():
    data = "code,parent,name_vi\nA.1,A,Con\nA,,Cha\n".encode()
    catalog = read_catalog(data, "x.csv", version="v", legal_basis="lb")
    assert [n.code for n in catalog.nodes] == ["A", "A.1"]


def test_map_by_code_pairs_same_codes_and_lists_the_rest():
    mapped, unmapped = catalog980.map_by_code(["A", "A.1", "B"], ["A", "A.1", "C"])
    assert mapped == {"A": "A", "A.1": "A.1"} and unmapped == ["B"]


@pytest.mark.parametrize("code, expected", [("842121", "842121"), ("8421.21", "842121"), ("12345", None), ("990000", None), ("abcdef", None)])
def test_hs_codes_are_six_digits_in_a_real_chapter(code, expected):
    assert catalog980.normalize_hs(code) == expected
