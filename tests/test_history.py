"""History people can read: the record's name, labels in the reader's language, values as the record's page shows them,
one entry per change, filters and pages, and each person reading only what they may edit."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from shapely.geometry import box

from registry.accounts import service as accounts_service
from registry.accounts.permissions import can
from registry.audit.models import Audited
from registry.audit.records import KINDS
from registry.enterprises.forms import FIELD_LABELS as ENTERPRISE_FORM_LABELS
from registry.enterprises.history import EXTRA_LABELS as ENTERPRISE_EXTRA, editable_enterprises
from registry.enterprises.models import Enterprise
from registry.enterprises.permissions import EDIT_ENTERPRISE
from registry.extensions import db
from registry.zones.boundaries import publish_boundary
from registry.zones.forms import FIELD_LABELS as ZONE_FORM_LABELS
from registry.zones.history import EXTRA_LABELS as ZONE_EXTRA, editable_zones
from registry.zones.models import Zone
from registry.zones.permissions import EDIT_ZONE

from .factories import BOARD_A, BOARD_B, make_enterprise, make_user, make_zone, zone_edit_form

# A surveyed outline whose corners carry more digits than anyone reads.
OUTLINE = box(105.7512345, 10.3012345, 105.7712345, 10.3212345)


def visible_text(html: str) -> str:
    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def entries_on(html: str) -> int:
    return len(re.findall(r'<li class="audit-entry">', html))


@pytest.fixture
def sa_dec(app):
    """Sa Đéc under board A, with its editor Trần Thị Bình, and a surveyed boundary published from the command line."""
    with app.app_context():
        zone = make_zone()
        make_user("editor.a@example.vn", role="zone_editor", name=BOARD_A, kind="zone_board", province="82", full_name="Trần Thị Bình")
        publish_boundary(None, zone, OUTLINE, source="khảo sát 2026")
        db.session.commit()
        return zone.id


def signed_in(app, accounts, email: str):
    client = app.test_client()
    accounts.sign_in(client, email)
    return client


def test_a_zones_history_is_titled_by_its_name_and_reads_in_words(app, accounts, sa_dec):
    editor = signed_in(app, accounts, "editor.a@example.vn")
    form = zone_edit_form(editor, sa_dec, total_ha="140,5", status="under_construction")
    assert editor.post(f"/zones/{sa_dec}/edit", data=form).status_code == 302

    page = editor.get(f"/history/zone/{sa_dec}?lang=en").get_data(as_text=True)
    text = visible_text(page)
    assert "<h1>Khu công nghiệp Sa Đéc</h1>" in page and "<title>History of Khu công nghiệp Sa Đéc" in page
    assert "Trần Thị Bình changed" in text
    assert "Total area (ha) : 132 → 140.5" in text and "Status : Operating → Under construction" in text
    assert "The boundary changed." in text and "Area of the mapped boundary (ha) : — → 484.62" in text
    assert "Managing board : Ban Quản lý các khu công nghiệp tỉnh Tiền Giang" in text and "Province or city : Dong Thap" in text
    for raw in ("min_lon", "mapped_ha", "total_ha", "zone 2", "{'", "'}", "operating", "10.3012345", "None"):
        assert raw not in text, raw
    assert not re.search(r"\d\.\d{4,}", text), "numbers are rounded as the zone's page rounds them"

    vietnamese = visible_text(editor.get(f"/history/zone/{sa_dec}?lang=vi").get_data(as_text=True))
    assert "132 → 140,5" in vietnamese and "Đang xây dựng" in vietnamese


def test_each_change_is_one_entry_and_the_list_comes_a_page_at_a_time(app, accounts, sa_dec):
    with app.app_context():
        zone = db.session.get(Zone, sa_dec)
        for n in range(30):
            zone.tenants = n + 1
            db.session.commit()
    editor = signed_in(app, accounts, "editor.a@example.vn")
    first = editor.get("/history/?lang=en").get_data(as_text=True)
    assert entries_on(first) == 25 and "Page 1 of 2" in first and "Enterprises operating : 29 → 30" in visible_text(first)
    second = editor.get(re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert 0 < entries_on(second) < 25
    assert entries_on(editor.get("/history/?per_page=100000").get_data(as_text=True)) <= 100
    assert entries_on(editor.get("/history/?per_page=5&page=99999999999999999999").get_data(as_text=True)) == 0


def test_filters_choose_the_record_the_person_and_the_days(app, accounts, sa_dec, zones_ab):
    editor = signed_in(app, accounts, "editor.a@example.vn")
    editor.post(f"/zones/{sa_dec}/edit", data=zone_edit_form(editor, sa_dec, tenants="12"))
    with app.app_context():
        editor_id = accounts_service.find_user("editor.a@example.vn").id
    by_name = editor.get("/history/?kind=zone&record=sa+dec&lang=en").get_data(as_text=True)
    assert "Khu công nghiệp Sa Đéc" in by_name and entries_on(by_name) >= 3
    by_number = editor.get(f"/history/?kind=zone&record={zones_ab[0]}").get_data(as_text=True)
    assert entries_on(by_number) == 1
    by_person = editor.get(f"/history/?person={editor_id}&lang=en").get_data(as_text=True)
    # One edit: the zone's figure, and the sourced figure the edit recorded for it (dated today, from the editor's board).
    assert entries_on(by_person) == 2 and "Enterprises operating : — → 12" in visible_text(by_person)
    assert "Sourced figure" in visible_text(by_person)
    assert entries_on(editor.get("/history/?since=2000-01-01&until=2000-12-31").get_data(as_text=True)) == 0
    refused = editor.get("/history/?since=1.12.2026&until=soon&record=x&lang=en")
    body = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "Enter a date as YYYY-MM-DD" in body and "Choose the kind of record too." in body
    assert entries_on(body) > 0, "a filter that cannot be used is dropped"


def test_a_zone_editor_reads_only_what_they_may_edit_and_no_ones_email(app, accounts, sa_dec, zones_ab):
    with app.app_context():
        admin = make_user("admin@example.vn", role="admin", name="Bộ Công Thương", kind="ministry", province=None, full_name="Quản Trị")
        make_user("editor.b@example.vn", role="zone_editor", name=BOARD_B, kind="zone_board", province="52", full_name="Lê Văn Cường")
        colleague = make_user("dong.nghiep@example.vn", role="zone_editor", name=BOARD_A, kind="zone_board", province="82",
                              full_name="Phạm Thu Hà")
        association = accounts_service.create_organization(admin, "Hiệp hội Môi trường", "association", None)
        db.session.commit()
        organization_id, colleague_email = association.id, colleague.email
    other_board = signed_in(app, accounts, "editor.b@example.vn")
    other_board.post(f"/zones/{zones_ab[1]}/edit", data=zone_edit_form(other_board, zones_ab[1], tenants="7"))
    colleague_client = signed_in(app, accounts, colleague_email)
    colleague_client.post(f"/zones/{sa_dec}/edit", data=zone_edit_form(colleague_client, sa_dec, tenants="9"))

    editor = signed_in(app, accounts, "editor.a@example.vn")
    page = editor.get("/history/?lang=en").get_data(as_text=True)
    assert "Khu công nghiệp Sa Đéc" in page and "Phạm Thu Hà changed" in page, "a colleague is named"
    assert "Khu kinh tế Nhơn Hội" not in page and "Hiệp hội Môi trường" not in page
    assert "@example.vn" not in page, "no account's e-mail reaches a zone editor"
    assert editor.get(f"/history/zone/{zones_ab[1]}").status_code == 403
    assert editor.get(f"/history/organization/{organization_id}").status_code == 403
    assert editor.get("/history/?kind=organization").status_code == 200
    assert "Hiệp hội" not in editor.get("/history/?kind=organization").get_data(as_text=True)

    admin_client = signed_in(app, accounts, "admin@example.vn")
    everything = admin_client.get("/history/?lang=en").get_data(as_text=True)
    assert "Khu kinh tế Nhơn Hội" in everything and "Hiệp hội Môi trường" in everything
    assert "Lê Văn Cường (editor.b@example.vn) changed" in everything
    board_b = admin_client.get(f"/history/zone/{zones_ab[1]}?lang=en").get_data(as_text=True)
    assert "Lê Văn Cường (editor.b@example.vn)" in board_b
    # An officer of another organization reads the change as made by "an officer of" that board.
    with app.app_context():
        make_user("so.ct@example.vn", role="province_officer", name="Sở Công Thương Bình Định", province="52", full_name="Võ Minh")
    officer = signed_in(app, accounts, "so.ct@example.vn")
    seen = officer.get(f"/history/zone/{zones_ab[1]}?lang=en").get_data(as_text=True)
    assert f"an officer of {BOARD_B} changed" in seen and "Lê Văn Cường" not in seen and "@example.vn" not in seen


def test_enterprise_history_shows_its_certificates_and_the_reviewers_province_only(app, accounts):
    with app.app_context():
        officer = make_user()
        make_user("officer.dn@example.vn", name="Sở Công Thương Đà Nẵng", province="48")
        enterprise = make_enterprise(officer, certificates=[{"name": "ISO 14001:2015", "issued_on": "2024-03-05"}])
        enterprise_id = enterprise.id
    reviewer = signed_in(app, accounts, "officer@example.vn")
    page = visible_text(reviewer.get(f"/history/enterprise/{enterprise_id}?lang=en").get_data(as_text=True))
    assert "Công ty TNHH Điện lực Dung Quất" in page and "ISO 14001:2015" in page and "Issued on : Mar 5, 2024" in page
    assert "Tax code : 0100233488" in page and "Province or city : Quang Ngai" in page
    assert signed_in(app, accounts, "officer.dn@example.vn").get(f"/history/enterprise/{enterprise_id}").status_code == 403


def test_every_audited_table_is_described_with_its_forms_labels():
    audited = {mapper.class_.__tablename__ for mapper in db.Model.registry.mappers if issubclass(mapper.class_, Audited)}
    assert audited <= set(KINDS), f"describe these in the feature's history.py: {sorted(audited - set(KINDS))}"
    assert not set(ZONE_EXTRA) & set(ZONE_FORM_LABELS) and not set(ENTERPRISE_EXTRA) & set(ENTERPRISE_FORM_LABELS)
    assert all(KINDS["zone"].labels[name] is label for name, label in ZONE_FORM_LABELS.items() if name in KINDS["zone"].labels)
    assert all(KINDS[table].accounts for table in ("user", "organization", "membership"))


def test_who_reads_a_records_history_is_who_may_edit_it(app, ctx, zones_ab):
    """The SQL behind the history lists agrees with the permission rules, for each kind of person."""
    make_enterprise()
    make_enterprise(tax_code="0100109106", name_vi="Công ty TNHH Tái chế Bình Định", province_code="52")
    people = [
        make_user("admin@example.vn", role="admin", name="Bộ Công Thương", kind="ministry", province=None),
        make_user("editor.a@example.vn", role="zone_editor", name=BOARD_A, kind="zone_board", province="82"),
        make_user("officer.82@example.vn", name="Sở Công Thương Đồng Tháp", province="82"),
        make_user("officer@example.vn"),
        make_user("investor@example.vn", role="investor", name="Nhà đầu tư A", kind="enterprise", province=None),
    ]
    for model, editable, action in ((Zone, editable_zones, EDIT_ZONE), (Enterprise, editable_enterprises, EDIT_ENTERPRISE)):
        records = db.session.scalars(db.select(model)).all()
        for person in people:
            condition = editable(person)
            if isinstance(condition, bool):
                chosen = {r.id for r in records} if condition else set()
            else:
                chosen = set(db.session.scalars(db.select(model.id).where(condition)))
            assert chosen == {r.id for r in records if can(person, action, SimpleNamespace(**{
                "organization_id": r.organization_id, "province_code": r.province_code}))}, (model.__name__, person.email)
