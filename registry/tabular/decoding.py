"""Decode text files: UTF-8 (with or without BOM), UTF-16 with a BOM, or a legacy code page such as Windows-1258."""
from __future__ import annotations

import codecs
import unicodedata

import charset_normalizer

# (byte-order mark, codec that drops it, the name we report)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)


class UndecodableText(ValueError):
    """The bytes are not text in any encoding we could recognise."""


def decode_text(data: bytes) -> tuple[str, str]:
    """Return the text in NFC and the name of the encoding it was read with."""
    text, encoding = _decode(data)
    # Windows-1258 writes tone marks as separate combining characters; matching expects them composed.
    return unicodedata.normalize("NFC", text), encoding


def _decode(data: bytes) -> tuple[str, str]:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), name
            except UnicodeDecodeError:
                raise UndecodableText(name) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = charset_normalizer.from_bytes(data).best()
    if guess is None:
        raise UndecodableText("unknown")
    return str(guess), guess.encoding
