"""Business incubators: the sourced network, officers' forms for incubators, cohorts and incubatees, start-ups unknown to the
registry recorded as pending enterprises, what became of the graduates, statistics per province, the map layer and the API."""
from __future__ import annotations

import re
from datetime import date, timedelta

import time_machine

from registry.enterprises.models import Enterprise, Status
from registry.extensions import db
from registry.incubators import queries, service
from registry.incubators.models import Cohort, Incubatee, Incubator

from .conftest import csrf_token
from .factories import (incubator_values, make_certificate, make_cohort, make_enterprise, make_incubatee, make_incubator, make_token,
                        make_user, make_zone)

OFFICER = "officer@example.vn"  # of the Department of Quảng Ngãi (51)
OTHER = "officer.gialai@example.vn"  # of the Department of Gia Lai (52)
BOARD = "Ban Quản lý Khu kinh tế Dung Quất"
UNKNOWN_TAX_CODE = "4300123458"


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _signed_in(app, email: str, language: str = "en"):
    client = app.test_client()
    client.get(f"/language/{language}")
    answer = client.post("/sign-in", data={"email": email, "password": "correct horse battery", "csrf_token": csrf_token(client)})
    assert answer.status_code == 302
    return client


def _counts() -> tuple[int, int, int, int]:
    return tuple(db.session.scalar(db.select(db.func.count()).select_from(model)) for model in (Incubator, Cohort, Incubatee, Enterprise))


def test_init_seeds_the_sourced_incubators_once_each_with_its_source_and_says_none_is_cnmt_specific(app, runner, english):
    assert runner.invoke(args=["init"]).exit_code == 0
    again = runner.invoke(args=["init"])
    assert again.exit_code == 0 and "reference incubators" not in again.output
    with app.app_context():
        seeded = list(db.session.scalars(db.select(Incubator)))
        assert len(seeded) == len(service.shipped_incubators()) == 13
        assert all(i.source_url.startswith(("http://", "https://")) and i.as_of for i in seeded)
        assert all(i.latitude is None and not i.email and not i.focus_groups for i in seeded), "nothing the sources do not say"
        hoa_lac = next(i for i in seeded if "Hòa Lạc" in i.name_vi)
        assert (hoa_lac.host_kind, hoa_lac.host_name, hoa_lac.province_code) == ("high_tech_park", "Khu Công nghệ cao Hòa Lạc", "01")
        hoa_lac_id = hoa_lac.id
    network = _text(english.get("/incubators/?province=01"))
    assert "none of them is specific to the environmental industry" in network and "Vườn ươm CRC – Topica" in network
    assert "TP.HCM" not in network
    page = _text(english.get(f"/incubators/{hoa_lac_id}"))
    assert "not specific to the environmental industry (CNMT)" in page and "123docz.net" in page and "2003-2010 table" in page


def test_an_officer_records_an_incubator_a_cohort_and_an_incubatee_by_form_and_the_profile_shows_its_history(app):
    with app.app_context():
        make_user(OFFICER)
        enterprise = make_enterprise()
        enterprise_id, tax_code, name = enterprise.id, enterprise.tax_code, enterprise.name_vi
    officer = _signed_in(app, OFFICER)
    form = {"csrf_token": csrf_token(officer, "/incubators/new"), "name_vi": "Vườn ươm Công nghệ Môi trường Quảng Ngãi",
            "province_code": "51", "host_kind": "university", "host_name": "Trường Đại học Phạm Văn Đồng", "focus_groups": "A; C",
            "services": "Phòng thử nghiệm", "capacity": "8", "opened_on": "2016-05-01", "website": "vuonuom.example.vn",
            "latitude": "15.12", "longitude": "108.80"}
    created = officer.post("/incubators/new", data=form)
    assert created.status_code == 302, _text(created)
    incubator_id = int(created.headers["Location"].rsplit("/", 1)[1])
    assert officer.post(f"/incubators/{incubator_id}/cohorts/new", data={
        "csrf_token": csrf_token(officer, f"/incubators/{incubator_id}/cohorts/new"), "name": "Khóa 2024", "starts_on": "2024-02-01"}).status_code == 302
    with app.app_context():
        cohort_id = db.session.scalar(db.select(Cohort.id).where(Cohort.incubator_id == incubator_id))
    placed = officer.post(f"/incubators/{incubator_id}/incubatees/new", data={
        "csrf_token": csrf_token(officer, f"/incubators/{incubator_id}/incubatees/new"), "cohort_id": str(cohort_id),
        "tax_code": tax_code, "outcome": "active"})
    assert placed.status_code == 302, _text(placed)
    with app.app_context():
        incubator = db.session.get(Incubator, incubator_id)
        assert incubator.website == "https://vuonuom.example.vn" and incubator.focus_groups == ["A", "C"]

    visitor = app.test_client()
    visitor.get("/language/en")
    page = _text(visitor.get(f"/incubators/{incubator_id}"))
    assert "Khóa 2024" in page and name in page and "Active" in page
    listed = _text(visitor.get("/incubators/?province=51&host_kind=university&group=C"))
    assert "Vườn ươm Công nghệ Môi trường Quảng Ngãi" in listed
    assert "Vườn ươm Công nghệ Môi trường Quảng Ngãi" not in _text(visitor.get("/incubators/?host_kind=high_tech_park"))
    profile = visitor.get(f"/enterprises/{enterprise_id}").get_data(as_text=True)
    assert 'id="incubator-history"' in profile and "Khóa 2024" in profile
    history = officer.get(f"/history/incubator/{incubator_id}")
    assert history.status_code == 200 and "Khóa 2024" in _text(history)


