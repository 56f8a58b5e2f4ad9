"""Popup text from users stays text: no markup, no template-literal code."""
from __future__ import annotations

import folium
import pytest

from maps.popups import inert_text, safe_popup_html

ATTACKS = [
    "<img src=x onerror=alert(1)>",
    "${alert(1)}",
    "`;alert(1);`",
    "</script><script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "trailing backslash \\",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_user_text_has_no_markup_or_template_syntax_left(attack):
    text = inert_text(attack)

    for dangerous in ("<", ">", '"', "'", "`", "$", "\\"):
        assert dangerous not in text


def test_the_image_attack_comes_out_as_visible_text():
    assert inert_text("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert inert_text("${alert(1)}") == "&#36;{alert(1)}"


def test_vietnamese_names_are_left_as_they_are():
    assert inert_text("Khu công nghiệp Đình Vũ – Hải Phòng") == "Khu công nghiệp Đình Vũ – Hải Phòng"


def test_a_popup_lists_labels_and_values():
    popup = safe_popup_html({"Tên": "KCN Tịnh Phong", "Diện tích (ha)": 141.72, "Ghi chú": None})

    assert popup == (
        '<dl class="map-popup"><dt>Tên</dt><dd>KCN Tịnh Phong</dd>'
        "<dt>Diện tích (ha)</dt><dd>141.72</dd><dt>Ghi chú</dt><dd></dd></dl>"
    )


def test_labels_are_escaped_too():
    popup = safe_popup_html([("<b>${x}</b>", "ok")])

    assert "<b>" not in popup and "${" not in popup


@pytest.mark.parametrize("parse_html", [False, True])
@pytest.mark.parametrize("attack", ATTACKS)
def test_folium_popups_and_tooltips_render_the_attack_inert(attack, parse_html):
    # Both ways folium writes the popup inside a JavaScript template literal.
    m = folium.Map(tiles=None)
    marker = folium.Marker([21.03, 105.85])
    folium.Popup(safe_popup_html({"Tên": attack}), parse_html=parse_html).add_to(marker)
    folium.Tooltip(safe_popup_html({"Tên": attack})).add_to(marker)
    marker.add_to(m)

    script = m.get_root().render()

    assert inert_text(attack) in script  # the text is shown, as text
    assert "<img" not in script and "${alert" not in script and "`;alert" not in script
    assert "<script>alert" not in script and "onmouseover=\"alert" not in script
