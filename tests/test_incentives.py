"""Incentive policies as data: the national rules shipped, a province's own kept by its Department, commune difficulty lists, pages and API."""
from __future__ import annotations

import io
from datetime import date

from registry.extensions import db
from registry.incentives import queries
from registry.incentives.models import CommuneDifficulty, IncentivePolicy
from registry.incentives.service import load_national_policies
from registry.places.models import Commune

from .conftest import csrf_token
from .factories import make_policy, make_token, make_user, policy_values

ADMIN = "admin@example.vn"
OFFICER = "officer@example.vn"  # of the Department of Quảng Ngãi (51)
OTHER = "officer.gialai@example.vn"  # of the Department of Gia Lai (52)


def _communes(province: str, n: int = 3) -> list[str]:
    return list(db.session.scalars(db.select(Commune.code).where(Commune.province_code == province).order_by(Commune.code).limit(n)))


def _people(app):
    with app.app_context():
        make_user(ADMIN, role="admin", name="Bộ Công Thương", kind="ministry", province=None)
        make_user(OFFICER)
        make_user(OTHER, name="Sở Công Thương Gia Lai", province="52")
        return {email: make_token(email) for email in (ADMIN, OFFICER, OTHER)}


def _bearer(token: str, language: str = "en") -> dict:
    return {"Authorization": f"Bearer {token}", "Accept-Language": language}


def test_init_loads_the_national_rules_once_each_with_its_legal_basis_dates_and_confidence(app, runner):
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["init"])
    assert again.exit_code == 0 and "quy định ưu đãi" not in again.output  # nothing more to load
    with app.app_context():
        policies = {p.code: p for p in db.session.scalars(db.select(IncentivePolicy))}
        assert len(policies) == 18 and load_national_policies() == 0
        assert all(p.province_code is None and p.legal_basis and p.confidence in {"H", "M-H", "M", "L"} for p in policies.values())
        dbkk = policies["vn-cit-2025-dbkk"]
        assert dbkk.benefit == {"rate": 10, "rate_years": 15, "exempt_years": 4, "reduce50_years": 9}
        assert "67/2025/QH15" in dbkk.legal_basis and "320/2025" in dbkk.legal_basis and dbkk.effective_from == date(2025, 10, 1)
        assert policies["vn-cit-2025-kk"].benefit["rate"] == 17
        # From 1 October 2025 a cluster location alone no longer earns location-based CIT incentives.
        assert policies["vn-cit-ccn-location-until-2025"].effective_to == date(2025, 9, 30)
        assert policies["vn-land-rent-special-kk"].benefit["exempt_rent_years"] == 15
        assert "291/2025" in policies["vn-land-rent-dbkk"].legal_basis
        assert policies["vn-import-duty-fixed-assets"].article == "Điều 16 khoản 11"
        assert "303/2026" in policies["vn-ccn-infrastructure-support"].legal_basis


def test_a_corrected_shipped_rule_reaches_a_database_loaded_before_but_never_overrides_an_administrators_change(app, client):
    tokens = _people(app)
    with app.app_context():
        load_national_policies()
        sectors = find("vn-cit-2025-sectors")
        shipped_class, sectors.sector_class = sectors.sector_class, "special"  # as an earlier release shipped it
        kept = find("vn-cit-2025-kk")
        db.session.commit()
        kept_id = kept.id
    assert client.patch(f"/api/v1/policies/{kept_id}", json={"level": 6}, headers=_bearer(tokens[ADMIN])).status_code == 200
    with app.app_context():
        assert load_national_policies() == 1
        db.session.commit()
        assert find("vn-cit-2025-sectors").sector_class == shipped_class
        assert find("vn-cit-2025-kk").level == 6  # the administrator's, not the file's
        assert load_national_policies() == 0


def find(code: str) -> IncentivePolicy:
    return db.session.scalar(db.select(IncentivePolicy).where(IncentivePolicy.code == code))


def test_a_visitor_filters_the_list_and_reads_a_policy_in_words(app, english):
    with app.app_context():
        load_national_policies()
        db.session.commit()
        ended = db.session.scalar(db.select(IncentivePolicy.id).where(IncentivePolicy.code == "vn-cit-ccn-location-until-2025"))
        kk = db.session.scalar(db.select(IncentivePolicy.id).where(IncentivePolicy.code == "vn-cit-2025-kk"))
    listed = english.get("/incentives/?instrument=cit&scope=national&on=2026-03-01").get_data(as_text=True)
    assert "especially difficult communes" in listed and "Land-rent exemption" not in listed
    assert "industrial cluster (no longer in force)" not in listed  # it ended on 30 September 2025
    page = english.get(f"/incentives/{kk}").get_data(as_text=True)
    for words in ("Corporate income tax at 17 % for 10 years.", "Exempt from the tax for 2 years, then half the tax for 4 years.",
                  "difficult commune", "67/2025/QH15", "Điều 12–14"):
        assert words in page
    old = english.get(f"/incentives/{ended}").get_data(as_text=True)
    assert "No longer in force since Oct 1, 2025." in old and "not applied to projects starting after that day" in old