def test_an_unknown_start_up_is_refused_until_asked_for_then_recorded_as_a_pending_enterprise(app):
    with app.app_context():
        make_user(OFFICER)
        incubator = make_incubator()
        incubator_id, cohort_id = incubator.id, make_cohort(incubator).id
        before = _counts()
    officer = _signed_in(app, OFFICER, "vi")
    path = f"/incubators/{incubator_id}/incubatees/new"
    refused = officer.post(path, data={"csrf_token": csrf_token(officer, path), "cohort_id": str(cohort_id), "tax_code": UNKNOWN_TAX_CODE})
    assert refused.status_code == 422
    assert f"Cơ sở dữ liệu chưa có doanh nghiệp nào mang mã số thuế {UNKNOWN_TAX_CODE}" in _text(refused)
    no_name = officer.post(path, data={"csrf_token": csrf_token(officer, path), "cohort_id": str(cohort_id), "tax_code": UNKNOWN_TAX_CODE,
                                       "create_pending": "y"})
    assert no_name.status_code == 422
    with app.app_context():
        assert _counts() == before, "nothing half-written"

    recorded = officer.post(path, data={"csrf_token": csrf_token(officer, path), "cohort_id": str(cohort_id), "tax_code": UNKNOWN_TAX_CODE,
                                        "create_pending": "y", "name_vi": "Công ty TNHH Khởi nghiệp Nước Sạch"})
    assert recorded.status_code == 302, _text(recorded)
    with app.app_context():
        start_up = db.session.scalar(db.select(Enterprise).where(Enterprise.tax_code == UNKNOWN_TAX_CODE))
        assert start_up.status == Status.PENDING and start_up.source == "incubator" and start_up.province_code == "51"
        assert db.session.scalar(db.select(Incubatee.enterprise_id)) == start_up.id
    assert "Khởi nghiệp Nước Sạch" in _text(officer.get("/enterprises/review/")), "in the province's review queue"
    visitor = app.test_client()
    visitor.get("/language/en")
    public = _text(visitor.get(f"/incubators/{incubator_id}"))
    assert "Khởi nghiệp Nước Sạch" not in public and "An enterprise awaiting review" in public


