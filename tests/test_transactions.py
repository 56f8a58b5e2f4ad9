"""One path through a request: read or write by its method, committed once, refusals answered in one place."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import update

from registry.accounts import service as accounts_service
from registry.enterprises import service as enterprise_service
from registry.enterprises.models import Enterprise
from registry.extensions import db
from registry.zones import service as zone_service
from registry.zones.models import Zone

from .conftest import csrf_token

PACKAGE = Path(__file__).resolve().parent.parent / "registry"
# The request handler (transactions), the error handlers that end a refused request, the commands, and
# the maintenance operations they run outside any request (init, backup and restore).
ALLOWED = {"transactions.py", "errors.py", "cli.py", "database.py", "backup.py"}


def test_no_view_api_handler_or_service_commits_or_rolls_back_by_hand():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).as_posix() in ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in {"commit", "rollback"}:
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {ast.unparse(node)}")
    assert not found, "commit once in registry.transactions; raise a refusal from registry.domain_errors instead:\n" + "\n".join(found)


def test_every_route_goes_through_the_one_commit(app):
    assert [endpoint for endpoint, view in app.view_functions.items() if not getattr(view, "commits_once", False)] == []


def _published(app, accounts):
    accounts.user()
    with app.app_context():
        enterprise = enterprise_service.create_enterprise(None, {
            "tax_code": "0100233488", "name_vi": "Công ty TNHH Môi trường Xanh Dung Quất", "province_code": "51",
        }, source="tests")
        db.session.commit()
        return enterprise.id


def test_a_refused_review_says_why_on_the_page_it_came_from_and_changes_nothing(app, client, accounts, english):
    enterprise_id = _published(app, accounts)
    accounts.sign_in(client, "officer@example.vn")
    queue = "http://localhost/enterprises/review/"
    answer = client.post(f"/enterprises/review/{enterprise_id}/reject", headers={"Referer": queue},
                         data={"csrf_token": csrf_token(client, "/enterprises/review/"), "reason": "Trùng hồ sơ."})
    assert answer.status_code == 302 and answer.headers["Location"] == "/enterprises/review/"
    assert "Only a pending profile can be rejected." in client.get("/enterprises/review/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Enterprise, enterprise_id).status == "published"


def test_a_refused_post_from_elsewhere_gets_the_error_page_with_the_reason(app, client, accounts, english):
    enterprise_id = _published(app, accounts)
    accounts.sign_in(client, "officer@example.vn")
    answer = client.post(f"/enterprises/review/{enterprise_id}/suspend", headers={"Referer": "https://elsewhere.example/"},
                         data={"csrf_token": csrf_token(client, "/enterprises/review/"), "reason": ""})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "Write the reason" in page and "Some of what was sent needs correcting" in page


def test_the_api_answers_every_refusal_in_one_shape(app, client, accounts):
    enterprise_id = _published(app, accounts)
    accounts.user("rep@example.vn", role="investor", name="Nhà đầu tư", kind="association", province="51")
    with app.app_context():
        officer = accounts_service.issue_token(accounts_service.find_user("officer@example.vn"), "tests")
        stranger = accounts_service.issue_token(accounts_service.find_user("rep@example.vn"), "tests")
        db.session.commit()
    path = f"/api/v1/enterprises/{enterprise_id}"
    answers = {
        "forbidden": client.patch(path, json={"staff": 5}, headers={"Authorization": f"Bearer {stranger}"}),
        "conflict": client.patch(path, json={"staff": 5, "version": 99}, headers={"Authorization": f"Bearer {officer}"}),
        "unprocessable_entity": client.patch(path, json={"staff": "many"}, headers={"Authorization": f"Bearer {officer}"}),
    }
    for name, answer in answers.items():
        body = answer.get_json()
        assert set(body) == {"status", "error", "message", "errors"} and body["error"] == name and body["status"] == answer.status_code
    assert answers["unprocessable_entity"].get_json()["errors"]["staff"]
    with app.app_context():
        assert db.session.get(Enterprise, enterprise_id).staff is None


def test_a_language_switch_is_a_write_kept_for_the_account(app, client, accounts):
    accounts.user()
    accounts.sign_in(client, "officer@example.vn")
    assert client.get("/language/en").status_code == 302
    with app.app_context():
        assert accounts_service.find_user("officer@example.vn").locale == "en"


def test_a_save_overtaken_by_another_is_a_conflict_that_shows_what_is_saved_now(app, ctx, accounts):
    accounts.user()
    zone = zone_service.create_zone(None, {"name_vi": "Cụm công nghiệp Tịnh Phong", "kind": "industrial_cluster", "province_code": "51",
                                           "total_ha": 60, "industrial_ha": 50, "leased_ha": 20})
    db.session.commit()
    zone_id, read_version = zone.id, zone.version
    # The editor's copy as read; then a colleague's save lands before the editor's.
    db.session.expunge(zone)
    db.session.commit()
    with db.engine.begin() as connection:
        connection.execute(update(Zone).where(Zone.id == zone_id).values(leased_ha=33, version=Zone.version + 1))
    editors_copy = db.session.merge(zone, load=False)
    officer = accounts_service.find_user("officer@example.vn")
    with pytest.raises(zone_service.ZoneConflict) as conflict:
        zone_service.update_zone(officer, editors_copy, {"leased_ha": 25}, partial=True, expected_version=read_version)
    assert conflict.value.status == 409 and conflict.value.zone.leased_ha == 33
    assert conflict.value.zone.version == read_version + 1
