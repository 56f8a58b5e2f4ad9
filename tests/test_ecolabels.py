"""The eco-label register: officers record and withdraw certificates, the public reads, verifies and follows them; the sweep notifies.

Each story drives the real app (pages, API, command line) on SQLite and PostgreSQL; the days are
fixed with time-machine where a status depends on them.
"""
from __future__ import annotations

import io
import re
from datetime import date

import time_machine
from flask_mail import Mail

from registry.ecolabels.models import EcolabelCertificate
from registry.enterprises.models import Enterprise, Status as EnterpriseStatus
from registry.extensions import db
from registry.notifications.models import Notification

from .conftest import csrf_token
from .factories import (GOOD_TAX_CODE, certificate_values, make_certificate, make_enterprise, make_token, make_user,
                        statements_sent)

ADMIN = "admin@example.vn"
OFFICER = "officer@example.vn"  # of the Department of Quảng Ngãi (51), where the default enterprise is
OTHER = "officer.gialai@example.vn"  # of the Department of Gia Lai (52)
REP = "rep@example.vn"
OTHER_TAX_CODE = "0312345673"


def _people(app) -> dict[str, str]:
    with app.app_context():
        make_user(ADMIN, role="admin", name="Bộ Công Thương", kind="ministry", province=None)
        make_user(OFFICER)
        make_user(OTHER, name="Sở Công Thương Gia Lai", province="52")
        return {email: make_token(email) for email in (ADMIN, OFFICER, OTHER)}


def _bearer(token: str, language: str = "en") -> dict:
    return {"Authorization": f"Bearer {token}", "Accept-Language": language}


def _sign_in(client, email: str) -> None:
    from .factories import PASSWORD

    client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(client)})


def _holder(app, **overrides) -> int:
    with app.app_context():
        return make_enterprise(**overrides).id


def _record_form(client, **overrides) -> dict:
    return {**certificate_values(), "csrf_token": csrf_token(client, "/ecolabels/new"), **overrides}


def test_an_officer_records_a_certificate_and_the_public_reads_and_verifies_it(app, client, english):
    _people(app)
    _holder(app)
    _sign_in(client, OFFICER)
    answer = client.post("/ecolabels/new", data=_record_form(client))
    assert answer.status_code == 302, answer.get_data(as_text=True)
    with app.app_context():
        certificate = db.session.scalar(db.select(EcolabelCertificate))
        assert certificate.valid_until == date(2028, 3, 10)  # 36 months after issue
        assert certificate.issuer == "Bộ Nông nghiệp và Môi trường"
        certificate_id = certificate.id
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    with time_machine.travel(date(2026, 12, 1), tick=False):
        client.get("/language/en")
        page = client.get(f"/ecolabels/{certificate_id}").get_data(as_text=True)
        assert "Túi phân hủy sinh học" in page and "Valid" in page and "NSTVN-01:2023" in page
        register = client.get("/ecolabels/?scheme=vn_ecolabel&status=valid&province=51").get_data(as_text=True)
        assert "125/QĐ-BTNMT" in register
        assert "125/QĐ-BTNMT" not in client.get("/ecolabels/?status=expired").get_data(as_text=True)
        verdict = client.get("/api/v1/ecolabels/verify", query_string={"number": "125/qđ-btnmt", "scheme": "vn_ecolabel"}).get_json()
        assert verdict == {"number": "125/QĐ-BTNMT", "status": "valid", "valid_until": "2028-03-10"}
        verified = client.get("/ecolabels/verify", query_string={"number": "125/QĐ-BTNMT"}).get_data(as_text=True)
        assert "Valid today" in verified
    with time_machine.travel(date(2028, 1, 1), tick=False):
        assert client.get("/api/v1/ecolabels/verify?number=125/QĐ-BTNMT").get_json()["status"] == "expiring"
    with time_machine.travel(date(2028, 3, 11), tick=False):
        assert client.get("/api/v1/ecolabels/verify?number=125/QĐ-BTNMT").get_json()["status"] == "expired"


