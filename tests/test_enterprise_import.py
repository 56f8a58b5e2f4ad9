"""Importing enterprise lists: mapping, dry run, all-or-nothing commit, duplicates, permissions and the CLI."""
from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest

from registry.audit.models import AuditEntry
from registry.enterprises import queries
from registry.enterprises.models import DuplicateFlag, Enterprise
from registry.extensions import db

from .conftest import csrf_token
from .factories import to_cp1258

GOOD = (
    "Mã số thuế,Tên doanh nghiệp,Tỉnh/thành phố,Địa chỉ,Danh mục 980,Quan hệ,Số lao động\n"
    "0100109106,Công ty TNHH Xử lý Nước Dung Quất,Quảng Ngãi,Số 5 Lê Lợi,A.01; A.02,sản xuất,120\n"
    "\n"
    "0300588569,Công ty Cổ phần Quan trắc Sông Trà,51,Số 7 Trần Phú,B.01 (services),,35\n"
)


def count_enterprises(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Enterprise))


def upload(client, data: bytes, filename: str):
    token = csrf_token(client, "/enterprises/import")
    return client.post("/enterprises/import", data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def staged_token(response) -> str:
    return re.search(r"/enterprises/import/([^/]+)/columns", response.headers["Location"]).group(1)


@pytest.fixture
def officer(client, accounts):
    accounts.user("officer.qng@example.vn")
    accounts.sign_in(client, "officer.qng@example.vn")
    return client


def test_a_good_csv_with_vietnamese_headers_imports_after_mapping(app, officer, english):
    token = staged_token(upload(officer, GOOD.encode(), "danh-sach.csv"))
    page = officer.get(f"/enterprises/import/{token}/columns").get_data(as_text=True)
    assert '<option selected value="tax_code">' in page or 'value="tax_code" selected' in page
    form = {"csrf_token": csrf_token(officer, f"/enterprises/import/{token}/columns"), "column_0": "tax_code", "column_1": "name_vi",
            "column_2": "province_code", "column_3": "address", "column_4": "items", "column_5": "relation", "column_6": ""}
    assert officer.post(f"/enterprises/import/{token}/columns", data=form).status_code == 302
    preview = officer.get(f"/enterprises/import/{token}/preview").get_data(as_text=True)
    assert "Import 2 enterprises" in preview
    assert count_enterprises(app) == 0
    done = officer.post(f"/enterprises/import/{token}/commit", data={"csrf_token": csrf_token(officer, f"/enterprises/import/{token}/preview")})
    assert done.status_code == 302
    with app.app_context():
        records = {e.tax_code: e for e in db.session.scalars(db.select(Enterprise))}
        assert set(records) == {"0100109106", "0300588569"}
        first = records["0100109106"]
        assert first.source == "import: danh-sach.csv" and first.staff is None  # the staff column was left out
        assert sorted((link.node.code, link.relation.value) for link in first.items) == [("A.01", "manufactures"), ("A.02", "manufactures")]
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry).where(AuditEntry.entity_type == "enterprise")) == 2
        found = db.session.scalars(queries.filtered(queries.Filters(q="dung quat"))).all()
        assert [e.tax_code for e in found] == ["0100109106"]
    assert officer.get(f"/enterprises/import/{token}/preview").status_code == 404  # the staged file is gone


def test_an_imported_list_leaves_its_audit_trail_in_the_text_the_registering_path_writes(app, officer, accounts, english):
    """The importer writes each audit entry's JSON itself: it must read as `json.dumps` writes it, accents escaped."""
    token = staged_token(upload(officer, GOOD.encode(), "danh-sach.csv"))
    officer.post(f"/enterprises/import/{token}/commit", data={"csrf_token": csrf_token(officer, f"/enterprises/import/{token}/preview")})
    with app.app_context():
        stored = db.session.execute(db.select(AuditEntry.entity_type, db.cast(AuditEntry.after, db.Text))
                                    .where(AuditEntry.action == "create", AuditEntry.entity_type.in_(["enterprise", "enterprise_item"]))).all()
        assert sorted(kind for kind, _text in stored) == ["enterprise"] * 2 + ["enterprise_item"] * 3
        for _kind, text in stored:
            assert text == json.dumps(json.loads(text))
        assert any("C\\u00f4ng ty TNHH X\\u1eed l\\u00fd" in text for _kind, text in stored)