def test_the_matcher_reads_the_rules_in_force_on_a_day_and_the_communes_area_classes(app, ctx):
    load_national_policies()
    make_policy()
    make_policy(title_vi="Dự thảo hỗ trợ tín dụng", instrument="credit", status="draft", benefit={})
    make_policy(title_vi="Hỗ trợ của Gia Lai", province_code="52")
    before = {row.code for row in queries.policies_in_force(["51"], date(2025, 6, 1))}
    after = {row.code for row in queries.policies_in_force(["51"], date(2026, 6, 1))}
    assert "vn-cit-ccn-location-until-2025" in before and "vn-cit-2025-dbkk" not in before
    assert "vn-cit-ccn-location-until-2025" not in after and "vn-cit-2025-dbkk" in after
    provincial = {row.scope_province for row in queries.policies_in_force(["51"], date(2026, 6, 1))}
    assert provincial == {None, "51"}  # Gia Lai's rule and the draft are left out
    row = next(r for r in queries.policies_in_force(["51"], date(2026, 6, 1)) if r.scope_province == "51")
    assert row.area_classes == frozenset({"industrial_cluster"}) and row.benefit == {"reduction_pct": 50} and row.level == 5
    a, b, c = _communes("51")
    db.session.add_all([
        CommuneDifficulty(commune_code=a, province_code="51", level="kk", decision_number="1/QĐ-UBND", effective_from=date(2026, 1, 1)),
        CommuneDifficulty(commune_code=a, province_code="51", level="dbkk", decision_number="2/QĐ-UBND", effective_from=date(2026, 1, 1)),
        CommuneDifficulty(commune_code=b, province_code="51", level="kk", decision_number="1/QĐ-UBND", effective_from=date(2024, 1, 1),
                          effective_to=date(2025, 12, 31)),
    ])
    db.session.commit()
    assert queries.area_classes([a, b, c], date(2026, 6, 1)) == {a: "dbkk"}
    assert queries.area_classes([a, b, c], date(2025, 6, 1)) == {b: "kk"}


def test_a_department_officer_records_edits_and_ends_their_provinces_policy(app, client, accounts):
    _people(app)
    accounts.sign_in(client, OFFICER)
    form = {"csrf_token": csrf_token(client, "/incentives/new"), "title_vi": "Miễn tiền thuê đất cho dự án tái chế",
            "province_code": "51", "instrument": "land_rent", "sector_class": "incentive", "area_classes": ["industrial_cluster", "kk"],
            "legal_basis": "Nghị quyết 15/2026/NQ-HĐND", "article": "Điều 4", "effective_from": "2026-01-01", "level": "5",
            "confidence": "H", "status": "published", "benefit_exempt_rent_years": "2", "min_capital_vnd": "20 000 000 000"}
    created = client.post("/incentives/new", data=form)
    assert created.status_code == 302, created.get_data(as_text=True)
    path = created.headers["Location"]
    with app.app_context():
        policy = db.session.scalar(db.select(IncentivePolicy).where(IncentivePolicy.province_code == "51"))
        assert (policy.province_code, policy.benefit, policy.min_capital_vnd) == ("51", {"exempt_rent_years": 2}, 20_000_000_000)
        assert policy.area_classes == ["kk", "industrial_cluster"]
    edited = client.post(f"{path}/edit", data={**form, "benefit_exempt_rent_years": "3", "csrf_token": csrf_token(client, f"{path}/edit")})
    assert edited.status_code == 302
    ended = client.post(f"{path}/end", data={"csrf_token": csrf_token(client, path), "last_day": "2026-06-30"}, follow_redirects=True)
    page = ended.get_data(as_text=True)
    assert "Không còn hiệu lực từ" in page and "3 năm" in page
    with app.app_context():
        assert policy.id and db.session.get(IncentivePolicy, policy.id).effective_to == date(2026, 6, 30)
        assert policy.code not in {row.code for row in queries.policies_in_force(["51"], date(2026, 7, 1))}  # never applied after it ended


