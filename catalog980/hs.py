"""HS-6 codes for environmental goods, and the APEC 2012 list that seeds them."""
from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

_SEPARATORS = re.compile(r"[\s;,|/]+")


def normalize_hs(code: str) -> str | None:
    """Return a six-digit HS subheading ("8421.21" gives "842121"), or None when it is not one."""
    digits = code.strip().replace(".", "").replace(" ", "")
    if len(digits) != 6 or not digits.isdigit() or not 1 <= int(digits[:2]) <= 97 or digits[:2] == "77":
        return None
    return digits


def split_hs(cell: str | None) -> list[str]:
    """Split a cell holding several HS codes separated by semicolons, commas or spaces."""
    return [part for part in _SEPARATORS.split(str(cell or "").strip()) if part]


@cache
def apec_2012() -> dict[str, dict]:
    """Return the APEC 2012 environmental goods by HS-6 code, with English descriptions."""
    text = resources.files("catalog980").joinpath("data/apec-2012.json").read_text(encoding="utf-8")
    return json.loads(text)["codes"]