def test_an_xlsx_with_a_title_row_and_merged_header_imports(app, officer, ctx, english):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH DOANH NGHIỆP MÔI TRƯỜNG TỈNH QUẢNG NGÃI"])
    sheet.merge_cells("A1:D1")
    sheet.append(["Mã số thuế", "Tên công ty", "Tỉnh", "Địa chỉ", None])
    sheet.merge_cells("D2:E2")
    sheet.append([100109106, "Công ty Môi trường Xanh", "tỉnh Quảng Ngãi", "Số 1", "Lê Lợi"])
    output = io.BytesIO()
    workbook.save(output)
    from registry.enterprises.importing import import_enterprises

    report = import_enterprises(None, output.getvalue(), "ds.xlsx", dry_run=False)
    assert report.header_row == 2 and report.imported == 1, report.problems
    assert "Địa chỉ (2)" in report.header
    assert db.session.scalar(db.select(Enterprise.tax_code)) == "0100109106"  # the lost leading zero is restored


@pytest.mark.parametrize("encode", [to_cp1258, lambda text: text.encode("utf-16")])
def test_legacy_encodings_are_detected(ctx, encode, english):
    from registry.enterprises.importing import import_enterprises

    report = import_enterprises(None, encode(GOOD * 2), "ds.csv", dry_run=True)
    assert report.encoding in {"cp1258", "utf-16-le"}
    assert report.header == ["Mã số thuế", "Tên doanh nghiệp", "Tỉnh/thành phố", "Địa chỉ", "Danh mục 980", "Quan hệ", "Số lao động"]
    assert report.rows == 5  # the header repeated is a row with errors, the empty rows are skipped


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_imported(app, officer, english):
    bad = GOOD + ",Công ty Không Mã,Quảng Ngãi,,,,\n0100109107,Công ty Sai Số,Quảng Ngãi,,,,\n"
    token = staged_token(upload(officer, bad.encode(), "ds.csv"))
    preview = officer.get(f"/enterprises/import/{token}/preview").get_data(as_text=True)
    assert "Import" not in re.sub(r"<[^>]+>", "", preview).split("Download")[0].replace("Import a list", "")
    report = officer.get(f"/enterprises/import/{token}/report.csv").get_data(as_text=True)
    assert report.startswith("\ufeff")
    assert "5,Mã số thuế,error,Enter the tax code" in report
    assert "6,Mã số thuế,error,The check digit" in report
    commit = officer.post(f"/enterprises/import/{token}/commit", data={"csrf_token": csrf_token(officer, f"/enterprises/import/{token}/preview")})
    assert commit.status_code == 302
    assert count_enterprises(app) == 0


def test_duplicate_tax_codes_in_the_registry_and_in_the_file_are_errors(app, ctx, english):
    from registry.enterprises.importing import import_enterprises
    from registry.enterprises.service import create_enterprise

    existing = create_enterprise(None, {"tax_code": "0100109106", "name_vi": "Công ty Có Sẵn", "province_code": "51"})
    db.session.commit()
    twice = GOOD + "0300588569,Công ty Lặp Lại,Hà Nội,,,,\n"
    report = import_enterprises(None, twice.encode(), "ds.csv", dry_run=False)
    assert report.imported == 0
    by_row = {(p.row, p.column): p for p in report.errors}
    assert by_row[(2, "Mã số thuế")].existing_id == existing.id
    assert by_row[(5, "Mã số thuế")].other_row == 4
    assert db.session.scalar(db.select(db.func.count()).select_from(Enterprise)) == 1


def test_a_bad_address_or_list_repeated_down_the_file_is_refused_on_every_row_that_holds_it(ctx, english):
    """Each distinct web address, e-mail address, item list and certificate list is read once per file, the bad ones on every row."""
    from registry.enterprises.importing import import_enterprises

    header = "Mã số thuế,Tên doanh nghiệp,Tỉnh/thành phố,Website,Email,Danh mục 980,Chứng chỉ\n"
    good = "https://xulynuoc.vn,lienhe@xulynuoc.vn,A.01,ISO 14001:2015"
    bad = "ftp://xulynuoc.vn,lienhe@@xulynuoc.vn,Z.99," + "x" * 201
    rows = [("0100109106", good), ("0300588569", bad), ("0314409058", good), ("0100109106002", bad)]
    data = header + "".join(f"{code},Công ty Số {n},Quảng Ngãi,{cells}\n" for n, (code, cells) in enumerate(rows))
    report = import_enterprises(None, data.encode(), "ds.csv", dry_run=True)
    refused = sorted((p.row, p.column) for p in report.errors)
    assert refused == [(row, column) for row in (3, 5) for column in ("Chứng chỉ", "Danh mục 980", "Email", "Website")]
    assert len({p.message for p in report.errors if p.row == 3} ^ {p.message for p in report.errors if p.row == 5}) == 0


