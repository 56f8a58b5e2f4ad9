"""A pseudo-locale that shows which strings escaped translation.

The Vietnamese catalog is swapped for a pseudo-translation that wraps every message in ⟦…⟧.
In it, any visible text left outside the brackets that is not record data (names, addresses,
numbers, codes) is a string that escaped translation.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import maps
import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import Enum, String, Text

from registry.extensions import db
from registry.mapping import builder

POT = Path(__file__).resolve().parent.parent / "registry" / "translations" / "messages.pot"
OPEN, CLOSE = "⟦", "⟧"

# Text that is the same in every language: the brand, units, the names of the two languages, the
# names of standards and formats, and CLDR's month abbreviation in Vietnamese dates ("1 thg 12").
ALLOWED = {
    "CNMT", "ha", "m³", "m³/ngày", "km", "MW", "kV", "HS", "VSIC", "GSO", "CSV", "XLSX", "JSON", "API", "EPSG", "UTF-8",
    "OpenStreetMap", "Leaflet", "English", "Tiếng Việt", "thg",
}
# Pieces of text a page joins record data with.
SEPARATORS = re.compile(r"[\n·—–|,;:()\[\]{}«»\"'“”‘’/•›‹<>+=*…?!↔→]|\s-\s|\.\s|\.$")
NOT_WORDS = re.compile(r"https?://\S+|\S+@\S+|\b[\w.-]*\d[\w.-]*\b|%")
CODE = re.compile(r"[a-z_]+")
ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
INLINE = {"a", "abbr", "b", "bdi", "code", "em", "i", "kbd", "mark", "q", "s", "small", "span", "strong", "sub", "sup", "time", "u"}
HIDDEN = {"script", "style", "template"}


def _pseudo(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}"


@pytest.fixture(scope="session")
def pseudo_translations(tmp_path_factory) -> Path:
    """Compile the pseudo-translation of every message in messages.pot into a folder of its own."""
    with open(POT, "rb") as pot_file:
        template = read_po(pot_file)
    catalog = Catalog(locale="vi")
    for message in template:
        if message.id:
            string = (_pseudo(message.id[1]),) if message.pluralizable else _pseudo(message.id)
            catalog.add(message.id, string, flags=message.flags)
    folder = tmp_path_factory.mktemp("pseudo")
    (folder / "vi" / "LC_MESSAGES").mkdir(parents=True)
    with open(folder / "vi" / "LC_MESSAGES" / "messages.mo", "wb") as mo_file:
        write_mo(mo_file, catalog)
    return folder


@pytest.fixture
def pseudo(app, pseudo_translations, monkeypatch):
    """Serve the Vietnamese pages, and run commands, in the pseudo-translation."""
    babel = app.extensions["babel"]
    monkeypatch.setattr(babel, "translation_directories", [str(pseudo_translations)])
    monkeypatch.setenv("LANG", "vi_VN.UTF-8")
    _forget_translations(app)
    yield app
    monkeypatch.undo()
    _forget_translations(app)


def _forget_translations(app) -> None:
    """Flask-Babel keeps loaded catalogs per locale for the whole process, as the map does its words; pages are cached."""
    with app.app_context():
        app.extensions["babel"].instance.domain_instance.cache.clear()
    app.extensions["page_cache"].clear()
    builder._page_words.cache_clear()


class _VisibleText(HTMLParser):
    """Collect the text a reader sees, and the attributes a screen reader or a tooltip reads out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attributes: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self._hidden += 1
        if tag not in INLINE:
            self.text.append("\n")
        values = dict(attrs)
        self.attributes += [value for name, value in attrs if name in ATTRIBUTES and value]
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.attributes.append(values["value"])
        if tag == "meta" and values.get("name") == "description" and values.get("content"):
            self.attributes.append(values["content"])

    def handle_endtag(self, tag):
        if tag in HIDDEN and self._hidden:
            self._hidden -= 1
        if tag not in INLINE:
            self.text.append("\n")

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def _map_words(html: str) -> list[str]:
    """The words a map's script shows (tooltips, legend, search results), which the page hands it."""
    words = []
    for start in re.finditer(r"var registryMapConfig_\w+ = ", html):
        settings, _end = json.JSONDecoder().raw_decode(html, start.end())
        words += list(settings["labels"].values()) + [entry["label"] for entry in settings["legend"]]
    return words


