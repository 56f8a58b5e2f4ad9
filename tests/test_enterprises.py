"""Enterprise records: creating, browsing, searching and the API, as officers and visitors see them."""
from __future__ import annotations

import pytest

from registry.enterprises.models import Enterprise
from registry.extensions import db

from .conftest import csrf_token
from .factories import BRANCH_TAX_CODE as BRANCH
from .factories import GOOD_TAX_CODE as GOOD
from .factories import enterprise_profile as profile
from .factories import officer_token
from .factories import post_enterprise as post


@pytest.mark.parametrize(
    ("tax_code", "rule"),
    [
        ("0100233480", "check digit"),
        ("01002334", "10 digits"),
        ("01002334AB", "digits only"),
        ("0314409058-000", "000"),
    ],
)
def test_a_bad_tax_code_is_refused_naming_the_rule(client, runner, accounts, tax_code, rule):
    token = officer_token(runner, accounts)
    answer = post(client, token, profile(tax_code=tax_code))
    assert answer.status_code == 422
    assert rule in " ".join(answer.get_json()["errors"]["tax_code"])


def test_api_errors_follow_accept_language(client, runner, accounts):
    token = officer_token(runner, accounts)
    answer = post(client, token, profile(tax_code="0100233480"), language="vi")
    assert "Chữ số kiểm tra" in answer.get_json()["errors"]["tax_code"][0]


def test_an_officer_records_an_enterprise_and_a_duplicate_tax_code_links_the_first(client, runner, accounts):
    token = officer_token(runner, accounts)
    created = post(client, token, profile())
    assert created.status_code == 201, created.get_json()
    again = post(client, token, profile(tax_code="0100233488", name_vi="Một tên khác"))
    assert again.status_code == 409
    assert f"/api/v1/enterprises/{created.get_json()['id']}" in again.headers["Link"]
    assert "Dung Quất" in again.get_json()["errors"]["tax_code"][0]


def test_unknown_province_and_commune_are_field_errors(client, runner, accounts):
    token = officer_token(runner, accounts)
    answer = post(client, token, profile(commune_code="99999"))
    assert answer.status_code == 422 and "commune_code" in answer.get_json()["errors"]
    answer = post(client, token, profile(province_code="77"))
    assert answer.status_code == 422 and "province_code" in answer.get_json()["errors"]


def test_an_officer_of_another_province_cannot_record_or_edit_here(client, runner, accounts):
    local = officer_token(runner, accounts)
    outsider = officer_token(runner, accounts, "hanoi@example.vn", name="Sở Công Thương Hà Nội", province="01")
    assert post(client, outsider, profile()).status_code == 403
    created = post(client, local, profile()).get_json()
    patch = client.patch(f"/api/v1/enterprises/{created['id']}", json={"staff": 5}, headers={"Authorization": f"Bearer {outsider}"})
    assert patch.status_code == 403
    assert client.post("/api/v1/enterprises", json=profile()).status_code == 401


def test_search_ignores_case_diacritics_and_legal_forms_and_matches_prefixes(client, runner, accounts):
    token = officer_token(runner, accounts)
    post(client, token, profile())
    post(client, token, profile(tax_code=BRANCH, name_vi="Công ty Cổ phần Môi trường Xanh Quảng Ngãi", name_en="", items=[]))
    names = lambda q: [e["name_vi"] for e in client.get("/api/v1/enterprises", query_string={"q": q}).get_json()["items"]]
    assert names("dien luc") == ["Công ty TNHH Điện lực Dung Quất"]
    assert names("DUNG QUAT") == ["Công ty TNHH Điện lực Dung Quất"]
    assert names("moi tr") == ["Công ty Cổ phần Môi trường Xanh Quảng Ngãi"]
    assert names("0314409058") == ["Công ty Cổ phần Môi trường Xanh Quảng Ngãi"]
    assert names("tnhh dien") == ["Công ty TNHH Điện lực Dung Quất"]
    assert len(names("cong ty")) == 2  # legal-form words alone filter nothing out
    assert names("xu ly nuoc thai") == ["Công ty TNHH Điện lực Dung Quất"]  # by its catalog item A.01
    assert names("khong co") == []
    post(client, token, profile(tax_code="0100109106", name_vi="Công ty Xuất khẩu Lâm sản Lào Cai", name_en="", items=[]))
    # Only the last word may be unfinished: "xu l" is "xử lý…", not "xuất l…".
    assert names("xu l") == ["Công ty TNHH Điện lực Dung Quất"]
    assert names("xuat l") == ["Công ty Xuất khẩu Lâm sản Lào Cai"]
    assert names("xu lam") == []