def test_a_similar_name_in_the_province_is_a_warning_and_flagged_on_commit(ctx, english):
    from registry.enterprises.importing import import_enterprises
    from registry.enterprises.service import create_enterprise

    create_enterprise(None, {"tax_code": "0300588569", "name_vi": "Công ty TNHH Xử lý Nước Dung Quat", "province_code": "51"})
    db.session.commit()
    report = import_enterprises(None, GOOD.splitlines()[0].encode() + b"\n" + GOOD.splitlines()[1].encode(), "ds.csv", dry_run=False)
    assert report.imported == 1 and [p.row for p in report.warnings] == [2]
    assert db.session.scalar(db.select(db.func.count()).select_from(DuplicateFlag)) == 1


def test_an_officer_of_another_province_is_refused(app, client, accounts, english):
    accounts.user("officer.hn@example.vn", name="Sở Công Thương Hà Nội", province="01")
    accounts.sign_in(client, "officer.hn@example.vn")
    token = staged_token(upload(client, GOOD.encode(), "ds.csv"))
    report = client.get(f"/enterprises/import/{token}/report.csv").get_data(as_text=True)
    assert report.count("You may not import enterprises into") == 2
    client.post(f"/enterprises/import/{token}/commit", data={"csrf_token": csrf_token(client, "/enterprises/import")})
    assert count_enterprises(app) == 0


def test_someone_else_cannot_reach_a_staged_file_and_investors_cannot_import(app, officer, client, accounts, english):
    token = staged_token(upload(officer, GOOD.encode(), "ds.csv"))
    other = app.test_client()
    accounts.user("admin@example.vn", role="admin", name="Bộ Công Thương", kind="ministry", province=None)
    accounts.sign_in(other, "admin@example.vn")
    assert other.get(f"/enterprises/import/{token}/preview").status_code == 404
    investor = app.test_client()
    accounts.user("investor@example.vn", role="investor", name="Nhà đầu tư", kind="enterprise", province=None)
    accounts.sign_in(investor, "investor@example.vn")
    assert investor.get("/enterprises/import").status_code == 403


def test_an_oversized_or_unreadable_upload_is_refused_with_a_message(app, officer, english):
    limit, app.config["IMPORT_MAX_BYTES"] = app.config["IMPORT_MAX_BYTES"], 100
    try:
        page = upload(officer, GOOD.encode() * 3, "ds.csv").get_data(as_text=True)
        assert "larger than" in page and "error-summary" in page
    finally:
        app.config["IMPORT_MAX_BYTES"] = limit
    page = upload(officer, b"not a workbook", "ds.xlsx").get_data(as_text=True)
    assert "not a readable Excel workbook" in page


def test_the_cli_imports_all_or_nothing_with_exit_codes(app, runner, tmp_path, english):
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "0100109107,Sai,Quảng Ngãi,,,,\n", encoding="utf-8")
    report = tmp_path / "report.csv"
    result = runner.invoke(args=["import", "enterprises", str(bad), "--report", str(report)])
    assert result.exit_code == 1 and "Row 5" in result.output
    assert "The check digit" in report.read_text(encoding="utf-8")
    assert runner.invoke(args=["import", "enterprises", str(good), "--dry-run"]).exit_code == 0
    assert count_enterprises(app) == 0
    result = runner.invoke(args=["import", "enterprises", str(good), "--map", "Số lao động=staff"])
    assert result.exit_code == 0, result.output
    assert count_enterprises(app) == 2
    assert runner.invoke(args=["import", "enterprises", str(good)]).exit_code == 1  # now every tax code exists
    assert runner.invoke(args=["import", "enterprises", str(good), "--map", "Tên=nonsense"]).exit_code == 2


def test_an_import_refused_after_something_was_flushed_keeps_nothing(app, officer, english, monkeypatch):
    from registry.enterprises import import_views
    from registry.enterprises.service import create_enterprise

    real_import = import_views.import_enterprises

    def flush_then_import_nothing(actor, data, filename, mapping, *, dry_run, **options):
        report = real_import(actor, data, filename, mapping, dry_run=True, **options)
        if not dry_run:
            create_enterprise(None, {"tax_code": "0100109106", "name_vi": "Công ty Dở Dang", "province_code": "51"}, source="tests")
        return report

    monkeypatch.setattr(import_views, "import_enterprises", flush_then_import_nothing)
    token = staged_token(upload(officer, GOOD.encode(), "ds.csv"))
    commit = officer.post(f"/enterprises/import/{token}/commit", data={"csrf_token": csrf_token(officer, f"/enterprises/import/{token}/preview")})
    assert commit.status_code == 302 and "/preview" in commit.headers["Location"]
    assert "Nothing was imported" in officer.get(commit.headers["Location"]).get_data(as_text=True)
    assert count_enterprises(app) == 0
