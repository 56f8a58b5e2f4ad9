"""An investor walks the proposal form one question at a time, reads the results, and tells a zone's board of their interest;
the board follows the lead up."""
from __future__ import annotations

import re

import pytest

from registry.extensions import db
from registry.matching.models import Lead, LeadStatus, Proposal
from tests.conftest import csrf_token
from tests.factories import BOARD_A, BOARD_B, make_free_zone, make_user

ANSWERS = {
    "contact": {"email": "investor@example.com", "consent": "y"},
    "name": {"name": "Nhà máy tái chế nhựa Hòa Bình"},
    "activity": {"activity": "recycling_plant"},
    "catalog": {"catalog_codes": ["C"]},
    "land": {"land_min_ha": "40", "land_max_ha": "60"},
    "capital": {"capital_amount": "20000000", "capital_currency": "USD", "exchange_rate": "25000"},
    "jobs": {"jobs": "200", "new_project": "y"},
    "start": {"start_year": "2027"},
    "places": {"provinces": ["82"]},
    "infrastructure": {},
    "constraints": {},
    "estimate": {"margin_percent": "12"},
}


def answer(client, step: str, values: dict, **extra):
    token = csrf_token(client, f"/proposals/new/{step}")
    return client.post(f"/proposals/new/{step}", data={"csrf_token": token, **values, **extra})


def walk(client, answers=ANSWERS, skip=()):
    """Answer every step, then send the proposal; return the results page's address."""
    for step, values in answers.items():
        if step in skip:
            continue
        reply = answer(client, step, values)
        assert reply.status_code == 302, (step, re.findall(r"error-message.*", reply.get_data(as_text=True)))
    review = client.get("/proposals/new/review").get_data(as_text=True)
    assert "Nhà máy tái chế nhựa Hòa Bình" in review
    sent = client.post("/proposals/new/submit", data={"csrf_token": csrf_token(client, "/proposals/new/review")})
    assert sent.status_code == 302 and "/proposals/" in sent.location
    return sent.location


@pytest.fixture
def zones(app):
    """Dung Quất with 12 ha free and Sa Đéc with 120 ha, both as of 06/2025 and under board A (no app context stays pushed)."""
    with app.app_context():
        return {"short": make_free_zone("Khu kinh tế Dung Quất", 12).id, "roomy": make_free_zone("Khu công nghiệp Sa Đéc", 120).id}


def test_the_form_asks_one_thing_at_a_time_and_the_results_explain_every_zone(client, english, zones):
    page = client.get("/proposals/new").get_data(as_text=True)
    assert "Step 1 of" in page and 'name="email"' in page and 'name="land_min_ha"' not in page
    results = client.get(walk(client)).get_data(as_text=True)
    assert "Khu công nghiệp Sa Đéc" in results and "points of 100" in results
    assert "Khu kinh tế Dung Quất: 12 ha free as of 06/2025, 40 ha needed" in results
    assert "USD 20,000,000 at 25,000 VND per USD" in results
    assert "How the score is made" in results and "side by side" in results and "Ten-year value" in results
    assert "Express interest in Khu công nghiệp Sa Đéc" in results
    with client.application.app_context():
        proposal = db.session.scalar(db.select(Proposal))
        assert proposal.capital_vnd == 500_000_000_000 and proposal.margin == pytest.approx(0.12)


def test_a_wrong_answer_stays_on_its_step_with_the_message_in_the_users_language(client, zones):
    answer(client, "contact", ANSWERS["contact"])
    reply = answer(client, "land", {"land_min_ha": "40", "land_max_ha": "20"})
    assert reply.status_code == 422
    assert "không thể nhỏ hơn" in reply.get_data(as_text=True)


def test_back_keeps_the_answer_and_goes_to_the_previous_step(client, english, zones):
    reply = answer(client, "name", {"name": "Dự án A"}, back="1")
    assert reply.status_code == 302 and reply.location.endswith("/proposals/new/contact")
    assert 'value="Dự án A"' in client.get("/proposals/new/name").get_data(as_text=True)


def test_a_step_without_the_forms_token_is_refused(client, zones):
    assert client.post("/proposals/new/name", data={"name": "x"}).status_code == 400


def test_what_if_weights_reorder_without_changing_the_kept_results(client, english, zones):
    address = walk(client)
    tried = client.get(address + "?w_land_fit=100&margin=30").get_data(as_text=True)
    assert "the saved results are unchanged" in tried and "Top three before" in tried
    refused = client.get(address + "?w_land_fit=500")
    assert refused.status_code == 200 and "Enter a number from 0 to 100" in refused.get_data(as_text=True)


