"""A newcomer finds how to open an account, confirms its address by e-mail, and resets a forgotten password.

The messages are caught as Flask-Mail dispatches them (`record_messages`); with no MAIL_SERVER
set they are also written to the outbox folder.
"""
from __future__ import annotations

import time

import itsdangerous
import pytest

from registry import create_app
from registry.accounts import service as accounts_service
from registry.accounts.models import User
from registry.accounts.permissions import EmailNotConfirmed
from registry.audit.service import acting_as
from registry.enterprises.models import ClaimRequest, Enterprise
from registry.extensions import db, mail
from registry.zones import service as zones_service
from registry.zones.models import Zone

from .conftest import PASSWORD, csrf_token, test_config
from .factories import GOOD_TAX_CODE, mailed_link, make_enterprise, make_user, make_zone

NEWCOMER = "nguoi.moi@example.vn"


@pytest.fixture
def outbox():
    with mail.record_messages() as sent:
        yield sent


def register(client, email=NEWCOMER, password=PASSWORD, **extra):
    return client.post("/register", data={"csrf_token": csrf_token(client, "/register"), "email": email,
                                          "full_name": "Lê Thị Hoa", "password": password, "confirm": password, **extra})


def link_in(message) -> str:
    """The path of the one link in a message, as the recipient would open it, checked in both parts."""
    path = mailed_link(message)
    assert f'href="http://localhost{path}"' in message.html
    return path


def user(app, email=NEWCOMER) -> User | None:
    with app.app_context():
        found = accounts_service.find_user(email)
        if found is not None:
            db.session.expunge(found)
        return found