def test_the_list_page_highlights_matches_and_offers_facets(client, runner, accounts):
    token = officer_token(runner, accounts)
    post(client, token, profile(size_class="small"))
    page = client.get("/enterprises/?q=dien").get_data(as_text=True)
    assert "<mark>Điện</mark> lực" in page
    assert "size=small" in page and "province=51" in page
    assert client.get("/enterprises/?province=01").get_data(as_text=True).count("enterprise-item") == 0
    fragment = client.get("/enterprises/?q=dung&fragment=1").get_data(as_text=True)
    assert "<html" not in fragment and "<mark>Dung</mark> Quất" in fragment


def test_catalog_group_and_relation_filters(client, runner, accounts):
    token = officer_token(runner, accounts)
    post(client, token, profile())
    listed = lambda **args: client.get("/api/v1/enterprises", query_string=args).get_json()["total"]
    assert listed(catalog="A") == 1 and listed(catalog="A.01") == 1 and listed(catalog="B") == 0
    assert listed(relation="manufactures") == 1 and listed(relation="uses") == 0
    assert listed(catalog="A", relation="uses") == 0


def test_user_text_is_shown_as_text_everywhere(client, runner, accounts):
    token = officer_token(runner, accounts)
    evil = "<script>alert(1)</script> Xanh"
    created = post(client, token, profile(name_vi=evil, short_name="<img src=x onerror=alert(1)>")).get_json()
    for path in (f"/enterprises/{created['id']}", "/enterprises/?q=xanh", "/search/?q=xanh", "/enterprises/?q=script"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in page and "<img src=x" not in page, path
        assert "&lt;" in page, path


def test_unpublished_records_are_hidden_from_the_public(client, app, runner, accounts):
    token = officer_token(runner, accounts)
    created = post(client, token, profile()).get_json()
    with app.app_context():
        db.session.get(Enterprise, created["id"]).status = "suspended"
        db.session.commit()
    assert client.get(f"/enterprises/{created['id']}").status_code == 404
    assert client.get(f"/api/v1/enterprises/{created['id']}").status_code == 404
    assert client.get("/api/v1/enterprises").get_json()["total"] == 0
    seen = client.get(f"/api/v1/enterprises/{created['id']}", headers={"Authorization": f"Bearer {token}"})
    assert seen.status_code == 200 and seen.get_json()["status"] == "suspended"


def test_the_officer_form_creates_and_keeps_what_was_typed_on_error(client, accounts):
    accounts.user()
    accounts.sign_in(client, "officer@example.vn")
    form = {"csrf_token": csrf_token(client, "/enterprises/new"), "tax_code": "0100233480", "name_vi": "Môi trường Sạch",
            "province_code": "51", "commune": "không có", "item-A.01": "supplies", "certificates-0-name": "ISO 14001:2015"}
    refused = client.post("/enterprises/new", data=form)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "error-summary" in page and "Môi trường Sạch" in page and "ISO 14001:2015" in page
    assert 'value="supplies" selected' in page
    assert "“không có”" in page  # the commune typed by name is named back
    form.update(tax_code=GOOD, commune="Vạn Tường")
    done = client.post("/enterprises/new", data=form)
    assert done.status_code == 302
    detail = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Xã Vạn Tường" in detail and "ISO 14001:2015" in detail and "A.01" in detail


def test_a_form_without_csrf_changes_nothing(client, app, accounts):
    accounts.user()
    accounts.sign_in(client, "officer@example.vn")
    answer = client.post("/enterprises/new", data={"tax_code": GOOD, "name_vi": "X", "province_code": "51"})
    assert answer.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Enterprise)) == 0