def test_bad_input_gets_field_errors_in_the_users_language_and_nothing_half_written(app):
    with app.app_context():
        make_user(OFFICER)
        enterprise = make_enterprise()
        incubator = make_incubator(opened_on="2015-01-01", closed_on="2030-12-31")
        first = make_cohort(incubator, "Khóa 2024", "2024-01-15")
        second = make_cohort(incubator, "Khóa 2025", "2025-01-15")
        make_incubatee(incubator, first, enterprise)
        incubator_id, second_id, tax_code = incubator.id, second.id, enterprise.tax_code
        before = _counts()
    officer = _signed_in(app, OFFICER, "vi")

    path = f"/incubators/{incubator_id}/incubatees/new"
    twice = officer.post(path, data={"csrf_token": csrf_token(officer, path), "cohort_id": str(second_id), "tax_code": tax_code})
    assert twice.status_code == 422 and "đang được ươm tạo trong khóa “Khóa 2024”" in _text(twice)

    cohort_path = f"/incubators/{incubator_id}/cohorts/new"
    early = officer.post(cohort_path, data={"csrf_token": csrf_token(officer, cohort_path), "name": "Khóa 2010", "starts_on": "2010-01-01"})
    assert early.status_code == 422 and "Vườn ươm thành lập ngày 2015-01-01" in _text(early)
    late = officer.post(cohort_path, data={"csrf_token": csrf_token(officer, cohort_path), "name": "Khóa 2030", "starts_on": "2030-06-01",
                                           "ends_on": "2031-06-01"})
    assert late.status_code == 422 and "phải kết thúc chậm nhất" in _text(late)
    backwards = officer.post(cohort_path, data={"csrf_token": csrf_token(officer, cohort_path), "name": "Khóa X", "starts_on": "2026-13-01"})
    assert backwards.status_code == 422 and "YYYY-MM-DD" in _text(backwards)

    bad = officer.post("/incubators/new", data={"csrf_token": csrf_token(officer, "/incubators/new"), "name_vi": "", "province_code": "51",
                                               "host_kind": "spaceport", "website": "javascript:alert(1)", "email": "not an address",
                                               "focus_groups": "Z9", "opened_on": "2020-01-01", "closed_on": "2019-01-01"})
    text = _text(bad)
    assert bad.status_code == 422
    for message in ("Nhập tên tiếng Việt của vườn ươm", "Chọn đơn vị chủ quản", "http:// hoặc https://", "Không có nhóm danh mục “Z9”",
                    "Vườn ươm không thể ngừng hoạt động trước ngày thành lập"):
        assert message in text, message
    with app.app_context():
        assert _counts() == before


def test_only_the_provinces_department_the_host_zones_board_and_administrators_keep_an_incubator(app):
    with app.app_context():
        make_user(OFFICER)
        make_user(OTHER, name="Sở Công Thương Gia Lai", province="52")
        make_user("editor@example.vn", role="zone_editor", name=BOARD, kind="zone_board", province="51")
        make_user("other.board@example.vn", role="zone_editor", name="Ban Quản lý Khu kinh tế tỉnh Gia Lai", kind="zone_board", province="52")
        zone_id = make_zone("Khu kinh tế Dung Quất", BOARD, "51", kind="economic_zone").id
        incubator_id = make_incubator(host_kind="zone", host_zone_id=zone_id).id
    path = f"/incubators/{incubator_id}/edit"
    for email, allowed in ((OFFICER, True), ("editor@example.vn", True), (OTHER, False), ("other.board@example.vn", False)):
        client = _signed_in(app, email)
        answer = client.post(path, data={**{k: str(v) for k, v in incubator_values(host_kind="zone", host_zone_id=zone_id).items()
                                            if k != "focus_groups"}, "focus_groups": "A", "capacity": "20", "csrf_token": csrf_token(client, "/incubators/")})
        assert (answer.status_code == 302) == allowed, (email, answer.status_code)
    with app.app_context():
        assert db.session.get(Incubator, incubator_id).capacity == 20


def test_what_became_of_the_graduates_and_the_statistics_per_province(app, english):
    with app.app_context():
        incubator_id = _graduates_story()
    _graduates_pages(english, incubator_id)


def _graduates_story() -> int:
    incubator = make_incubator()
    old = make_cohort(incubator, "Khóa 2019", "2019-01-10", "2019-12-31")
    recent = make_cohort(incubator, "Khóa 2025", "2025-01-10")
    graduates = [make_enterprise(tax_code=code, name_vi=f"Công ty Tốt nghiệp {n}") for n, code in enumerate(("0100233488", "0100109106"))]
    make_incubatee(incubator, old, graduates[0], outcome="graduated", ended_on="2019-12-31")
    make_incubatee(incubator, old, graduates[1], outcome="graduated", ended_on="2023-12-31")
    leaver = make_enterprise(tax_code="0100112437", name_vi="Công ty Đã Rời")
    make_incubatee(incubator, recent, leaver, outcome="left", ended_on="2025-06-30")
    active = make_enterprise(tax_code="0101243150", name_vi="Công ty Đang Ươm")
    make_incubatee(incubator, recent, active)
    graduates[1].status = Status.SUSPENDED
    make_certificate(holder_tax_code=graduates[0].tax_code, issued_on=(date.today() - timedelta(days=30)).isoformat())
    make_certificate(number="126/QĐ-BTNMT", holder_tax_code=active.tax_code, issued_on="2019-01-10")  # expired: not counted
    db.session.commit()

    assert queries.fates(queries.placements_of(incubator.id)) == queries.Fates(graduates=2, registered=2, published=1, eco_labelled=1)
    row = queries.statistics(date(2026, 12, 1), "51")[0]
    assert (row.incubators, row.active, row.graduates_per_year) == (1, 1, {2019: 1, 2023: 1})
    assert row.still_active == {1: (2, 1), 3: (1, 1), 5: (1, 1)}
    # Exactly N years after graduating counts; a day less does not.
    assert queries.statistics(date(2024, 12, 31), "51")[0].still_active == {1: (2, 1), 3: (1, 1), 5: (1, 1)}
    assert queries.statistics(date(2024, 12, 30), "51")[0].still_active == {1: (1, 1), 3: (1, 1), 5: (0, 0)}
    return incubator.id


