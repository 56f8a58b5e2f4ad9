"""A visitor pages through the registers' lists (incentives, eco-labels, incubators, events) and keeps their filters."""
from __future__ import annotations

import re

from registry.extensions import db
from registry.incentives.service import load_national_policies
from registry.incubators.service import load_reference_incubators

from .factories import make_certificate, make_enterprise, make_event, tax_code


def _links(page: str) -> dict[str, str]:
    return {rel: href.replace("&amp;", "&") for href, rel in re.findall(r'<a href="([^"]+)" rel="(prev|next)">', page)}


def test_each_register_list_pages_back_and_forth_with_its_filters(app, english, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    with app.app_context():
        load_national_policies()
        load_reference_incubators()
        make_enterprise(tax_code=tax_code(1))
        for n in range(5):
            make_certificate(number=f"{100 + n}/QĐ-BTNMT", holder_tax_code=tax_code(1))
            make_event(name_vi=f"Hội chợ công nghệ môi trường số {n}", kind="fair")
        db.session.commit()
    for first, word in (("/incentives/?scope=national", "scope=national"), ("/ecolabels/?scheme=vn_ecolabel", "scheme=vn_ecolabel"),
                        ("/incubators/", None), ("/events/?kind=fair", "kind=fair")):
        page_one = english.get(first).get_data(as_text=True)
        links = _links(page_one)
        assert "prev" not in links and "page=2" in links["next"], first
        assert word is None or word in links["next"], first
        page_two = english.get(links["next"]).get_data(as_text=True)
        assert "Page 2 of" in page_two and "page=1" in _links(page_two)["prev"], first


def test_a_page_number_past_any_database_integer_answers_an_empty_page(client):
    for path in ("/api/v1/events", "/api/v1/incubators", "/api/v1/ecolabels", "/api/v1/policies", "/events/", "/incubators/",
                 "/ecolabels/", "/incentives/"):
        answer = client.get(f"{path}?page=805510651705088671744&per_page=100")
        assert answer.status_code == 200, (path, answer.status_code)
        if path.startswith("/api/"):
            assert answer.get_json()["items"] == [], path
