"""Demo data: about 200 flagged enterprises across the 34 provinces, loaded once and removed with one command."""
from __future__ import annotations

from sqlalchemy import func, text

from registry.accounts import service as registry_accounts
from registry.audit.service import acting_as
from registry.demo import DEMO_ENTERPRISES, DEMO_PASSWORD, REPRESENTATIVE
from registry.enterprises.models import Enterprise, Status
from registry.enterprises.queries import Filters, filtered
from registry.enterprises.review import queue_for
from registry.enterprises.service import create_enterprise, represented_enterprises
from registry.extensions import db
from registry.enterprises.index import FTS_TABLE


def _load(runner) -> str:
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_load_adds_flagged_enterprises_in_every_province_once(app, runner, english):
    output = _load(runner)
    assert f"{DEMO_ENTERPRISES} demo enterprises" in output
    assert "demo enterprises" not in _load(runner)
    with app.app_context():
        enterprises = list(db.session.scalars(db.select(Enterprise)))
        assert len(enterprises) == DEMO_ENTERPRISES
        assert all(e.is_demo and e.source == "demo" for e in enterprises)
        assert len({e.province_code for e in enterprises}) == 34
        assert sum(e.status == Status.PUBLISHED for e in enterprises) >= DEMO_ENTERPRISES - 5


def test_the_quang_ngai_officer_has_registrations_to_review(app, runner):
    _load(runner)
    with app.app_context():
        queue = queue_for(registry_accounts.find_user("officer.qng@demo.cnmt.vn"))
        assert queue.registrations
        assert all(e.province_code == "51" and e.is_demo for e in queue.registrations)


def test_the_demo_representative_signs_in_and_represents_a_demo_enterprise(app, runner, client, accounts):
    _load(runner)
    with app.app_context():
        represented = represented_enterprises(registry_accounts.find_user(REPRESENTATIVE))
        assert len(represented) == 1 and represented[0].is_demo and represented[0].province_code == "51"
    assert accounts.sign_in(client, REPRESENTATIVE, DEMO_PASSWORD).status_code == 302


def test_demo_remove_deletes_every_demo_enterprise_and_its_search_rows(app, runner, english):
    _load(runner)
    with app.app_context():
        sample = db.session.scalars(db.select(Enterprise).order_by(Enterprise.id)).first()
        word = sample.tax_code
        assert db.session.scalars(filtered(Filters(q=word))).first() is not None
    result = runner.invoke(args=["demo", "remove"])
    assert result.exit_code == 0, result.output
    assert "removed" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(func.count()).select_from(Enterprise)) == 0
        assert db.session.scalars(filtered(Filters(q=word))).first() is None
        assert db.session.scalars(filtered(Filters(q="moi truong"))).first() is None
        assert registry_accounts.find_user(REPRESENTATIVE) is None
        if db.engine.dialect.name == "sqlite":
            assert db.session.scalar(text(f"SELECT count(*) FROM {FTS_TABLE}")) == 0


def test_demo_remove_keeps_real_enterprises(app, runner):
    _load(runner)
    with app.app_context(), acting_as("tests"):
        create_enterprise(None, {"tax_code": "0314409058", "name_vi": "Công ty TNHH Thật", "province_code": "79"})
        db.session.commit()
    assert runner.invoke(args=["demo", "remove"]).exit_code == 0
    with app.app_context():
        assert [e.tax_code for e in db.session.scalars(db.select(Enterprise))] == ["0314409058"]


def test_the_demo_zone_editor_edits_the_dung_quat_reference_zones(app):
    from registry.accounts.permissions import can
    from registry.accounts.service import find_user
    from registry.demo import load_demo
    from registry.zones.reference import load_reference_zones
    from registry.zones.service import find_by_code

    with app.app_context():
        load_reference_zones()
        load_demo()
        editor = find_user("zone.dungquat@demo.cnmt.vn")
        assert can(editor, "zone.edit", find_by_code("51-kkt-dung-quat"))
        assert not can(editor, "zone.edit", find_by_code("52-kkt-nhon-hoi"))
