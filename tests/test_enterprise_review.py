"""The review workflow: registration, decisions, representatives' edits, claims and merges."""
from __future__ import annotations

import re

import pytest

from registry.enterprises.models import DuplicateFlag, Enterprise, PendingChange
from registry.extensions import db

from .conftest import PASSWORD, csrf_token
from .factories import post_and_confirm

TAX_CODE = "0100233488"


def register(client, email="rep@example.vn", tax_code=TAX_CODE, name="Công ty TNHH Môi trường Xanh Dung Quất", **extra):
    """Register as a visitor, confirm the address from the mailed link, then sign in with the new account as the answer asks."""
    form = {
        "csrf_token": csrf_token(client, "/enterprises/register"),
        "account_email": email, "account_name": "Trần Thị Bình", "password": PASSWORD,
        "tax_code": tax_code, "name_vi": name, "province_code": "51", "item-C2.01": "manufactures", **extra,
    }
    answer = post_and_confirm(client, "/enterprises/register", form)
    if answer.status_code == 302:
        client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(client)})
    return answer


def decide(client, enterprise_id, action, reason=""):
    token = csrf_token(client, "/enterprises/review/")
    return client.post(f"/enterprises/review/{enterprise_id}/{action}", data={"csrf_token": token, "reason": reason})


def only_enterprise(app):
    with app.app_context():
        return db.session.scalars(db.select(Enterprise)).one()


def pending_with_officer(app, client, accounts):
    """Register a profile as its representative (`client`), and sign the province officer in on a client of their own."""
    accounts.user()
    register(client)
    officer = app.test_client()
    accounts.sign_in(officer, "officer@example.vn")
    return only_enterprise(app), officer


def test_a_registration_waits_for_the_province_officer_then_is_published(app, client, accounts):
    accounts.user()
    answer = register(client)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/sign-in?next=/enterprises/mine")
    dashboard = client.get("/enterprises/mine").get_data(as_text=True)
    assert "Môi trường Xanh Dung Quất" in dashboard
    enterprise = only_enterprise(app)
    assert enterprise.status == "pending"
    anonymous = app.test_client()
    assert anonymous.get(f"/enterprises/{enterprise.id}").status_code == 404
    assert anonymous.get("/api/v1/enterprises").get_json()["total"] == 0

    officer = app.test_client()
    accounts.sign_in(officer, "officer@example.vn")
    queue = officer.get("/enterprises/review/").get_data(as_text=True)
    assert "Môi trường Xanh Dung Quất" in queue
    assert decide(officer, enterprise.id, "approve").status_code == 302
    assert anonymous.get(f"/enterprises/{enterprise.id}").status_code == 200
    assert "Môi trường Xanh Dung Quất" not in officer.get("/enterprises/review/").get_data(as_text=True)


def test_rejection_and_requests_for_changes_need_a_reason_the_representative_sees(app, client, accounts):
    enterprise, officer = pending_with_officer(app, client, accounts)
    decide(officer, enterprise.id, "request_changes", "")
    assert only_enterprise(app).changes_requested is False
    decide(officer, enterprise.id, "request_changes", "Thiếu địa chỉ nhà máy.")
    assert "Thiếu địa chỉ nhà máy." in client.get("/enterprises/mine").get_data(as_text=True)
    edit = {"csrf_token": csrf_token(client, f"/enterprises/{enterprise.id}/edit"), "version": str(only_enterprise(app).version),
            "tax_code": TAX_CODE, "name_vi": "Công ty TNHH Môi trường Xanh Dung Quất", "province_code": "51", "address": "Lô 5, KCN Tịnh Phong"}
    assert client.post(f"/enterprises/{enterprise.id}/edit", data=edit).status_code == 302
    resubmitted = only_enterprise(app)
    assert resubmitted.status == "pending" and not resubmitted.changes_requested and resubmitted.address == "Lô 5, KCN Tịnh Phong"
    decide(officer, enterprise.id, "reject", "Không thuộc ngành công nghiệp môi trường.")
    assert only_enterprise(app).status == "rejected"
    assert "Không thuộc ngành công nghiệp môi trường." in client.get("/enterprises/mine").get_data(as_text=True)