def test_unknown_junk_and_overlong_verification_questions_are_answered_plainly(app, client, english):
    unknown = client.get("/api/v1/ecolabels/verify?number=999/QĐ&scheme=vn_ecolabel")
    assert unknown.status_code == 200
    body = unknown.get_json()
    assert body["status"] == "unknown" and body["valid_until"] is None and "proves nothing" in body["note"]
    page = client.get("/ecolabels/verify?number=999/QĐ").get_data(as_text=True)
    assert "This proves nothing either way" in page
    junk = client.get("/api/v1/ecolabels/verify", query_string={"number": "<script>alert(1)</script>"})
    assert junk.status_code == 422 and "letters, digits" in junk.get_json()["errors"]["number"][0]
    long = client.get("/api/v1/ecolabels/verify", query_string={"number": "7" * 10_000})
    assert long.status_code == 422 and "at most 100 characters" in long.get_json()["errors"]["number"][0]
    page = client.get("/ecolabels/verify", query_string={"number": "7" * 10_000})
    assert page.status_code == 422 and "at most 100 characters" in page.get_data(as_text=True)
    assert client.get("/api/v1/ecolabels/verify?number=1&scheme=nope").status_code == 422
    vietnamese = app.test_client().get("/api/v1/ecolabels/verify?number=%3C%3E", headers={"Accept-Language": "vi"}).get_json()
    assert "chữ" in vietnamese["errors"]["number"][0]


def test_the_verification_is_rate_limited_on_the_page_and_the_api(app):
    from registry import create_app

    from .conftest import test_config

    limited = create_app(test_config(app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED=True, RATELIMIT_VERIFY="3 per minute"))
    try:
        client = limited.test_client()
        assert [client.get("/api/v1/ecolabels/verify?number=1").status_code for _ in range(4)] == [200, 200, 200, 429]
        assert [client.get("/ecolabels/verify?number=1").status_code for _ in range(4)] == [200, 200, 200, 429]
        assert client.get("/ecolabels/").status_code == 200  # the register itself is not counted
    finally:
        with limited.app_context():
            db.session.remove()
            db.engine.dispose()


def test_bad_certificates_are_refused_with_every_problem_and_nothing_written(app, client, english):
    tokens = _people(app)
    _holder(app)
    with app.app_context():
        make_certificate()
    headers = _bearer(tokens[OFFICER])
    duplicate = client.post("/api/v1/ecolabels", json=certificate_values(number="125 / qđ-btnmt"), headers=headers)
    assert duplicate.status_code == 422 and "already recorded in this scheme" in duplicate.get_json()["errors"]["number"][0]
    other_scheme = client.post("/api/v1/ecolabels", json=certificate_values(scheme="vn_green_label"), headers=headers)
    assert other_scheme.status_code == 201  # numbers are unique within a scheme
    backwards = client.post("/api/v1/ecolabels", json=certificate_values(number="126/QĐ", valid_until="2025-01-01"), headers=headers)
    assert backwards.status_code == 422 and "cannot come before the date of issue" in backwards.get_json()["errors"]["valid_until"][0]
    many = client.post("/api/v1/ecolabels", json={"scheme": "x", "issued_on": "31/02/2025", "holder_tax_code": "123"}, headers=headers)
    assert many.status_code == 422
    assert set(many.get_json()["errors"]) >= {"scheme", "number", "product_name", "issued_on", "holder_tax_code"}
    unknown = client.post("/api/v1/ecolabels", json=certificate_values(number="127/QĐ", holder_tax_code=OTHER_TAX_CODE), headers=headers)
    assert unknown.status_code == 422 and "register it first" in unknown.get_json()["errors"]["holder_tax_code"][0]
    elsewhere = client.post("/api/v1/ecolabels", json=certificate_values(number="128/QĐ"), headers=_bearer(tokens[OTHER]))
    assert elsewhere.status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(EcolabelCertificate)) == 2