def test_two_editors_saving_the_same_profile_get_a_conflict_not_a_lost_update(client, app, runner, accounts):
    token = officer_token(runner, accounts)
    created = post(client, token, profile()).get_json()
    accounts.sign_in(client, "officer@example.vn")
    page = client.get(f"/enterprises/{created['id']}/edit").get_data(as_text=True)
    assert 'name="version"' in page
    first = client.patch(f"/api/v1/enterprises/{created['id']}", json={"staff": 40, "version": created["version"]},
                         headers={"Authorization": f"Bearer {token}"})
    assert first.status_code == 200
    stale = {"csrf_token": csrf_token(client, f"/enterprises/{created['id']}/edit"), "version": str(created["version"]),
             "tax_code": GOOD, "name_vi": "Tên mới", "province_code": "51"}
    conflict = client.post(f"/enterprises/{created['id']}/edit", data=stale)
    assert conflict.status_code == 409 and "Tên mới" in conflict.get_data(as_text=True)
    with app.app_context():
        record = db.session.get(Enterprise, created["id"])
        assert record.staff == 40 and record.name_vi == "Công ty TNHH Điện lực Dung Quất"


def test_every_change_is_audited(client, app, runner, accounts):
    token = officer_token(runner, accounts)
    created = post(client, token, profile()).get_json()
    client.patch(f"/api/v1/enterprises/{created['id']}", json={"staff": 12}, headers={"Authorization": f"Bearer {token}"})
    with app.app_context():
        from registry.audit.service import history_of

        entries = history_of("enterprise", str(created["id"]))
        assert [e.action for e in entries] == ["update", "create"]
        assert entries[0].actor_label == "officer@example.vn" and entries[0].after["staff"] == 12


def test_catalog_and_province_pages_list_their_enterprises(client, runner, accounts):
    token = officer_token(runner, accounts)
    post(client, token, profile())
    assert "Điện lực Dung Quất" in client.get("/catalog/items/A.01").get_data(as_text=True)
    assert "Điện lực Dung Quất" in client.get("/provinces/51").get_data(as_text=True)


def test_a_broad_search_is_listed_newest_first_and_still_counted_in_full(client, runner, accounts, monkeypatch):
    from registry.enterprises import index as search

    token = officer_token(runner, accounts)
    post(client, token, profile(name_vi="Công ty Xanh Bình Minh"))
    post(client, token, profile(tax_code=BRANCH, name_vi="Công ty Xanh An Phú", items=[]))
    monkeypatch.setattr(search, "RANKED_MATCHES", 1)
    answer = client.get("/api/v1/enterprises", query_string={"q": "xanh"}).get_json()
    assert answer["total"] == 2
    assert [e["name_vi"] for e in answer["items"]] == ["Công ty Xanh An Phú", "Công ty Xanh Bình Minh"]  # the newer first