def _graduates_pages(english, incubator_id: int) -> None:
    page = _text(english.get(f"/incubators/{incubator_id}"))
    assert "2 graduates: 2 still registered, 1 published" in page and "; 1 eco-labelled." in page
    with time_machine.travel(date(2026, 12, 1)):  # the session cookie may not outlive a moved clock: the language goes in the address
        stats = _text(english.get("/incubators/statistics?province=51&lang=en"))
    assert "Graduates 2019" in stats and "Still active after 5 years" in stats and "1 of 2" in stats


def test_incubators_through_the_api_with_a_token(app, client):
    with app.app_context():
        make_user(OFFICER)
        make_user(OTHER, name="Sở Công Thương Gia Lai", province="52")
        tokens = {email: make_token(email) for email in (OFFICER, OTHER)}
        tax_code = make_enterprise().tax_code
    headers = {"Authorization": f"Bearer {tokens[OFFICER]}", "Accept-Language": "en"}

    created = client.post("/api/v1/incubators", json=incubator_values(), headers=headers)
    assert created.status_code == 201, created.json
    incubator_id = created.json["id"]
    cohort = client.post(f"/api/v1/incubators/{incubator_id}/cohorts", json={"name": "Khóa 2024", "starts_on": "2024-01-15"}, headers=headers)
    assert cohort.status_code == 201
    cohort_id = cohort.json["cohorts"][0]["id"]
    placed = client.post(f"/api/v1/incubators/{incubator_id}/incubatees", json={"cohort_id": cohort_id, "tax_code": tax_code},
                         headers=headers)
    assert placed.status_code == 201 and placed.json["incubatees"]["active"] == 1

    listed = client.get("/api/v1/incubators?province=51").json
    item = listed["items"][0]
    assert listed["total"] == 1 and item["host"]["kind"] == "university" and item["focus_groups"] == ["A", "C"]
    assert item["incubatees"] == {"active": 1, "graduated": 0, "left": 0, "total": 1}
    assert client.get("/api/v1/incubators?host_kind=spaceport").status_code == 422

    twice = client.post(f"/api/v1/incubators/{incubator_id}/incubatees", json={"cohort_id": cohort_id, "tax_code": tax_code},
                        headers=headers)
    assert twice.status_code == 422 and "already active" in twice.json["errors"]["cohort_id"][0]
    refused = client.patch(f"/api/v1/incubators/{incubator_id}", json={"capacity": 3},
                           headers={"Authorization": f"Bearer {tokens[OTHER]}"})
    assert refused.status_code == 403
    junk = client.patch(f"/api/v1/incubators/{incubator_id}", json={"website": "ftp://x", "latitude": 95, "is_demo": True}, headers=headers)
    assert junk.status_code == 422 and set(junk.json["errors"]) == {"is_demo"}
    wrong = client.patch(f"/api/v1/incubators/{incubator_id}", json={"website": "ftp://x", "latitude": 95}, headers=headers)
    assert wrong.status_code == 422 and set(wrong.json["errors"]) == {"website", "latitude"}
    assert client.get(f"/api/v1/incubators/{incubator_id}").json["capacity"] == 10

    layer = client.get("/api/v1/incubators.geojson").json
    assert [f["properties"]["name"] for f in layer["features"]] == [incubator_values()["name_vi"]]
    assert layer["features"][0]["geometry"]["coordinates"] == [108.8, 15.12]


def test_the_site_search_finds_an_incubator_by_its_name_or_host(app, english):
    with app.app_context():
        make_incubator()
    found = _text(english.get("/search/?q=vuon+uom+pham+van+dong"))
    assert "Vườn ươm doanh nghiệp Trường Đại học Phạm Văn Đồng" in found and "Incubator" in found


