"""An investor with many proposals opens the account page and the list of proposals: each says how many zones it
matched, read from its kept answer, in the same few statements however many proposals and matches there are."""
from __future__ import annotations

import pytest

from registry.accounts import service as accounts_service
from registry.extensions import db
from registry.matching.models import Proposal, ProposalMatch
from tests.factories import make_free_zone, make_proposal, statements_sent

ZONES = 6


@pytest.fixture
def investor(app, accounts, client):
    """A signed-in investor, and six zones with room for a 40–60 ha project."""
    with app.app_context():
        for n in range(ZONES):
            make_free_zone(f"Khu công nghiệp Số {n + 1}", 120)
    accounts.user("nhadautu@example.com", role="investor")
    accounts.sign_in(client, "nhadautu@example.com")
    return "nhadautu@example.com"


def send(app, email: str, count: int) -> None:
    with app.app_context():
        user = accounts_service.find_user(email)
        for n in range(count):
            make_proposal(user, name=f"Nhà máy tái chế số {n + 1}")


def statements(app, client, path: str) -> tuple[list[str], str]:
    """Ask for `path`; the SQL statements it sent (BEGIN aside) and the page."""
    answers = []
    sent = statements_sent(app, lambda: answers.append(client.get(path)))
    assert answers[0].status_code == 200, answers[0].get_data(as_text=True)
    return [statement for statement in sent if statement != "BEGIN"], answers[0].get_data(as_text=True)


@pytest.mark.parametrize("path", ["/account", "/proposals/mine"])
def test_the_proposals_say_how_many_zones_they_matched_without_reading_every_match(app, client, english, investor, path):
    send(app, investor, 6)
    client.get(path)  # the first page also makes the menu it keeps (whether the investor follows leads)
    six, page = statements(app, client, path)
    send(app, investor, 6)
    twelve, page = statements(app, client, path)
    assert len(twelve) == len(six), set(twelve) ^ set(six)
    assert not [sql for sql in twelve if "proposal_match" in sql.lower()], twelve
    total = matched_total(app)
    shown = page.count(f"{total} matching zones") if path == "/account" else page.count(f"<td>{total}</td>")
    assert shown == (5 if path == "/account" else 12), page
    if path == "/account":
        assert 'href="/proposals/mine">All your proposals (12)</a>' in page


def matched_total(app) -> int:
    """How many zones the proposals matched (they are all alike): the six made here and any the registry had."""
    with app.app_context():
        totals = {proposal.result["matches_total"] for proposal in db.session.scalars(db.select(Proposal)) if "matches_total" in proposal.result}
    assert len(totals) == 1 and min(totals) >= ZONES, totals
    return totals.pop()


def test_a_proposal_kept_before_its_total_was_counts_its_match_rows(app, client, english, investor):
    """An answer kept before `matches_total` existed held every match, and so did its rows: those are counted."""
    send(app, investor, 2)
    with app.app_context():
        older = db.session.scalar(db.select(Proposal).order_by(Proposal.id))
        older.result = {key: value for key, value in older.result.items() if key != "matches_total"}
        db.session.commit()
        older = older.id
    total = matched_total(app)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ProposalMatch).where(ProposalMatch.proposal_id == older)) == total
    sent, page = statements(app, client, "/account")
    assert page.count(f"{total} matching zones") == 2, page
    assert len([sql for sql in sent if "proposal_match" in sql.lower()]) == 1


def test_a_broad_proposal_keeps_rows_enough_for_each_provinces_count_and_interest_in_any_match(app, client, english):
    """Twenty-three roomy zones in Đồng Tháp rank first; one tighter zone in Quảng Ngãi ranks last, past the twenty
    kept in full: it keeps its row, so Quảng Ngãi's officers count the proposal, and interest in the 22nd opens a lead."""
    from registry.matching import service

    with app.app_context():
        roomy = [make_free_zone(f"Khu công nghiệp Đồng Tháp {n + 1:02d}", 120).id for n in range(23)]
        tight = make_free_zone("Khu kinh tế Dung Quất", 45, board=None, province="51").id
        proposal = make_proposal()
        ranked = proposal.result["match_ids"]
        assert ranked[-1] == tight and set(ranked) == {*roomy, tight} and proposal.result["matches_total"] == 24
        rows = db.session.execute(db.select(ProposalMatch.zone_id, ProposalMatch.rank).where(ProposalMatch.proposal_id == proposal.id)
                                  .order_by(ProposalMatch.rank)).all()
        assert [tuple(row) for row in rows] == [*((zone, rank) for rank, zone in enumerate(ranked[:20], 1)), (tight, 24)]
        assert service.province_counts("51")["proposals"] == service.province_counts("82")["proposals"] == 1
        lead = service.express_interest(proposal, ranked[21])
        db.session.commit()
        assert lead.zone_id == ranked[21]
        with pytest.raises(Exception, match="not among"):
            service.express_interest(proposal, make_free_zone("Khu công nghiệp Nhỏ", 5).id)
