"""Vietnamese first, English second: choose the locale and format numbers, dates and areas."""
from __future__ import annotations

import contextlib
import functools
import os
import re
import threading
from datetime import datetime

from babel.dates import format_time as babel_format_time
from babel.numbers import NumberPattern, parse_pattern
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import force_locale, format_date, format_datetime, format_decimal, get_locale, get_translations
from jinja2 import BaseLoader, pass_eval_context
from markupsafe import Markup

from . import confidence
from .extensions import babel
from .links import link


def select_locale() -> str:
    """Use the language chosen with the switch (copied from the account at sign-in), else Vietnamese.

    API calls without a chosen language follow their Accept-Language header.

    The signed-in user is not consulted here: loading it may itself need a translated message.
    """
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return command_line_locale(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in languages:
        return chosen
    if request.path.startswith("/api/"):
        # Scripts have no language switch: the API answers in the language they ask for.
        return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def command_line_locale(languages) -> str | None:
    """Read the language of a command from the environment (LC_ALL, LC_MESSAGES, LANG), as other tools do."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            language = value.split("_")[0].split(".")[0].lower()
            return language if language in languages else None
    return None


def locale_code() -> str:
    """The request's language code ("vi", "en"), worked out once per request like Flask-Babel's locale itself."""
    try:
        return g.registry_locale_code
    except AttributeError:
        g.registry_locale_code = code = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
        return code


_PER_REQUEST = ("registry_catalog", "registry_locale_code")


@contextlib.contextmanager
def in_language(code: str):
    """Write in another language for a while (an e-mail in its recipient's), then go back to the request's."""
    saved = {name: g.pop(name) for name in _PER_REQUEST if name in g}
    try:
        with force_locale(code):
            yield
    finally:
        for name in _PER_REQUEST:
            g.pop(name, None)
        for name, value in saved.items():
            setattr(g, name, value)


def _catalog():
    """The request's translations, found once per request.

    Flask-Babel looks the catalog up again for each string, which was half the time a page of
    fifty strings spent rendering. Its locale is fixed for the request too (kept in `g`), so
    keeping the catalog beside it changes nothing else.
    """
    try:
        return g.registry_catalog
    except AttributeError:
        g.registry_catalog = catalog = get_translations()
        return catalog


@pass_eval_context
def _template_gettext(eval_context, string: str, **variables) -> str:
    """`_()` in templates: what Jinja's newstyle gettext does, in one call instead of three.

    Jinja's `_` looks `gettext` up and calls it through the context, which copies the whole
    context for each string once a block has set a variable; a profile page spent a third of
    its rendering there. A string without variables is translated and made markup once per
    catalog (kept on the catalog object, which a change of translations replaces).
    """
    catalog = _catalog()
    if variables or not eval_context.autoescape:
        text = catalog.ugettext(string)
        return (Markup(text) if eval_context.autoescape else text) % variables
    try:
        known = catalog.registry_markup
    except AttributeError:
        known = catalog.registry_markup = {}
    try:
        return known[string]
    except KeyError:
        known[string] = text = Markup(catalog.ugettext(string)) % {}
        return text


# Kept layout parts per process: a few per language (menus by section and role, the footer).
KEPT_PARTS = 1024


def kept_part(*key, caller) -> Markup:
    """Render the enclosed part of a template once per language and `key`, and keep it for the process.

    `{% call kept_part("menu", section) %}…{% endcall %}` in the layout: for parts that depend on
    the language and on `key` alone (the menu of a section, the footer), which every page
    rendered again with a dozen translations and links. The translations object (replaced when
    the translations change) and the application's root path are part of the key.
    """
    parts = current_app.extensions.setdefault("registry_layout_parts", {})
    full = (_catalog(), request.script_root, key)
    part = parts.get(full)
    if part is None:
        if len(parts) >= KEPT_PARTS:
            parts.clear()
        part = parts[full] = Markup(caller())
    return part


# `{{ _('Some words') }}` as a whole expression: a fixed label, the same on every page in one language.
_FIXED_WORDS = re.compile(r"""\{\{ _\((?:'([^'\\]*)'|"([^"\\]*)")\) \}\}""")
_WORDS_PREFIX = "in-words:"
# The catalogs templates were compiled for, by token: Flask-Babel shares one catalog between the apps of a process.
_WORD_CATALOGS: dict = {}
_WORD_CATALOGS_LOCK = threading.Lock()


def with_words_written_in(name: str) -> str:
    """The name of template `name` with its fixed labels written in as text in the request's language.

    `render_template(with_words_written_in("enterprises/detail.html"), ...)` renders what the
    template renders, but each `{{ _('…') }}` without variables is translated once, when the
    template is compiled for that catalog, instead of called on every page: on a profile page
    those forty calls and their escaping were a fifth of the rendering. Templates it includes
    or extends are loaded as they are. The catalog (replaced when the translations change)
    is part of the name.
    """
    catalog = _catalog()
    try:
        token = catalog.registry_words_token
    except AttributeError:
        with _WORD_CATALOGS_LOCK:
            token = getattr(catalog, "registry_words_token", None) or f"{locale_code()}-{len(_WORD_CATALOGS)}"
            _WORD_CATALOGS[token] = catalog
            catalog.registry_words_token = token
    return f"{_WORDS_PREFIX}{token}/{name}"


class WordsWrittenIn(BaseLoader):
    """The app's template loader, which also gives the templates named by `with_words_written_in`."""

    def __init__(self, loader: BaseLoader) -> None:
        self.loader = loader

    def get_source(self, environment, template):
        if not template.startswith(_WORDS_PREFIX):
            return self.loader.get_source(environment, template)
        token, name = template[len(_WORDS_PREFIX):].split("/", 1)
        source, filename, uptodate = self.loader.get_source(environment, name)
        translate = _WORD_CATALOGS[token].ugettext  # a name the message extractor does not read as a message

        def written(match: re.Match) -> str:
            text = str(Markup(translate(match.group(1) or match.group(2) or "")) % {})
            return match.group(0) if "{" in text else text  # what would read as template syntax stays a call

        return _FIXED_WORDS.sub(written, source), filename, uptodate

    def list_templates(self):
        return self.loader.list_templates()


@functools.cache
def number_format(pattern: str) -> NumberPattern:
    """A number format such as "#,##0.##", parsed once: Babel parses the text of a format on every call, which
    costs twice the formatting itself (format_decimal and format_percent take the parsed one as well)."""
    return parse_pattern(pattern)


def decimal(value, pattern: str, locale=None) -> str:
    """`format_decimal(value, format=pattern)` with the format parsed once; `locale`, the request's Babel locale
    when the caller holds it, saves looking it up."""
    if locale is None:
        return format_decimal(value, format=number_format(pattern))
    return number_format(pattern).apply(value, locale)


def hectares(value, locale=None) -> str:
    """Format an area in hectares for the current locale (or `locale`): “1.234,5 ha” in Vietnamese."""
    if value is None:
        return "—"
    return f"{decimal(value, '#,##0.##', locale)} ha"


def kilometres(value, locale=None) -> str:
    """Format a distance for the current locale (or `locale`): “13,7 km” in Vietnamese, metres below a kilometre (“350 m”)."""
    if value is None:
        return "—"
    if value < 1:
        return f"{decimal(round(value * 1000), '#,##0', locale)} m"
    return f"{decimal(value, '#,##0.#', locale)} km"


def coordinate(value) -> str:
    """Format a latitude or longitude in decimal degrees for the current locale, to about a metre: “15,29821”."""
    return "—" if value is None else format_decimal(value, format="#,##0.00000")


def clock(value) -> str:
    """The wall-clock time of a time or a naive datetime (an event's local hours), in the locale's short form: 08:30 or
    8:30 AM. Never moved to another time zone, as Flask-Babel's `format_time` would."""
    if value is None:
        return "—"
    return babel_format_time(value.time() if isinstance(value, datetime) else value, "short", locale=get_locale())


def install(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    app.jinja_env.filters.update(
        number=lambda v: "—" if v is None else format_decimal(v),
        hectares=hectares,
        kilometres=kilometres,
        coordinate=coordinate,
        date=lambda v: "—" if v is None else format_date(v, "medium"),
        datetime=lambda v: "—" if v is None else format_datetime(v, "medium"),
        clock=clock,
    )
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _catalog().ugettext(s),
        ngettext=lambda s, p, n: _catalog().ungettext(s, p, n),
        pgettext=lambda c, s: _catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalog().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals["_"] = _template_gettext
    app.jinja_env.loader = WordsWrittenIn(app.jinja_env.loader)
    app.jinja_env.globals.update(locale_code=locale_code, kept_part=kept_part, link=link,
                                  confidence_label=confidence.label, confidence_unverified=confidence.is_unverified)