def test_a_fresh_start_with_demo_data_shows_every_outcome_marked_demo(app, runner, english):
    assert runner.invoke(args=["init", "--demo"]).exit_code == 0
    with app.app_context():
        demo = db.session.scalar(db.select(Incubator).where(Incubator.is_demo.is_(True)))
        outcomes = set(db.session.scalars(db.select(Incubatee.outcome).where(Incubatee.incubator_id == demo.id)))
        assert outcomes == {"active", "graduated", "left"}
        assert all(db.session.scalars(db.select(Incubatee.is_demo)))
        assert all(db.session.scalars(db.select(Cohort.is_demo)))
        pending = db.session.scalar(db.select(db.func.count()).select_from(Incubatee).join(Enterprise, Enterprise.id == Incubatee.enterprise_id)
                                    .where(Enterprise.status == Status.PENDING))
        assert pending == 1
        demo_id = demo.id
    page = _text(english.get(f"/incubators/{demo_id}"))
    assert "This is a demonstration record" in page and page.count("Demo") >= 4
    assert english.get("/api/v1/incubators.geojson").json["features"][0]["properties"]["demo"] is True
    assert runner.invoke(args=["demo", "remove"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Incubatee)) == 0
        assert db.session.scalar(db.select(Incubator).where(Incubator.is_demo.is_(True))) is None


def test_graduates_met_at_an_event_are_read_from_the_events_held(app, english, client):
    """A graduate approved at an event held has met buyers or investors there; a request, a decline or an event still to come does not count."""
    from registry.events import service as events

    from .factories import make_event

    with app.app_context():
        incubator = make_incubator()
        cohort = make_cohort(incubator, "Khóa 2019", "2019-01-10", "2019-12-31")
        codes = ("0100233488", "0100109106", "0100112437", "0101243150")
        graduates = [make_enterprise(tax_code=code, name_vi=f"Công ty Tốt nghiệp {n}") for n, code in enumerate(codes)]
        for graduate in graduates:
            make_incubatee(incubator, cohort, graduate, outcome="graduated", ended_on="2019-12-31")
        held = make_event(name_vi="Hội chợ Công nghệ Môi trường 2025", starts_on="2025-05-10", ends_on="2025-05-11", status="held")
        coming = make_event(name_vi="Kết nối cung cầu 2027", starts_on="2027-05-10", ends_on="2027-05-11", status="open")
        met = events.register(None, held, {"role": "exhibitor", "tax_code": codes[0]})
        events.approve(None, met)
        events.register(None, held, {"role": "exhibitor", "tax_code": codes[1]})  # asked, never approved
        declined = events.register(None, held, {"role": "buyer", "tax_code": codes[2]})
        declined.status = "declined"  # the organizers declined it
        events.approve(None, events.register(None, coming, {"role": "exhibitor", "tax_code": codes[3]}))  # not held yet
        db.session.commit()
        incubator_id = incubator.id
        assert queries.fates(queries.placements_of(incubator_id)).met_at_event == 1
    page = _text(english.get(f"/incubators/{incubator_id}"))
    assert "4 graduates" in page and "1 of them met buyers or investors at an event held." in page
    assert client.get(f"/api/v1/incubators/{incubator_id}").json["graduates"]["met_at_event"] == 1


def test_the_api_offers_to_record_an_unknown_start_up_as_pending_and_then_records_it(app, client):
    with app.app_context():
        make_user(OFFICER)
        token = make_token(OFFICER)
        incubator = make_incubator()
        cohort_id, incubator_id = make_cohort(incubator).id, incubator.id
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    path = f"/api/v1/incubators/{incubator_id}/incubatees"
    offered = client.post(path, json={"cohort_id": cohort_id, "tax_code": UNKNOWN_TAX_CODE}, headers=headers)
    assert offered.status_code == 422 and "create_pending: true" in offered.json["errors"]["create_pending"][0]
    malformed = client.post(path, json={"cohort_id": cohort_id, "tax_code": "123"}, headers=headers)
    assert malformed.status_code == 422 and "create_pending" not in malformed.json["errors"]
    recorded = client.post(path, json={"cohort_id": cohort_id, "tax_code": UNKNOWN_TAX_CODE, "create_pending": True,
                                       "name_vi": "Công ty TNHH Khởi nghiệp Xanh"}, headers=headers)
    assert recorded.status_code == 201, recorded.json
    with app.app_context():
        assert db.session.scalar(db.select(Enterprise.status).where(Enterprise.tax_code == UNKNOWN_TAX_CODE)) == Status.PENDING
