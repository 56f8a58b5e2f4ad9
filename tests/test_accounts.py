"""Accounts: sign-in, throttling, CSRF, sessions, tokens, the CLI and permissions."""
import pytest

from registry.accounts import service
from registry.accounts.models import LoginAttempt, Organization, User
from registry.accounts.permissions import PermissionDenied, can, require
from registry.extensions import db

from .conftest import PASSWORD, csrf_token


def test_passwords_are_stored_hashed_with_scrypt(ctx, accounts):
    user = accounts.user()
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith("scrypt:")


def test_a_user_signs_in_sees_their_roles_and_signs_out(client, accounts):
    accounts.user("officer@example.vn")
    response = accounts.sign_in(client, "officer@example.vn")
    assert response.status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert "Sở Công Thương Quảng Ngãi" in page and "officer@example.vn" in page
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/account")})
    assert client.get("/account").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_generic_message(client, accounts):
    accounts.user("officer@example.vn")
    wrong = accounts.sign_in(client, "officer@example.vn", "not the password").get_data(as_text=True)
    unknown = accounts.sign_in(client, "nobody@example.vn", "not the password").get_data(as_text=True)
    message = "Địa chỉ e-mail hoặc mật khẩu không đúng"
    assert message in wrong and message in unknown


def test_sign_in_is_throttled_after_repeated_failures(app, client, accounts):
    accounts.user("officer@example.vn")
    for _ in range(5):
        assert accounts.sign_in(client, "officer@example.vn", "guess-guess").status_code == 200
    throttled = accounts.sign_in(client, "officer@example.vn")  # even the right password waits
    assert throttled.status_code == 429
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(LoginAttempt)) == 5


def test_a_form_without_a_csrf_token_gets_a_400_page_in_vietnamese_and_changes_nothing(app, client, accounts):
    accounts.user("officer@example.vn")
    response = client.post("/sign-in", data={"email": "officer@example.vn", "password": PASSWORD})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'lang="vi"' in page and "không có thay đổi nào" in page
    with app.app_context():
        assert service.find_user("officer@example.vn").last_login_at is None


def test_changing_the_password_ends_other_sessions(app, accounts):
    accounts.user("officer@example.vn")
    laptop, phone = app.test_client(), app.test_client()
    accounts.sign_in(laptop, "officer@example.vn")
    accounts.sign_in(phone, "officer@example.vn")
    response = laptop.post(
        "/account/password",
        data={"current": PASSWORD, "password": "a much newer password", "confirm": "a much newer password",
              "csrf_token": csrf_token(laptop, "/account")},
    )
    assert response.status_code == 302
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302  # sent to sign in


def test_password_form_errors_name_the_field(client, accounts):
    accounts.user("officer@example.vn")
    accounts.sign_in(client, "officer@example.vn")
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "password": "short", "confirm": "short", "csrf_token": csrf_token(client, "/account")},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#password"' in page and "ít nhất 10 ký tự" in page


