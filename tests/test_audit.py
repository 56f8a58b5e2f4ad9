"""The audit trail: who changed what, when, before and after; and who may read it."""
from registry.accounts import service
from registry.audit.models import AuditEntry
from registry.audit.service import acting_as, history_of
from registry.extensions import db

from .conftest import csrf_token


def test_create_update_and_delete_are_recorded_with_values(ctx, accounts):
    admin = accounts.user("admin@example.vn", role="admin", name="Bộ Công Thương", kind="ministry", province=None)
    with acting_as("tests", user=admin):
        org = service.create_organization(admin, "Sở Công Thương Gia Lai", "department", "52")
        db.session.commit()
        org.province_code = "51"
        db.session.commit()
        org_id = org.id
        db.session.delete(org)
        db.session.commit()
    created, updated, deleted = reversed(history_of("organization", org_id))
    assert created.action == "create" and created.after["name"] == "Sở Công Thương Gia Lai"
    assert created.actor_id == admin.id and created.actor_label == "admin@example.vn"
    assert updated.changes == [("province_code", "52", "51")]
    assert deleted.action == "delete" and deleted.before["province_code"] == "51" and deleted.after is None


def test_secrets_never_reach_the_audit_trail(ctx, accounts):
    user = accounts.user("officer@example.vn")
    entries = history_of("user", user.id)
    assert entries and all("password_hash" not in (e.after or {}) for e in entries)


def test_changes_through_a_page_are_attributed_to_the_signed_in_user(app, client, accounts):
    accounts.user("admin@example.vn", role="admin", name="Bộ Công Thương", kind="ministry", province=None)
    accounts.sign_in(client, "admin@example.vn")
    client.post("/admin/organizations", data={"org-name": "Hiệp hội Môi trường", "org-kind": "association",
                                              "org-province": "", "csrf_token": csrf_token(client, "/admin/accounts")})
    with app.app_context():
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.entity_type == "organization").order_by(AuditEntry.id.desc()))
        assert entry.actor_label == "admin@example.vn" and entry.after["name"] == "Hiệp hội Môi trường"
        org_id = entry.entity_id
    page = client.get(f"/history/organization/{org_id}").get_data(as_text=True)
    assert "Hiệp hội Môi trường" in page and "admin@example.vn" in page


def test_history_is_for_officials_only(client, accounts):
    accounts.user("investor@example.vn", role="investor", name="Nhà đầu tư A", kind="enterprise", province=None)
    accounts.sign_in(client, "investor@example.vn")
    assert client.get("/history/").status_code == 403


def test_imports_from_the_command_line_are_attributed_to_it(app):
    with app.app_context():
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.entity_type == "catalog_version"))
        assert entry.actor_label == "tests" and entry.action == "create"


def test_user_text_in_history_is_escaped(app, client, accounts):
    accounts.user("admin@example.vn", role="admin", name="Bộ Công Thương", kind="ministry", province=None)
    accounts.sign_in(client, "admin@example.vn")
    client.post("/admin/organizations", data={"org-name": "<script>alert(1)</script>", "org-kind": "association",
                                              "org-province": "", "csrf_token": csrf_token(client, "/admin/accounts")})
    page = client.get("/history/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