def test_search_follows_a_record_through_review_and_answers_like_the_filtered_list(app, client, runner, accounts):
    from registry.accounts.models import User
    from registry.enterprises import review

    officer = officer_token(runner, accounts)
    admin = officer_token(runner, accounts, "admin@example.vn", role="admin", name="Bộ Công Thương", kind="ministry", province=None)
    first = post(client, officer, profile(name_vi="Công ty Xanh Bình Minh")).get_json()["id"]
    second = post(client, officer, profile(tax_code=BRANCH, name_vi="Công ty Xanh An Phú", items=[])).get_json()["id"]

    def found(token=None, q="xanh", **args):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        answer = client.get("/api/v1/enterprises", query_string={"q": q, **args}, headers=headers).get_json()
        return answer["total"], sorted(e["id"] for e in answer["items"])

    def decide(action, *reason):
        with app.app_context():
            actor = db.session.scalar(db.select(User).where(User.email == "admin@example.vn"))
            action(actor, db.session.get(Enterprise, second), *reason)
            db.session.commit()

    assert found() == (2, [first, second])
    decide(review.suspend, "Giấy phép hết hạn")
    assert found() == (1, [first])
    # The admin's search is answered by the index alone; the province officer's, or one with a
    # province filter, by the filtered list. Both must agree.
    assert found(admin, status="suspended") == found(officer, status="suspended") == (1, [second])
    assert found(admin, status="suspended", province="51") == (1, [second])
    # Typed letters match names, codes and items only, not the status words kept beside them.
    assert found(admin, q="hi", status="suspended") == found(admin, q="hi", status="suspended", province="51") == (0, [])
    assert found(admin, q="s", status="suspended") == (0, [])
    assert found(q="hi") == found(q="hi", province="51") == (0, [])
    decide(review.approve)
    assert found() == (2, [first, second])
    assert found(admin, status="suspended") == (0, [])


def test_hidden_records_ranked_higher_do_not_push_published_ones_off_the_list(app, client, runner, accounts, monkeypatch):
    from registry.accounts.models import User
    from registry.enterprises import review
    from registry.enterprises import index as search

    officer = officer_token(runner, accounts)
    published = post(client, officer, profile(name_vi="Công ty Môi trường Xanh Bình Minh", items=[])).get_json()["id"]
    for tax_code in (BRANCH, "0100109106"):
        hidden = post(client, officer, profile(tax_code=tax_code, name_vi=f"Công ty Xanh Xanh Xanh {tax_code}", items=[])).get_json()
        with app.app_context():
            actor = db.session.scalar(db.select(User).where(User.email == "officer@example.vn"))
            review.suspend(actor, db.session.get(Enterprise, hidden["id"]), "Giấy phép hết hạn")
            db.session.commit()
    monkeypatch.setattr(search, "RANKED_MATCHES", 2)  # three matches in all, one of them published
    for args in ({}, {"province": "51"}):  # answered by the index alone, then by the filtered list
        answer = client.get("/api/v1/enterprises", query_string={"q": "xanh", **args}).get_json()
        assert (answer["total"], [e["id"] for e in answer["items"]]) == (1, [published]), args


def test_a_page_far_past_the_end_is_empty_not_an_error(client, runner, accounts):
    post(client, officer_token(runner, accounts), profile())
    huge = "9" * 25
    for args in ({"q": "dien"}, {"q": "dien", "province": "51"}, {}):
        answer = client.get("/api/v1/enterprises", query_string={**args, "page": huge})
        assert answer.status_code == 200 and answer.get_json()["items"] == [], args
        assert client.get("/enterprises/", query_string={**args, "page": huge}).status_code == 200, args


def test_facet_counts_are_kept_for_a_while_when_caching_is_on(app, client, runner, accounts, monkeypatch):
    token = officer_token(runner, accounts)
    post(client, token, profile())
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)  # whole pages are kept apart from this: see test_page_cache
    monkeypatch.setitem(app.config, "FACET_CACHE_SECONDS", 60)
    first = client.get("/enterprises/").get_data(as_text=True)
    post(client, token, profile(tax_code=BRANCH, name_vi="Công ty Mới", size_class="large", items=[]))
    second = client.get("/enterprises/").get_data(as_text=True)
    assert "size=large" not in first and "size=large" not in second  # the cached counts
    monkeypatch.setitem(app.config, "FACET_CACHE_SECONDS", 0)
    assert "size=large" in client.get("/enterprises/").get_data(as_text=True)  # counted afresh