def test_an_officer_keeps_only_their_province_and_national_rules_are_for_administrators(app, client):
    tokens = _people(app)
    with app.app_context():
        load_national_policies()
        theirs = make_policy().id
        national = db.session.scalar(db.select(IncentivePolicy.id).where(IncentivePolicy.code == "vn-cit-2025-kk"))
    assert client.patch(f"/api/v1/policies/{theirs}", json={"level": 6}, headers=_bearer(tokens[OTHER])).status_code == 403
    assert client.patch(f"/api/v1/policies/{national}", json={"level": 6}, headers=_bearer(tokens[OFFICER])).status_code == 403
    body = policy_values(province_code="52")
    assert client.post("/api/v1/policies", json=body, headers=_bearer(tokens[OFFICER])).status_code == 403
    assert client.post("/api/v1/policies", json={**body, "province_code": None}, headers=_bearer(tokens[OFFICER])).status_code == 403
    moved = client.patch(f"/api/v1/policies/{theirs}", json={"province_code": "52"}, headers=_bearer(tokens[OFFICER]))
    assert moved.status_code == 403
    assert client.patch(f"/api/v1/policies/{theirs}", json={"level": 6}, headers=_bearer(tokens[OFFICER])).status_code == 200
    assert client.patch(f"/api/v1/policies/{national}", json={"level": 6}, headers=_bearer(tokens[ADMIN])).status_code == 200
    with app.app_context():
        assert db.session.get(IncentivePolicy, theirs).province_code == "51"


def test_policies_through_the_api_with_a_token(app, client):
    tokens = _people(app)
    created = client.post("/api/v1/policies", json=policy_values(status="draft"), headers=_bearer(tokens[OFFICER]))
    assert created.status_code == 201, created.get_json()
    record = created.get_json()
    assert record["province"] == "51" and record["benefit"] == {"reduction_pct": 50} and record["status"] == "draft"
    path = f"/api/v1/policies/{record['id']}"
    assert client.get(path).status_code == 404  # a draft is seen only by those who keep it
    assert client.get(path, headers=_bearer(tokens[OFFICER])).status_code == 200
    assert client.get("/api/v1/policies?scope=51").get_json()["total"] == 0
    published = client.patch(path, json={"status": "published", "effective_to": "2030-12-31"}, headers=_bearer(tokens[OFFICER]))
    assert published.status_code == 200 and published.get_json()["effective_to"] == "2030-12-31"
    replaced = client.put(path, json={**policy_values(), "title_vi": "Chính sách thay thế"}, headers=_bearer(tokens[OFFICER]))
    assert replaced.status_code == 200, replaced.get_json()
    assert replaced.get_json()["effective_to"] is None and replaced.get_json()["province"] == "51"
    listed = client.get("/api/v1/policies?scope=51&on=2026-02-01&instrument=land_rent").get_json()
    assert [item["title_vi"] for item in listed["items"]] == ["Chính sách thay thế"]
    assert client.get("/api/v1/policies?scope=51&on=2025-12-31").get_json()["total"] == 0
    assert client.get("/api/v1/policies?on=yesterday").status_code == 422
    assert client.post("/api/v1/policies", json=policy_values()).status_code == 401


def test_bad_policies_get_field_errors_in_the_users_language(app, client, accounts):
    tokens = _people(app)
    bad = policy_values(instrument="lottery", legal_basis=" ", effective_from="2026-05-01", effective_to="2026-04-30",
                        min_capital_vnd=-5, min_jobs=-1, benefit={"rate": -10})
    english = client.post("/api/v1/policies", json=bad, headers=_bearer(tokens[OFFICER])).get_json()["errors"]
    assert set(english) == {"instrument", "legal_basis", "effective_to", "min_capital_vnd", "min_jobs", "benefit"}
    assert "before its start (2026-05-01)" in english["effective_to"][0] and "legal basis" in english["legal_basis"][0]
    vietnamese = client.post("/api/v1/policies", json=bad, headers=_bearer(tokens[OFFICER], "vi")).get_json()["errors"]
    assert "Nêu căn cứ pháp lý" in vietnamese["legal_basis"][0] and "trước ngày bắt đầu" in vietnamese["effective_to"][0]
    assert "Chọn công cụ" in vietnamese["instrument"][0]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(IncentivePolicy)) == 0
    accounts.sign_in(client, OFFICER)
    form = {"csrf_token": csrf_token(client, "/incentives/new"), "title_vi": "", "province_code": "51", "instrument": "cit",
            "legal_basis": "", "effective_from": "2026-05-01", "effective_to": "2026-04-30", "min_jobs": "-3"}
    page = client.post("/incentives/new", data=form)
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and "Đặt tên tiếng Việt cho chính sách" in text and "trước ngày bắt đầu" in text and "từ 0 đến" in text