def published_with_officer(app, client, accounts):
    """Register a profile as its representative (`client`), and have the province officer publish it."""
    enterprise, officer = pending_with_officer(app, client, accounts)
    decide(officer, enterprise.id, "approve")
    return enterprise, officer


def edit_staff(app, client, enterprise_id: int, staff: str):
    edit = {"csrf_token": csrf_token(client, f"/enterprises/{enterprise_id}/edit"), "version": str(only_enterprise(app).version),
            "tax_code": TAX_CODE, "name_vi": "Công ty TNHH Môi trường Xanh Dung Quất", "province_code": "51", "staff": staff,
            "item-C2.01": "manufactures"}
    return client.post(f"/enterprises/{enterprise_id}/edit", data=edit)


def test_a_representatives_edit_to_a_published_profile_waits_as_a_diff(app, client, accounts):
    enterprise, officer = published_with_officer(app, client, accounts)
    assert edit_staff(app, client, enterprise.id, "85").status_code == 302
    assert only_enterprise(app).staff is None  # the public profile keeps the approved values
    with app.app_context():
        change = db.session.scalars(db.select(PendingChange)).one()
        assert change.changes == {"staff": 85}
    diff = officer.get(f"/enterprises/review/changes/{change.id}").get_data(as_text=True)
    assert "<ins>85</ins>" in diff
    token = csrf_token(officer, f"/enterprises/review/changes/{change.id}")
    officer.post(f"/enterprises/review/changes/{change.id}", data={"csrf_token": token, "decision": "approve"})
    assert only_enterprise(app).staff == 85


def test_representatives_and_other_provinces_cannot_touch_what_is_not_theirs(app, client, accounts, runner):
    accounts.user()
    register(client)
    mine = only_enterprise(app)
    officer_token = runner.invoke(args=["users", "token", "officer@example.vn"]).output.strip()
    other = client.application.test_client()
    created = other.post("/api/v1/enterprises", headers={"Authorization": f"Bearer {officer_token}"},
                         json={"tax_code": "0314409058", "name_vi": "Công ty Khác", "province_code": "51"}).get_json()
    assert client.get(f"/enterprises/{created['id']}/edit").status_code == 403
    rep_token = runner.invoke(args=["users", "token", "rep@example.vn"]).output.strip()
    patch = other.patch(f"/api/v1/enterprises/{created['id']}", json={"staff": 1}, headers={"Authorization": f"Bearer {rep_token}"})
    assert patch.status_code == 403
    own = other.patch(f"/api/v1/enterprises/{mine.id}", json={"staff": 9}, headers={"Authorization": f"Bearer {rep_token}"})
    assert own.status_code == 200  # still pending: the representative edits it directly
    accounts.user("hanoi@example.vn", name="Sở Công Thương Hà Nội", province="01")
    outsider = app.test_client()
    accounts.sign_in(outsider, "hanoi@example.vn")
    assert decide(outsider, mine.id, "approve").status_code == 403
    with app.app_context():
        assert db.session.get(Enterprise, mine.id).status == "pending"
    assert client.get("/enterprises/review/").status_code == 403


def test_a_representative_claims_an_existing_profile_with_officer_approval(app, client, accounts, runner, english):
    accounts.user()
    token = runner.invoke(args=["users", "token", "officer@example.vn"]).output.strip()
    created = client.post("/api/v1/enterprises", headers={"Authorization": f"Bearer {token}"},
                          json={"tax_code": TAX_CODE, "name_vi": "Công ty CP Tái chế Miền Trung", "province_code": "51"}).get_json()
    accounts.user("claimant@example.vn", role=None)
    accounts.sign_in(client, "claimant@example.vn")
    assert client.get(f"/enterprises/{created['id']}/edit").status_code == 403
    refused = client.post("/enterprises/claim", data={"csrf_token": csrf_token(client, "/enterprises/claim"), "tax_code": "0100233480"})
    assert refused.status_code == 422 and "check digit" in refused.get_data(as_text=True)
    client.post("/enterprises/claim", data={"csrf_token": csrf_token(client, "/enterprises/claim"), "tax_code": TAX_CODE, "message": "Giám đốc"})
    officer = app.test_client()
    accounts.sign_in(officer, "officer@example.vn")
    queue = officer.get("/enterprises/review/").get_data(as_text=True)
    assert "claimant@example.vn" in queue and "Giám đốc" in queue
    with app.app_context():
        from registry.enterprises.models import ClaimRequest

        claim_id = db.session.scalars(db.select(ClaimRequest.id)).one()
    officer.post(f"/enterprises/review/claims/{claim_id}", data={"csrf_token": csrf_token(officer, "/enterprises/review/"), "decision": "approve"})
    assert client.get(f"/enterprises/{created['id']}/edit").status_code == 200
    assert "Tái chế Miền Trung" in client.get("/enterprises/mine").get_data(as_text=True)


