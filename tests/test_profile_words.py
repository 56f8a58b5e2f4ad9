"""The profile page's fixed labels are written into its template once per language: the page is the one its template renders."""
from __future__ import annotations

import re

import pytest

from registry.enterprises import views
from registry.i18n import with_words_written_in

from .factories import make_listed_enterprises


def profile_page(client, enterprise_id: int, lang: str) -> str:
    answer = client.get(f"/enterprises/{enterprise_id}", query_string={"lang": lang})
    assert answer.status_code == 200
    return re.sub(r'nonce="[^"]*"', 'nonce=""', answer.get_data(as_text=True))  # each answer has a nonce of its own


@pytest.mark.parametrize("lang, label", [("vi", "Mã số thuế"), ("en", "Tax code")])
def test_a_profile_with_its_labels_written_in_is_the_page_its_template_renders(app, client, monkeypatch, lang, label):
    with app.app_context():
        [enterprise_id] = make_listed_enterprises(["Công ty Tái chế Nhựa Bình Minh"])
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)  # each page rendered, not the first kept
    written = profile_page(client, enterprise_id, lang)
    monkeypatch.setattr(views, "with_words_written_in", lambda name: name)
    called = profile_page(client, enterprise_id, lang)
    assert written == called
    assert f"<dt>{label}</dt>" in written and "Công ty Tái chế Nhựa Bình Minh" in written


def test_the_labels_are_text_in_the_template_compiled_for_a_language(app):
    """What makes the page cheaper: `{{ _('Tax code') }}` is no call left to make on each page."""
    with app.test_request_context("/enterprises/1", query_string={"lang": "en"}):
        english = app.jinja_env.loader.get_source(app.jinja_env, with_words_written_in("enterprises/detail.html"))[0]
    with app.test_request_context("/enterprises/1"):
        vietnamese = app.jinja_env.loader.get_source(app.jinja_env, with_words_written_in("enterprises/detail.html"))[0]
    assert "{{ _('Tax code') }}" not in english and "<dt>Tax code</dt>" in english
    assert "<dt>Mã số thuế</dt>" in vietnamese and "<dt>Thương hiệu quốc gia</dt>" in vietnamese
    assert "_('Source: %(source)s'" in vietnamese  # a string with variables is still translated on each page