def test_the_sign_in_page_and_the_menu_offer_to_open_an_account_and_to_reset_a_password(client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert 'href="/register"' in page and 'href="/account/reset"' in page
    assert 'href="/register"' in client.get("/zones/").get_data(as_text=True)


def claims(app) -> list[int]:
    with app.app_context():
        return [c.enterprise_id for c in db.session.scalars(db.select(ClaimRequest))]


def test_a_newcomer_opens_an_account_confirms_it_and_may_then_claim_an_enterprise(app, client, outbox):
    with app.app_context():
        enterprise_id = make_enterprise(tax_code=GOOD_TAX_CODE).id
    answer = register(client)
    assert answer.status_code == 200 and "nguoi.moi@example.vn" in answer.get_data(as_text=True)
    [message] = outbox
    assert message.recipients == [NEWCOMER] and message.subject.startswith("Xác nhận")  # the page's language, Vietnamese
    assert "Lê Thị Hoa" in message.body and "<html" in message.html
    assert user(app).email_verified_at is None

    client.post("/sign-in", data={"email": NEWCOMER, "password": PASSWORD, "csrf_token": csrf_token(client)})
    account = client.get("/account").get_data(as_text=True)
    assert "Chưa xác nhận" in account and 'action="/account/confirm"' in account  # says why, offers to resend
    claim = {"csrf_token": csrf_token(client, "/enterprises/claim"), "tax_code": GOOD_TAX_CODE, "message": "Giám đốc"}
    refused = client.post("/enterprises/claim", data=claim, headers={"Referer": "http://localhost/enterprises/claim"}, follow_redirects=True)
    assert "Hãy xác nhận địa chỉ e-mail" in refused.get_data(as_text=True)
    assert claims(app) == []

    confirmed = client.get(link_in(message))
    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith("/account")
    assert user(app).email_verified_at is not None
    assert "Chưa xác nhận" not in client.get("/account").get_data(as_text=True)
    claim["csrf_token"] = csrf_token(client, "/enterprises/claim")
    assert client.post("/enterprises/claim", data=claim).status_code == 302
    assert claims(app) == [enterprise_id]

    again = client.get(link_in(message))  # the link died when it was used
    assert again.status_code == 400 and "đã được dùng" in again.get_data(as_text=True)


def test_a_new_link_can_be_asked_for_and_the_message_is_in_the_users_language(app, english, outbox):
    register(english)
    english.post("/sign-in", data={"email": NEWCOMER, "password": PASSWORD, "csrf_token": csrf_token(english)})
    resent = english.post("/account/confirm", data={"csrf_token": csrf_token(english, "/account")}, follow_redirects=True)
    assert "We sent a new link to nguoi.moi@example.vn" in resent.get_data(as_text=True)
    assert [m.subject for m in outbox] == ["Confirm your e-mail address for the CNMT Investment Registry"] * 2
    assert english.get(link_in(outbox[1])).status_code == 302
    assert user(app).email_verified_at is not None


def test_registering_a_taken_address_reads_the_same_and_tells_its_owner_instead(app, accounts, outbox):
    accounts.user("officer@example.vn")
    pages = []
    for email in ("officer@example.vn", NEWCOMER):
        answer = register(app.test_client(), email)
        assert answer.status_code == 200
        pages.append(answer.get_data(as_text=True).replace(email, "…"))
    assert pages[0] == pages[1]
    assert [(m.recipients, m.subject.startswith("Có người")) for m in outbox] == [(["officer@example.vn"], True), ([NEWCOMER], False)]
    assert "/account/reset" in outbox[0].body
    assert user(app, "officer@example.vn").email_verified_at is not None  # made by an administrator's tools: confirmed


def test_a_forgotten_password_is_reset_once_through_the_mailed_link(app, accounts, outbox):
    accounts.user("officer@example.vn")
    signed_in = app.test_client()
    accounts.sign_in(signed_in, "officer@example.vn")
    client = app.test_client()
    answer = client.post("/account/reset", data={"csrf_token": csrf_token(client, "/account/reset"), "email": "Officer@Example.vn"})
    assert answer.status_code == 200 and "Kiểm tra e-mail" in answer.get_data(as_text=True)
    [message] = outbox
    assert message.recipients == ["officer@example.vn"] and "60" in message.body
    path = link_in(message)
    form = client.get(path)
    assert form.status_code == 200 and 'name="password"' in form.get_data(as_text=True)
    mismatch = client.post(path, data={"csrf_token": csrf_token(client, path), "password": "a new password 2026", "confirm": "another one 2026"})
    assert mismatch.status_code == 422 and "không khớp" in mismatch.get_data(as_text=True)
    done = client.post(path, data={"csrf_token": csrf_token(client, path), "password": "a new password 2026", "confirm": "a new password 2026"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/sign-in")

    assert accounts.sign_in(app.test_client(), "officer@example.vn").status_code == 200  # the old password no longer works
    assert accounts.sign_in(app.test_client(), "officer@example.vn", "a new password 2026").status_code == 302
    assert signed_in.get("/account").status_code == 302  # every other session was signed out
    used = client.get(path)
    assert used.status_code == 400 and 'href="/account/reset"' in used.get_data(as_text=True)
    assert client.post(path, data={"csrf_token": csrf_token(client, "/account/reset"), "password": "third password 2026",
                                   "confirm": "third password 2026"}).status_code == 400


def test_asking_to_reset_an_unknown_address_reads_the_same_and_sends_nothing(app, accounts, outbox):
    accounts.user("officer@example.vn")
    pages = []
    for email in ("officer@example.vn", "khong.co@example.vn"):
        client = app.test_client()
        answer = client.post("/account/reset", data={"csrf_token": csrf_token(client, "/account/reset"), "email": email})
        pages.append(answer.get_data(as_text=True).replace(email, "…"))
    assert pages[0] == pages[1]
    assert [m.recipients for m in outbox] == [["officer@example.vn"]]
    client = app.test_client()
    bad = client.post("/account/reset", data={"csrf_token": csrf_token(client, "/account/reset"), "email": "not an address"})
    assert bad.status_code == 422 and "name@example.vn" in bad.get_data(as_text=True)


def test_a_link_that_is_too_old_is_refused_kindly_with_the_way_on(app, accounts, outbox, monkeypatch):
    accounts.user("officer@example.vn")
    client = app.test_client()
    client.post("/account/reset", data={"csrf_token": csrf_token(client, "/account/reset"), "email": "officer@example.vn"})
    register(app.test_client())
    reset, confirm = link_in(outbox[0]), link_in(outbox[1])
    later = int(time.time()) + 3 * 24 * 3600 + 60  # past both lifetimes
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: later)
    expired = client.get(reset)
    assert expired.status_code == 400
    page = expired.get_data(as_text=True)
    assert "Liên kết này đã hết hạn" in page and 'href="/account/reset"' in page
    expired = client.get(confirm)
    assert expired.status_code == 400 and "hết hạn" in expired.get_data(as_text=True)
    assert user(app).email_verified_at is None
    assert client.get("/account/reset/not-a-token").status_code == 400
    assert client.get("/account/confirm/not-a-token").status_code == 400


def test_every_new_form_refuses_a_post_without_its_csrf_token(app, accounts, outbox):
    accounts.user("officer@example.vn")
    client = app.test_client()
    client.post("/account/reset", data={"csrf_token": csrf_token(client, "/account/reset"), "email": "officer@example.vn"})
    reset = link_in(outbox[0])
    outbox.clear()
    for path, data in (("/register", {"email": NEWCOMER, "password": PASSWORD, "confirm": PASSWORD}),
                       ("/account/reset", {"email": "officer@example.vn"}),
                       (reset, {"password": "a new password 2026", "confirm": "a new password 2026"})):
        assert app.test_client().post(path, data=data).status_code == 400, path
    signed_in = app.test_client()
    accounts.sign_in(signed_in, "officer@example.vn")
    assert signed_in.post("/account/confirm").status_code == 400
    assert outbox == [] and user(app) is None
    assert app.test_client().get(reset).status_code == 200  # the link still works: nothing used it


def test_the_gate_holds_in_the_services_and_the_api_not_only_in_the_pages(app, outbox):
    with app.app_context():
        zone = make_zone()
        zone_id = zone.id
        colleague = make_user("board.editor@example.vn", role="zone_editor", org=zone.organization)
        with acting_as("tests"):
            opened = accounts_service.open_account(NEWCOMER, PASSWORD)
            accounts_service.add_membership(None, opened, zone.organization, "zone_editor")
            token = accounts_service.issue_token(opened, "sync")
        db.session.commit()
        with pytest.raises(EmailNotConfirmed):
            zones_service.update_zone(opened, zone, {"leased_ha": 95}, partial=True)
        zones_service.update_zone(colleague, zone, {"leased_ha": 95}, partial=True)  # a confirmed editor of the same board may
        db.session.rollback()
    answer = app.test_client().patch(f"/api/v1/zones/{zone_id}", json={"leased_ha": 77}, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403 and "e-mail" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Zone, zone_id).leased_ha == 90


def test_a_registration_by_a_visitor_waits_out_of_the_review_queue_until_the_address_is_confirmed(app, accounts, outbox):
    accounts.user("officer@example.vn")
    visitor = app.test_client()
    answer = visitor.post("/enterprises/register", data={
        "csrf_token": csrf_token(visitor, "/enterprises/register"), "account_email": NEWCOMER, "account_name": "Trần Thị Bình",
        "password": PASSWORD, "tax_code": GOOD_TAX_CODE, "name_vi": "Công ty TNHH Môi trường Xanh Dung Quất", "province_code": "51"})
    assert answer.status_code == 302
    [message] = outbox
    officer = app.test_client()
    accounts.sign_in(officer, "officer@example.vn")
    assert "Môi trường Xanh Dung Quất" not in officer.get("/enterprises/review/").get_data(as_text=True)
    assert visitor.get(link_in(message)).status_code == 302
    assert "Môi trường Xanh Dung Quất" in officer.get("/enterprises/review/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(Enterprise.status)) == "pending"


def test_the_account_page_says_what_each_person_may_edit(app, accounts):
    with app.app_context():
        sa_dec = make_zone()
        nhon_hoi = make_zone("Khu kinh tế Nhơn Hội", "Ban Quản lý Khu kinh tế tỉnh Gia Lai", "52", kind="economic_zone")
        company = make_enterprise(tax_code=GOOD_TAX_CODE, province_code="52")
        make_user("officer@example.vn")  # of Quảng Ngãi (51)
        make_user("editor@example.vn", role="zone_editor", org=sa_dec.organization)
        make_user("admin@example.vn", role="admin", name="Quản trị hệ thống", kind="ministry", province=None)
        rep = make_user("rep@example.vn", role=None)
        accounts_service.add_membership(None, rep, make_organization_for(company), "enterprise_rep")
        db.session.commit()
        sa_dec_id, nhon_hoi_id, company_id = sa_dec.id, nhon_hoi.id, company.id

    def page(email):
        client = app.test_client()
        accounts.sign_in(client, email)
        return client.get("/account").get_data(as_text=True)

    officer = page("officer@example.vn")
    assert "Mọi khu trong Quảng Ngãi" in officer and "Mọi doanh nghiệp trong Quảng Ngãi" in officer
    assert "Gia Lai" not in officer and "Sa Đéc" not in officer
    editor = page("editor@example.vn")
    assert f'href="/zones/{sa_dec_id}"' in editor and f'href="/zones/{nhon_hoi_id}"' not in editor and "Mọi khu" not in editor
    representative = page("rep@example.vn")
    assert f'href="/enterprises/{company_id}"' in representative and f'href="/zones/{sa_dec_id}"' not in representative
    assert "Mọi khu và mọi doanh nghiệp" in page("admin@example.vn")


def make_organization_for(enterprise: Enterprise):
    """Give an enterprise the organization its representatives act for."""
    from registry.enterprises.service import give_representation

    holder = make_user("holder@example.vn", role=None)
    give_representation(holder, enterprise)
    return enterprise.organization


def test_without_an_smtp_server_each_message_is_written_to_the_outbox_folder(app, tmp_path):
    other = create_app(test_config(app.config["SQLALCHEMY_DATABASE_URI"], MAIL_OUTBOX=str(tmp_path / "outbox")))
    try:
        register(other.test_client())
        [written] = list((tmp_path / "outbox").glob("*.eml"))
        text = written.read_text()
        assert f"To: {NEWCOMER}" in text and "multipart/alternative" in text
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_reset_and_confirmation_mails_are_rate_limited_per_address(app, accounts, outbox):
    limited = create_app(test_config(app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED=True, RATELIMIT_ACCOUNT_MAIL="2 per minute",
                                     MAIL_OUTBOX=app.config["MAIL_OUTBOX"]))
    try:
        accounts.user("officer@example.vn")
        client = limited.test_client()
        token = csrf_token(client, "/account/reset")
        answers = [client.post("/account/reset", data={"csrf_token": token, "email": "officer@example.vn"}).status_code for _ in range(3)]
        assert answers == [200, 200, 429] and len(outbox) == 2
    finally:
        with limited.app_context():
            db.session.remove()
            db.engine.dispose()


def test_existing_accounts_count_as_confirmed_after_the_migration(tmp_path):
    from flask_migrate import downgrade, upgrade

    app = create_app(test_config(f"sqlite:///{tmp_path}/migrate.sqlite", AUTO_INIT=True))
    directory = app.extensions["migrate"].directory
    try:
        with app.app_context():
            downgrade(directory, "0010_staged_uploads")
            db.session.execute(db.text("INSERT INTO \"user\" (email, full_name, password_hash, session_version, active, is_demo, created_at) "
                                       "VALUES ('cu@example.vn', '', 'x', 1, true, false, '2026-01-02 03:04:05')"))
            db.session.commit()
            upgrade(directory)
            assert db.session.execute(db.text("SELECT email_verified_at FROM \"user\"")).scalar() is not None
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