def test_similar_names_in_a_province_are_flagged_and_merged_keeping_links_and_history(app, client, accounts, runner):
    accounts.user()
    token = runner.invoke(args=["users", "token", "officer@example.vn"]).output.strip()
    headers = {"Authorization": f"Bearer {token}"}
    first = client.post("/api/v1/enterprises", headers=headers, json={
        "tax_code": TAX_CODE, "name_vi": "Công ty TNHH Môi trường Xanh Quảng Ngãi", "province_code": "51",
        "items": [{"code": "A.01", "relation": "manufactures"}]}).get_json()
    second = client.post("/api/v1/enterprises", headers=headers, json={
        "tax_code": "0314409058", "name_vi": "Cty CP Moi truong Xanh Quang Ngai", "province_code": "51", "website": "xanh.example.vn",
        "items": [{"code": "B.01", "relation": "supplies"}], "certificates": [{"name": "ISO 14001:2015"}]}).get_json()
    client.post("/api/v1/enterprises", headers=headers, json={
        "tax_code": "0100112437", "name_vi": "Công ty TNHH Môi trường Đông Hà", "province_code": "51"})
    with app.app_context():
        flags = db.session.scalars(db.select(DuplicateFlag)).all()
        assert len(flags) == 1 and {flags[0].enterprise_id, flags[0].other_id} == {first["id"], second["id"]}
        flag_id = flags[0].id
    accounts.sign_in(client, "officer@example.vn")
    page = client.get(f"/enterprises/review/duplicates/{flag_id}").get_data(as_text=True)
    assert "Moi truong Xanh" in page
    merged = client.post(f"/enterprises/review/duplicates/{flag_id}", data={
        "csrf_token": csrf_token(client, f"/enterprises/review/duplicates/{flag_id}"), "keep": str(first["id"]), "decision": "merge"})
    assert merged.status_code == 302
    kept = client.get(f"/api/v1/enterprises/{first['id']}").get_json()
    assert {i["code"] for i in kept["catalog_items"]} == {"A.01", "B.01"}
    assert kept["website"] == "https://xanh.example.vn" and kept["certificates"][0]["name"] == "ISO 14001:2015"
    assert client.get(f"/enterprises/{second['id']}").headers["Location"].endswith(f"/enterprises/{first['id']}")
    assert [e["id"] for e in client.get("/api/v1/enterprises?q=xanh").get_json()["items"]] == [first["id"]]
    history = client.get(f"/history/enterprise/{second['id']}")
    assert history.status_code == 200 and "merged" in history.get_data(as_text=True)


def test_registration_does_not_tell_whether_an_email_already_has_an_account(app, accounts):
    accounts.user("officer@example.vn")
    taken, fresh = app.test_client(), app.test_client()
    form = {"account_name": "Kẻ dò tìm", "password": "a fresh password 2026", "name_vi": "Công ty TNHH Dò Tìm",
            "province_code": "51", "item-C2.01": "manufactures"}
    answers = []
    for client, email, tax_code in ((taken, "officer@example.vn", TAX_CODE), (fresh, "newcomer@example.vn", "0314409058")):
        data = {**form, "account_email": email, "tax_code": tax_code, "csrf_token": csrf_token(client, "/enterprises/register")}
        answer = client.post("/enterprises/register", data=data)
        answers.append((answer.status_code, answer.headers.get("Location"), client.get(answer.headers["Location"]).get_data(as_text=True)))
    (taken_status, taken_to, taken_page), (fresh_status, fresh_to, fresh_page) = answers
    assert taken_status == fresh_status == 302 and taken_to == fresh_to
    strip = lambda page: re.sub(r'value="[^"]+"', "", page).replace("0314409058", "").replace(TAX_CODE, "")  # noqa: E731
    assert strip(taken_page) == strip(fresh_page)
    assert "đã có tài khoản" not in taken_page.lower().replace("nếu địa chỉ đó đã có tài khoản", "")
    with app.app_context():
        assert [e.tax_code for e in db.session.scalars(db.select(Enterprise))] == ["0314409058"]  # nothing kept for a taken address
    assert taken.post("/sign-in", data={"email": "officer@example.vn", "password": PASSWORD,
                                        "csrf_token": csrf_token(taken)}).status_code == 302  # its owner's password still works