COMMUNE_LIST = "Mã xã,Mức,Số quyết định,Hiệu lực từ,Hiệu lực đến\n"


def test_a_commune_list_from_the_command_line_is_loaded_whole_or_not_at_all(app, runner, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    with app.app_context():
        a, b, c = _communes("51")
    bad = tmp_path / "qd-2167.csv"
    bad.write_text(COMMUNE_LIST + f"{a},ĐBKK,2167/QĐ-UBND,23/06/2026,\n99999,KK,2167/QĐ-UBND,2026-06-23,\n"
                   f"{b},rất khó,2167/QĐ-UBND,2026-06-23,\n{c},KK,2167/QĐ-UBND,2026-06-23,2026-01-01\n", encoding="utf-8")
    refused = runner.invoke(args=["import", "communes-difficulty", str(bad)])
    assert refused.exit_code == 1
    assert "Row 3" in refused.output and "99999" in refused.output
    assert "Row 4" in refused.output and "rất khó" in refused.output
    assert "Row 5" in refused.output and "before its start" in refused.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(CommuneDifficulty)) == 0
    good = tmp_path / "qd-2167-ok.csv"
    good.write_text(COMMUNE_LIST + f"{a},ĐBKK,2167/QĐ-UBND,23/06/2026,\n{b},khó khăn,2167/QĐ-UBND,2026-06-23,\n", encoding="utf-8")
    loaded = runner.invoke(args=["import", "communes-difficulty", str(good)])
    assert loaded.exit_code == 0 and "Loaded 2 new commune listings and updated 0." in loaded.output
    again = runner.invoke(args=["import", "communes-difficulty", str(good)])
    assert again.exit_code == 0 and "Loaded 0 new commune listings and updated 2." in again.output
    with app.app_context():
        assert queries.area_classes([a, b, c], date(2026, 7, 1)) == {a: "dbkk", b: "kk"}


def test_an_officer_loads_a_commune_list_through_the_import_wizard(app, client, accounts, english):
    _people(app)
    with app.app_context():
        ours, theirs = _communes("51", 1)[0], _communes("52", 1)[0]
    accounts.sign_in(english, OFFICER)
    data = (COMMUNE_LIST + f"{ours},KK,12/QĐ-UBND,2026-01-01,\n{theirs},KK,12/QĐ-UBND,2026-01-01,\n").encode()
    upload = english.post("/incentives/communes/import", data={"csrf_token": csrf_token(english, "/incentives/communes/import"),
                                                               "file": (io.BytesIO(data), "ds.csv")},
                          content_type="multipart/form-data")
    assert upload.status_code == 302 and "/columns" in upload.headers["Location"]
    token = upload.headers["Location"].split("/")[-2]
    preview = english.get(f"/incentives/communes/import/{token}/preview").get_data(as_text=True)
    assert "whose lists you do not keep" in preview
    commit = english.post(f"/incentives/communes/import/{token}/commit", data={"csrf_token": csrf_token(english, f"/incentives/communes/import/{token}/preview")})
    assert commit.status_code == 302 and "preview" in commit.headers["Location"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(CommuneDifficulty)) == 0
    data = (COMMUNE_LIST + f"{ours},KK,12/QĐ-UBND,2026-01-01,\n").encode()
    upload = english.post("/incentives/communes/import", data={"csrf_token": csrf_token(english, "/incentives/communes/import"),
                                                               "file": (io.BytesIO(data), "ds.csv")},
                          content_type="multipart/form-data")
    token = upload.headers["Location"].split("/")[-2]
    commit = english.post(f"/incentives/communes/import/{token}/commit", data={"csrf_token": csrf_token(english, f"/incentives/communes/import/{token}/preview")},
                          follow_redirects=True)
    assert "Loaded 1 new commune listings" in commit.get_data(as_text=True)
    listed = english.get("/incentives/communes?province=51").get_data(as_text=True)
    assert ours in listed and "12/QĐ-UBND" in listed and "Difficult (KK)" in listed


def test_the_site_search_finds_a_policy_by_its_name_or_legal_basis(app, client):
    with app.app_context():
        load_national_policies()
        db.session.commit()
    found = client.get("/search/?q=mien+tien+thue+dat").get_data(as_text=True)
    assert "Miễn tiền thuê đất 7 năm" in found
    by_law = client.get("/search/?q=107/2016").get_data(as_text=True)  # the import-duty law, found by its number
    assert "Miễn thuế nhập khẩu hàng hóa tạo tài sản cố định" in by_law