def _outside_brackets(text: str) -> str:
    """Keep what lies outside every ⟦…⟧, so record data put into a message leaves nothing behind."""
    depth, kept = 0, []
    for char in text:
        if char == OPEN:
            depth += 1
            kept.append("\n")
        elif char == CLOSE and depth:
            depth -= 1
            kept.append("\n")
        elif not depth:
            kept.append(char)
    return "".join(kept)


def _pieces(text: str) -> list[str]:
    return [piece.strip() for piece in SEPARATORS.split(text) if piece and piece.strip()]


def _record_text(app) -> set[str]:
    """Every piece of text stored in the database: names, addresses and sources are data, not words of the site."""
    known: set[str] = set()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            # Codes kept in text columns (a status, "registration") are words the page must translate, so not data.
            columns = [c for c in table.columns if isinstance(c.type, (String, Text)) and not isinstance(c.type, Enum)]
            json_columns = [c for c in table.columns if c.type.__class__.__name__ == "JSON"]
            if not columns and not json_columns:
                continue
            for row in db.session.execute(db.select(*columns, *json_columns)):
                for value in row:
                    for text in _strings_in(value):
                        if not CODE.fullmatch(text):
                            known.add(text.strip())
                        known.update(_pieces(text))
    return known


def _crs_names() -> set[str]:
    """The EPSG registry's names of coordinate systems ("VN-2000 / UTM zone 48N") are names, as in every GIS."""
    return {piece for choice in maps.crs_choices() for piece in _pieces(choice.label)}


def _strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings_in(item)


def _untranslated(piece: str, known: set[str]) -> bool:
    """Whether a piece holds a word that is neither record data, nor a number or code, nor on the allowed list.

    A piece may join several values ("C Chất thải rắn": a code and a name), so it passes when its
    words split into runs that are each known.
    """
    words = piece.split()
    covered = [True] + [False] * len(words)
    for end in range(1, len(words) + 1):
        for start in range(end):
            run = " ".join(words[start:end])
            if covered[start] and (run in known or run in ALLOWED or not re.search(r"[^\W\d_]", NOT_WORDS.sub("", run))):
                covered[end] = True
                break
    return not covered[-1]


def leaks(app, pages: dict[str, str], data: str = "") -> list[tuple[str, str]]:
    """List (page, text) for every visible piece of text outside the pseudo-translation's brackets.

    `data` is text the pages may show as it is besides the database's: an uploaded file's cells.
    """
    known = _record_text(app) | set(_pieces(data)) | {line.strip() for line in data.splitlines()} | _crs_names()
    found = []
    for name, html in pages.items():
        parser = _VisibleText()
        parser.feed(html)
        texts = ["".join(parser.text), *parser.attributes, *_map_words(html)]
        for text in texts:
            for piece in _pieces(_outside_brackets(text)):
                if _untranslated(piece, known):
                    found.append((name, piece))
    return sorted(set(found))


def leaked_words(app, text: str, known: set[str] = frozenset()) -> list[str]:
    """List the pieces of a command's output or an API message left outside the brackets; `known` is more data."""
    known = _record_text(app) | set(known) | {piece for text in known for piece in _pieces(text)}
    return [piece for piece in _pieces(_outside_brackets(text)) if _untranslated(piece, known)]


def assert_translated(app, pages: dict[str, str], data: str = "") -> None:
    found = leaks(app, pages, data)
    assert not found, "text that escaped translation:\n" + "\n".join(f"{page}: {text}" for page, text in found)