def test_cli_creates_a_user_with_a_role_and_a_new_organization(runner, app):
    result = runner.invoke(
        args=["users", "create", "ban.ql@example.vn", "--role", "zone_editor", "--org", "Ban Quản lý KKT Dung Quất",
              "--org-kind", "zone_board", "--province", "51", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = service.find_user("ban.ql@example.vn")
        assert [(m.organization.name, m.role.value) for m in user.memberships] == [("Ban Quản lý KKT Dung Quất", "zone_editor")]


def test_cli_refuses_an_unknown_province_or_missing_organization(runner, app):
    bad_province = runner.invoke(
        args=["users", "create", "x@example.vn", "--role", "province_officer", "--org", "Sở X", "--org-kind", "department",
              "--province", "99", "--password", PASSWORD]
    )
    assert bad_province.exit_code != 0 and "99" in bad_province.output
    no_org = runner.invoke(args=["users", "create", "x@example.vn", "--role", "investor", "--org", "Nowhere", "--password", PASSWORD])
    assert no_org.exit_code != 0 and "--org-kind" in no_org.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(Organization)) == 0


def test_cli_sets_a_password(runner, accounts, client):
    accounts.user("officer@example.vn")
    result = runner.invoke(args=["users", "set-password", "officer@example.vn", "--password", "brand new password"])
    assert result.exit_code == 0
    assert accounts.sign_in(client, "officer@example.vn", "brand new password").status_code == 302


def test_an_api_token_from_the_cli_authenticates_and_can_be_revoked(app, runner, client, accounts):
    accounts.user("officer@example.vn")
    token = runner.invoke(args=["users", "token", "officer@example.vn"]).output.strip()
    assert token.startswith("cnmt_")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.get_json()["memberships"][0]["role"] == "province_officer"
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer cnmt_forged"}).status_code == 401
    with app.app_context():
        user = service.find_user("officer@example.vn")
        service.revoke_token(user, user.tokens[0].id)
        db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_token_made_on_the_account_page_is_shown_once(client, accounts):
    accounts.user("officer@example.vn")
    accounts.sign_in(client, "officer@example.vn")
    client.post("/account/tokens", data={"name": "đồng bộ dữ liệu", "csrf_token": csrf_token(client, "/account")})
    first = client.get("/account").get_data(as_text=True)
    assert "cnmt_" in first and "đồng bộ dữ liệu" in first
    again = client.get("/account").get_data(as_text=True)
    assert 'class="token"' not in again


def test_permission_rules(ctx, accounts):
    admin = accounts.user("admin@example.vn", role="admin", name="Bộ Công Thương", kind="ministry", province=None)
    officer = accounts.user("officer@example.vn", role="province_officer")
    investor = accounts.user("investor@example.vn", role="investor", name="Công ty Đầu tư", kind="enterprise", province=None)
    from registry.places.service import get_province

    quang_ngai, ha_noi = get_province("51"), get_province("01")
    assert can(admin, "accounts.manage") and not can(officer, "accounts.manage")
    assert can(officer, "province.edit", quang_ngai) and not can(officer, "province.edit", ha_noi)
    assert can(officer, "audit.view") and not can(investor, "audit.view")
    assert can(admin, "catalog.manage") and not can(officer, "catalog.manage")
    assert not can(None, "audit.view")
    with pytest.raises(PermissionDenied):
        require(investor, "accounts.manage")
    with pytest.raises(PermissionDenied):
        service.create_organization(officer, "Sở mới", "department", "51")


def test_administration_pages_are_for_admins_only(client, accounts):
    accounts.user("officer@example.vn")
    accounts.sign_in(client, "officer@example.vn")
    assert client.get("/admin/accounts").status_code == 403


def test_an_admin_adds_an_organization_and_bad_province_is_a_field_error(app, client, accounts):
    accounts.user("admin@example.vn", role="admin", name="Bộ Công Thương", kind="ministry", province=None)
    accounts.sign_in(client, "admin@example.vn")
    token = csrf_token(client, "/admin/accounts")
    bad = client.post("/admin/organizations", data={"org-name": "Sở Công Thương Gia Lai", "org-kind": "department",
                                                    "org-province": "99", "csrf_token": token})
    assert bad.status_code == 400
    assert "Không có tỉnh nào có mã “99”" in bad.get_data(as_text=True)
    good = client.post("/admin/organizations", data={"org-name": "Sở Công Thương Gia Lai", "org-kind": "department",
                                                     "org-province": "52", "csrf_token": token})
    assert good.status_code == 302
    with app.app_context():
        assert service.find_organization("Sở Công Thương Gia Lai").province_code == "52"


def test_organizations_are_found_whatever_the_case_of_vietnamese_capitals(ctx):
    from registry.accounts import service

    created = service.create_organization(None, "Đoàn Kiểm tra Môi trường", "association")
    assert service.find_organization("đoàn kiểm tra môi trường") is created
    with pytest.raises(service.AccountError):
        service.create_organization(None, "ĐOÀN KIỂM TRA MÔI TRƯỜNG", "association")