def test_the_printable_view_has_no_forms(client, english, zones):
    page = client.get(walk(client) + "/print").get_data(as_text=True)
    assert "Khu công nghiệp Sa Đéc" in page and "Express interest" not in page and "Try other weights" not in page


def test_a_proposal_matching_nothing_gets_an_explanation_not_a_blank_page(client, english, zones):
    answers = {**ANSWERS, "land": {"land_min_ha": "300"}}
    page = client.get(walk(client, answers)).get_data(as_text=True)
    assert "No zone fits this project yet" in page
    assert re.search(r"the largest free area is 120 ha in [^,]+, as of 06/2025", page), page


def test_express_interest_opens_a_lead_for_the_board_and_says_who_answers(client, english, zones, accounts):
    address = walk(client)
    token = address.rstrip("/").rsplit("/", 1)[1]
    sent = client.post(f"/proposals/{token}/interest/{zones['roomy']}", data={"csrf_token": csrf_token(client, address),
                                                                             "message": "<script>alert(1)</script>"})
    assert sent.status_code == 302
    page = client.get(address).get_data(as_text=True)
    assert f"{BOARD_A} will answer you at investor@example.com" in page
    with client.application.app_context():
        lead = db.session.scalar(db.select(Lead))
        assert lead.zone_id == zones["roomy"] and lead.status == LeadStatus.NEW


def test_interest_in_a_zone_the_proposal_did_not_match_is_refused(client, zones):
    address = walk(client)
    token = address.rstrip("/").rsplit("/", 1)[1]
    refused = client.post(f"/proposals/{token}/interest/{zones['short']}", data={"csrf_token": csrf_token(client, address)})
    assert refused.status_code in (302, 404)
    with client.application.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Lead)) == 0


def test_a_signed_in_investor_finds_the_proposal_on_the_account_page(client, english, zones, accounts):
    accounts.user("nhadautu@example.com", role="investor")
    accounts.sign_in(client, "nhadautu@example.com")
    assert 'name="email"' not in client.get("/proposals/new").get_data(as_text=True)
    walk(client, skip=("contact",))
    page = client.get("/proposals/mine").get_data(as_text=True)
    assert "Nhà máy tái chế nhựa Hòa Bình" in page


def test_the_account_page_lists_the_investors_proposals_with_their_private_links(client, english, zones, accounts):
    accounts.user("nhadautu@example.com", role="investor")
    accounts.sign_in(client, "nhadautu@example.com")
    assert "You have not sent a proposal yet." in client.get("/account").get_data(as_text=True)
    address = walk(client, skip=("contact",))
    page = client.get("/account").get_data(as_text=True)
    token = address.rstrip("/").rsplit("/", 1)[1]
    assert re.search(rf'<a href="/proposals/{token}">Nhà máy tái chế nhựa Hòa Bình</a>', page), page
    assert 'href="/proposals/mine">All your proposals (1)</a>' in page
    assert client.get(address).status_code == 200


def _board_member(accounts, email, board):
    with accounts.app.app_context():
        from registry.accounts.service import find_organization

        make_user(email, role="zone_editor", org=find_organization(board))


def test_the_board_sees_the_lead_with_the_contact_and_moves_it_on_with_a_dated_note(client, english, zones, accounts):
    address = walk(client)
    token = address.rstrip("/").rsplit("/", 1)[1]
    client.post(f"/proposals/{token}/interest/{zones['roomy']}", data={"csrf_token": csrf_token(client, address)})
    _board_member(accounts, "board-a@example.vn", BOARD_A)
    board = client.application.test_client()
    board.get("/language/en")
    accounts.sign_in(board, "board-a@example.vn")
    page = board.get("/proposals/leads").get_data(as_text=True)
    assert "Nhà máy tái chế nhựa Hòa Bình" in page and "investor@example.com" in page
    with client.application.app_context():
        lead_id = db.session.scalar(db.select(Lead.id))
    moved = board.post(f"/proposals/leads/{lead_id}", data={"csrf_token": csrf_token(board, f"/proposals/leads/{lead_id}"),
                                                             "status": "contacted", "note": "Gọi điện ngày 2/12", "was": "new"})
    assert moved.status_code == 302
    detail = board.get(f"/proposals/leads/{lead_id}").get_data(as_text=True)
    assert "Gọi điện ngày 2/12" in detail and "Contacted" in detail


