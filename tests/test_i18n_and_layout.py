"""Two languages, the layout on every page, and error pages."""
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from registry.cli import EXTRACT_KEYWORDS, translated

from .conftest import csrf_token

TRANSLATIONS = Path(__file__).resolve().parent.parent / "registry" / "translations"


def test_vietnamese_is_the_default_language(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in page
    assert "Đăng nhập" in page and "Danh mục" in page


def test_the_language_switch_is_on_every_page_and_remembered(client):
    for path in ("/", "/provinces/", "/catalog/", "/catalog/items/A", "/sign-in", "/search/?q=a"):
        page = client.get(path).get_data(as_text=True)
        assert "/language/en?next=" in page, path
    response = client.get("/language/en?next=/catalog/")
    assert response.status_code == 302 and response.headers["Location"] == "/catalog/"
    page = client.get("/provinces/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign in" in page
    client.get("/language/vi")
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)


def test_the_switch_never_redirects_off_the_site(client):
    assert client.get("/language/en?next=https://evil.example/").headers["Location"] == "/"
    assert client.get("/language/en?next=//evil.example/").headers["Location"] == "/"


def test_a_signed_in_users_language_follows_them_to_a_new_session(app, accounts):
    accounts.user("officer@example.vn")
    first, second = app.test_client(), app.test_client()
    accounts.sign_in(first, "officer@example.vn")
    first.get("/language/en")
    accounts.sign_in(second, "officer@example.vn")
    assert '<html lang="en">' in second.get("/").get_data(as_text=True)


def test_numbers_are_formatted_per_locale(client):
    assert ">3.321<" in client.get("/").get_data(as_text=True)
    client.get("/language/en")
    assert ">3,321<" in client.get("/").get_data(as_text=True)


def _key(text):
    return tuple(text) if isinstance(text, (list, tuple)) else text


def _compiled_form(message):
    """What a compiled catalog holds for a message: an empty plural form falls back to the English one."""
    if not isinstance(message.id, (list, tuple)):
        return message.string
    return tuple(form or message.id[min(i, 1)] for i, form in enumerate(message.string))


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_message_catalogs_are_complete_and_compiled(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as po_file:
        catalog = read_po(po_file)
    with open(TRANSLATIONS / "messages.pot", "rb") as pot_file:
        wanted = {m.id for m in read_po(pot_file) if m.id}
    done = {m.id for m in catalog if m.id and translated(m) and not m.fuzzy}
    assert wanted - done == set()
    # Compare what the compiled catalog says, not its bytes: each Babel release writes its own header.
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo", "rb") as mo_file:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(mo_file) if m.id}
    source = {_key(m.id): _compiled_form(m) for m in catalog if m.id and m.string and not m.fuzzy}
    assert compiled == source, "run: pybabel compile -d registry/translations"


def test_the_pot_file_holds_every_string_in_the_code():
    import subprocess
    import sys
    import tempfile

    root = TRANSLATIONS.parent.parent
    with tempfile.NamedTemporaryFile(suffix=".pot") as pot:
        subprocess.run(
            [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", *EXTRACT_KEYWORDS,
             "--ignore-dirs", ".* __pycache__", "-o", pot.name, "."],
            cwd=root, check=True, capture_output=True,
        )
        with open(pot.name, "rb") as extracted:
            in_code = {m.id for m in read_po(extracted) if m.id}
    with open(TRANSLATIONS / "messages.pot", "rb") as pot_file:
        in_pot = {m.id for m in read_po(pot_file) if m.id}
    assert in_code - in_pot == set(), "run the extract and update commands in the README"


def test_navigation_links_only_to_pages_that_exist(client):
    import re

    page = client.get("/").get_data(as_text=True)
    nav = page.split('class="main-nav"')[1].split("</nav>")[0]
    for href in re.findall(r'href="([^"]+)"', nav):
        assert client.get(href).status_code == 200, href


@pytest.mark.parametrize("locale, text", [("vi", "Không tìm thấy trang"), ("en", "Page not found")])
def test_404_page_in_both_languages(client, locale, text):
    client.get(f"/language/{locale}")
    response = client.get("/no/such/page")
    assert response.status_code == 404 and text in response.get_data(as_text=True)


def test_403_page_in_english(client, accounts):
    accounts.user("officer@example.vn")
    accounts.sign_in(client, "officer@example.vn")
    client.get("/language/en")
    response = client.get("/admin/accounts")
    assert response.status_code == 403 and "You do not have permission" in response.get_data(as_text=True)


def test_400_page_for_a_form_without_its_token_in_english(client):
    client.get("/language/en")
    response = client.post("/sign-in", data={"email": "a@b.vn", "password": "x"})
    assert response.status_code == 400 and "nothing was changed" in response.get_data(as_text=True)


def test_413_page_for_an_oversized_upload(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post("/sign-in", data={"email": "a" * 4096, "password": "x", "csrf_token": csrf_token(client)})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 50 * 1024 * 1024
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.get_data(as_text=True) or "quá lớn" in response.get_data(as_text=True)


def test_500_page_hides_the_error_and_keeps_the_layout(tmp_path):
    from registry import create_app

    from .conftest import test_config

    def explode():
        raise RuntimeError("database on fire")

    app = create_app(test_config(f"sqlite:///{tmp_path}/500.sqlite", AUTO_INIT=True))
    app.add_url_rule("/test-explode", "test_explode", explode)
    client = app.test_client()
    client.get("/language/en")
    response = client.get("/test-explode")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in body and "database on fire" not in body