def test_an_unknown_holder_is_offered_and_registered_as_a_pending_enterprise(app, client, english):
    _people(app)
    _sign_in(client, OFFICER)
    refused = client.post("/ecolabels/new", data=_record_form(client, holder_tax_code=OTHER_TAX_CODE))
    assert refused.status_code == 422
    assert "Register the holder as a new enterprise" in refused.get_data(as_text=True)
    answer = client.post("/ecolabels/new", data=_record_form(client, holder_tax_code=OTHER_TAX_CODE, create_holder="y",
                                                             holder_name="Công ty TNHH Bao bì Xanh", holder_province="51"))
    assert answer.status_code == 302
    with app.app_context():
        holder = db.session.scalar(db.select(Enterprise).where(Enterprise.tax_code == OTHER_TAX_CODE))
        assert holder.status == EnterpriseStatus.PENDING and holder.source == "ecolabel register"
        assert db.session.scalar(db.select(EcolabelCertificate)).enterprise_id == holder.id


def test_officers_suspend_reinstate_and_revoke_and_a_revoked_certificate_stays_revoked(app, client, english):
    tokens = _people(app)
    _holder(app)
    with app.app_context():
        certificate_id = make_certificate().id
    _sign_in(client, OFFICER)
    token = csrf_token(client, f"/ecolabels/{certificate_id}")
    no_reason = client.post(f"/ecolabels/{certificate_id}/suspend", data={"csrf_token": token}, follow_redirects=True)
    assert "Give the reason" in no_reason.get_data(as_text=True)
    client.post(f"/ecolabels/{certificate_id}/suspend", data={"csrf_token": token, "reason": "Giám sát không đạt",
                                                              "document": "12/QĐ-BNNMT"})
    page = client.get(f"/ecolabels/{certificate_id}").get_data(as_text=True)
    assert "Suspended" in page and "12/QĐ-BNNMT" in page
    assert client.get("/api/v1/ecolabels/verify?number=125/QĐ-BTNMT").get_json()["status"] == "suspended"
    client.post(f"/ecolabels/{certificate_id}/reinstate", data={"csrf_token": token, "reason": "Đã khắc phục"})
    assert client.get("/api/v1/ecolabels/verify?number=125/QĐ-BTNMT").get_json()["status"] == "valid"
    revoked = client.post(f"/api/v1/ecolabels/{certificate_id}/revoke", json={"reason": "Không còn đáp ứng tiêu chí"},
                          headers=_bearer(tokens[OFFICER]))
    assert revoked.status_code == 200 and revoked.get_json()["status"] == "revoked"
    again = client.post(f"/api/v1/ecolabels/{certificate_id}/reinstate", json={"reason": "x"}, headers=_bearer(tokens[OFFICER]))
    assert again.status_code == 409 and "needs a new certificate" in again.get_json()["message"]
    refused = client.post(f"/ecolabels/{certificate_id}/reinstate", data={"csrf_token": token, "reason": "x"}, follow_redirects=True)
    assert "needs a new certificate" in refused.get_data(as_text=True)
    other = client.post(f"/api/v1/ecolabels/{certificate_id}/suspend", json={"reason": "x"}, headers=_bearer(tokens[OTHER]))
    assert other.status_code == 403
    with app.app_context():
        from registry.audit.models import AuditEntry

        kinds = [e.after["kind"] for e in db.session.scalars(db.select(AuditEntry).where(AuditEntry.entity_type == "ecolabel_event"))]
        assert kinds == ["suspended", "reinstated", "revoked"]


def test_the_list_api_filters_by_status_scheme_and_province(app, client):
    _people(app)
    _holder(app)
    with app.app_context():
        make_certificate(today=date(2026, 12, 1))
        make_certificate(number="9/2019/NXVN", scheme="vn_green_label", criteria_code="NXVN 03:2014", issued_on="2019-05-01",
                         today=date(2026, 12, 1))
    with time_machine.travel(date(2026, 12, 1), tick=False):
        everything = client.get("/api/v1/ecolabels").get_json()
        assert everything["total"] == 2
        expired = client.get("/api/v1/ecolabels?status=expired").get_json()["items"]
        assert [c["number"] for c in expired] == ["9/2019/NXVN"]
        assert client.get("/api/v1/ecolabels?scheme=vn_ecolabel&province=51").get_json()["total"] == 1
        assert client.get("/api/v1/ecolabels?province=52").get_json()["total"] == 0
        assert client.get("/api/v1/ecolabels?status=nope").status_code == 422