def test_board_b_cannot_see_board_as_lead(client, english, zones, accounts):
    address = walk(client)
    token = address.rstrip("/").rsplit("/", 1)[1]
    client.post(f"/proposals/{token}/interest/{zones['roomy']}", data={"csrf_token": csrf_token(client, address)})
    with client.application.app_context():
        make_free_zone("Khu kinh tế Nhơn Hội", 200, board=BOARD_B, province="52")
        lead_id = db.session.scalar(db.select(Lead.id))
    _board_member(accounts, "board-b@example.vn", BOARD_B)
    other = client.application.test_client()
    accounts.sign_in(other, "board-b@example.vn")
    assert other.get(f"/proposals/leads/{lead_id}").status_code == 403
    assert "investor@example.com" not in other.get("/proposals/leads").get_data(as_text=True)


def test_proposals_that_fit_a_zone_appear_for_its_board_without_the_contact(client, english, zones, accounts):
    walk(client)
    _board_member(accounts, "board-a@example.vn", BOARD_A)
    board = client.application.test_client()
    board.get("/language/en")
    accounts.sign_in(board, "board-a@example.vn")
    page = board.get("/proposals/leads").get_data(as_text=True)
    assert "Proposals that fit your zones" in page and "Nhà máy tái chế nhựa Hòa Bình" in page
    assert "investor@example.com" not in page


def test_the_fits_follow_the_zones_figures(client, english, zones, accounts):
    walk(client)
    _board_member(accounts, "board-a@example.vn", BOARD_A)
    board = client.application.test_client()
    board.get("/language/en")
    accounts.sign_in(board, "board-a@example.vn")
    before = board.get("/proposals/leads").get_data(as_text=True)
    assert "Khu kinh tế Dung Quất" not in before.split("Proposals that fit your zones")[1]
    with client.application.app_context():
        from registry.zones.models import Zone
        from tests.factories import make_figure
        from datetime import date

        make_figure(db.session.get(Zone, zones["short"]), "available", 80, "board", as_of=date(2026, 11, 1), as_of_precision="month")
    after = board.get("/proposals/leads").get_data(as_text=True)
    assert "Khu kinh tế Dung Quất" in after.split("Proposals that fit your zones")[1]


def test_officers_see_their_provinces_proposals_and_leads_as_counts(client, english, zones, accounts):
    walk(client)
    accounts.user("so-cong-thuong@example.vn", name="Sở Công Thương Đồng Tháp", province="82")
    officer = client.application.test_client()
    officer.get("/language/en")
    accounts.sign_in(officer, "so-cong-thuong@example.vn")
    page = officer.get("/proposals/leads").get_data(as_text=True)
    assert "Proposals matching the province’s zones" in page and "investor@example.com" not in page


def test_the_menu_names_the_leads_only_to_who_follows_them_and_marks_the_page_one_is_on(client, english, zones, accounts):
    """The menu is kept per language and what it depends on: a board member's menu never reaches a visitor, nor the reverse."""
    _board_member(accounts, "board-a@example.vn", BOARD_A)
    board = client.application.test_client()
    board.get("/language/en")
    accounts.sign_in(board, "board-a@example.vn")
    nav = lambda page: page.get_data(as_text=True).split('class="main-nav"')[1].split("</nav>")[0]  # noqa: E731
    assert "Investor leads" in nav(board.get("/proposals/leads"))
    assert "Investor leads" not in nav(client.get("/proposals/leads", follow_redirects=True))
    assert "Investor leads" not in nav(client.get("/proposals/new"))
    assert "Investor leads" in nav(board.get("/proposals/new"))
    current = re.findall(r'<a href="([^"]+)" aria-current="page"', nav(board.get("/proposals/new")))
    assert current == ["/proposals/new"]


def test_many_zones_left_out_for_one_reason_are_named_five_at_a_time_and_the_rest_counted(app, client, english, zones):
    with app.app_context():
        for number in range(1, 8):
            make_free_zone(f"Khu công nghiệp Nhỏ {number}", 5 + number)
    page = client.get(walk(client)).get_data(as_text=True)
    listed = re.search(r'<ul class="exclusions">(.*?)</ul>', page, re.S).group(1)
    assert listed.count("ha free as of") == 5, listed  # 8 zones lack land: five named, by zone code
    assert re.search(r"Zones left out in all: \d+\. Besides those named:", page)
    assert re.search(r"\d+ more zones: not enough free land", page)
