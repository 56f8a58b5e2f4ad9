"""A certificate's QR code: an SVG (segno) that opens its verification page, sized in millimetres for printing on a label."""
from __future__ import annotations

import io

import segno

LABEL_MM = 25  # the printed code's side; a phone reads a 25 mm code from about 25 cm


def qr_svg(address: str, title: str, side_mm: int = LABEL_MM) -> bytes:
    """The QR code of `address` as SVG, `side_mm` millimetres wide including its quiet zone."""
    code = segno.make(address, error="m")
    modules = code.symbol_size(scale=1, border=4)[0]
    out = io.BytesIO()
    code.save(out, kind="svg", scale=side_mm / modules, border=4, unit="mm", xmldecl=False, title=title, dark="#000", light="#fff")
    return out.getvalue()