def test_enterprises_show_their_labels_and_the_ecolabel_filter_finds_the_holders(app, client, english):
    _people(app)
    holder = _holder(app)
    other = _holder(app, tax_code=OTHER_TAX_CODE, name_vi="Công ty Cổ phần Không Nhãn")
    with app.app_context():
        make_certificate()
    listed = client.get("/api/v1/enterprises?ecolabel=any").get_json()
    assert [e["id"] for e in listed["items"]] == [holder]
    assert client.get("/api/v1/enterprises?ecolabel=vn_green_label").get_json()["total"] == 0
    assert client.get("/api/v1/enterprises").get_json()["total"] == 2
    record = client.get(f"/api/v1/enterprises/{holder}").get_json()
    assert [(label["number"], label["status"]) for label in record["ecolabels"]] == [("125/QĐ-BTNMT", "valid")]
    assert client.get(f"/api/v1/enterprises/{other}").get_json()["ecolabels"] == []
    page = client.get("/enterprises/").get_data(as_text=True)
    assert page.count("ecolabel-badge") == 1 and "Eco-labelled" in page
    filtered = client.get("/enterprises/?ecolabel=any").get_data(as_text=True)
    assert "Công ty TNHH Điện lực Dung Quất" in filtered and "Không Nhãn" not in filtered
    assert "125/QĐ-BTNMT" in client.get(f"/enterprises/{holder}").get_data(as_text=True)


def test_the_sweep_moves_statuses_and_notifies_holders_and_officers_once(app, runner):
    _people(app)
    with app.app_context():
        from registry.enterprises.service import give_representation

        enterprise = make_enterprise()
        rep = make_user(REP, role=None)
        give_representation(rep, enterprise)
        db.session.commit()
        make_certificate(issued_on="2025-03-10", today=date(2025, 3, 10))
    mail = app.extensions["mail"]
    assert isinstance(mail, Mail) or mail is not None
    with app.app_context(), mail.record_messages() as sent:
        quiet = runner.invoke(args=["ecolabels", "sweep", "--today", "2027-12-10"])
        assert quiet.exit_code == 0, quiet.output
        assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 0
        first = runner.invoke(args=["ecolabels", "sweep", "--today", "2027-12-11"])  # 90 days before 2028-03-10
        assert first.exit_code == 0, first.output
        assert db.session.scalar(db.select(EcolabelCertificate.status)) == "expiring"
        again = runner.invoke(args=["ecolabels", "sweep", "--today", "2027-12-12"])
        assert again.exit_code == 0
        notices = list(db.session.scalars(db.select(Notification).order_by(Notification.user_id)))
        people = {db.session.get(type(rep), n.user_id).email for n in notices}
        assert people == {OFFICER, REP} and len(notices) == 2  # not the other province's officer, not twice
        assert "2028-03-10" in notices[0].title
        assert sorted(m.recipients[0] for m in sent) == sorted([OFFICER, REP])
        runner.invoke(args=["ecolabels", "sweep", "--today", "2028-03-11"])
        assert db.session.scalar(db.select(EcolabelCertificate.status)) == "expired"
        assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 4
        assert len(sent) == 4


def test_a_user_reads_their_notices_and_marks_them_read(app, client, runner, english):
    _people(app)
    _holder(app)
    with app.app_context():
        make_certificate(issued_on="2025-03-10", today=date(2025, 3, 10))
    runner.invoke(args=["ecolabels", "sweep", "--today", "2028-01-01"])
    _sign_in(client, OFFICER)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "hết hiệu lực ngày 2028-03-10" in page  # written in the officer's language: Vietnamese, the default
    assert re.search(r'class="bell">Notifications <span class="count"[^>]*>1<', client.get("/ecolabels/").get_data(as_text=True))
    with app.app_context():
        notice_id = db.session.scalar(db.select(Notification.id))
    opened = client.post("/notifications/read", data={"csrf_token": csrf_token(client, "/notifications/"), "id": notice_id})
    assert opened.status_code == 302 and re.match(r"/ecolabels/\d+$", opened.headers["Location"])
    with app.app_context():
        assert db.session.scalar(db.select(Notification.read_at)) is not None
        # A notice's link opens a page of this site only, however it was written.
        notice = db.session.get(Notification, notice_id)
        notice.link, notice.read_at = "https://registry.example/\\evil.example/login", None
        db.session.commit()
    opened = client.post("/notifications/read", data={"csrf_token": csrf_token(client, "/notifications/"), "id": notice_id})
    assert opened.status_code == 302 and "evil" not in opened.headers["Location"]