def test_a_representatives_edit_to_a_suspended_profile_waits_and_is_not_published_with_the_profile(app, client, accounts, runner):
    enterprise, officer = published_with_officer(app, client, accounts)
    decide(officer, enterprise.id, "suspend", "Giấy phép môi trường hết hạn.")
    assert only_enterprise(app).status == "suspended"
    assert edit_staff(app, client, enterprise.id, "85").status_code == 302
    rep_token = runner.invoke(args=["users", "token", "rep@example.vn"]).output.strip()
    patch = app.test_client().patch(f"/api/v1/enterprises/{enterprise.id}", json={"website": "https://xanh.example.vn"},
                                    headers={"Authorization": f"Bearer {rep_token}"})
    assert patch.status_code == 202 and patch.get_json()["status"] == "pending_review"
    decide(officer, enterprise.id, "approve")
    published = only_enterprise(app)
    assert published.status == "published" and published.staff is None and published.website == ""
    with app.app_context():
        changes = db.session.scalars(db.select(PendingChange).order_by(PendingChange.id))
        assert [change.changes for change in changes] == [{"staff": 85}, {"website": "https://xanh.example.vn"}]


def test_an_officer_who_rejects_or_sends_back_without_a_reason_is_told_to_write_one(app, client, accounts):
    enterprise, officer = pending_with_officer(app, client, accounts)
    queue = officer.get("/enterprises/review/").get_data(as_text=True)
    for action, language, message in (("reject", "vi", "Ghi rõ lý do để người đại diện biết cần làm gì."),
                                      ("request_changes", "en", "Write the reason, so the representative knows what to do.")):
        officer.get(f"/language/{language}")
        form = re.search(rf'action="(/enterprises/review/{enterprise.id}/{action})".*?name="csrf_token" value="([^"]+)"', queue, re.S)
        assert form, action
        # Spaces pass the browser's `required`; the reason is still empty.
        refused = officer.post(form.group(1), data={"csrf_token": form.group(2), "reason": "  \n "},
                               headers={"Referer": "http://localhost/enterprises/review/"}, follow_redirects=True)
        page = refused.get_data(as_text=True)
        assert refused.request.path == "/enterprises/review/", action
        assert message in page, action
        still = only_enterprise(app)
        assert still.status == "pending" and still.changes_requested is False and still.review_note == "", action
    assert "Môi trường Xanh Dung Quất" in officer.get("/enterprises/review/").get_data(as_text=True)  # still waiting


def test_the_review_service_refuses_an_empty_reason_and_changes_nothing(app, client, accounts):
    from registry.accounts.models import User
    from registry.enterprises import review
    from registry.enterprises.service import EnterpriseError

    accounts.user()
    register(client)
    with app.app_context():
        officer = db.session.scalar(db.select(User).where(User.email == "officer@example.vn"))
        enterprise = db.session.scalars(db.select(Enterprise)).one()
        for action in (review.reject, review.request_changes):
            for reason in ("", "   ", None):
                with pytest.raises(EnterpriseError) as refused:
                    action(officer, enterprise, reason)
                assert list(refused.value.errors) == ["reason"], (action.__name__, reason)
                db.session.rollback()
                assert enterprise.status == "pending" and enterprise.changes_requested is False and enterprise.review_note == ""
        review.reject(officer, enterprise, " Không thuộc ngành công nghiệp môi trường. ")
        db.session.commit()
        assert enterprise.status == "rejected" and enterprise.review_note == "Không thuộc ngành công nghiệp môi trường."
