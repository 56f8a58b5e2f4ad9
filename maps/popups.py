"""Popup and tooltip HTML built from user text that stays inert in HTML and in JavaScript templates.

Prefer building popups in the browser with textContent. folium's own Popup also calls jQuery's
`$()`, which build_map does not load.
"""
from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

# folium's Popup(parse_html=True) puts its HTML inside a JavaScript template literal, where
# `${...}` runs, a backtick ends the literal and a backslash escapes the next character.
_TEMPLATE_LITERAL = str.maketrans({"$": "&#36;", "`": "&#96;", "\\": "&#92;"})


def inert_text(value: object) -> str:
    """Escape a value for HTML and neutralise `$`, backtick and backslash."""
    text = "" if value is None else str(value)
    return html.escape(text, quote=True).translate(_TEMPLATE_LITERAL)


def safe_popup_html(fields: Mapping[str, object] | Iterable[tuple[str, object]]) -> str:
    """Return a <dl> of label/value pairs safe for Leaflet's bindPopup or folium's Popup and Tooltip.

    Pass it to folium.Popup with the default parse_html=False: it is HTML already, and
    parse_html=True would escape it a second time.
    """
    pairs = fields.items() if isinstance(fields, Mapping) else fields
    rows = "".join(f"<dt>{inert_text(label)}</dt><dd>{inert_text(value)}</dd>" for label, value in pairs)
    return f'<dl class="map-popup">{rows}</dl>'