def test_the_qr_code_opens_the_verification_and_prints_at_label_size(app, client):
    _holder(app)
    with app.app_context():
        certificate_id = make_certificate().id
    svg = client.get(f"/ecolabels/{certificate_id}/qr.svg")
    assert svg.mimetype == "image/svg+xml"
    text = svg.get_data(as_text=True)
    assert re.search(r'width="25(\.0)?mm" height="25(\.0)?mm"', text)
    label = client.get(f"/ecolabels/{certificate_id}/label").get_data(as_text=True)
    assert "125/QĐ-BTNMT" in label and f"/ecolabels/{certificate_id}/qr.svg" in label
    detail = client.get(f"/ecolabels/{certificate_id}").get_data(as_text=True)
    assert "/ecolabels/verify?number=125" in detail


def test_the_feed_the_site_search_and_the_dashboard(app, client, english):
    _people(app)
    _holder(app)
    with app.app_context():
        certificate = make_certificate(issued_on="2025-03-10", today=date(2025, 3, 10))
        from registry.ecolabels import service

        service.suspend(None, certificate, {"reason": "Giám sát không đạt", "effective_on": "2025-06-01"}, today=date(2025, 7, 1))
        db.session.commit()
        certificate_id = certificate.id
    feed = client.get("/ecolabels/feed.atom")
    assert feed.mimetype == "application/atom+xml"
    assert feed.get_data(as_text=True).count("<entry>") == 2 and "Giám sát không đạt" in feed.get_data(as_text=True)
    found = client.get("/search/?q=tui+phan+huy").get_data(as_text=True)
    assert "Túi phân hủy sinh học" in found and "Eco-label certificate" in found
    with time_machine.travel(date(2028, 2, 1), tick=False):
        _sign_in(client, OFFICER)
        with app.app_context():
            from registry.ecolabels import service

            service.reinstate(None, db.session.get(EcolabelCertificate, certificate_id), {"reason": "Đã khắc phục"}, today=date(2028, 2, 1))
            db.session.commit()
        board = client.get("/ecolabels/expiring").get_data(as_text=True)
        assert re.search(r'id="within-60">.*125/QĐ-BTNMT', board, re.S)
        assert "125/QĐ-BTNMT" not in board.split('id="within-60"')[0]
        client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    assert client.get("/ecolabels/expiring").status_code == 302


def test_an_officer_loads_a_list_of_certificates_all_or_nothing(app, client, english):
    _people(app)
    _holder(app)
    _sign_in(client, OFFICER)
    good = ("scheme,number,criteria_code,product_name,holder_tax_code,holder_name,holder_province,issued_on\n"
            f"vn_ecolabel,200/QĐ,NSTVN-01:2023,Túi A,{GOOD_TAX_CODE},,,2025-01-02\n"
            f"vn_ecolabel,201/QĐ,NSTVN-01:2023,Túi B,{OTHER_TAX_CODE},Công ty Bao bì Mới,51,02/01/2025\n")
    bad = good + f"vn_ecolabel,200/QĐ,NSTVN-01:2023,Túi C,{GOOD_TAX_CODE},,,2025-01-02\nvn_ecolabel,202/QĐ,,Túi D,{GOOD_TAX_CODE},,,2024-13-01\n"

    def upload(data: str):
        answer = client.post("/ecolabels/import", data={"csrf_token": csrf_token(client, "/ecolabels/import"),
                                                         "file": (io.BytesIO(data.encode()), "nhan.csv")}, content_type="multipart/form-data")
        assert answer.status_code == 302, answer.get_data(as_text=True)
        return answer.headers["Location"].rsplit("/", 1)[0]

    base = upload(bad)
    preview = client.get(f"{base}/preview").get_data(as_text=True)
    assert "repeats row 2" in preview and "YYYY-MM-DD" in preview and "Register them" in preview
    assert client.post(f"{base}/commit", data={"csrf_token": csrf_token(client, f"{base}/preview")}).status_code in (302, 422)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(EcolabelCertificate)) == 0
    base = upload(good)
    client.post(f"{base}/answers", data={"csrf_token": csrf_token(client, f"{base}/preview"), "answer-unknown-holders": "register"})
    done = client.post(f"{base}/commit", data={"csrf_token": csrf_token(client, f"{base}/preview")})
    assert done.status_code == 302, done.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(EcolabelCertificate)) == 2
        assert db.session.scalar(db.select(Enterprise.status).where(Enterprise.tax_code == OTHER_TAX_CODE)) == EnterpriseStatus.PENDING


def test_the_demo_shows_a_certificate_of_every_status_each_marked_demo_and_removed_with_the_demo(app, runner, client):
    loaded = runner.invoke(args=["demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    items = client.get("/api/v1/ecolabels").get_json()["items"]
    assert {c["status"] for c in items} == {"valid", "expiring", "expired", "suspended", "revoked"}
    assert all(c["demo"] and "DEMO" in c["number"] for c in items)
    page = client.get(f"/ecolabels/{items[0]['id']}").get_data(as_text=True)
    assert "Giấy chứng nhận mẫu (demo)" in page
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert client.get("/api/v1/ecolabels").get_json()["total"] == len(items)  # loaded once
    assert runner.invoke(args=["demo", "remove"]).exit_code == 0
    assert client.get("/api/v1/ecolabels").get_json()["total"] == 0


def _badge_statements(app, client, path: str) -> tuple[str, int]:
    """Ask for `path` as a visitor; the page and how many statements read badges (certificates of listed enterprises by id)."""
    answers = []
    sent = statements_sent(app, lambda: answers.append(client.get(path)))
    assert answers[0].status_code == 200, path
    asked = [s for s in sent if re.search(r"\sWHERE ecolabel_certificate\.enterprise_id IN \((?!\s*SELECT)", s)]
    return answers[0].get_data(as_text=True), len(asked)


def test_the_zone_catalog_province_and_search_lists_show_badges_asking_once_per_page(app, client, english):
    from .factories import make_zone_around

    point = {"latitude": 15.35, "longitude": 108.78}
    with app.app_context():
        zone_id = make_zone_around(point["latitude"], point["longitude"], "Khu kinh tế Dung Quất", "51").id
        make_enterprise(**point)
        make_enterprise(tax_code=OTHER_TAX_CODE, name_vi="Công ty Cổ phần Nhựa Xanh Dung Quất", **point)
        make_enterprise(tax_code="4300123458", name_vi="Công ty Cổ phần Không Nhãn Dung Quất", **point)
        make_certificate()
        make_certificate(number="126/QĐ-BTNMT", holder_tax_code=OTHER_TAX_CODE)
        make_certificate(number="9/2019/NXVN", scheme="vn_green_label", holder_tax_code="4300123458", issued_on="2019-05-01")  # expired
    for path in (f"/zones/{zone_id}", "/catalog/items/A.01", "/provinces/51", "/search/?q=dung+quat"):
        page, asked = _badge_statements(app, client, path)
        assert page.count("ecolabel-badge") == 2, path  # the two holders of a label in force, not the expired one
        assert asked == 1, path
        assert "Không Nhãn" in page


def test_whoever_sees_a_pending_holder_sees_its_certificate_on_the_register_its_page_the_api_and_the_search(app, client):
    """One rule: the register, the certificate page, its QR label, the API and the site search agree, viewer by viewer."""
    from registry.ecolabels import service
    from registry.enterprises.service import give_representation

    with app.app_context():
        make_user(ADMIN, role="admin", name="Bộ Công Thương", kind="ministry", province=None)
        make_user(OFFICER)
        make_user("board@example.vn", name="Ban Quản lý Khu kinh tế Dung Quất", kind="zone_board", province="51")
        make_user(OTHER, name="Sở Công Thương Gia Lai", province="52")
        holder = service.register_holder(None, OTHER_TAX_CODE, "Công ty TNHH Bao bì Chờ Duyệt", "51")
        db.session.commit()
        make_user(REP, role=None)
        from registry.accounts.service import find_user

        give_representation(find_user(REP), holder)
        db.session.commit()
        certificate_id = make_certificate(holder_tax_code=OTHER_TAX_CODE).id
        tokens = {email: make_token(email) for email in (ADMIN, OFFICER, "board@example.vn", OTHER, REP)}
    expected = {None: False, ADMIN: True, OFFICER: True, "board@example.vn": True, OTHER: False, REP: True}
    for email, sees in expected.items():
        browser = app.test_client()
        if email:
            _sign_in(browser, email)
        listed = "125/QĐ-BTNMT" in browser.get("/ecolabels/").get_data(as_text=True)
        page = browser.get(f"/ecolabels/{certificate_id}").status_code
        label = browser.get(f"/ecolabels/{certificate_id}/label").status_code
        found = "125/QĐ-BTNMT" in browser.get("/search/?q=tui+phan+huy").get_data(as_text=True)
        headers = _bearer(tokens[email]) if email else {}
        api_listed = client.get("/api/v1/ecolabels", headers=headers).get_json()["total"] == 1
        api_page = client.get(f"/api/v1/ecolabels/{certificate_id}", headers=headers).status_code
        assert (listed, page, label, found, api_listed, api_page) == (sees, 200 if sees else 404, 200 if sees else 404, sees, sees,
                                                                       200 if sees else 404), email
    # Verification answers for every recorded certificate: the ministry's act is public whatever the holder's review.
    assert client.get("/api/v1/ecolabels/verify?number=125/QĐ-BTNMT").get_json()["status"] == "valid"


def test_the_feed_is_updated_when_what_it_shows_changes_and_not_for_a_pending_holder(app, client):
    from datetime import datetime

    from registry.ecolabels import service

    _holder(app)
    with app.app_context():
        with time_machine.travel(datetime(2026, 3, 1, 8, 0), tick=False):
            make_certificate(today=date(2026, 3, 1))
        with time_machine.travel(datetime(2026, 4, 1, 8, 0), tick=False):
            service.register_holder(None, OTHER_TAX_CODE, "Công ty TNHH Bao bì Chờ Duyệt", "51")
            hidden = make_certificate(number="126/QĐ-BTNMT", holder_tax_code=OTHER_TAX_CODE, today=date(2026, 4, 1))
        with time_machine.travel(datetime(2026, 5, 1, 8, 0), tick=False):
            service.suspend(None, hidden, {"reason": "Giám sát không đạt"}, today=date(2026, 5, 1))
            db.session.commit()
    feed = client.get("/ecolabels/feed.atom").get_data(as_text=True)
    assert feed.count("<entry>") == 1 and "126/QĐ" not in feed
    assert re.search(r"<updated>([^<]*)</updated>", feed.split("<entry>")[0]).group(1) == "2026-03-01T08:00:00Z"


def test_the_sweep_from_cron_turns_at_the_ninety_day_edge_and_the_leap_day_with_a_fixed_clock(app, runner):
    """The sweep run as cron runs it (no --today) on the days around a validity end of 29 February 2028."""
    with app.app_context():
        make_user(OFFICER)
        make_enterprise()
        # Issued on the leap day 2024-02-29; stated to run to 2028-02-29; a second one runs its default 36 months to 2027-02-28.
        make_certificate(issued_on="2024-02-29", valid_until="2028-02-29", today=date(2024, 3, 1))
        make_certificate(number="126/QĐ-BTNMT", issued_on="2024-02-29", today=date(2024, 3, 1))
        ids = dict(db.session.execute(db.select(EcolabelCertificate.number, EcolabelCertificate.id)).all())
    assert ids and len(ids) == 2

    def swept_on(day: date) -> dict[str, str]:
        with time_machine.travel(day, tick=False):
            answer = runner.invoke(args=["ecolabels", "sweep"])
            assert answer.exit_code == 0, answer.output
            assert day.isoformat() in answer.output
        with app.app_context():
            return dict(db.session.execute(db.select(EcolabelCertificate.number, EcolabelCertificate.status)).all())

    def notices() -> int:
        with app.app_context():
            return db.session.scalar(db.select(db.func.count()).select_from(Notification))

    with app.app_context():
        assert db.session.get(EcolabelCertificate, ids["126/QĐ-BTNMT"]).valid_until == date(2027, 2, 28)
    assert swept_on(date(2026, 11, 29))["126/QĐ-BTNMT"] == "valid"  # the 91st day before 2027-02-28
    assert notices() == 0
    assert swept_on(date(2026, 11, 30))["126/QĐ-BTNMT"] == "expiring"  # the 90th day before
    assert notices() == 1
    assert swept_on(date(2027, 2, 28))["126/QĐ-BTNMT"] == "expiring"  # its last valid day
    assert swept_on(date(2027, 3, 1))["126/QĐ-BTNMT"] == "expired"
    assert notices() == 2
    assert swept_on(date(2027, 11, 30))["125/QĐ-BTNMT"] == "valid"  # 2027-12-01 is the 90th day before 2028-02-29
    assert swept_on(date(2027, 12, 1))["125/QĐ-BTNMT"] == "expiring"
    assert swept_on(date(2027, 12, 1))["125/QĐ-BTNMT"] == "expiring" and notices() == 3  # run again: no second notice
    assert swept_on(date(2028, 2, 29))["125/QĐ-BTNMT"] == "expiring"  # the leap day is still valid
    assert swept_on(date(2028, 3, 1))["125/QĐ-BTNMT"] == "expired"
    assert notices() == 4


def test_the_api_offers_to_register_an_unknown_holder_and_registers_it_pending_with_the_certificate(app, client):
    tokens = _people(app)
    headers = _bearer(tokens[OFFICER])
    unknown = client.post("/api/v1/ecolabels", json=certificate_values(holder_tax_code=OTHER_TAX_CODE), headers=headers)
    assert unknown.status_code == 422
    assert "holder_name and holder_province" in unknown.get_json()["errors"]["holder_name"][0]
    # Every problem at once, and nothing half-written: no holder is kept when the certificate is refused.
    refused = client.post("/api/v1/ecolabels", json=certificate_values(holder_tax_code=OTHER_TAX_CODE, holder_name="", holder_province="51",
                                                                       valid_until="2020-01-01"), headers=headers)
    assert refused.status_code == 422 and set(refused.get_json()["errors"]) == {"holder_name", "valid_until"}
    half = client.post("/api/v1/ecolabels", json=certificate_values(holder_tax_code=OTHER_TAX_CODE, holder_name="Công ty TNHH Bao bì Xanh",
                                                                    holder_province="51", issued_on="2025-02-30"), headers=headers)
    assert half.status_code == 422 and set(half.get_json()["errors"]) == {"issued_on"}
    elsewhere = client.post("/api/v1/ecolabels", json=certificate_values(holder_tax_code=OTHER_TAX_CODE, holder_name="Công ty TNHH Bao bì Xanh",
                                                                         holder_province="52"), headers=headers)
    assert elsewhere.status_code == 403
    nowhere = client.post("/api/v1/ecolabels", json=certificate_values(holder_tax_code=OTHER_TAX_CODE, holder_name="Công ty TNHH Bao bì Xanh",
                                                                       holder_province=""), headers=headers)
    assert nowhere.status_code == 422 and "holder_province" in nowhere.get_json()["errors"]
    with app.app_context():
        assert db.session.scalar(db.select(Enterprise).where(Enterprise.tax_code == OTHER_TAX_CODE)) is None
    created = client.post("/api/v1/ecolabels", json=certificate_values(holder_tax_code=OTHER_TAX_CODE, holder_name="Công ty TNHH Bao bì Xanh",
                                                                       holder_province="51"), headers=headers)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["holder"]["name_vi"] == "Công ty TNHH Bao bì Xanh"
    with app.app_context():
        holder = db.session.scalar(db.select(Enterprise).where(Enterprise.tax_code == OTHER_TAX_CODE))
        assert holder.status == EnterpriseStatus.PENDING and holder.source == "ecolabel register"
    # A known holder with the holder fields sent is simply the holder.
    again = client.post("/api/v1/ecolabels", json=certificate_values(number="127/QĐ", holder_tax_code=OTHER_TAX_CODE, holder_name="X",
                                                                     holder_province="51"), headers=headers)
    assert again.status_code == 201 and again.get_json()["holder"]["name_vi"] == "Công ty TNHH Bao bì Xanh"
